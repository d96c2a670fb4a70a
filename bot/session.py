"""The bot's Matrix session: one device, logged in once, its token saved under ``store_path``.

The password (``PLUME_MATRIX_PASSWORD``) is used once; the device id and access token are then
saved in ``<matrix.store_path>/credentials.json`` (mode 0600) and reused. An access token
(``PLUME_MATRIX_ACCESS_TOKEN``) may be given instead. Never logs out: that would destroy the device
and its E2EE keys.
"""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

from aiohttp import ClientConnectionError
from nio import AsyncClient, WhoamiResponse

from bot.config import MatrixConfig, secret

NO_CREDENTIALS = "définissez PLUME_MATRIX_PASSWORD ou PLUME_MATRIX_ACCESS_TOKEN"


def credentials_file(matrix: MatrixConfig) -> Path:
    return Path(matrix.store_path) / "credentials.json"


def check_credentials(matrix: MatrixConfig) -> None:
    """Raise RuntimeError unless a saved device, a token or a password is available."""
    if not (credentials_file(matrix).exists() or secret("PLUME_MATRIX_ACCESS_TOKEN")
            or secret("PLUME_MATRIX_PASSWORD")):
        raise RuntimeError(NO_CREDENTIALS)


async def login(nio: AsyncClient, matrix: MatrixConfig) -> None:
    """Reuse the saved device and token, or log in once with the token or the password.

    Raises RuntimeError with a French reason when no credentials work.
    """
    creds = _read_credentials(matrix)
    token = secret("PLUME_MATRIX_ACCESS_TOKEN")
    if creds:
        nio.restore_login(creds["user_id"], creds["device_id"], creds["access_token"])
        return
    if token:
        nio.access_token = token
        who = await nio.whoami()
        if not isinstance(who, WhoamiResponse) or not who.device_id:
            raise RuntimeError(f"jeton d'accès Matrix refusé par le serveur : {who}")
        nio.restore_login(who.user_id, who.device_id, token)
    else:
        password = secret("PLUME_MATRIX_PASSWORD")
        if not password:
            raise RuntimeError(NO_CREDENTIALS)
        try:
            resp = await nio.login(password, device_name=matrix.device_name)
        except (ClientConnectionError, asyncio.TimeoutError, TimeoutError) as exc:
            raise RuntimeError(f"serveur Matrix injoignable : {exc}") from None
        if not getattr(resp, "access_token", None):
            raise RuntimeError(f"connexion Matrix refusée : {getattr(resp, 'message', resp)}")
    _write_credentials(matrix, nio)


def _read_credentials(matrix: MatrixConfig) -> dict | None:
    try:
        data = json.loads(credentials_file(matrix).read_text())
    except (OSError, ValueError):
        return None
    return data if data.get("user_id") == matrix.user_id else None


def _write_credentials(matrix: MatrixConfig, nio: AsyncClient) -> None:
    fd = os.open(credentials_file(matrix), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"user_id": nio.user_id, "device_id": nio.device_id,
                   "access_token": nio.access_token}, fh)
