"""PHONE_NUMBER: French phone numbers, mainland and overseas, and numbers of other countries.

Reference: ARCEP numbering plan (10 digits, 0 + 9; +33 / 0033 / +33 (0) international forms;
overseas +590 GP, +596 MQ, +594 GF, +262 RE/YT, +508 PM, +689/+687/+681 collectivities); ITU-T
E.164 for other countries (+32, +41, +212, +216, +44 …), found and checked by ``phonenumbers``
(``PhoneNumberMatcher`` with ``Leniency.POSSIBLE``: length and country code; numbers not yet
allocated still count as phone numbers for privacy).

A partial French number (8 or 9 digits: "06 12 34 56") needs a context word ("tél.", "portable").
A national number has separators of one kind ("06 12 34 56 78", "0 6 1 2 …", "06.12.34.56.78"):
"03-1999 06-04" is two dates, not a phone number.
"""

from __future__ import annotations

from typing import List, Optional

import phonenumbers
import regex
from presidio_analyzer import AnalysisExplanation, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.recognizers.base import NA, SEP, FrPatternRecognizer, one_separator
from redaction.recognizers.digit_runs import pieces

_NB = r"(?<![\w+])"
# A national number may be glued to the word before it ("est le06 12 …") and carry a country
# code in brackets ("(33) 6 41 …", "(74) 05 02 …").
_NB_NATIONAL = r"(?<![\d+])(?:\(\s?\d(?:\s?\d){0,2}\s?\)\s?)?"
_NB_CODE = r"(?<![\d+])\(\s?\d(?:\s?\d){0,2}\s?\)\s?"
_INTL = r"(?:\(?(?:\+|00)\s?|\(\s?(?=3\s?3\s?\)))"
_TRUNK = r"(?:\s?\(0\)|\s?0)?"
_INTL_SCORE = 0.85
_DATE_LIKE = regex.compile(r"\d{2}[.\-]\d{2}[.\-](?:19|20)\d{2}")
_BRACKETED_CODE = regex.compile(r"^\(\s?\d(?:\s?\d){0,2}\s?\)\s?")


class FrPhoneRecognizer(FrPatternRecognizer):
    ENTITY = "PHONE_NUMBER"
    OVERLAPPED = True
    PATTERNS = [
        Pattern("national", _NB_NATIONAL + rf"\(?0{SEP}[1-9]\)?(?:{SEP}\d){{8}}" + NA, 0.6),
        Pattern("+33", r"(?<![\d+])" + _INTL + rf"33\)?{_TRUNK}{SEP}[1-9](?:{SEP}\d){{8}}" + NA, 0.6),
        Pattern("overseas", _NB + _INTL + rf"(?:590|596|594|262|269|508|689|687|681)\)?{_TRUNK}"
                rf"{SEP}\d(?:{SEP}\d){{5,8}}" + NA, 0.6),
        Pattern("partial national", _NB + rf"0{SEP}[1-9](?:{SEP}\d){{6,7}}" + NA, 0.1),
        Pattern("code in brackets, no trunk", _NB_CODE + rf"[1-9](?:{SEP}\d){{8}}" + NA, 0.6),
        Pattern("00 and 8 digits", _NB_NATIONAL + rf"0{SEP}0(?:{SEP}\d){{8}}" + NA, 0.1),
        Pattern("other + numbers", r"(?<![\w+])\+\s?[1-9]\d{0,2}" + rf"(?:{SEP}\d){{8,11}}" + NA, 0.45),
    ]
    CONTEXT = ["tel", "telephone", "portable", "mobile", "joindre", "appeler", "numero", "fixe",
               "contacter", "sms", "whatsapp", "gsm", "port", "fax", "appel", "rappeler"]

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None,
                regex_flags: Optional[int] = None) -> List[RecognizerResult]:
        """PATTERNS, plus numbers in international form (+CC or 00CC) of any country."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        results += [self.piece_result(s, e, 0.6) for s, e, kind in pieces(text) if kind == "phone"]
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
        """True for a possible number; None (the pattern's score, context) for a partial national
        one, "00" and 8 digits, or an international form ``phonenumbers`` does not know."""
        bracket = _BRACKETED_CODE.match(pattern_text)
        if bracket and regex.sub(r"\D", "", bracket.group()) == "33":  # "(33) 6 41 27 01 16"
            pattern_text = "+33 " + pattern_text[bracket.end():]
        elif bracket:  # another code in brackets before a national number: check the number
            pattern_text = pattern_text[bracket.end():]
        text = "".join(c for c in pattern_text.replace("(0)", "") if c.isdigit() or c == "+")
        if text.startswith("00") and len(text) == 10 and "+" not in pattern_text:
            return None
        national = not text.startswith(("+", "00"))
        if national and not one_separator(pattern_text.strip("()").replace(")", " "), alternating=True):
            return False
        if national and len(text) in (8, 9):  # partial: context decides, unless it reads as a date
            digits = text[-8:]
            as_date = len(text) == 8 and 1 <= int(digits[:2]) <= 31 and 1 <= int(digits[2:4]) <= 12 \
                and digits[4:6] in ("19", "20")  # DDMMYYYY: "0 3 0 6 2 0 7 9"
            return False if "/" in pattern_text or as_date or _DATE_LIKE.fullmatch(pattern_text) else None
        try:
            number = phonenumbers.parse(text, "FR")
        except phonenumbers.NumberParseException:
            return None if text.startswith("+") else False
        if phonenumbers.is_possible_number(number):
            return True
        return None if text.startswith("+") and not text.startswith("+33") else False
