"""FR_RECORD_ID: a person's file number at a hospital or a service ("IPP", "NDA", "n° de
dossier", "n° patient", "identifiant usager").

Reference: the identifiers of French hospital information systems (IPP, identifiant permanent
du patient; NDA, numéro de dossier administratif, 8 to 11 digits, site-defined, no public
checksum) and the file numbers of public services. A run of 8 to 15 digits, not part of a
longer reference ("2025-123456" stays: a case reference with its year), is one only next to a
context word naming it; identifiers with their own type (NIR, CAF, France Travail …) win over
it on the same span.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from redaction.recognizers.base import FrPatternRecognizer


class FrRecordIdRecognizer(FrPatternRecognizer):
    ENTITY = "FR_RECORD_ID"
    PATTERNS = [Pattern("file number", r"(?<![\w\-/.])\d{8,15}(?![\w\-/]|[.,]\d)", 0.05)]
    CONTEXT = ["ipp", "ip", "nda", "dossier", "patient", "identifiant", "usager", "sejour", "client",
               "adherent", "matricule"]
