"""FR_ID_CARD: carte nationale d'identité number.

Reference: ANTS; since 2021 the CNIe number has 9 characters (letters and digits); the older
card has 12 characters (issue year and month, département, sequence). No public checksum in the
number itself: context words (carte d'identité, CNI…) decide.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from redaction.recognizers.base import CASE_SENSITIVE, NA, NB, FrPatternRecognizer


class FrIdCardRecognizer(FrPatternRecognizer):
    ENTITY = "FR_ID_CARD"
    FLAGS = CASE_SENSITIVE
    PATTERNS = [
        Pattern("CNIe 9 characters", NB + r"(?i:(?=[a-z]*\d)[a-z0-9]{9})" + NA, 0.05),
        Pattern("CNIe 9 letters after n°", r"(?<=(?i:n\s?°|no\.|num[ée]ro|:)\s{0,2})[A-Z]{9}" + NA, 0.05),
        Pattern("CNI 12 characters", NB + r"\d{4}[0-9A-Z]{3}\d{5}" + NA, 0.05),
        Pattern("CNI 12 digits spaced", NB + r"\d{4} \d{4} \d{4}" + NA, 0.05),
    ]
    CONTEXT = ["identite", "cni", "cnie", "piece"]
