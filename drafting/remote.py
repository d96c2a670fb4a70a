"""LLM backends over HTTP: Anthropic Messages API and OpenAI-compatible chat completions.

Both use the vendor's async SDK, so a draft never blocks the event loop. Time and retries are
bounded twice: the SDK gets ``timeout_s`` per attempt and ``max_retries`` (it honours
``retry-after`` / ``retry-after-ms``), and the whole call runs under an asyncio deadline
(``call_deadline_s``) in case a server asks for a long wait. Every call goes through
``drafting.limits.LLMGuard`` (adaptive concurrency limit, circuit breaker). Failures become
``DraftError`` whose detail holds status codes and attempt counts only; logs carry sizes and
figures, never text.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextvars import ContextVar
from typing import Sequence

import anthropic
import openai
import structlog

from common.config import MissingSecret, secret
from drafting.config import LLMConfig
from drafting.base import DraftError, DraftResult
from drafting.limits import LLMGuard, observe_response
from drafting.grounding import Source
from drafting.prompts import SYSTEM_PROMPT, build_messages

log = structlog.get_logger(__name__)

# Both SDKs send ``max_tokens``; a server that ignores it is cut at this many characters per
# token (French runs near 4 per token; 6 never cuts an answer that kept to the limit).
MAX_CHARS_PER_TOKEN = 6

# The SDKs log full request bodies (the question) at DEBUG level: keep them at INFO at most.
_SDK_LOGGERS = ("anthropic", "openai", "httpx", "httpx2", "httpcore")

# Status code of each HTTP attempt of the current call (None: no response), filled by the
# HTTP client's event hooks; asyncio tasks copy the context, so concurrent calls don't mix.
_attempts: ContextVar[list[int | None] | None] = ContextVar("plume_llm_attempts", default=None)


def call_deadline_s(cfg: LLMConfig) -> float:
    """Upper bound in seconds for one draft call: every attempt, the SDK's backoff, a margin."""
    backoff = sum(min(0.5 * 2**n, 8.0) for n in range(cfg.max_retries))
    return cfg.timeout_s * (cfg.max_retries + 1) + backoff + 1.0


def kind_of_status(status: int, error_type: str | None = None) -> str:
    """DraftError kind for an HTTP error status (and the API's error type, when known)."""
    if status == 429:
        return "rate_limited"
    if status == 529 or error_type == "overloaded_error":
        return "overloaded"
    if status == 408:
        return "timeout"
    if status in (401, 403):
        return "auth"
    if status >= 500:
        return "server"
    return "bad_request"


async def _on_request(request) -> None:
    statuses = _attempts.get()
    if statuses is not None:
        statuses.append(None)


async def _on_response(response) -> None:
    statuses = _attempts.get()
    if statuses:
        statuses[-1] = response.status_code
    observe_response(response.status_code, response.headers)


def _quiet_sdk_debug_logs() -> None:
    for name in _SDK_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.INFO:  # NOTSET too: a later DEBUG root must not reach them
            logger.setLevel(logging.INFO)


class _RemoteDrafter:
    """Shared set-up and call flow; subclasses set ``backend``, ``_sdk``, ``_client_class``,
    ``_key_env`` and implement ``_complete``."""

    backend: str
    _sdk = None  # the SDK module, for its HTTP client and exception classes
    _client_class: type
    _key_env: str  # environment variable holding the API key

    def __init__(self, cfg: LLMConfig) -> None:
        key = secret(self._key_env)
        if key is None:
            raise MissingSecret("llm.backend", self._key_env)
        self.model = cfg.model
        self._max_tokens = cfg.max_output_tokens
        self._deadline_s = call_deadline_s(cfg)
        self.guard = LLMGuard(cfg.max_concurrency, breaker_failures=cfg.breaker_failures,
                              breaker_cooldown_s=cfg.breaker_cooldown_s)
        _quiet_sdk_debug_logs()
        self._client = self._client_class(
            api_key=key, base_url=cfg.base_url, timeout=cfg.timeout_s, max_retries=cfg.max_retries,
            http_client=self._sdk.DefaultAsyncHttpxClient(
                event_hooks={"request": [_on_request], "response": [_on_response]}
            ),
        )

    async def _complete(self, messages: list[dict[str, str]]) -> tuple[str, bool]:
        """(text, truncated) from the API; raises the SDK's exceptions."""
        raise NotImplementedError

    async def draft(
        self, redacted_question: str, *, instruction: str | None = None, previous: str | None = None,
        tone: str | None = None, example: str | None = None, sources: Sequence[Source] = (),
    ) -> DraftResult:
        """One call under ``self.guard``: fails fast with DraftError("unavailable") while the
        service is known to be down, waits for a slot of the adaptive limit otherwise."""
        async with self.guard.call():
            return await self._call(redacted_question, instruction=instruction, previous=previous,
                                    tone=tone, example=example, sources=sources)

    async def _call(self, redacted_question: str, *, instruction: str | None, previous: str | None,
                    tone: str | None, example: str | None, sources: Sequence[Source]) -> DraftResult:
        messages = build_messages(redacted_question, instruction=instruction, previous=previous,
                                  tone=tone, example=example, sources=sources)
        statuses: list[int | None] = []
        token = _attempts.set(statuses)
        start = time.perf_counter()
        try:
            async with asyncio.timeout(self._deadline_s):
                text, truncated = await self._complete(messages)
            if len(text) > self._max_tokens * MAX_CHARS_PER_TOKEN:
                text, truncated = text[:self._max_tokens * MAX_CHARS_PER_TOKEN], True
            if not text.strip():
                raise DraftError("server", "empty completion")
        except (DraftError, TimeoutError, self._sdk.APIError) as exc:
            error = self._draft_error(exc, statuses)
            error.statuses = tuple(statuses)
            log.warning("llm.failed", backend=self.backend, model=self.model, kind=error.kind,
                        detail=error.detail, statuses=list(statuses), latency_ms=_ms_since(start))
            raise error from None
        finally:
            _attempts.reset(token)
        latency_ms = _ms_since(start)
        log.info("llm.drafted", backend=self.backend, model=self.model, latency_ms=latency_ms,
                 attempts=len(statuses), question_chars=len(redacted_question),
                 draft_chars=len(text), regeneration=previous is not None, truncated=truncated)
        return DraftResult(text=text.strip(), backend=self.backend, model=self.model,
                           latency_ms=latency_ms, notes=("truncated",) if truncated else (),
                           statuses=tuple(statuses))

    def _draft_error(self, exc: Exception, statuses: list[int | None]) -> DraftError:
        """The DraftError for a failed call: codes and counts only, never the SDK's message."""
        if isinstance(exc, DraftError):
            return exc
        sdk = self._sdk
        suffix = f"after {len(statuses)} attempt(s)"
        if isinstance(exc, TimeoutError):  # our call deadline
            last = next((s for s in reversed(statuses) if s is not None), None)
            kind = "timeout" if last is None or last < 400 else kind_of_status(last)
            return DraftError(kind, f"call deadline of {self._deadline_s:.0f} s reached {suffix}, "
                                    f"last status {last}")
        if isinstance(exc, sdk.APITimeoutError):
            return DraftError("timeout", f"no response within the time limit {suffix}")
        if isinstance(exc, sdk.APIConnectionError):
            return DraftError("connection", f"{type(exc.__cause__ or exc).__name__} {suffix}")
        if isinstance(exc, sdk.APIStatusError):
            error_type = getattr(exc, "type", None)
            error_type = error_type if isinstance(error_type, str) else None
            label = f"HTTP {exc.status_code}" + (f" {error_type}" if error_type else "")
            return DraftError(kind_of_status(exc.status_code, error_type), f"{label} {suffix}")
        return DraftError("server", f"{type(exc).__name__} {suffix}")

    async def aclose(self) -> None:
        await self._client.close()


class AnthropicDrafter(_RemoteDrafter):
    """Claude through ``anthropic.AsyncAnthropic`` (key: ANTHROPIC_API_KEY; base_url: a proxy)."""

    backend = "anthropic"
    _sdk = anthropic
    _client_class = anthropic.AsyncAnthropic
    _key_env = "ANTHROPIC_API_KEY"

    async def _complete(self, messages: list[dict[str, str]]) -> tuple[str, bool]:
        response = await self._client.messages.create(
            model=self.model, max_tokens=self._max_tokens, system=SYSTEM_PROMPT, messages=messages
        )
        text = "".join(block.text for block in response.content if block.type == "text")
        return text, response.stop_reason == "max_tokens"


class OpenAIDrafter(_RemoteDrafter):
    """OpenAI-compatible chat completions through ``openai.AsyncOpenAI`` (e.g. the Albert API).

    Key: PLUME_LLM_API_KEY; ``base_url`` includes the version path, e.g. ``https://host/v1``.
    """

    backend = "openai"
    _sdk = openai
    _client_class = openai.AsyncOpenAI
    _key_env = "PLUME_LLM_API_KEY"

    async def _complete(self, messages: list[dict[str, str]]) -> tuple[str, bool]:
        response = await self._client.chat.completions.create(
            model=self.model, max_tokens=self._max_tokens,
            messages=[{"role": "system", "content": SYSTEM_PROMPT}, *messages],
        )
        if not response.choices:
            return "", False
        choice = response.choices[0]
        return choice.message.content or "", choice.finish_reason == "length"


def _ms_since(start: float) -> int:
    return round((time.perf_counter() - start) * 1000)
