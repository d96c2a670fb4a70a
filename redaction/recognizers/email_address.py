"""EMAIL_ADDRESS: e-mail addresses, including spaced or "(at)" / "arobase" forms people paste.

Reference: RFC 5322 (addr-spec, simplified to what people write).
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from redaction.recognizers.base import FrPatternRecognizer

_LOCAL = r"[A-Za-z0-9](?:[A-Za-z0-9._%+\-']*[A-Za-z0-9_\-])?"
_DOMAIN = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}"


class FrEmailRecognizer(FrPatternRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = [
        Pattern("e-mail", r"(?<![\w.%+\-])" + _LOCAL + r"@" + _DOMAIN + r"(?![\w])", 1.0),
        Pattern("spaced e-mail", r"(?<![\w.%+\-])" + _LOCAL
                + r"\s?(?:\s@\s|@\s|\s@|\(at\)|\[at\]|\s(?:arobase|at)\s)\s?" + _DOMAIN + r"(?![\w])", 0.8),
    ]
    CONTEXT = ["mail", "courriel", "email", "adresse", "electronique"]
