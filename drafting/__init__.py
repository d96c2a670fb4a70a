"""LLM backends that draft French answers from redacted questions (contract: drafting.base)."""

from drafting.base import DRAFT_ERROR_KINDS, DraftError, DraftResult, Drafter, make_drafter

__all__ = ["DRAFT_ERROR_KINDS", "DraftError", "DraftResult", "Drafter", "make_drafter"]
