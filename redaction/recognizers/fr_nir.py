"""FR_NIR: numéro d'inscription au répertoire (numéro de sécurité sociale).

Reference: INSEE, « Le numéro d'inscription au répertoire (NIR) »; 13 characters (sex, year,
month, département or 2A/2B for Corsica, commune, order) plus a 2-digit key
``97 - (NIR mod 97)``, Corsica counted as 19 (2A) / 18 (2B). Checked with
``stdnum.fr.nir`` after separators are dropped ("2 85 03 52 206 584 - 31", "1.85.03...",
"1 8 5 0 3 …", "1|85|03…").

Recall first (DESIGN §4), three levels:

* a valid key scores 1.0: masked anywhere;
* 13 characters (no key) of strict shape (sex 1 or 2, month 01-12, département 01-95, 2A, 2B,
  971-976 or 99, commune and order not 000): 0.45, masked without context (about 2 % of random
  13-digit numbers have it);
* a loose shape (INSEE's special months 20-99, provisional sex digits 3, 4, 7, 8), or 15
  characters with a wrong key: 0.2, masked when a context word names it ("sécurité sociale",
  "NIR", "n° sécu", "carte Vitale", "n° SS"): a mistyped NIR still identifies its holder.

Separators are of one kind (the key may be set apart); a number written digit by digit is
matched as a whole run ("1 0 1 2 2 0 2 1  2 9 3 1 …" holds a date, then a NIR), or as a piece
of a run that reads as a sequence of known numbers (``redaction.recognizers.digit_runs``).
"""

from __future__ import annotations

from typing import List, Optional

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from stdnum.fr import nir

from redaction.normalize import compact
from redaction.recognizers.digit_runs import pieces
from redaction.recognizers.base import (
    NA, NB, SEP, FrPatternRecognizer, digits_one_by_one, one_separator,
)

# sex, year (2), month (2), département (2 digits or 2A/2B; overseas 97x + 2-digit commune
# keeps the same length), then 6 digits; separators allowed anywhere.
_BODY = rf"[1-478](?:{SEP}\d){{4}}{SEP}(?:\d{SEP}\d|2{SEP}[AB])(?:{SEP}\d){{6}}"
_STRICT_SCORE = 0.45


def strict_shape(value: str) -> bool:
    """``value``: 13 or 15 compact characters. True when every field is in its usual range."""
    sex, month, dept, commune, order = value[0], value[3:5], value[5:7], value[7:10], value[10:13]
    if sex not in "12" or not month.isdigit() or not 1 <= int(month) <= 12:
        return False
    if dept in ("2A", "2B", "99"):
        pass
    elif dept == "97":
        if value[7] not in "123456":
            return False
    elif not dept.isdigit() or not 1 <= int(dept) <= 95:
        return False
    return commune != "000" and order != "000"


class FrNirRecognizer(FrPatternRecognizer):
    ENTITY = "FR_NIR"
    OVERLAPPED = True
    PATTERNS = [
        Pattern("NIR with key", NB + _BODY + rf"{SEP}(?:cl[ée]\s*:?\s*)?\d{SEP}\d" + NA, 0.2),
        # a little above: its 13 characters survive Presidio's de-duplication when a wrong
        # key makes the longer match weak
        Pattern("NIR without key", NB + _BODY + NA, 0.25),
        Pattern("NIR digit by digit", digits_one_by_one(15), 0.2),
        Pattern("NIR digit by digit, no key", digits_one_by_one(13), 0.25),
    ]
    CONTEXT = ["securite", "secu", "nir", "insee", "vitale", "assure", "assurance", "maladie", "immatriculation",
               "ameli", "cpam", "msa", "social", "ss", "nss", "matricule"]

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None,
                regex_flags: Optional[int] = None) -> List[RecognizerResult]:
        """PATTERNS; 13 characters of strict shape are raised to 0.45 (module docstring)."""
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        results += [self.piece_result(s, e, _STRICT_SCORE) for s, e, kind in pieces(text) if kind == "nir"]
        for result in results:
            value = _compact(text[result.start:result.end])
            if result.score < _STRICT_SCORE and len(value) == 13 and strict_shape(value):
                result.score = _STRICT_SCORE
        return results

    def validate_result(self, pattern_text: str) -> bool | None:
        """True for a valid key; None (score by shape and context) for a plausible shape; False
        otherwise."""
        value = _compact(pattern_text)
        if len(value) not in (13, 15) or not one_separator(pattern_text, tail=2 if len(value) == 15 else 0):
            return False
        month = value[3:5]
        if not (month.isdigit() and (1 <= int(month) <= 12 or 20 <= int(month) <= 99)):
            return False
        if len(value) == 15 and nir.is_valid(value):
            return True
        return None


def _compact(text: str) -> str:
    return compact(text.replace("clé", "").replace("cle", ""))
