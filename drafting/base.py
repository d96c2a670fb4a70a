"""Drafting contract: what handlers get from an LLM backend.

    DraftResult(text, backend, model, latency_ms, notes=(), template=None, statuses=())
        ``text`` is in placeholder form (the LLM only ever sees redacted text); ``notes`` are
        DRAFT_NOTES kinds the handlers tell the agent about (``truncated``: the output limit was
        hit; ``offline``: a réponse type, titled ``template``; ``offline_fiche``: the offline draft
        made of the official fiche titled ``template``; ``instruction_ignored``).
        ``latency_ms`` is the wall time of the whole call, retries included.
        ``statuses``: the HTTP status of each attempt (None: no response); empty offline.
    DraftError(kind, detail)   kind: timeout | rate_limited | overloaded | server | connection |
                               auth | bad_request | unavailable (the circuit breaker of
                               drafting.limits fails calls fast while the service is down)
                               (handlers.messages.agents says it in French);
                               ``.retryable`` tells whether trying again later may succeed.
                               ``detail`` holds status codes and counts only, never text;
                               ``.statuses`` as in DraftResult.
    Drafter (protocol):  .backend: str, .model: str,
        async draft(redacted_question, *, instruction=None, previous=None, tone=None,
                    example=None, sources=()) -> DraftResult
        ``instruction`` is the agent's (redacted) regeneration hint; ``previous`` the last draft;
        ``tone`` a key of drafting.prompts.TONES (court | simple | formel), sent as its fixed
        French text; ``example`` a validated answer of the team (placeholder form);
        ``sources`` the official passages to answer from (drafting.grounding.Source, best first).
        Raises DraftError once the backend's bounded retries are spent.
        async aclose() releases the HTTP connections (no-op for offline).
    make_drafter(llm_config: drafting.config.LLMConfig) -> Drafter
        anthropic: AsyncAnthropic (ANTHROPIC_API_KEY); openai: AsyncOpenAI (PLUME_LLM_API_KEY);
        offline: réponses types from drafting/reponses_types/*.yaml.
        Raises common.config.MissingSecret (a ConfigError) when the API key is not in the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Sequence

from drafting.grounding import Source

if TYPE_CHECKING:
    from drafting.config import LLMConfig

DRAFT_NOTES = ("truncated", "offline", "offline_fiche", "instruction_ignored")
DRAFT_ERROR_KINDS = ("timeout", "rate_limited", "overloaded", "server", "connection", "auth", "bad_request",
                     "unavailable")

_RETRYABLE = frozenset({"timeout", "rate_limited", "overloaded", "server", "connection", "unavailable"})


@dataclass(frozen=True)
class DraftResult:
    text: str
    backend: str
    model: str
    latency_ms: int
    notes: tuple[str, ...] = ()
    template: str | None = None
    statuses: tuple[int | None, ...] = ()


class DraftError(Exception):
    """The backend could not produce a draft. ``kind`` is one of DRAFT_ERROR_KINDS."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail
        self.statuses: tuple[int | None, ...] = ()

    @property
    def retryable(self) -> bool:
        return self.kind in _RETRYABLE


class Drafter(Protocol):
    backend: str
    model: str

    async def draft(
        self, redacted_question: str, *, instruction: str | None = None, previous: str | None = None,
        tone: str | None = None, example: str | None = None, sources: Sequence[Source] = (),
    ) -> DraftResult: ...

    async def aclose(self) -> None: ...


def make_drafter(llm_config: LLMConfig) -> Drafter:
    """Build the backend named by ``llm_config.backend``. Raises ConfigError on a missing key."""
    if llm_config.backend == "offline":
        from drafting.offline import OfflineDrafter

        return OfflineDrafter()
    from drafting.remote import AnthropicDrafter, OpenAIDrafter

    if llm_config.backend == "anthropic":
        return AnthropicDrafter(llm_config)
    if llm_config.backend == "openai":
        return OpenAIDrafter(llm_config)
    from common.config import ConfigError

    raise ConfigError(f"llm.backend: unknown backend {llm_config.backend!r}")
