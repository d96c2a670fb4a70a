"""The redaction engine (interface; implementation in progress).

CONTRACT (other packages rely on it):

    RedactedSpan(start, end, entity_type, placeholder, score)  # offsets into the ORIGINAL text
    Redaction.text      -> str, the redacted text, e.g. "Bonjour, je suis [NOM_1] …"
    Redaction.spans     -> list[RedactedSpan], sorted by start
    Redaction.mapping   -> dict[str, str], placeholder -> real value (memory only, never stored)
    Redaction.counts()  -> dict[str, int], number of masked spans per entity_type

    Redactor(config: bot.config.RedactionConfig | None = None)   # loads Presidio + spaCy once
    Redactor.redact(text, known=None) -> Redaction
        ``known`` is the mapping of an earlier Redaction of the same question: its values are
        masked again with the same placeholders, and new values get the next free numbers.
    Redactor.leaks(redacted_text) -> list[str]
        entity types of checksum-valid identifiers, e-mails or phone numbers still present.
    rehydrate(text, mapping) -> str   # puts the real values back in place of placeholders
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RedactedSpan:
    start: int
    end: int
    entity_type: str
    placeholder: str
    score: float


@dataclass
class Redaction:
    text: str
    spans: list[RedactedSpan] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for span in self.spans:
            out[span.entity_type] = out.get(span.entity_type, 0) + 1
        return out


class Redactor:
    def __init__(self, config=None) -> None:
        raise NotImplementedError

    def redact(self, text: str, known: dict[str, str] | None = None) -> Redaction:
        raise NotImplementedError

    def leaks(self, redacted_text: str) -> list[str]:
        raise NotImplementedError


def rehydrate(text: str, mapping: dict[str, str]) -> str:
    raise NotImplementedError
