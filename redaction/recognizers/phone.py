"""PHONE_NUMBER: French phone numbers, mainland and overseas, and numbers of other countries.

Reference: ARCEP numbering plan (10 digits, 0 + 9; +33 / 0033 / +33 (0) international forms;
overseas +590 GP, +596 MQ, +594 GF, +262 RE/YT, +508 PM, +689/+687/+681 collectivities); ITU-T
E.164 for other countries (+32, +41, +212, +216, +44 …), found and checked by ``phonenumbers``
(``PhoneNumberMatcher`` with ``Leniency.POSSIBLE``: length and country code; numbers not yet
allocated still count as phone numbers for privacy).

A partial French number (8 or 9 digits: "06 12 34 56") needs a context word ("tél.", "portable").
"""

from __future__ import annotations

from typing import List, Optional

import phonenumbers
from presidio_analyzer import AnalysisExplanation, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.recognizers.base import NA, SEP, FrPatternRecognizer

_NB = r"(?<![\w+])"
_INTL = r"\(?(?:\+|00)\s?"
_TRUNK = r"(?:\s?\(0\)|\s?0)?"
_INTL_SCORE = 0.85


class FrPhoneRecognizer(FrPatternRecognizer):
    ENTITY = "PHONE_NUMBER"
    PATTERNS = [
        Pattern("national", _NB + rf"\(?0{SEP}[1-9]\)?(?:{SEP}\d){{8}}" + NA, 0.6),
        Pattern("+33", _NB + _INTL + rf"33\)?{_TRUNK}{SEP}[1-9](?:{SEP}\d){{8}}" + NA, 0.6),
        Pattern("overseas", _NB + _INTL + rf"(?:590|596|594|262|269|508|689|687|681)\)?{_TRUNK}"
                rf"{SEP}\d(?:{SEP}\d){{5,8}}" + NA, 0.6),
        Pattern("partial national", _NB + rf"0{SEP}[1-9](?:{SEP}\d){{6,7}}" + NA, 0.1),
    ]
    CONTEXT = ["tel", "telephone", "portable", "mobile", "joindre", "appeler", "numero", "fixe",
               "contacter", "sms", "whatsapp", "gsm", "port", "fax", "appel", "rappeler"]

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None,
                regex_flags: Optional[int] = None) -> List[RecognizerResult]:
        """PATTERNS, plus numbers in international form (+CC or 00CC) of any country."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        if "+" in text or "00" in text:
            for match in phonenumbers.PhoneNumberMatcher(text, "FR", leniency=phonenumbers.Leniency.POSSIBLE):
                if match.raw_string.lstrip("(").startswith(("+", "00")):
                    explanation = AnalysisExplanation(self.name, _INTL_SCORE, textual_explanation="phonenumbers")
                    results.append(RecognizerResult(
                        self.ENTITY, match.start, match.end, _INTL_SCORE, explanation, recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return results

    def validate_result(self, pattern_text: str) -> bool | None:
        """True for a possible number; None for a partial national one (context decides)."""
        text = "".join(c for c in pattern_text.replace("(0)", "") if c.isdigit() or c == "+")
        if not text.startswith(("+", "00")) and len(text) in (8, 9):
            return None
        try:
            number = phonenumbers.parse(text, "FR")
        except phonenumbers.NumberParseException:
            return False
        return phonenumbers.is_possible_number(number)
