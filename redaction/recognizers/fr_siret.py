"""FR_SIRET: establishment number (SIREN + 5-digit NIC, Luhn key; La Poste exception).

Reference: INSEE, répertoire SIRENE. Checked with ``stdnum.fr.siret``.
"""

from __future__ import annotations

from presidio_analyzer import Pattern
from stdnum.fr import siret

from redaction.normalize import compact
from redaction.recognizers.base import NA, NB, FrPatternRecognizer, digits_spaced


class FrSiretRecognizer(FrPatternRecognizer):
    ENTITY = "FR_SIRET"
    PATTERNS = [Pattern("SIRET", NB + digits_spaced(14) + NA, 0.3)]
    CONTEXT = ["siret", "entreprise", "auto-entrepreneur", "entrepreneur", "societe",
               "etablissement", "micro", "urssaf"]

    def validate_result(self, pattern_text: str) -> bool:
        return siret.is_valid(compact(pattern_text))
