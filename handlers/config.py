"""The configuration sections the handlers read: ``access``, ``teams``, ``summary``, ``security``,
``validated_answers``.

``HandlersConfig`` is what a handler is given: the composed ``bot.config.Config`` satisfies it.
Later sections read by handlers (e.g. a team's ``privacy``) are added here.
"""

from __future__ import annotations

from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from common.config import Section
from storage.answers import MIN_SIMILARITY

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class AccessConfig(Section):
    allowed_homeservers: list[str] = []
    allowed_users: list[str] = []


class PrivacyConfig(Section):
    confirm_before_send: bool = False  # the agent sees the redacted text and ✅ sends it


class TeamConfig(Section):
    name: str
    lead_room: str | None = None
    leads: list[str] = []
    agents: list[str] = []
    per_agent_stats: bool = False
    privacy: PrivacyConfig = PrivacyConfig()


class SummaryConfig(Section):
    time: str = Field(default="18:00", pattern=HHMM)
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

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SecurityConfig(Section):
    room: str | None = None
    users: list[str] = []
    witness_time: str = Field(default="23:55", pattern=HHMM)


class ValidatedAnswersConfig(Section):
    """The team's library of validated answers (``storage.library``): offered under a draft and
    given to the model as an example when a question is this close (Dice on stems, 0..1; the
    default is measured by bench/validated_bench.py)."""

    enabled: bool = True
    min_similarity: float = Field(default=MIN_SIMILARITY, gt=0, le=1)


class HandlersConfig(Protocol):
    """The part of the configuration handlers see (implemented by ``bot.config.Config``)."""

    access: AccessConfig
    teams: list[TeamConfig]
    summary: SummaryConfig
    security: SecurityConfig
    validated_answers: ValidatedAnswersConfig

    def team_of(self, user_id: str) -> TeamConfig | None: ...

    def team_named(self, name: str) -> TeamConfig | None: ...
