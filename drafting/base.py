"""Drafting contract: what handlers get from an LLM backend.

    DraftResult(text, backend, model, latency_ms, notice=None)
        ``text`` is in placeholder form (the LLM only ever sees redacted text); ``notice`` is an
        optional French line shown to the agent (e.g. that the offline backend drafted it).
        ``latency_ms`` is the wall time of the whole call, retries included.
    DraftError(kind, detail)   kind: timeout | rate_limited | overloaded | server | connection |
                               auth | bad_request ; ``.user_message`` is the French text for the agent;
                               ``.retryable`` tells whether trying again later may succeed.
                               ``detail`` holds status codes and counts only, never text.
    Drafter (protocol):  .backend: str, .model: str,
        async draft(redacted_question, *, instruction=None, previous=None, sources=(), example=None)
            -> DraftResult
        ``instruction`` is the agent's (redacted) regeneration hint ("plus court", "plus simple" and
        "plus formel" are presets: drafting.prompts.TONES); ``previous`` the last draft;
        ``sources`` the official passages to answer from (drafting.grounding.Source, best first);
        ``example`` a close answer the team validated (placeholder form).
        Raises DraftError once the backend's bounded retries are spent.
        async aclose() releases the HTTP connections (no-op for offline).
    make_drafter(llm_config: bot.config.LLMConfig) -> Drafter
        anthropic: AsyncAnthropic (ANTHROPIC_API_KEY); openai: AsyncOpenAI (PLUME_LLM_API_KEY);
        offline: réponses types from drafting/reponses_types/*.yaml.
        Raises bot.config.ConfigError when the backend's API key is missing from the environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, Sequence

from drafting.grounding import Source

if TYPE_CHECKING:
    from bot.config import LLMConfig

DRAFT_ERROR_KINDS = ("timeout", "rate_limited", "overloaded", "server", "connection", "auth", "bad_request")

_USER_MESSAGES = {
    "timeout": "Le service de rédaction n'a pas répondu à temps.",
    "rate_limited": "Le service de rédaction reçoit trop de demandes en ce moment.",
    "overloaded": "Le service de rédaction est momentanément surchargé.",
    "server": "Le service de rédaction a rencontré une erreur.",
    "connection": "Le service de rédaction est injoignable (problème de connexion).",
    "auth": "Plume n'est pas autorisé à utiliser le service de rédaction (clé d'accès refusée) : "
            "prévenez l'administrateur de Plume.",
    "bad_request": "Le service de rédaction a refusé la demande (question trop longue ou format non accepté).",
}
_RETRYABLE = frozenset({"timeout", "rate_limited", "overloaded", "server", "connection"})


@dataclass(frozen=True)
class DraftResult:
    text: str
    backend: str
    model: str
    latency_ms: int
    notice: str | None = None


class DraftError(Exception):
    """The backend could not produce a draft. ``kind`` is one of DRAFT_ERROR_KINDS."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail

    @property
    def user_message(self) -> str:
        """French sentence for the agent (the bot appends how to retry)."""
        return _USER_MESSAGES.get(self.kind, "La rédaction du brouillon a échoué.")

    @property
    def retryable(self) -> bool:
        return self.kind in _RETRYABLE


class Drafter(Protocol):
    backend: str
    model: str

    async def draft(
        self, redacted_question: str, *, instruction: str | None = None, previous: str | None = None,
        sources: Sequence[Source] = (), example: str | None = None,
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
    from bot.config import ConfigError

    raise ConfigError(f"llm.backend : backend inconnu {llm_config.backend!r}")
