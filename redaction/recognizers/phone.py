"""PHONE_NUMBER: French phone numbers, mainland and overseas.

Reference: ARCEP numbering plan (10 digits, 0 + 9; +33 / 0033 / +33 (0) international forms;
overseas +590 GP, +596 MQ, +594 GF, +262 RE/YT, +508 PM, +689/+687/+681 collectivities).
Checked with ``phonenumbers`` (``is_possible_number``: length and country code; numbers not yet
allocated still count as phone numbers for privacy).
"""

from __future__ import annotations

import phonenumbers
from presidio_analyzer import Pattern

from redaction.recognizers.base import NA, SEP, FrPatternRecognizer

_NB = r"(?<![\w+])"
_INTL = r"\(?(?:\+|00)\s?"
_TRUNK = r"(?:\s?\(0\)|\s?0)?"


class FrPhoneRecognizer(FrPatternRecognizer):
    ENTITY = "PHONE_NUMBER"
    PATTERNS = [
        Pattern("national", _NB + rf"0{SEP}[1-9](?:{SEP}\d){{8}}" + NA, 0.6),
        Pattern("+33", _NB + _INTL + rf"33\)?{_TRUNK}{SEP}[1-9](?:{SEP}\d){{8}}" + NA, 0.6),
        Pattern("overseas", _NB + _INTL + rf"(?:590|596|594|262|269|508|689|687|681)\)?{_TRUNK}"
                rf"{SEP}\d(?:{SEP}\d){{5,8}}" + NA, 0.6),
    ]
    CONTEXT = ["tel", "telephone", "portable", "mobile", "joindre", "appeler", "numero", "fixe",
               "contacter", "sms", "whatsapp"]

    def validate_result(self, pattern_text: str) -> bool:
        text = "".join(c for c in pattern_text.replace("(0)", "") if c.isdigit() or c == "+")
        try:
            number = phonenumbers.parse(text, "FR")
        except phonenumbers.NumberParseException:
            return False
        return phonenumbers.is_possible_number(number)
