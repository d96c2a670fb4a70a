"""FR_PASSPORT: French passport number (2 digits, 2 letters, 5 digits).

Reference: ANTS / décret n° 2005-1726 (passeport électronique, number format 99XX99999).
The shape is distinctive enough to be masked without context.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from redaction.recognizers.base import NA, NB, FrPatternRecognizer


class FrPassportRecognizer(FrPatternRecognizer):
    ENTITY = "FR_PASSPORT"
    PATTERNS = [Pattern("passeport", NB + r"\d{2}\s?[A-Za-z]{2}\s?\d{5}" + NA, 0.5)]
    CONTEXT = ["passeport", "passport"]
