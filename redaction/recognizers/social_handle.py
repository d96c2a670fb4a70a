"""PERSON: social-network handles and e-mail-like strings that carry a name.

Reference: the user-name rules of the main networks (Instagram, X/Twitter, TikTok, Telegram:
letters, digits, "_" and "." up to 30 characters after "@"); e-mail local parts of RFC 5322
written without a usable domain ("julie.marchand@", "j.marchand@gmail") or spelt out
("julie point marchand arobase gmail point com"). A handle names its holder as surely as a
name, so it is masked as PERSON (placeholder ``[NOM_n]``).
"""

from __future__ import annotations

from presidio_analyzer import Pattern

from redaction.recognizers.base import FrPatternRecognizer

_LOCAL = r"[A-Za-z0-9](?:[A-Za-z0-9._%+\-]*[A-Za-z0-9_\-])?"
_SPELT_DOT = r"(?:\.|\s(?:point|dot)\s|\s?\[(?:point|dot)\]\s?|\s?\((?:point|dot)\)\s?)"
_SPELT_AT = r"(?:@|\s(?:arobase|at|chez)\s|\s?\[(?:at|arobase)\]\s?|\s?\((?:at|arobase)\)\s?)"
_WORDS = r"[A-Za-z0-9\-_]+"


class FrSocialHandleRecognizer(FrPatternRecognizer):
    ENTITY = "PERSON"
    PATTERNS = [
        Pattern("handle", r"(?<![\w.@/\-])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])", 0.6),
        Pattern("e-mail without domain", r"(?<![\w.%+\-@])" + _LOCAL + r"@(?:[A-Za-z0-9\-]+)?(?![\w.@])", 0.6),
        Pattern("spelt-out e-mail", r"(?<![\w])" + _WORDS + rf"(?:{_SPELT_DOT}{_WORDS}){{0,3}}{_SPELT_AT}"
                + _WORDS + rf"(?:{_SPELT_DOT}{_WORDS}){{0,2}}{_SPELT_DOT}(?:fr|com|net|org|eu|be|ch)(?![\w])", 0.6),
    ]
    CONTEXT = ["instagram", "facebook", "twitter", "tiktok", "snapchat", "telegram", "compte",
               "pseudo", "profil", "mail", "courriel"]
