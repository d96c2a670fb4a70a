"""Text helpers every layer may use (nothing here knows about Plume's data)."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case and strip accents (NFKD, combining marks dropped): ``"Sécurité"`` -> ``"securite"``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
