"""Placeholder → real value maps of pending questions: process memory only, with a time-to-live.

The maps are never written to disk or logs (DESIGN §2). After a restart or expiry, a map is
rebuilt from the (encrypted) room, the only place values live: the pasted question is fetched
and redacted again (redaction is deterministic), then each of the agent's revisions
(``storage.models.QuestionRevision``) is replayed from its own event: a ``!masquer`` command is
parsed and applied again with the placeholder it was given, a corrected text is redacted again
with the map so far. The result must be the stored ``question.redacted_text``; otherwise the map
is not trusted (None: the draft keeps its placeholders).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

import structlog
from cachetools import TTLCache

from handlers.events import strip_reply_fallback
from redaction import Redaction, masks
from redaction.pool import RedactionPool
from storage.models import Question, QuestionRevision

FetchContent = Callable[[str, str], Awaitable[dict[str, Any] | None]]
Revisions = Callable[[str], Awaitable[list[QuestionRevision]]]

log = structlog.get_logger("plume.pending")


@dataclass
class Values:
    """One question's map, and the agent's masks (placeholder, entity type) in order."""

    mapping: dict[str, str]
    masks: list[tuple[str, str]] = field(default_factory=list)


def command_argument(body: str) -> str:
    """``"!masquer Tréminis comme lieu"`` → ``"Tréminis comme lieu"``; a plain text is itself."""
    body = body.strip()
    return body.partition(" ")[2].strip() if body.startswith("!") else body


class PendingValues:
    def __init__(self, redactor: RedactionPool, fetch_content: FetchContent, revisions: Revisions, *,
                 ttl_s: float = 24 * 3600, maxsize: int = 10_000) -> None:
        self._redactor = redactor
        self._fetch = fetch_content
        self._revisions = revisions
        self._values: TTLCache[str, Values] = TTLCache(maxsize=maxsize, ttl=ttl_s)

    def remember(self, question_id: str, mapping: dict[str, str],
                 added_mask: tuple[str, str] | None = None) -> None:
        """Keep ``mapping`` for the question; ``added_mask``: a (placeholder, type) just masked."""
        old = self._values.get(question_id)
        kept = list(old.masks) if old else []
        self._values[question_id] = Values(mapping, kept + ([added_mask] if added_mask else []))

    def forget(self, question_id: str) -> None:
        self._values.pop(question_id, None)

    async def mapping_for(self, question: Question) -> dict[str, str] | None:
        """The map of ``question``, rebuilt from the room if needed; None if it cannot be."""
        values = await self._values_for(question)
        return values.mapping if values else None

    async def redact(self, question: Question, text: str, *, model_output: bool = False) -> Redaction:
        """``text`` (typed by the agent, or written by the model: ``model_output``, the
        redactor's storage profile) in placeholder form: the question's known values and the
        agent's masks are masked too, then the recognizers."""
        values = await self._values_for(question) or Values({})
        result = await self._redactor.redact(text, values.mapping, model_output=model_output)
        out, mapping = result.text, result.mapping
        for placeholder, entity_type in values.masks:
            done = masks.apply(out, mapping[placeholder], entity_type, mapping, placeholder)
            if done is not None:
                out, mapping = done.text, done.mapping
        return Redaction(out, result.spans, mapping)

    async def _values_for(self, question: Question) -> Values | None:
        values = self._values.get(question.id)
        if values is not None:
            return values
        body = await self._body(question.room_id, question.event_id)
        if body is None:
            return None
        first = await self._redactor.redact(body.strip())
        text, values = first.text, Values(first.mapping)
        for revision in await self._revisions(question.id):
            body = await self._body(question.room_id, revision.event_id)
            if body is None:
                return None
            if revision.kind == "mask":
                request = masks.parse_request(command_argument(body))
                done = request and masks.apply(text, request.expression, revision.entity_type,
                                               values.mapping, revision.placeholder)
                if not done:
                    return None
                text, values.mapping = done.text, done.mapping
                values.masks.append((revision.placeholder, revision.entity_type))
            else:
                self._values[question.id] = values  # so that redact() sees the map so far
                corrected = await self.redact(question, command_argument(body))
                text, values.mapping = corrected.text, corrected.mapping
        if text != question.redacted_text:
            log.warning("pending.rebuild_mismatch", question_id=question.id,
                        revisions=len(values.masks))
            self._values.pop(question.id, None)
            return None
        self._values[question.id] = values
        return values

    async def _body(self, room_id: str, event_id: str) -> str | None:
        """The text of an event of the room (its newest edit), without a reply fallback."""
        content = await self._fetch(room_id, event_id)
        if not content:
            return None
        new = content.get("m.new_content") or content
        body = new.get("body")
        if not isinstance(body, str):
            return None
        reply = ((content.get("m.relates_to") or {}).get("m.in_reply_to") or {}).get("event_id")
        return strip_reply_fallback(body) if reply else body
