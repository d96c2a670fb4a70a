"""Shared helpers for the redaction tests: one Redactor per test session (spaCy loads once)."""

from __future__ import annotations

from functools import lru_cache

import pytest


@lru_cache(maxsize=None)
def shared_redactor():
    from redaction import Redactor

    return Redactor()


@pytest.fixture
def redactor():
    return shared_redactor()


def masked(redactor, text: str) -> dict[str, str]:
    """{original value: entity_type} of what ``redactor`` masked in ``text``."""
    return {text[s.start:s.end]: s.entity_type for s in redactor.redact(text).spans}


def is_covered(redactor, text: str, value: str) -> bool:
    """Every letter and digit of ``value`` (first occurrence in ``text``) is masked."""
    start = text.index(value)
    spans = redactor.redact(text).spans
    return all(not text[i].isalnum() or any(s.start <= i < s.end for s in spans)
               for i in range(start, start + len(value)))
