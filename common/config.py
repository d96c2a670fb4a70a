"""Configuration building blocks shared by every layer (DESIGN §3.2).

Each layer owns the sections it reads (``redaction.config``, ``drafting.config``,
``storage.config``, ``handlers.config``, ``bot.config``); ``bot.config.Config`` composes them into
the YAML file's shape. Services raise ``ConfigError`` from here.
"""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict


class ConfigError(Exception):
    """A configuration problem; the message names the offending field, on one line."""


class Section(BaseModel):
    """A configuration section: unknown keys are refused (a typo must not pass silently)."""

    model_config = ConfigDict(extra="forbid")


def secret(name: str) -> str | None:
    """A secret from the environment variable ``name`` (empty counts as unset)."""
    return os.environ.get(name) or None


class MissingSecret(ConfigError):
    """The configuration needs the environment variable ``variable`` (for ``field``), unset."""

    def __init__(self, field: str, variable: str) -> None:
        super().__init__(f"{field}: needs the environment variable {variable}")
        self.field = field
        self.variable = variable
