"""FR_LICENSE_PLATE: vehicle registration (SIV "AB-123-CD" since 2009, FNI "1234 AB 56" before).

Reference: arrêté du 9 février 2009 (SIV: letters I, O, U excluded, SS/WW reserved); FNI
format number, letters, département. Upper-case only, so "de 100 et" is never a plate.
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from redaction.recognizers.base import CASE_SENSITIVE, NA, NB, FrPatternRecognizer

_L = r"[A-HJ-NP-TV-Z]"


class FrLicensePlateRecognizer(FrPatternRecognizer):
    ENTITY = "FR_LICENSE_PLATE"
    FLAGS = CASE_SENSITIVE
    PATTERNS = [
        Pattern("SIV dashes", NB + rf"{_L}{{2}}-\d{{3}}-{_L}{{2}}" + NA, 0.6),
        Pattern("SIV spaces", NB + rf"{_L}{{2}} ?\d{{3}} ?{_L}{{2}}" + NA, 0.3),
        Pattern("SIV any case", NB + r"(?i:[a-hj-np-tv-z]{2}[ \-]?\d{3}[ \-]?[a-hj-np-tv-z]{2})" + NA, 0.05),
        Pattern("FNI any case", NB + r"\d{1,4}[ \-]?(?!(?i:mai|mar|avr|jan|f[ée]v|jui|ao[ûu]|sep|oct|nov|d[ée]c|et|ou|de|du|au|le|la|en|h|km|kg|ans?)(?![a-z]))"
                r"(?i:[a-z]{1,3})[ \-]?(?:\d{2}|2[ABab]|97\d)" + NA, 0.05),
        Pattern("FNI", NB + r"\d{1,4}[ \-]?[A-Z]{1,3}[ \-]?(?:\d{2}|2[AB]|97\d)" + NA, 0.1),
    ]
    CONTEXT = ["immatricul", "plaque", "vehicule", "voiture", "grise", "moto", "scooter",
               "camion", "siv", "automobile", "fourriere", "amende", "radar", "pv"]

    def validate_result(self, pattern_text: str) -> bool | None:
        letters = "".join(c for c in pattern_text if c.isalpha())
        if len(letters) == 4 and (letters[:2] in ("SS", "WW") or letters[2:] == "SS"):
            return False
        return None
