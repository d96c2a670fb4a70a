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
from pydantic import Field, ValidationError

from common.config import ConfigError, Section, secret
from drafting.config import LLMConfig
from handlers.config import (AccessConfig, SecurityConfig, SummaryConfig, TeamConfig,
                             ValidatedAnswersConfig)
from redaction.config import RedactionConfig
from storage.config import StorageConfig

__all__ = ["AccessConfig", "Config", "ConfigError", "LLMConfig", "MatrixConfig", "RedactionConfig",
           "SecurityConfig", "StorageConfig", "SummaryConfig", "TeamConfig", "load_config",
           "parse_config", "secret"]


class MatrixConfig(Section):
    homeserver: str
    user_id: str = Field(pattern=r"^@[^:]+:.+$")
    device_name: str = "plume"
    store_path: Path = Path("./data/store")
    max_concurrent_questions: int = Field(default=4, ge=1, le=64)
    undecryptable_wait_s: float = Field(default=30.0, ge=0)


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
