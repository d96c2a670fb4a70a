"""Placeholder → real value maps of pending questions: process memory only, with a time-to-live.

The maps are never written to disk or logs (DESIGN §2). After a restart or expiry, a map is
rebuilt by fetching the pasted question back from the (encrypted) room and redacting it again:
redaction is deterministic, so the placeholders match the stored drafts.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from cachetools import TTLCache

from redaction.pool import RedactionPool
from storage.models import Question

FetchContent = Callable[[str, str], Awaitable[dict[str, Any] | None]]


class PendingValues:
    def __init__(self, redactor: RedactionPool, fetch_content: FetchContent, *,
                 ttl_s: float = 24 * 3600, maxsize: int = 10_000) -> None:
        self._redactor = redactor
        self._fetch = fetch_content
        self._maps: TTLCache[str, dict[str, str]] = TTLCache(maxsize=maxsize, ttl=ttl_s)

    def remember(self, question_id: str, mapping: dict[str, str]) -> None:
        self._maps[question_id] = mapping

    def forget(self, question_id: str) -> None:
        self._maps.pop(question_id, None)

    async def mapping_for(self, question: Question) -> dict[str, str] | None:
        """The map of ``question``, rebuilt from the room if needed; None if it cannot be."""
        mapping = self._maps.get(question.id)
        if mapping is not None:
            return mapping
        content = await self._fetch(question.room_id, question.event_id)
        if not content:
            return None
        new = content.get("m.new_content") or content
        body = new.get("body")
        if not isinstance(body, str):
            return None
        mapping = (await self._redactor.redact(body)).mapping
        self._maps[question.id] = mapping
        return mapping
