"""CREDIT_CARD: payment card number (13 to 19 digits, Luhn key, IIN 2-6).

Reference: ISO/IEC 7812 (Luhn, ``stdnum.luhn``). Patterns have exact digit counts so a
following number is never swallowed, and separators of one kind (two numbers side by side are
no card).
"""

from __future__ import annotations

from presidio_analyzer import Pattern
from stdnum import luhn

from redaction.normalize import compact
from redaction.recognizers.base import NA, NB, SEP, FrPatternRecognizer, one_separator


def _card(count: int) -> str:
    return NB + r"[2-6]" + rf"(?:{SEP}\d){{{count - 1}}}" + NA


class FrCreditCardRecognizer(FrPatternRecognizer):
    ENTITY = "CREDIT_CARD"
    PATTERNS = [Pattern(f"card {n}", _card(n), 0.3) for n in (16, 15, 19, 13)]
    CONTEXT = ["carte", "cb", "visa", "mastercard", "bancaire", "credit", "paiement", "amex"]

    def validate_result(self, pattern_text: str) -> bool:
        return one_separator(pattern_text) and luhn.is_valid(compact(pattern_text))
