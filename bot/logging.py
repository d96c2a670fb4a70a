"""Application logging: structlog key/value lines on stderr.

Log events carry ids, counts and types only, never question, draft or reason text (DESIGN §2).
Library loggers are kept at ERROR: at lower levels nio reports routine key exchange, Presidio
unmapped spaCy labels, and the LLM SDKs log request bodies at DEBUG.
"""

from __future__ import annotations

import logging
import sys

import structlog


def configure_logging(level: int = logging.INFO) -> None:
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
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
