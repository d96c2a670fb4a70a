"""Drafting contract (interface; implementation in progress).

    DraftResult(text, backend, model, latency_ms, notice=None)
        ``text`` is in placeholder form (the LLM only ever sees redacted text); ``notice`` is an
        optional French line shown to the agent (e.g. that the offline backend drafted it).
    DraftError(kind, detail)   kind: timeout | rate_limited | overloaded | server | connection |
                               auth | bad_request ; ``.user_message`` is the French text for the agent.
    Drafter (protocol):  .backend: str, .model: str,
        async draft(redacted_question, *, instruction=None, previous=None) -> DraftResult
        ``instruction`` is the agent's (redacted) regeneration hint; ``previous`` the last draft.
    make_drafter(llm_config: bot.config.LLMConfig) -> Drafter
        anthropic: AsyncAnthropic (ANTHROPIC_API_KEY); openai: AsyncOpenAI (PLUME_LLM_API_KEY);
        offline: réponses types from drafting/reponses_types/*.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class DraftResult:
    text: str
    backend: str
    model: str
    latency_ms: int
    notice: str | None = None


class DraftError(Exception):
    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail

    @property
    def user_message(self) -> str:
        raise NotImplementedError


class Drafter(Protocol):
    backend: str
    model: str

    async def draft(
        self, redacted_question: str, *, instruction: str | None = None, previous: str | None = None
    ) -> DraftResult: ...


def make_drafter(llm_config) -> Drafter:
    raise NotImplementedError
