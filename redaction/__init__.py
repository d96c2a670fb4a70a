"""French personal-data redaction on Presidio: recognizers, placeholders, re-hydration, leak guard."""

from redaction.engine import Redaction, RedactedSpan, Redactor, rehydrate

__all__ = ["Redaction", "RedactedSpan", "Redactor", "rehydrate"]
