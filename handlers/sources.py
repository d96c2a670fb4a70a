"""Official sources for a question's drafts: the passages found, the checks after drafting, and
the memory of what each question's current draft used (for ``!sources``).

    Grounding(knowledge, fiches=3, passages=4)   ``knowledge`` a knowledge.KnowledgeBase (its
        queries strip the placeholders) or None (drafts without sources, as before).
    await .find(question) -> list[Source] | None   the best passages of the fiches that answer the
        question (``SourceHit.confident``, and within SECOND_FICHE_SHARE of the best), the top fiche's first, remembered for ``used``; None
        when there is no knowledge base (none given, or no fiche imported yet).
    await .check(text, sources) -> CheckedDraft   URLs checked against the knowledge base,
        figures absent from the sources marked (drafting.grounding.check_draft).
    .used(question_id) -> list[Source] | None    None when not in memory (after a restart).
Database work runs in a thread, off the event loop.
"""

from __future__ import annotations

import asyncio

from cachetools import LRUCache

from drafting.grounding import CheckedDraft, Source, check_draft
from knowledge.index import KnowledgeBase
from storage.models import Question

SECOND_FICHE_SHARE = 0.9  # another fiche is cited only when it scores this close to the best


class Grounding:
    def __init__(self, knowledge: KnowledgeBase | None, *, fiches: int = 3, passages: int = 4) -> None:
        self.knowledge = knowledge
        self.fiches = fiches
        self.passages = passages
        self._used: LRUCache[int, list[Source]] = LRUCache(maxsize=2048)

    def _find(self, text: str) -> list[Source] | None:
        if not self.knowledge.count():
            return None
        hits = [h for h in self.knowledge.search(text, self.fiches) if h.confident]
        if not hits:
            return []
        hits = [h for h in hits if h.score >= SECOND_FICHE_SHARE * hits[0].score]
        descriptions = {h.id: h.description for h in hits}
        found = self.knowledge.passages(text, [h.id for h in hits], limit=self.passages)
        if not any(p.fiche_id == hits[0].id for p in found):
            found = self.knowledge.passages(text, [hits[0].id], limit=1) + found[:self.passages - 1]
        found.sort(key=lambda p: p.fiche_id != hits[0].id)  # stable: the top fiche's passages first
        return [Source(p.fiche_id, p.title, p.url, p.date, p.heading, p.text, descriptions[p.fiche_id])
                for p in found]

    async def find(self, question: Question) -> list[Source] | None:
        sources = await asyncio.to_thread(self._find, question.redacted_text) if self.knowledge else None
        self._used[question.id] = sources or []
        return sources

    async def check(self, text: str, sources: list[Source]) -> CheckedDraft:
        if self.knowledge is None:
            return CheckedDraft(text, (), ())
        return await asyncio.to_thread(check_draft, text, sources, self.knowledge.known_url)

    def used(self, question_id: int) -> list[Source] | None:
        return self._used.get(question_id)
