"""DATE_OF_BIRTH: a date of birth, in numeric or French word forms.

Reference: état civil wording ("né le", "née le", "date de naissance"). A date is masked only
when a birth cue comes right before it ("né(e) le", "née à Lyon le", "date de naissance :",
"DDN", "D.N.", "date de naiss.") or right after it ("(date de naissance)", an age: "22/02/1962
(68 ans)", "12.03.1954, 70 ans"), or when it is a full date 17 to 110 years old with no cue of
another event before it ("depuis le", "marié le", "décédé le", "entré le" …): in a record or a
header such a date is a birth date far more often than anything else (scored 0.45). Deadlines
and appointments (recent or future dates) stay readable.
Forms: 03/05/1989, 3-5-89, 3.5.1989, 22|8|1923, 22 08 1962, 2 2 0 8 1 9 6 2 (DDMMYYYY digit
by digit), 1989-05-03, 1er mars 1989, "lun. 2 janvier 1967",
16 JANVIER 1950, "seize janvier mil neuf cent cinquante", "le deux janvier mille neuf cent
soixante-dix-huit", "né en 1950".
"""

from __future__ import annotations

from datetime import date
from typing import List, Optional

import regex
from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.normalize import fold
from redaction.recognizers.base import FrPatternRecognizer, digits_one_by_one
from redaction.recognizers.digit_runs import pieces

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
_WEEKDAY = r"(?:(?:lun|mar|mer|jeu|ven|sam|dim)(?:di|credi|anche|\.)?,?\s+)?"
_WORDS = rf"(?<![\w])(?:{_WEEKDAY}{_DAY}\s+{_MONTH}\s+{_YEAR}|{_MONTH}\s+\d{{4}})(?![\w])"
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
# Another event than a birth right before a date.
_OTHER_EVENT = regex.compile(
    r"(?:\b(?:depuis|du|au|jusqu'au|entre|mari(?:é|ée|és|ées)|mariage|pacs[ée]?s?|divorc[ée]e?s?|divorce|"
    r"d[ée]c[ée]d[ée]e?|d[ée]c[èe]s|entr[ée]e?|embauch[ée]e?|arriv[ée]e?|install[ée]e?|"
    r"emm[ée]nag[ée]e?|admise?|admission|hospitalis[ée]e?|jugement|contrat|sign[ée]e?|"
    r"d[ée]pos[ée]e?|envoy[ée]e?|re[çc]ue?|pay[ée]e?|vers[ée]e?|licenci[ée]e?)\b[^.\n]{0,25}|\bdu\b[^.\n]{0,30}\bau\s*)$",
    regex.IGNORECASE)
_YEAR_IN = regex.compile(r"(?:19|20)\d{2}(?!\d)|(?<=[/.\-| ])\d{2}$")
_OLD_DATE_SCORE = 0.45
_NUMBERS = {"mille neuf cent": 1900, "mil neuf cent": 1900, "deux mille": 2000}


class FrDateOfBirthRecognizer(FrPatternRecognizer):
    ENTITY = "DATE_OF_BIRTH"
    OVERLAPPED = True
    PATTERNS = [
        Pattern("numeric date", _NUMERIC, 0.85),
        Pattern("DDMMYYYY digit by digit", digits_one_by_one(8), 0.85),
        Pattern("date in words", _WORDS, 0.85),
        Pattern("year", _YEAR_ONLY, 0.85),
    ]
    CONTEXT = ["naissance", "ne", "nee"]

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None,
                regex_flags: Optional[int] = None) -> List[RecognizerResult]:
        """Dates (from PATTERNS) that a birth cue precedes or follows, or old enough to be one
        (module docstring); other dates are dropped."""
        kept = []
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        found += [self.piece_result(s, e, 0.85) for s, e, kind in pieces(text) if kind == "date"]
        for result in found:
            value = text[result.start:result.end]
            before = text[max(0, result.start - 60):result.start]
            if len(value) == 4 and value.isdigit():
                if _BEFORE_YEAR.search(before):
                    kept.append(result)
            elif _BEFORE.search(before) or _AFTER.match(text, result.end, result.end + 40):
                kept.append(result)
            elif birth_plausible(value) and not _OTHER_EVENT.search(before):
                result.score = _OLD_DATE_SCORE
                kept.append(result)
        return kept

    def validate_result(self, pattern_text: str) -> bool | None:
        """False for a numeric date whose day or month is out of range (DDMMYYYY digit by digit
        or separated: "29092003", "2 9 0 9 2 0 0 3", "29/09/2003")."""
        parts = [p for p in regex.split(r"[^\d]+", pattern_text) if p]
        if len(parts) == 8:  # digit by digit
            parts = ["".join(parts[:2]), "".join(parts[2:4]), "".join(parts[4:])]
        if len(parts) != 3 or not all(p.isdigit() for p in parts):
            return None
        day, month = (int(parts[2]), int(parts[1])) if len(parts[0]) == 4 else (int(parts[0]), int(parts[1]))
        return None if 1 <= day <= 31 and 1 <= month <= 12 else False


def _year(value: str) -> int | None:
    """The year of a date as written: "1962", "62" (the century that makes it past), "mille
    neuf cent soixante-deux" (1900 + the rest is not needed: the century is enough here)."""
    folded = fold(value)
    for words, century in _NUMBERS.items():
        if words in folded:
            return century + (50 if century == 1900 else 0)
    digits = regex.sub(r"[^\d]", "", value)
    if len(digits) == 8 and value.count(" ") == 7:
        return int(digits[4:])
    match = _YEAR_IN.search(value)
    if match is None:
        return None
    year = int(match.group())
    if year < 100:  # "28" is 2028 up to ten years ahead, as deadlines are written
        this = date.today().year
        year += 2000 if 2000 + year <= this + 10 else 1900
    return year


def birth_plausible(value: str) -> bool:
    """A date as written ("12/03/1954", "8/07/76", "2 janvier 1967") 17 to 110 years old."""
    year, this = _year(value), date.today().year
    return year is not None and this - 110 <= year <= this - 17
