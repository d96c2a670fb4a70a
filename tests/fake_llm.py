"""A fake LLM server at the HTTP level, for tests: the real SDKs talk to it over loopback.

It speaks two APIs on one port:
- Anthropic Messages API, ``POST /v1/messages`` (non-streaming): base_url = ``server.url``;
- OpenAI chat completions, ``POST /v1/chat/completions``: base_url = ``server.openai_url``.

Every request is recorded (headers and JSON body) in ``server.requests`` before any scripted
behaviour runs. Behaviours are queued and each one answers exactly one request, in order::

    server.fail_next(status=529, times=3)           # Anthropic/OpenAI error bodies
    server.fail_next(status=429, retry_after_ms=50)  # with a retry-after(-ms) header
    server.delay_next(5.0)                           # answer normally, 5 s late
    server.reply_with("Bonjour [NOM_1], ...")

With an empty queue it answers with ``default_draft(...)``: a deterministic French draft built
from the placeholders received ("Bonjour [NOM_1], …") plus a short digest of the conversation, so
that different requests get different drafts. ``all_text()`` is everything received, for asserting
that no personal value ever reached the LLM.

Use it as ``async with FakeLLMServer() as server:`` in the test's event loop (the main form), or
``with FakeLLMServer() as server:`` to run it in a background thread with its own loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

PLACEHOLDER_RE = re.compile(r"\[[A-Z][A-Z_]*_\d+\]")

_ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
    404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error",
    500: "api_error", 529: "overloaded_error",
}
_OPENAI_ERROR_TYPES = {
    400: ("invalid_request_error", None), 401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"), 429: ("requests", "rate_limit_exceeded"),
}


@dataclass
class Behaviour:
    """How to answer one request. ``status`` 200 answers with ``text`` (or the default draft)."""

    status: int = 200
    text: str | None = None
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    error_type: str | None = None
    message: str | None = None
    stop_reason: str = "end_turn"


@dataclass
class RecordedRequest:
    api: str  # "anthropic" | "openai"
    path: str
    headers: dict[str, str]  # names in lower case
    raw: str
    body: Any  # parsed JSON (None when the body is not JSON)
    status: int | None = None  # what the server answered; None if it never did

    @property
    def system(self) -> str:
        """The system prompt, whatever the API's shape."""
        if not isinstance(self.body, dict):
            return ""
        if self.api == "anthropic":
            return _text_of(self.body.get("system"))
        return "\n".join(_text_of(m.get("content")) for m in self.body.get("messages", []) if m.get("role") == "system")

    @property
    def messages(self) -> list[tuple[str, str]]:
        """(role, text) of the conversation turns, system prompt excluded."""
        if not isinstance(self.body, dict):
            return []
        return [(m.get("role", ""), _text_of(m.get("content"))) for m in self.body.get("messages", [])
                if isinstance(m, dict) and m.get("role") != "system"]

    @property
    def user_text(self) -> str:
        return "\n".join(text for role, text in self.messages if role == "user")


def _text_of(content: Any) -> str:
    """Text of a message content: a string or a list of ``{"type": "text", "text": ...}`` blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(b.get("text", "") for b in content if isinstance(b, dict) and b.get("type") == "text")
    return ""


def _strings(value: Any) -> list[str]:
    """Every string leaf of a parsed JSON value (keys included)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def default_draft(messages: list[tuple[str, str]]) -> str:
    """The deterministic French draft answered by default: echoes the placeholders received."""
    user_text = "\n".join(text for role, text in messages if role == "user")
    placeholders = list(dict.fromkeys(PLACEHOLDER_RE.findall(user_text)))
    name = next((p for p in placeholders if p.startswith("[NOM_")), None)
    lines = [f"Bonjour {name}," if name else "Madame, Monsieur,", "",
             "Nous avons bien reçu votre message et nous vous en remercions. Votre demande a été "
             "transmise au service compétent, qui l'examinera avec attention."]
    others = [p for p in placeholders if p != name]
    if others:
        lines.append(f"Les éléments suivants de votre dossier seront vérifiés : {', '.join(others)}.")
    digest = hashlib.sha256(json.dumps(messages, ensure_ascii=False).encode()).hexdigest()[:8]
    lines += ["", "Nous vous prions d'agréer l'expression de nos salutations distinguées.", "",
              f"(brouillon de test {digest})"]
    return "\n".join(lines)


class FakeLLMServer:
    """aiohttp server on 127.0.0.1 imitating the Anthropic and OpenAI HTTP APIs (see module doc).

    ``api_key``: when set, requests must carry it (``x-api-key`` or ``Authorization: Bearer``),
    otherwise any non-empty key is accepted; a missing or wrong key gets a 401.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, api_key: str | None = None) -> None:
        self.host, self.port, self.api_key = host, port, api_key
        self.requests: list[RecordedRequest] = []
        self._queue: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._runner: web.AppRunner | None = None
        self._closing: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._seq = 0

    # -- addresses ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """Base URL for the anthropic SDK (it appends /v1/messages)."""
        return f"http://{self.host}:{self.port}"

    @property
    def openai_url(self) -> str:
        """Base URL for the openai SDK (it appends /chat/completions)."""
        return f"{self.url}/v1"

    # -- scripting ---------------------------------------------------------------------------
    def script(self, behaviour: Behaviour, times: int = 1) -> None:
        with self._lock:
            self._queue.extend(Behaviour(**vars(behaviour)) for _ in range(times))

    def fail_next(self, status: int = 529, times: int = 1, *, retry_after: float | None = None,
                  retry_after_ms: float | None = None, error_type: str | None = None,
                  message: str | None = None, delay_s: float = 0.0) -> None:
        """Answer the next ``times`` requests with an error ``status`` in the API's error format."""
        headers = {}
        if retry_after is not None:
            headers["retry-after"] = f"{retry_after:g}"
        if retry_after_ms is not None:
            headers["retry-after-ms"] = f"{retry_after_ms:g}"
        self.script(Behaviour(status=status, headers=headers, error_type=error_type, message=message,
                              delay_s=delay_s), times)

    def delay_next(self, seconds: float, times: int = 1, *, text: str | None = None) -> None:
        """Answer the next ``times`` requests normally, ``seconds`` late (cut short by stop())."""
        self.script(Behaviour(delay_s=seconds, text=text), times)

    def reply_with(self, text: str, times: int = 1, *, stop_reason: str = "end_turn") -> None:
        """Answer the next ``times`` requests with ``text``."""
        self.script(Behaviour(text=text, stop_reason=stop_reason), times)

    def pending(self) -> int:
        """Number of scripted behaviours not used yet."""
        with self._lock:
            return len(self._queue)

    def reset(self) -> None:
        """Forget the recorded requests and the scripted behaviours."""
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    # -- inspection --------------------------------------------------------------------------
    def all_text(self) -> str:
        """Everything received: paths, header values, raw bodies and their decoded strings."""
        with self._lock:
            requests = list(self.requests)
        parts = []
        for r in requests:
            parts += [r.path, *r.headers.values(), r.raw, *_strings(r.body)]
        return "\n".join(parts)

    async def wait_for_requests(self, count: int, timeout: float = 10.0) -> list[RecordedRequest]:
        """Wait until at least ``count`` requests were received; raises TimeoutError."""
        async with asyncio.timeout(timeout):
            while len(self.requests) < count:
                await asyncio.sleep(0.01)
        return list(self.requests)

    # -- lifecycle (async, in the caller's loop) ---------------------------------------------
    async def start(self) -> FakeLLMServer:
        self._closing = asyncio.Event()
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_post("/v1/messages", self._anthropic)
        app.router.add_post("/v1/chat/completions", self._openai)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._closing is not None:
            self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeLLMServer:
        return await self.start()

    async def __aexit__(self, *exc_info) -> None:
        await self.stop()

    # -- lifecycle (background thread with its own loop) -------------------------------------
    def start_in_thread(self) -> FakeLLMServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = self._loop = asyncio.new_event_loop()
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # reported to the starting thread
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread = threading.Thread(target=run, name="fake-llm", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        return self

    def stop_thread(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._thread = self._loop = None

    def __enter__(self) -> FakeLLMServer:
        return self.start_in_thread()

    def __exit__(self, *exc_info) -> None:
        self.stop_thread()

    # -- request handling --------------------------------------------------------------------
    async def _anthropic(self, request: web.Request) -> web.Response:
        return await self._handle(request, "anthropic")

    async def _openai(self, request: web.Request) -> web.Response:
        return await self._handle(request, "openai")

    async def _handle(self, request: web.Request, api: str) -> web.Response:
        raw = await request.text()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        record = RecordedRequest(api=api, path=request.path_qs, headers={k.lower(): v for k, v in request.headers.items()},
                                 raw=raw, body=body)
        with self._lock:
            self.requests.append(record)
            behaviour = self._queue.popleft() if self._queue else Behaviour()
            self._seq += 1
            seq = self._seq
        if behaviour.delay_s:
            try:
                await asyncio.wait_for(self._closing.wait(), behaviour.delay_s)
            except TimeoutError:
                pass
        problem = self._check(record)
        if problem is not None and behaviour.status == 200:
            behaviour = Behaviour(status=problem[0], message=problem[1])
        response = (self._error(api, behaviour, seq) if behaviour.status >= 400
                    else self._reply(api, record, behaviour, seq))
        record.status = response.status
        return response

    def _check(self, record: RecordedRequest) -> tuple[int, str] | None:
        """A (status, message) for a request the real API would refuse, else None."""
        # The Anthropic API takes ``x-api-key`` or ``Authorization: Bearer`` (what SDK 2.x sends).
        key = record.headers.get("authorization", "").removeprefix("Bearer ")
        if record.api == "anthropic":
            key = record.headers.get("x-api-key", key)
        if not key or (self.api_key is not None and key != self.api_key):
            return 401, "invalid x-api-key" if record.api == "anthropic" else "Incorrect API key provided."
        body = record.body
        if not isinstance(body, dict):
            return 400, "request body is not valid JSON"
        if not isinstance(body.get("model"), str) or not body.get("messages"):
            return 400, "model: Field required" if "model" not in body else "messages: Field required"
        if record.api == "anthropic":
            if "anthropic-version" not in record.headers:
                return 400, "anthropic-version: header is required"
            if not isinstance(body.get("max_tokens"), int):
                return 400, "max_tokens: Field required"
            if any(m.get("role") not in ("user", "assistant") for m in body["messages"]):
                return 400, "messages: roles must be 'user' or 'assistant'"
        return None

    def _reply(self, api: str, record: RecordedRequest, behaviour: Behaviour, seq: int) -> web.Response:
        text = behaviour.text if behaviour.text is not None else default_draft(record.messages)
        model = record.body["model"]
        input_tokens = max(1, len(record.raw) // 4)
        output_tokens = max(1, len(text) // 4)
        if api == "anthropic":
            return web.json_response({
                "id": f"msg_fake{seq:06d}{uuid.uuid4().hex[:12]}", "type": "message", "role": "assistant",
                "model": model, "content": [{"type": "text", "text": text}],
                "stop_reason": behaviour.stop_reason, "stop_sequence": None,
                "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
            }, headers={"request-id": f"req_fake{seq:06d}"})
        finish = "length" if behaviour.stop_reason == "max_tokens" else "stop"
        return web.json_response({
            "id": f"chatcmpl-fake{seq:06d}", "object": "chat.completion", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "finish_reason": finish, "logprobs": None,
                                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": input_tokens, "completion_tokens": output_tokens,
                      "total_tokens": input_tokens + output_tokens},
        })

    def _error(self, api: str, behaviour: Behaviour, seq: int) -> web.Response:
        status = behaviour.status
        message = behaviour.message or f"fake error {status}"
        if api == "anthropic":
            error_type = behaviour.error_type or _ANTHROPIC_ERROR_TYPES.get(status, "api_error")
            body = {"type": "error", "error": {"type": error_type, "message": message},
                    "request_id": f"req_fake{seq:06d}"}
        else:
            error_type, code = _OPENAI_ERROR_TYPES.get(status, ("server_error", None))
            body = {"error": {"message": message, "type": behaviour.error_type or error_type,
                              "param": None, "code": code}}
        return web.json_response(body, status=status, headers=behaviour.headers)
