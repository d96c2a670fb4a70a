"""FR_NIR: numéro d'inscription au répertoire (numéro de sécurité sociale).

Reference: INSEE, « Le numéro d'inscription au répertoire (NIR) »; 13 characters (sex, year,
month, département or 2A/2B for Corsica, commune, order) plus a 2-digit key
``97 - (NIR mod 97)``, Corsica counted as 19 (2A) / 18 (2B). Checked with
``stdnum.fr.nir`` after separators are dropped ("2 85 03 52 206 584 - 31", "1.85.03...").
Without its key (13 characters) the shape needs a context word.
"""

from __future__ import annotations

from presidio_analyzer import Pattern
from stdnum.fr import nir

from redaction.normalize import compact
from redaction.recognizers.base import NA, NB, SEP, FrPatternRecognizer

# sex, year (2), month (2), département (2 digits or 2A/2B; overseas 97x + 2-digit commune
# keeps the same length), then 6 digits; separators allowed anywhere.
_BODY = rf"[1-478](?:{SEP}\d){{4}}{SEP}(?:\d{SEP}\d|2{SEP}[AB])(?:{SEP}\d){{6}}"


class FrNirRecognizer(FrPatternRecognizer):
    ENTITY = "FR_NIR"
    PATTERNS = [
        Pattern("NIR with key", NB + _BODY + rf"{SEP}(?:cl[ée]\s*:?\s*)?\d{SEP}\d" + NA, 0.5),
        Pattern("NIR without key", NB + _BODY + NA, 0.2),
    ]
    CONTEXT = ["securite", "secu", "nir", "insee", "vitale", "assure", "immatriculation",
               "ameli", "cpam", "msa", "social"]

    def validate_result(self, pattern_text: str) -> bool | None:
        value = compact(pattern_text.replace("clé", "").replace("cle", ""))
        if len(value) == 15:
            return nir.is_valid(value)
        if len(value) == 13:  # no key: only a structural check, context decides
            month = value[3:5]
            if not (month.isdigit() and (1 <= int(month) <= 12 or 20 <= int(month) <= 99)):
                return False
            return None
        return False
