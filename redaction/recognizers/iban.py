"""IBAN_CODE: international bank account number (French RIB in IBAN form and foreign IBANs).

Reference: ISO 13616; French IBAN = FR + 2-digit key + 23-character BBAN (Banque de France).
Checked with ``stdnum.iban`` (mod-97 key and country length). Letters of the account part are
matched upper-case only, so a following French word is never swallowed.
"""

from __future__ import annotations

from presidio_analyzer import Pattern
from stdnum import iban

from redaction.normalize import compact
from redaction.recognizers.base import CASE_SENSITIVE, FrPatternRecognizer

_CC = r"(?<![\w])[A-Za-z]{2}\d{2}"
_S = r"[ \n.\-]?"


class FrIbanRecognizer(FrPatternRecognizer):
    ENTITY = "IBAN_CODE"
    FLAGS = CASE_SENSITIVE
    PATTERNS = [
        Pattern("IBAN FR/MC (27)", _CC + rf"(?:{_S}[A-Z0-9]){{23}}(?![\w])", 0.5),
        Pattern("IBAN groups of 4", _CC + rf"(?:{_S}[A-Z0-9]{{4}}){{2,7}}(?:{_S}[A-Z0-9]{{1,3}})?(?![\w])", 0.5),
    ]
    CONTEXT = ["iban", "rib", "bancaire", "banque", "compte", "virement", "prelevement"]

    def validate_result(self, pattern_text: str) -> bool:
        return iban.is_valid(compact(pattern_text))
