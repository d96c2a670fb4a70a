"""DATE_OF_BIRTH: a date of birth, in numeric or French word forms.

Reference: état civil wording ("né le", "née le", "date de naissance"). A date is masked only
when a birth cue comes right before it ("né(e) le", "née à Lyon le", "date de naissance :",
"DDN", "D.N.", "date de naiss.") or right after it ("(date de naissance)", an age: "22/02/1962
(68 ans)", "12.03.1954, 70 ans"); deadlines and appointments stay readable.
Forms: 03/05/1989, 3-5-89, 3.5.1989, 22|8|1923, 22 08 1962, 1989-05-03, 1er mars 1989,
16 JANVIER 1950, "seize janvier mil neuf cent cinquante", "le deux janvier mille neuf cent
soixante-dix-huit", "né en 1950".
"""

from __future__ import annotations

from typing import List, Optional

import regex
from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.recognizers.base import FrPatternRecognizer

_UNITS = (r"(?:un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
          r"quinze|seize|vingt|trente|quarante|cinquante|soixante|cent|cents|mille|mil|et)")
_WORDNUM = rf"{_UNITS}(?:[\s\-]+{_UNITS}){{0,8}}"
_MONTH = (r"(?:janv(?:ier|\.)?|f[ée]v(?:rier|\.)?|mars|avr(?:il|\.)?|mai|juin|juil(?:let|\.)?|"
          r"ao[ûu]t|sept(?:embre|\.)?|oct(?:obre|\.)?|nov(?:embre|\.)?|d[ée]c(?:embre|\.)?)")
_DAY = rf"(?:1er|premier|\d{{1,2}}|{_WORDNUM})"
_YEAR = rf"(?:\d{{4}}|\d{{2}}|{_WORDNUM})"
_NUMERIC = (r"(?<![\w/])(?:\d{1,2}\s?[/.\-|]\s?\d{1,2}\s?[/.\-|]\s?(?:\d{4}|\d{2})"
            r"|\d{1,2} \d{1,2} (?:19|20)\d{2}"
            r"|(?:19|20)\d{2}-\d{2}-\d{2})(?![\w/])")
_WORDS = rf"(?<![\w])(?:{_DAY}\s+{_MONTH}\s+{_YEAR}|{_MONTH}\s+\d{{4}})(?![\w])"
_YEAR_ONLY = r"(?<![\w])(?:19|20)\d{2}(?![\w])"

_BEFORE = regex.compile(
    r"(?:\bn[ée]e?s?(?:\s?\(e\)|\s?\(e?s?\))?,?\s+(?:à\s+[\w'\- ]{1,40}?,?\s+)?(?:le\s*:?\s*|:\s*)"
    r"|\b(?:date|lieu et date|jour) de naissance\s*(?:[:\-]\s*)?(?:le\s+)?"
    r"|\b(?:date |dt |d\.\s?)?naiss(?:ance|\.)?\s*(?:[:\-]\s*)?(?:le\s+)?"
    r"|\b(?:ddn|d\.\s?d\.\s?n\.?|d\.\s?n\.|dn)\s*[:\-]?\s*|(?<![\w])°\s*(?:le\s+)?)$",
    regex.IGNORECASE,
)
_BEFORE_YEAR = regex.compile(r"\bn[ée]e?s?(?:\(e\))?\s+en\s+$", regex.IGNORECASE)
_AGE = r"(?:[âa]g[ée]e?\s+de\s+)?\d{1,3}\s*ans"
_AFTER = regex.compile(
    r"\s*[\(,\-]?\s*(?:date de naissance|ddn|naissance)\b"
    rf"|\s*\(\s*{_AGE}\s*\)|\s*,\s*{_AGE}(?![\w])(?!\s+(?:de|d'|plus|apr[èe]s|avant|que|qu'|pour|sans)(?![\w]))",
    regex.IGNORECASE)


class FrDateOfBirthRecognizer(FrPatternRecognizer):
    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = [
        Pattern("numeric date", _NUMERIC, 0.85),
        Pattern("date in words", _WORDS, 0.85),
        Pattern("year", _YEAR_ONLY, 0.85),
    ]
    CONTEXT = ["naissance", "ne", "nee"]

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None,
                regex_flags: Optional[int] = None) -> List[RecognizerResult]:
        """Dates (from PATTERNS) that a birth cue precedes or follows; other dates are dropped."""
        kept = []
        for result in super().analyze(text, entities, nlp_artifacts, regex_flags):
            before = text[max(0, result.start - 60):result.start]
            is_year = result.end - result.start == 4 and text[result.start:result.end].isdigit()
            if is_year:
                if _BEFORE_YEAR.search(before):
                    kept.append(result)
            elif _BEFORE.search(before) or _AFTER.match(text, result.end, result.end + 40):
                kept.append(result)
        return kept
