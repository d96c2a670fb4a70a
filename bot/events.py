"""Decrypted Matrix events → ``handlers.events.Incoming`` (no nio types past this point)."""

from __future__ import annotations

from typing import Any

from handlers.events import Incoming, normalise_key, strip_reply_fallback


def incoming_from_source(room_id: str, source: dict[str, Any]) -> Incoming | None:
    """Build from a decrypted event's source dict; None for events the bot ignores."""
    etype = source.get("type")
    content = source.get("content") or {}
    base = {"room_id": room_id, "event_id": source.get("event_id", ""),
            "sender": source.get("sender", ""), "ts_ms": source.get("origin_server_ts", 0)}
    relates = content.get("m.relates_to") or {}
    if etype == "m.reaction":
        if relates.get("rel_type") != "m.annotation" or "event_id" not in relates:
            return None
        return Incoming("reaction", target=relates["event_id"],
                        key=normalise_key(str(relates.get("key", ""))), **base)
    if etype == "m.room.member":
        if content.get("membership") == "join":
            return Incoming("member_join", **base)
        if content.get("membership") in ("leave", "ban"):
            return Incoming("member_leave", **base)
        return None
    if etype != "m.room.message":
        return None
    msgtype = content.get("msgtype")
    if relates.get("rel_type") == "m.replace":
        new = content.get("m.new_content") or {}
        if new.get("msgtype") not in ("m.text", "m.emote"):
            return None
        return Incoming("edit", body=str(new.get("body", "")), target=relates.get("event_id"),
                        formatted="formatted_body" in new, **base)
    if msgtype in ("m.file", "m.image", "m.audio", "m.video"):
        return Incoming("file", **base)
    if msgtype not in ("m.text", "m.emote"):
        return None  # m.notice: bots talking; m.location and others: nothing to draft
    reply_to = (relates.get("m.in_reply_to") or {}).get("event_id")
    body = str(content.get("body", ""))
    if reply_to:
        body = strip_reply_fallback(body)
    return Incoming("text", body=body, reply_to=reply_to,
                    formatted=content.get("format") == "org.matrix.custom.html", **base)
