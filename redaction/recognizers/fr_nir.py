"""FR_NIR: numéro d'inscription au répertoire (numéro de sécurité sociale).

Reference: INSEE, « Le numéro d'inscription au répertoire (NIR) »; 13 characters (sex, year,
month, département or 2A/2B for Corsica, commune, order) plus a 2-digit key
``97 - (NIR mod 97)``, Corsica counted as 19 (2A) / 18 (2B). Checked with
``stdnum.fr.nir`` after separators are dropped ("2 85 03 52 206 584 - 31", "1.85.03...",
"1 8 5 0 3 …", "1|85|03…").

Recall first (DESIGN §4): a checksum-valid NIR scores 1.0 and is masked anywhere; the same
shape with a wrong key, or without its key (13 characters), is masked when a context word names
it ("sécurité sociale", "NIR", "n° sécu", "carte Vitale", "n° SS"): a mistyped NIR still
identifies its holder.
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
        # 1.0 when the key checks; below the threshold (context needed) when it does not.
        Pattern("NIR with key", NB + _BODY + rf"{SEP}(?:cl[ée]\s*:?\s*)?\d{SEP}\d" + NA, 0.2),
        Pattern("NIR without key", NB + _BODY + NA, 0.2),
    ]
    CONTEXT = ["securite", "secu", "nir", "insee", "vitale", "assure", "immatriculation",
               "ameli", "cpam", "msa", "social", "ss", "nss", "matricule"]

    def validate_result(self, pattern_text: str) -> bool | None:
        """True for a valid key; None (context decides) for a plausible shape; False else."""
        value = compact(pattern_text.replace("clé", "").replace("cle", ""))
        if len(value) not in (13, 15):
            return False
        month = value[3:5]
        if not (month.isdigit() and (1 <= int(month) <= 12 or 20 <= int(month) <= 99)):
            return False
        if len(value) == 15 and nir.is_valid(value):
            return True
        return None
