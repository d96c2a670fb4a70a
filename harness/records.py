"""What the scripted agent records: every message-like event of its rooms, decrypted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class AgentError(RuntimeError):
    """The homeserver refused a request made by the agent (login, room creation, send …)."""


@dataclass(frozen=True)
class RecordedEvent:
    """One message-like (non-state) room event as the agent saw it, after decryption.

    ``type`` is the Matrix event type (``m.room.message``, ``m.reaction``, ``m.room.redaction`` …),
    ``content`` the full (decrypted) content; ``encrypted`` tells whether it travelled through the
    room's Megolm session. ``ts`` is origin_server_ts in milliseconds.
    """

    room_id: str
    event_id: str
    sender: str
    type: str
    content: dict[str, Any] = field(repr=False)
    encrypted: bool
    ts: int

    @property
    def msgtype(self) -> str | None:
        """``m.text``, ``m.notice``, ``m.file``, ``m.image`` … for ``m.room.message``; else None."""
        return self.content.get("msgtype")

    @property
    def body(self) -> str | None:
        return self.content.get("body")

    @property
    def formatted_body(self) -> str | None:
        return self.content.get("formatted_body")

    @property
    def relates_to(self) -> dict[str, Any] | None:
        """The ``m.relates_to`` object, if any."""
        return self.content.get("m.relates_to")

    @property
    def rel_type(self) -> str | None:
        """``m.annotation``, ``m.replace``, ``m.thread`` …; None for a plain reply or no relation."""
        return (self.relates_to or {}).get("rel_type")

    @property
    def related_event_id(self) -> str | None:
        """The event this one relates to: annotation/replace target, else the replied-to event."""
        rel = self.relates_to or {}
        return rel.get("event_id") or rel.get("m.in_reply_to", {}).get("event_id")

    @property
    def reply_to(self) -> str | None:
        """The event id in ``m.in_reply_to``, if this is a reply."""
        return (self.relates_to or {}).get("m.in_reply_to", {}).get("event_id")

    @property
    def reaction_key(self) -> str | None:
        """The emoji of an ``m.reaction`` (``m.annotation`` key)."""
        return (self.relates_to or {}).get("key") if self.type == "m.reaction" else None

    @property
    def new_content(self) -> dict[str, Any] | None:
        """``m.new_content`` of an edit (``m.replace``)."""
        return self.content.get("m.new_content")

    def summary(self, width: int = 60) -> str:
        """One line for logs and timeout messages: sender, type, relation, start of the body."""
        kind = self.msgtype or self.type
        rel = f" {self.rel_type or 'reply'}→{self.related_event_id}" if self.related_event_id else ""
        key = f" {self.reaction_key}" if self.reaction_key else ""
        body = (self.body or "").replace("\n", " ")
        body = body[:width] + ("…" if len(body) > width else "")
        return f"{self.sender} {kind}{rel}{key} {body!r}"


Predicate = Callable[[RecordedEvent], bool]
