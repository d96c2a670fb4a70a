"""DATE_TIME (opt-in, not in the default set): any full date, numeric or in French words.

Ordinary dates (deadlines, appointments) are kept by default because the agent needs them;
dates of birth are DATE_OF_BIRTH. List ``DATE_TIME`` in ``redaction.entities`` to mask all.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from redaction.recognizers.base import FrPatternRecognizer
from redaction.recognizers.date_of_birth import _NUMERIC, _WORDS


class FrDateTimeRecognizer(FrPatternRecognizer):
    ENTITY = "DATE_TIME"
    PATTERNS = [Pattern("numeric date", _NUMERIC, 0.6), Pattern("date in words", _WORDS, 0.6)]
    CONTEXT = ["le", "date", "depuis", "avant", "jusqu"]
