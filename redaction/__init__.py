"""French personal-data redaction on Presidio: recognizers, placeholders, re-hydration, leak guard.

The engine (Presidio and spaCy, seconds to import) loads on first use of these names, so light
helpers such as ``redaction.normalize.fold`` import without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["Redaction", "RedactedSpan", "Redactor", "rehydrate"]

if TYPE_CHECKING:
    from redaction.engine import Redaction, RedactedSpan, Redactor, rehydrate


def __getattr__(name: str):
    if name in __all__:
        from redaction import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'redaction' has no attribute {name!r}")
