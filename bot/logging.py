"""Application logging: structlog key/value lines on stderr.

Log events carry ids, counts and types only, never question, draft or reason text (DESIGN §2).
Library loggers are kept at ERROR: at lower levels nio reports routine key exchange, Presidio
unmapped spaCy labels, and the LLM SDKs log request bodies at DEBUG.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog


def configure_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Log to ``stream``, else to whatever ``sys.stderr`` is at each write (it may be swapped)."""

    def logger_factory(*_args) -> structlog.PrintLogger:
        return structlog.PrintLogger(stream or sys.stderr)

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(name)s %(levelname)s %(message)s")
    for noisy in ("nio", "aiohttp", "peewee", "presidio-analyzer", "apscheduler", "anthropic",
                  "openai", "httpx"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.dev.ConsoleRenderer(colors=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=logger_factory,
        cache_logger_on_first_use=False,
    )
