"""FR_AGDREF: numéro étranger (AGDREF, printed on the titre de séjour).

Reference: Ministère de l'Intérieur, application AGDREF; the numéro étranger has 10 digits.
No checksum: context words (étranger, titre de séjour, AGDREF…) decide.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from redaction.recognizers.base import NA, NB, FrPatternRecognizer, digits_spaced


class FrAgdrefRecognizer(FrPatternRecognizer):
    ENTITY = "FR_AGDREF"
    PATTERNS = [Pattern("numéro étranger", NB + digits_spaced(10) + NA, 0.05)]
    CONTEXT = ["etranger", "agdref", "sejour", "ressortissant", "recepisse", "ofii", "visa",
               "titre"]
