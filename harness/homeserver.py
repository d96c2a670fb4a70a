"""A real Synapse homeserver on loopback, for ``plume demo`` and the test-suite.

``EmbeddedSynapse`` writes a minimal configuration (SQLite, or PostgreSQL on request; one
plain-HTTP client listener on 127.0.0.1, no federation, rate limits lifted, shared-secret
registration) into a work directory,
runs ``python -m synapse.app.homeserver`` as a child process and registers users through the
shared-secret admin API (https://element-hq.github.io/synapse/latest/admin_api/register_api.html).

    async with EmbeddedSynapse(tmp_path / "hs") as hs:
        user_id = await hs.register("agent", "secret")
        ... hs.url ...

Needs the ``matrix-synapse`` package (extra ``demo`` or ``dev``); ``database="postgres"`` also
needs ``psycopg2`` (same extras) and a PostgreSQL server (see ``POSTGRES_ADMIN``).
"""

from __future__ import annotations

import asyncio
import ctypes
import hashlib
import hmac
import logging
import secrets
import signal
import socket
import sys
import time
from pathlib import Path

import aiohttp
import psycopg
import yaml
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

log = logging.getLogger(__name__)

# Rate limits high enough never to bite a test or the demo.
_UNLIMITED = {"per_second": 10_000, "burst_count": 100_000}
_RATE_LIMITS = {
    "rc_message": _UNLIMITED,
    "rc_registration": _UNLIMITED,
    "rc_registration_token_validity": _UNLIMITED,
    "rc_login": {"address": _UNLIMITED, "account": _UNLIMITED, "failed_attempts": _UNLIMITED},
    "rc_admin_redaction": _UNLIMITED,
    "rc_joins": {"local": _UNLIMITED, "remote": _UNLIMITED},
    "rc_joins_per_room": _UNLIMITED,
    "rc_key_requests": _UNLIMITED,
    "rc_3pid_validation": _UNLIMITED,
    "rc_invites": {"per_room": _UNLIMITED, "per_user": _UNLIMITED, "per_issuer": _UNLIMITED},
    "rc_third_party_invite": _UNLIMITED,
    "rc_media_create": _UNLIMITED,
    "rc_presence": {"per_user": _UNLIMITED},
    "rc_delayed_event_mgmt": _UNLIMITED,
    "rc_room_creation": _UNLIMITED,
    "rc_reports": _UNLIMITED,
    "rc_user_directory": _UNLIMITED,
    "rc_profile": _UNLIMITED,
}


# Where ``database="postgres"`` creates its database: libpq conninfo of a maintenance database.
POSTGRES_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def _pg_admin(admin: str, statement: sql.Composable) -> None:
    with psycopg.connect(admin, connect_timeout=10, autocommit=True) as conn:
        conn.execute(statement)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: have the kernel send SIGTERM to Synapse if the process that started it dies, so a
    killed test run or demo never leaves a homeserver behind."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HomeserverError(RuntimeError):
    """Synapse failed to start, died, or refused an admin request."""


class EmbeddedSynapse:
    """One Synapse process bound to 127.0.0.1, configured in ``workdir``.

    Args:
        workdir: directory for homeserver.yaml, the signing key, the SQLite database
            (homeserver.db), the media store and the log (homeserver.log). Created if missing;
            kept after ``stop()`` (the caller owns it).
        server_name: the Matrix server name (user ids are ``@localpart:server_name``).
        port: client listener port; a free one is picked when None.
        start_timeout: seconds to wait for the client API to answer before giving up.
        database: ``"sqlite"`` (``workdir/homeserver.db``, one connection: Synapse's setting for
            SQLite) or ``"postgres"``: a fresh database named ``plume_synapse_<random>`` on the
            server at ``postgres_admin`` (created UTF8 with C collation, as Synapse requires),
            created by ``start()`` and dropped by ``stop()``.
        postgres_admin: libpq conninfo of that server's maintenance database; Synapse connects
            with the same host, port and user.

    Raises:
        ValueError: ``database`` is neither ``"sqlite"`` nor ``"postgres"``.
    """

    def __init__(self, workdir: Path, server_name: str = "plume.localhost", port: int | None = None,
                 start_timeout: float = 90.0, database: str = "sqlite",
                 postgres_admin: str = POSTGRES_ADMIN) -> None:
        if database not in ("sqlite", "postgres"):
            raise ValueError(f"database must be 'sqlite' or 'postgres', not {database!r}")
        self.database = database
        self.postgres_admin = postgres_admin
        self.postgres_name = f"plume_synapse_{secrets.token_hex(6)}" if database == "postgres" else None
        self._postgres_created = False
        self.workdir = Path(workdir)
        self.server_name = server_name
        self.port = port or _free_port()
        self.start_timeout = start_timeout
        self.startup_seconds: float | None = None  # measured by start()
        self._shared_secret = secrets.token_urlsafe(32)
        self._process: asyncio.subprocess.Process | None = None
        self._http: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        """Base URL of the client-server API, e.g. ``http://127.0.0.1:38211``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """Process id of the running Synapse, None when stopped."""
        return self._process.pid if self._process is not None else None

    @property
    def config_path(self) -> Path:
        return self.workdir / "homeserver.yaml"

    @property
    def log_path(self) -> Path:
        return self.workdir / "homeserver.log"

    # -- configuration -------------------------------------------------------------------

    def write_config(self) -> Path:
        """Write homeserver.yaml, the log config and a signing key into ``workdir``; return the
        config path. Called by ``start()``; an existing signing key and database are reused."""
        from signedjson.key import generate_signing_key, write_signing_keys

        wd = self.workdir
        (wd / "media_store").mkdir(parents=True, exist_ok=True)
        key_path = wd / "signing.key"
        if not key_path.exists():
            with key_path.open("w") as fh:
                write_signing_keys(fh, [generate_signing_key("a_" + secrets.token_hex(2))])
        log_config = {
            "version": 1,
            "formatters": {"precise": {"format": "%(asctime)s - %(name)s - %(lineno)d - "
                                                 "%(levelname)s - %(request)s - %(message)s"}},
            "handlers": {"file": {"class": "logging.FileHandler", "formatter": "precise",
                                  "filename": str(self.log_path), "encoding": "utf8"}},
            "root": {"level": "WARNING", "handlers": ["file"]},
            "disable_existing_loggers": False,
        }
        (wd / "log.config").write_text(yaml.safe_dump(log_config))
        config = {
            "server_name": self.server_name,
            "public_baseurl": self.url + "/",
            "pid_file": str(wd / "homeserver.pid"),
            "signing_key_path": str(key_path),
            "log_config": str(wd / "log.config"),
            "media_store_path": str(wd / "media_store"),
            "database": self._database_config(),
            "listeners": [{
                "port": self.port, "bind_addresses": ["127.0.0.1"], "type": "http",
                "tls": False, "x_forwarded": False,
                "resources": [{"names": ["client"], "compress": False}],
            }],
            "registration_shared_secret": self._shared_secret,
            "enable_registration": False,
            "bcrypt_rounds": 4,  # throw-away accounts: cheap password hashing, fast login
            "macaroon_secret_key": secrets.token_urlsafe(32),
            "form_secret": secrets.token_urlsafe(32),
            "report_stats": False,
            "enable_metrics": False,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "federation_domain_whitelist": [],
            "presence": {"enabled": False},
            "url_preview_enabled": False,
            "serve_server_wellknown": False,
            "max_upload_size": "50M",
            **_RATE_LIMITS,
        }
        self.config_path.write_text(yaml.safe_dump(config, sort_keys=False))
        return self.config_path

    def _database_config(self) -> dict:
        """The ``database`` section (https://element-hq.github.io/synapse/latest/postgres.html):
        psycopg2 gets the admin conninfo's host, port and user, the pool size of Synapse's
        example configuration (5 to 10 connections)."""
        if self.database == "sqlite":
            return {"name": "sqlite3", "args": {"database": str(self.workdir / "homeserver.db")}}
        params = conninfo_to_dict(self.postgres_admin)
        args = {k: params[k] for k in ("host", "port", "user", "password") if k in params}
        return {"name": "psycopg2", "args": {**args, "dbname": self.postgres_name,
                                             "cp_min": 5, "cp_max": 10}}

    def _create_postgres(self) -> None:
        if self.database == "postgres" and not self._postgres_created:
            _pg_admin(self.postgres_admin, sql.SQL(
                "CREATE DATABASE {} ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
            ).format(sql.Identifier(self.postgres_name)))
            self._postgres_created = True

    def _drop_postgres(self) -> None:
        if self._postgres_created:
            _pg_admin(self.postgres_admin, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                      .format(sql.Identifier(self.postgres_name)))
            self._postgres_created = False

    # -- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Write the configuration, start Synapse and wait until ``/_matrix/client/versions``
        answers. Sets ``startup_seconds``.

        Raises:
            HomeserverError: the process exited or did not answer within ``start_timeout``
                seconds (the message carries the tail of the log), or the PostgreSQL database
                could not be created.
        """
        if self._process is not None:
            raise HomeserverError("homeserver already started")
        began = time.monotonic()
        self.write_config()
        try:
            await asyncio.to_thread(self._create_postgres)
        except psycopg.Error as exc:
            raise HomeserverError(f"cannot create the homeserver's PostgreSQL database: {exc}") from exc
        out = (self.workdir / "homeserver.stdout").open("ab")
        try:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "synapse.app.homeserver", "-c", str(self.config_path),
                cwd=self.workdir, stdin=asyncio.subprocess.DEVNULL, stdout=out, stderr=out,
                start_new_session=True,  # a Ctrl-C in the demo's terminal reaches us, not Synapse
                preexec_fn=_die_with_parent,
            )
        finally:
            out.close()
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        try:
            await self._wait_ready(began + self.start_timeout)
        except BaseException:
            await self.stop()
            raise
        self.startup_seconds = time.monotonic() - began
        log.info("synapse started", extra={"port": self.port, "seconds": round(self.startup_seconds, 2)})

    async def _wait_ready(self, deadline: float) -> None:
        assert self._process is not None and self._http is not None
        while True:
            if self._process.returncode is not None:
                raise HomeserverError(f"synapse exited with code {self._process.returncode}\n"
                                      + self.log_tail())
            try:
                async with self._http.get(self.url + "/_matrix/client/versions",
                                          timeout=aiohttp.ClientTimeout(total=2)) as resp:
                    if resp.status == 200:
                        return
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise HomeserverError(f"synapse did not answer on {self.url} within "
                                      f"{self.start_timeout:.0f} s\n" + self.log_tail())
            await asyncio.sleep(0.1)

    async def stop(self, grace: float = 10.0, keep_database: bool = False) -> None:
        """Stop Synapse (SIGTERM, then SIGKILL after ``grace`` seconds) and close the HTTP
        session. Safe to call twice. The work directory is left in place; the PostgreSQL
        database is dropped unless ``keep_database`` (a restart that keeps the server's state;
        the SQLite file always stays)."""
        proc, self._process = self._process, None
        if proc is not None and proc.returncode is None:
            try:
                proc.send_signal(signal.SIGTERM)
                await asyncio.wait_for(proc.wait(), grace)
            except asyncio.TimeoutError:
                proc.kill()
                await proc.wait()
            except ProcessLookupError:
                pass
        if self._http is not None:
            await self._http.close()
            self._http = None
        if not keep_database:
            await asyncio.to_thread(self._drop_postgres)

    async def __aenter__(self) -> EmbeddedSynapse:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of Synapse's log and captured stdout/stderr."""
        parts = []
        for path in (self.log_path, self.workdir / "homeserver.stdout"):
            if path.exists():
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path.name} ---\n" + "\n".join(text))
        return "\n".join(parts) or "(no log)"

    # -- admin ---------------------------------------------------------------------------

    async def register(self, localpart: str, password: str, admin: bool = False) -> str:
        """Create a user with the shared-secret registration API; return its user id
        (``@localpart:server_name``).

        Raises:
            HomeserverError: the server refused (e.g. the user exists: HTTP 400 M_USER_IN_USE).
        """
        if self._http is None:
            raise HomeserverError("homeserver not started")
        endpoint = self.url + "/_synapse/admin/v1/register"
        async with self._http.get(endpoint) as resp:
            nonce = (await resp.json())["nonce"]
        mac = hmac.new(self._shared_secret.encode(), digestmod=hashlib.sha1)
        for part in (nonce, localpart, password, "admin" if admin else "notadmin"):
            if part != nonce:
                mac.update(b"\x00")
            mac.update(part.encode())
        body = {"nonce": nonce, "username": localpart, "password": password, "admin": admin,
                "mac": mac.hexdigest()}
        async with self._http.post(endpoint, json=body) as resp:
            data = await resp.json()
            if resp.status != 200:
                raise HomeserverError(f"register {localpart!r}: HTTP {resp.status} "
                                      f"{data.get('errcode')} {data.get('error')}")
        return data["user_id"]


__all__ = ["POSTGRES_ADMIN", "EmbeddedSynapse", "HomeserverError"]
