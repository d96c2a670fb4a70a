"""LLM backends that draft French answers from redacted questions."""

from drafting.base import DraftError, DraftResult, Drafter, make_drafter

__all__ = ["DraftError", "DraftResult", "Drafter", "make_drafter"]
