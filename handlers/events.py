"""``Incoming``: one room event as the handlers see it. No nio type passes this boundary;
``bot.events.incoming_from_source`` builds it from a decrypted Matrix event."""

from __future__ import annotations

import re
from dataclasses import dataclass

_VARIATION_SELECTOR = "\ufe0f"
_REPLY_FALLBACK = re.compile(r"\A(?:>[^\n]*\n)+\n?")


def strip_reply_fallback(body: str) -> str:
    """Remove the quoted ``> <@user> …`` fallback that older clients put in replies."""
    return _REPLY_FALLBACK.sub("", body, count=1)


def normalise_key(key: str) -> str:
    """Reaction keys without emoji variation selectors: ``"✏️"`` and ``"✏"`` compare equal."""
    return key.replace(_VARIATION_SELECTOR, "").strip()


@dataclass(frozen=True)
class Incoming:
    """One room event from another user.

    ``kind``: ``text`` (m.text / m.emote), ``edit`` (m.replace of an earlier message: ``body`` is
    the new text, ``target`` the original event), ``reaction`` (m.annotation: ``key`` on
    ``target``, normalised), ``file`` (file, image, audio, video), ``undecryptable`` (no room key
    arrived in time), ``member_join`` (someone joined the room), ``member_leave`` (a member
    left, was kicked or banned). ``ts_ms``: origin_server_ts.
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
