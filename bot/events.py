"""Incoming Matrix events, reduced to what the handlers need (no nio types past this point)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_VARIATION_SELECTOR = "\ufe0f"


def normalise_key(key: str) -> str:
    """Reaction keys without emoji variation selectors: ``"✏️"`` and ``"✏"`` compare equal."""
    return key.replace(_VARIATION_SELECTOR, "").strip()


_REPLY_FALLBACK = re.compile(r"\A(?:>[^\n]*\n)+\n?")


def strip_reply_fallback(body: str) -> str:
    """Remove the quoted ``> <@user> …`` fallback that older clients put in replies."""
    return _REPLY_FALLBACK.sub("", body, count=1)


@dataclass(frozen=True)
class Incoming:
    """One room event from another user.

    ``kind``: ``text`` (m.text / m.emote), ``edit`` (m.replace of an earlier message: ``body`` is
    the new text, ``target`` the original event), ``reaction`` (m.annotation: ``key`` on
    ``target``), ``file`` (file, image, audio, video), ``undecryptable`` (no room key arrived in
    time), ``member_join`` (someone joined the room).
    """

    kind: str
    room_id: str
    event_id: str
    sender: str
    body: str = ""
    formatted: bool = False
    reply_to: str | None = None
    target: str | None = None
    key: str | None = None
    ts_ms: int = 0

    @classmethod
    def from_source(cls, room_id: str, source: dict[str, Any]) -> "Incoming | None":
        """Build from a decrypted event's source dict; None for events the bot ignores."""
        etype = source.get("type")
        content = source.get("content") or {}
        base = {"room_id": room_id, "event_id": source.get("event_id", ""),
                "sender": source.get("sender", ""), "ts_ms": source.get("origin_server_ts", 0)}
        relates = content.get("m.relates_to") or {}
        if etype == "m.reaction":
            if relates.get("rel_type") != "m.annotation" or "event_id" not in relates:
                return None
            return cls("reaction", target=relates["event_id"],
                       key=normalise_key(str(relates.get("key", ""))), **base)
        if etype == "m.room.member":
            if content.get("membership") == "join":
                return cls("member_join", **base)
            return None
        if etype != "m.room.message":
            return None
        msgtype = content.get("msgtype")
        if relates.get("rel_type") == "m.replace":
            new = content.get("m.new_content") or {}
            if new.get("msgtype") not in ("m.text", "m.emote"):
                return None
            return cls("edit", body=str(new.get("body", "")), target=relates.get("event_id"),
                       formatted="formatted_body" in new, **base)
        if msgtype in ("m.file", "m.image", "m.audio", "m.video"):
            return cls("file", **base)
        if msgtype not in ("m.text", "m.emote"):
            return None  # m.notice: bots talking; m.location and others: nothing to draft
        reply_to = (relates.get("m.in_reply_to") or {}).get("event_id")
        body = str(content.get("body", ""))
        if reply_to:
            body = strip_reply_fallback(body)
        return cls("text", body=body, reply_to=reply_to,
                   formatted=content.get("format") == "org.matrix.custom.html", **base)
