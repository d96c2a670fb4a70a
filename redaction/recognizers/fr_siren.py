"""FR_SIREN: company number (9 digits, Luhn key).

Reference: INSEE, répertoire SIRENE. Checked with ``stdnum.fr.siren``. One random 9-digit
number in ten passes Luhn, so a valid value still needs a context word (SIREN, RCS, société…).
"""

from __future__ import annotations

from presidio_analyzer import Pattern
from stdnum.fr import siren

from redaction.normalize import compact
from redaction.recognizers.base import NA, NB, FrPatternRecognizer, digits_spaced


class FrSirenRecognizer(FrPatternRecognizer):
    ENTITY = "FR_SIREN"
    PATTERNS = [Pattern("SIREN", NB + digits_spaced(9) + NA, 0.1)]
    CONTEXT = ["siren", "rcs", "societe", "entreprise", "immatricul", "sirene", "kbis"]

    def validate_result(self, pattern_text: str) -> bool | None:
        return None if siren.is_valid(compact(pattern_text)) else False
