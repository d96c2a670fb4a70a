"""Who may use the bot: agents, team leads and security staff (DESIGN §3.2 ``access``)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.config import HandlersConfig, TeamConfig


def homeserver_of(user_id: str) -> str:
    """``@alice:agent.example.fr`` → ``agent.example.fr``."""
    return user_id.split(":", 1)[1] if ":" in user_id else ""


@dataclass(frozen=True)
class RoomRole:
    """What a room is for the bot: an agent's direct room, a team's lead room or the security room."""

    kind: str  # "direct" | "lead" | "security"
    team: str | None = None


class AccessPolicy:
    """Answers from the configuration only; the handlers record refusals (``access.denied``)."""

    def __init__(self, config: HandlersConfig) -> None:
        self.config = config
        self._lead_rooms = {t.lead_room: t.name for t in config.teams if t.lead_room}
        self._staff = {u for t in config.teams for u in t.leads} | set(config.security.users)

    def is_allowed(self, user_id: str) -> bool:
        """May this user talk to the bot at all (and receive its room keys)?"""
        access = self.config.access
        if user_id in self._staff:
            return True
        if access.allowed_homeservers and homeserver_of(user_id) not in access.allowed_homeservers:
            return False
        return not access.allowed_users or user_id in access.allowed_users

    def role_of(self, room_id: str) -> RoomRole:
        if self.config.security.room and room_id == self.config.security.room:
            return RoomRole("security")
        if room_id in self._lead_rooms:
            return RoomRole("lead", self._lead_rooms[room_id])
        return RoomRole("direct")

    def lead_team(self, user_id: str, room_id: str) -> TeamConfig | None:
        """The team whose lead room is ``room_id`` when ``user_id`` is one of its leads, else None."""
        role = self.role_of(room_id)
        if role.kind != "lead" or not self.is_lead(user_id, role.team):
            return None
        return self.config.team_named(role.team)

    def is_lead(self, user_id: str, team: str) -> bool:
        cfg = self.config.team_named(team)
        return bool(cfg and user_id in cfg.leads)

    def is_security(self, user_id: str) -> bool:
        return user_id in self.config.security.users
