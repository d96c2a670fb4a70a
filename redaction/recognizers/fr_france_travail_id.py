"""FR_FRANCE_TRAVAIL_ID: identifiant France Travail (ex-Pôle emploi) of a job seeker.

Reference: France Travail, identifiant on the attestation d'inscription: 7 digits and a letter
(older ones 8 characters, or an 11-digit form). No checksum: context words decide.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from redaction.recognizers.base import NA, NB, FrPatternRecognizer


class FrFranceTravailIdRecognizer(FrPatternRecognizer):
    ENTITY = "FR_FRANCE_TRAVAIL_ID"
    PATTERNS = [
        Pattern("7 digits + letter", NB + r"\d{7}\s?[A-Za-z]" + NA, 0.3),
        Pattern("8 or 11 digits", NB + r"(?:\d{8}|\d{11})" + NA, 0.05),
    ]
    CONTEXT = ["identifiant", "france", "travail", "pole", "emploi", "demandeur", "chomage",
               "inscrit", "inscription", "actualis"]
