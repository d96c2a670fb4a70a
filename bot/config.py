"""Plume configuration: the YAML file of DESIGN §3.2, validated at start-up.

Each layer owns its sections (``redaction.config``, ``drafting.config``, ``storage.config``,
``handlers.config``); ``Config`` composes them with the ``matrix`` section of the transport.
Secrets never live in the file; they are read from the environment with ``secret``:
``PLUME_MATRIX_PASSWORD`` or ``PLUME_MATRIX_ACCESS_TOKEN``, ``ANTHROPIC_API_KEY``,
``PLUME_LLM_API_KEY`` (OpenAI-compatible backends) and ``PLUME_AUDIT_KEY`` (audit HMAC).
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from typing import Literal

from pydantic import Field, ValidationError

from common.config import ConfigError, Section, secret
from drafting.config import LLMConfig
from handlers.config import (AccessConfig, SecurityConfig, SummaryConfig, TeamConfig,
                             ValidatedAnswersConfig)
from redaction.config import RedactionConfig
from storage.config import StorageConfig

__all__ = ["AccessConfig", "Config", "ConfigError", "LLMConfig", "LoggingConfig", "MatrixConfig",
           "MetricsConfig", "RedactionConfig", "SecurityConfig", "StorageConfig", "SummaryConfig",
           "TeamConfig", "load_config", "parse_config", "secret"]


class MatrixConfig(Section):
    homeserver: str
    user_id: str = Field(pattern=r"^@[^:]+:.+$")
    device_name: str = "plume"
    store_path: Path = Path("./data/store")
    # Ignored since LLM calls have their own limit (llm.max_concurrency); still accepted, so
    # that older configuration files stay valid.
    max_concurrent_questions: int | None = Field(default=None, ge=1, le=64)
    undecryptable_wait_s: float = Field(default=30.0, ge=0)


class LoggingConfig(Section):
    format: Literal["console", "json"] = "console"
    level: Literal["debug", "info", "warning", "error"] = "info"


class MetricsConfig(Section):
    """The local operations endpoint (``/metrics``, ``/health``); off while ``port`` is None.
    Port 0 lets the OS pick a free port (tests)."""

    port: int | None = Field(default=None, ge=0, le=65535)
    host: str = "127.0.0.1"
    health_max_sync_age_s: float = Field(default=90, gt=0)


class Config(Section):
    """The whole file; satisfies ``handlers.config.HandlersConfig``."""

    matrix: MatrixConfig
    access: AccessConfig = AccessConfig()
    llm: LLMConfig = LLMConfig()
    redaction: RedactionConfig = RedactionConfig()
    storage: StorageConfig = StorageConfig()
    teams: list[TeamConfig] = []
    summary: SummaryConfig = SummaryConfig()
    security: SecurityConfig = SecurityConfig()
    validated_answers: ValidatedAnswersConfig = ValidatedAnswersConfig()
    logging: LoggingConfig = LoggingConfig()
    metrics: MetricsConfig = MetricsConfig()

    def team_of(self, user_id: str) -> TeamConfig | None:
        """The first team listing ``user_id`` as an agent, or None."""
        return next((t for t in self.teams if user_id in t.agents), None)

    def team_named(self, name: str) -> TeamConfig | None:
        return next((t for t in self.teams if t.name == name), None)

    @property
    def staff_rooms(self) -> list[str]:
        """The lead rooms and the security room: the bot joins them at start-up."""
        rooms = [t.lead_room for t in self.teams if t.lead_room]
        return rooms + ([self.security.room] if self.security.room else [])


def _one_line(text: str) -> str:
    return " ".join(text.split())


def parse_config(data: dict) -> Config:
    """Validate a parsed YAML mapping. Raises ConfigError naming the first bad field, one line."""
    try:
        return Config.model_validate(data or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(root)"
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(_one_line(f"{field}: {message}")) from None


def load_config(path: str | os.PathLike) -> Config:
    """Read and validate the YAML file at ``path``. Raises ConfigError."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ConfigError(_one_line(f"{path}: invalid YAML{where}: {problem}")) from None
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping")
    return parse_config(data)
