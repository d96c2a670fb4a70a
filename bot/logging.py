"""Application logging: structlog lines on stderr, key/value text or JSON lines (``logging``).

Log events carry ids, counts and types only, never question, draft or reason text (DESIGN §2).
Library loggers are kept at ERROR: at lower levels nio reports routine key exchange, Presidio
unmapped spaCy labels, and the LLM SDKs log request bodies at DEBUG. With ``format: json`` the
standard-library records (the libraries') go through the same JSON renderer, so every line of the
stream is one JSON object: ``{"event", "level", "timestamp", ...}``.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, TextIO

import structlog

if TYPE_CHECKING:
    from bot.config import LoggingConfig

_NOISY = ("nio", "aiohttp", "peewee", "presidio-analyzer", "apscheduler", "anthropic", "openai",
          "httpx")


class _CurrentStderr:
    """A stream that writes to whatever ``sys.stderr`` is at each write (tests swap it)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(settings: LoggingConfig | None = None, stream: TextIO | None = None) -> None:
    """Log to ``stream``, else to the current ``sys.stderr``, as ``settings`` says (default:
    key/value text at INFO)."""
    fmt = settings.format if settings else "console"
    level = getattr(logging, (settings.level if settings else "info").upper())
    out = stream or _CurrentStderr()
    shared = [
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if fmt == "json":
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
        # Tracebacks as data, without local variables: those could hold question text.
        tracebacks = structlog.processors.ExceptionRenderer(
            structlog.tracebacks.ExceptionDictTransformer(show_locals=False))
        tail = [tracebacks, renderer]
    else:
        tail = [structlog.processors.format_exc_info, structlog.dev.ConsoleRenderer(colors=False)]

    handler = logging.StreamHandler(out)
    if fmt == "json":
        handler.setFormatter(structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *tail[-2:]],
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared]))
    else:
        handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    handler.set_name("plume")
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if h.get_name() != "plume"] + [handler]
    root.setLevel(logging.WARNING)
    for noisy in _NOISY:
        logging.getLogger(noisy).setLevel(logging.ERROR)
    structlog.configure(
        processors=[*shared, *tail],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=lambda *_args: structlog.PrintLogger(out),
        cache_logger_on_first_use=False,
    )
