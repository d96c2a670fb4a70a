"""The ``redaction`` section of the configuration (DESIGN §3.2)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from common.config import Section


class RedactionConfig(Section):
    language: Literal["fr"] = "fr"
    spacy_model: str = "fr_core_news_md"
    entities: Literal["default"] | list[str] = "default"
    max_question_chars: int = Field(default=8000, ge=100)
