"""FR_TAX_ID: numéro fiscal (numéro d'identification fiscale, SPI) of a person.

Reference: DGFiP, numéro fiscal shown on the avis d'impôt; 13 digits, first digit 0-3, the last
three a key (first ten mod 511). Checked with ``stdnum.fr.nif``.
"""

from __future__ import annotations

from presidio_analyzer import Pattern
from stdnum.fr import nif

from redaction.normalize import compact
from redaction.recognizers.base import NA, NB, SEP, FrPatternRecognizer


class FrTaxIdRecognizer(FrPatternRecognizer):
    ENTITY = "FR_TAX_ID"
    PATTERNS = [Pattern("numéro fiscal", NB + rf"[0-3](?:{SEP}\d){{12}}" + NA, 0.5)]
    CONTEXT = ["fiscal", "spi", "impot", "impots", "fiscale", "dgfip", "contribuable",
               "declaration", "avis"]

    def validate_result(self, pattern_text: str) -> bool:
        return nif.is_valid(compact(pattern_text))
