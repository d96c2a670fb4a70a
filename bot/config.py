"""Plume configuration: the YAML file of DESIGN §3.2, validated at start-up.

Secrets never live in the file; they are read from the environment:
``PLUME_MATRIX_PASSWORD`` or ``PLUME_MATRIX_ACCESS_TOKEN``, ``ANTHROPIC_API_KEY``,
``PLUME_LLM_API_KEY`` (OpenAI-compatible backends) and ``PLUME_AUDIT_KEY`` (audit HMAC).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class ConfigError(Exception):
    """A configuration problem; the message names the offending field."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MatrixConfig(_Section):
    homeserver: str
    user_id: str = Field(pattern=r"^@[^:]+:.+$")
    device_name: str = "plume"
    store_path: Path = Path("./data/store")
    max_concurrent_questions: int = Field(default=4, ge=1, le=64)
    undecryptable_wait_s: float = Field(default=30.0, ge=0)


class AccessConfig(_Section):
    allowed_homeservers: list[str] = []
    allowed_users: list[str] = []


class LLMConfig(_Section):
    backend: Literal["anthropic", "openai", "offline"] = "anthropic"
    model: str = "claude-sonnet-4-5"
    base_url: str | None = None
    timeout_s: float = Field(default=60, gt=0)
    max_output_tokens: int = Field(default=1200, ge=1)
    max_retries: int = Field(default=2, ge=0, le=10)


class RedactionConfig(_Section):
    language: Literal["fr"] = "fr"
    spacy_model: str = "fr_core_news_md"
    entities: Literal["default"] | list[str] = "default"
    max_question_chars: int = Field(default=8000, ge=100)

    @field_validator("entities")
    @classmethod
    def _known_entities(cls, value: str | list[str]) -> str | list[str]:
        from redaction.entity_types import ALL_ENTITIES  # names only: no Presidio import

        unknown = [] if value == "default" else [e for e in value if e not in ALL_ENTITIES]
        if unknown:
            raise ValueError(f"unknown entity type {unknown[0]!r} (known: {', '.join(ALL_ENTITIES)})")
        return value


class StorageConfig(_Section):
    url: str = "sqlite:///./data/plume.db"
    retention_days: int = Field(default=365, ge=1)

    @field_validator("url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return check_database_url(value)


class TeamConfig(_Section):
    name: str
    lead_room: str | None = None
    leads: list[str] = []
    agents: list[str] = []
    per_agent_stats: bool = False


class SummaryConfig(_Section):
    time: str = Field(default="18:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    timezone: str = "Europe/Paris"
    catch_up_hours: float = Field(default=6, ge=0)
    post_when_idle: bool = True

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class SecurityConfig(_Section):
    room: str | None = None
    users: list[str] = []
    witness_time: str = Field(default="23:55", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")


class LoggingConfig(_Section):
    format: Literal["console", "json"] = "console"
    level: Literal["debug", "info", "warning", "error"] = "info"


class MetricsConfig(_Section):
    """The local operations endpoint (``/metrics``, ``/health``); off while ``port`` is None.
    Port 0 lets the OS pick a free port (tests)."""

    port: int | None = Field(default=None, ge=0, le=65535)
    host: str = "127.0.0.1"
    health_max_sync_age_s: float = Field(default=90, gt=0)


class Config(_Section):
    matrix: MatrixConfig
    access: AccessConfig = AccessConfig()
    llm: LLMConfig = LLMConfig()
    redaction: RedactionConfig = RedactionConfig()
    storage: StorageConfig = StorageConfig()
    teams: list[TeamConfig] = []
    summary: SummaryConfig = SummaryConfig()
    security: SecurityConfig = SecurityConfig()
    logging: LoggingConfig = LoggingConfig()
    metrics: MetricsConfig = MetricsConfig()

    def team_of(self, user_id: str) -> TeamConfig | None:
        """The first team listing ``user_id`` as an agent, or None."""
        return next((t for t in self.teams if user_id in t.agents), None)

    def team_named(self, name: str) -> TeamConfig | None:
        return next((t for t in self.teams if t.name == name), None)


def check_database_url(url: str) -> str:
    """``url`` if SQLAlchemy can open it with an installed driver; ValueError otherwise.

    The URL is never echoed back: it may hold a password.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    hint = "expected sqlite:///path/plume.db or postgresql+psycopg://user@host/db"
    try:
        parsed = make_url(url)
        dialect = parsed.get_dialect()
    except NoSuchModuleError:  # a subclass of ArgumentError
        raise ValueError(f"unknown database type in the URL ({hint})") from None
    except (ArgumentError, ValueError):
        raise ValueError(f"not a valid database URL ({hint})") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValueError(f"Plume supports SQLite and PostgreSQL only ({hint})")
    try:
        dialect.import_dbapi()
    except ImportError:
        raise ValueError(f"database driver {parsed.drivername!r} is not installed ({hint})") from None
    return url


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


def secret(name: str) -> str | None:
    """A secret from the environment (empty counts as unset)."""
    return os.environ.get(name) or None
