"""FR_CAF_ID: numéro d'allocataire (CAF / MSA).

Reference: CNAF, numéro allocataire on the attestation de paiement: 7 digits (sometimes
written with a leading zero or an extra digit). No checksum: only a context word (allocataire,
CAF, MSA…) makes an ordinary number one.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from redaction.recognizers.base import NA, NB, FrPatternRecognizer, digits_spaced


class FrCafIdRecognizer(FrPatternRecognizer):
    ENTITY = "FR_CAF_ID"
    PATTERNS = [
        Pattern("allocataire 7-8 digits", NB + r"\d{7,8}(?:\s?[A-Za-z])?" + NA, 0.05),
        Pattern("allocataire spaced", NB + digits_spaced(7) + NA, 0.05),
    ]
    CONTEXT = ["allocataire", "caf", "msa", "alloc", "cnaf"]
