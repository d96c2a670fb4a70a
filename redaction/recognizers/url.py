"""URL: web addresses, which often carry a name ("facebook.com/julie.marchand.75",
"jean-dupont.fr", "…/profil?user=jdupont").

Reference: RFC 3986 (scheme, host, path, query), simplified to what people paste: with a
scheme, or starting with "www.", or a bare host with a common top-level domain. Addresses on
the public service's own domains (``*.gouv.fr``, service-public.fr, the CAF, Assurance
Maladie, France Travail …) are kept unless they hold an "@": the agent needs them and they
name no one.
"""

from __future__ import annotations

import regex
from presidio_analyzer import Pattern

from redaction.recognizers.base import FrPatternRecognizer

_HOST = r"(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}"
# A bare host: first label of two characters or more, a common top-level domain.
_BARE_HOST = r"[a-z0-9][a-z0-9\-]{0,61}[a-z0-9]\.(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)*(?:fr|com|net|org|eu|be|ch|info|io)"
# Path, query and fragment; not ending on the punctuation that closes a sentence.
_TAIL = r"(?::\d{1,5})?(?:[/?#](?:[^\s<>\"']*[^\s<>\"'.,;:!?)\]])?)?"

PUBLIC_DOMAINS = (
    "gouv.fr", "service-public.fr", "caf.fr", "ameli.fr", "msa.fr", "urssaf.fr",
    "france-travail.fr", "pole-emploi.fr", "info-retraite.fr", "lassuranceretraite.fr",
    "legifrance.gouv.fr", "impots.gouv.fr", "ants.gouv.fr", "francetravail.fr", "laposte.fr",
    "europa.eu", "agirc-arrco.fr", "mdph.fr", "cnil.fr", "defenseurdesdroits.fr", "tchap.gouv.fr",
)
_HOST_OF = regex.compile(r"^(?:[a-z][a-z0-9+.\-]*://)?(?:[^@/\s]*@)?([^/:?#\s]+)", regex.IGNORECASE)


class FrUrlRecognizer(FrPatternRecognizer):
    ENTITY = "URL"
    PATTERNS = [
        Pattern("with scheme", r"(?<![\w@.])(?:https?|ftp)://(?:[^\s<>\"'@/]+@)?" + _HOST + _TAIL, 0.6),
        Pattern("www.", r"(?<![\w@./])www\." + _HOST + _TAIL, 0.6),
        Pattern("bare host", r"(?<![\w@./\-])" + _BARE_HOST + r"(?![\w@\-])" + _TAIL, 0.4),
    ]
    CONTEXT = ["site", "lien", "profil", "page", "compte", "facebook", "instagram", "linkedin"]

    def validate_result(self, pattern_text: str) -> bool | None:
        """False (kept) on the public service's own domains without an "@"; None otherwise."""
        match = _HOST_OF.match(pattern_text)
        host = match.group(1).lower() if match else ""
        if "@" not in pattern_text and any(host == d or host.endswith("." + d) for d in PUBLIC_DOMAINS):
            return False
        if "." not in host or host.replace(".", "").isdigit():
            return False
        return None
