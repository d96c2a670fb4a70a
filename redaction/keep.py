"""What must stay readable: organisations, legal references, form numbers, amounts.

``protected_spans(text)`` returns ``[(start, end)]`` of such mentions. The engine drops
*uncertain* findings (names, context-only numbers, dates) that overlap one, and addresses that
start inside one, so "France Travail", "CAF de la Gironde", "article L. 262-2" or
"cerfa n° 12345*03" are never masked; checksum-valid identifiers, e-mails, phone numbers and
passport numbers are never dropped.
"""

from __future__ import annotations

import regex

_ORG_HEAD = (
    r"(?:caf|cpam|msa|urssaf|carsat|mdph|ccas|cnaf|cnav|ants|ofii|ofpra|dgfip|crous|anah|ars|"
    r"dreets|ddets|pr[ée]fecture|sous-pr[ée]fecture|mairie|h[ôo]tel de ville|conseil d[ée]partemental|"
    r"conseil r[ée]gional|france travail|p[ôo]le emploi|france services|maison france services|"
    r"centre des finances publiques|service des imp[ôo]ts(?: des particuliers| des entreprises)?|"
    r"tr[ée]sor public|caisse d'allocations familiales|caisse primaire d'assurance maladie|"
    r"assurance maladie|assurance retraite|s[ée]curit[ée] sociale|tribunal(?: judiciaire| administratif)?|"
    r"cour d'appel|conseil d'[ée]tat|d[ée]fenseur des droits|la poste|banque de france|"
    r"minist[èe]re(?: de l'int[ée]rieur| du travail| de la justice)?|rectorat|inspection du travail|"
    r"centre communal d'action sociale|maison d[ée]partementale des personnes handicap[ée]es|"
    r"agence nationale des titres s[ée]curis[ée]s|direction g[ée]n[ée]rale des finances publiques)"
)
_ORG = (
    rf"(?<![\w])(?i:{_ORG_HEAD})(?![\w])"
    r"(?:\s+(?i:de|du|des|d'|de la|de l')\s*(?i:la\s+|l'|les\s+)?\p{Lu}[\w'\-]*)?"
)
_LAW = (
    r"(?i:(?<![\w])(?:article|art\.)\s+(?:[LRDA]\.?\s?)?\*?\d+(?:[\-.]\d+)*(?:\s(?:bis|ter|quater))?"
    r"(?:\s+(?:du|de la|de l')\s+(?:code|loi|d[ée]cret|arr[êe]t[ée]|ordonnance)[^.;\n]{0,60})?)"
    r"|(?i:(?<![\w])(?:loi|d[ée]cret|arr[êe]t[ée]|ordonnance|circulaire)\s+n\s?°\s*\d[\d\-]*(?:\s+du\s+\d{1,2}(?:er)?\s+\p{L}+\s+\d{4})?)"
    r"|(?i:(?<![\w])cerfa\s*(?:n\s?°|no\.?|num[ée]ro)?\s*\d{5}\s?\*\s?\d{2})"
    r"|(?i:(?<![\w])(?:formulaire\s+)?n\s?°\s*\d{5}\s?\*\s?\d{2})"
)
_AMOUNT = (
    r"(?<![\w])\d{1,3}(?:[ .]\d{3})*(?:,\d{1,2})?\s?(?:€|(?i:euros?|eur)(?![\w]))"
    r"|(?<![\w])\d+(?:,\d{1,2})?\s?(?:€|(?i:euros?)(?![\w]))"
)
PROTECTED = regex.compile(rf"{_ORG}|{_LAW}|{_AMOUNT}")


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans of organisations, legal references, form numbers and amounts in ``text``."""
    return [m.span() for m in PROTECTED.finditer(text)]
