"""A service-public.fr fiche as Plume keeps it: metadata and passages.

    Fiche(id, title, description, audience, url, date, theme, keywords, passages, links)
        ``id`` "F2882"; ``audience`` "particuliers" | "professionnels" | "associations";
        ``url`` the fiche's ``spUrl``; ``date`` "YYYY-MM-DD" (``dc:date``, else
        ``dateDerniereModificationImportante``); ``theme`` the breadcrumb without its ends
        ("Social - Santé > Prime d'activité"); ``keywords`` abbreviations and online services;
        ``links`` every URL the fiche cites (its own first); ``cites`` the ids of the other fiches
        its text links to (``LienInterne``), from which the index counts each fiche's in-links;
        ``type`` the DILA publication type ("Fiche d'information", "Fiche Question-réponse"…).
    Passage(heading, kind, text)
        ``heading`` the section path ("Vous êtes salarié > Conditions"); ``kind`` one of
        PASSAGE_KINDS, guessed from the heading: conditions, demarche, montant, ou_s_adresser,
        situation (a Situation or Cas without a more telling heading), intro, info.

``fiche_from_node(node, audience=None)`` builds one from a ``Publication`` node (knowledge.tree).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from common.text import fold as common_fold
from knowledge.tree import Node

PASSAGE_KINDS = ("intro", "conditions", "demarche", "montant", "ou_s_adresser", "situation", "info")
_MAX_PASSAGE_CHARS = 1500
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AUDIENCE_PATHS = {"particuliers": "particuliers", "professionnels": "professionnels-entreprises",
                   "associations": "associations"}
_KIND_WORDS = (  # first match wins; matched on the accent-free, lower-case heading
    ("ou_s_adresser", ("ou s'adresser", "par telephone", "par courrier", "par messagerie",
                       "par courriel", "sur place", "contact")),
    ("montant", ("montant", "cout", "remuneration", "versement", "paiement", "calcul", "prix",
                 "tarif", "indemn", "bareme", "plafond", "taux", "frais")),
    ("conditions", ("condition", "qui est concerne", "beneficiaire", "personnes concernees", "age",
                    "ressources", "droit", "eligib")),
    ("demarche", ("demarche", "procedure", "demande", "pieces", "en ligne", "declaration",
                  "formulaire", "delai", "renouvel", "inscription", "recours")),
)


@dataclass(frozen=True)
class Passage:
    heading: str
    kind: str
    text: str


@dataclass
class Fiche:
    id: str
    title: str
    description: str
    audience: str
    url: str
    date: str
    theme: str = ""
    keywords: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)
    type: str = ""

    @property
    def headings(self) -> str:
        return " · ".join(dict.fromkeys(p.heading for p in self.passages))

    @property
    def body(self) -> str:
        return "\n".join(p.text for p in self.passages)


def fold(text: str) -> str:
    """Lower case without diacritics ("Où s'adresser ?" → "ou s'adresser ?")."""
    return common_fold(text.casefold()).replace("’", "'")


def fiche_from_node(pub: Node, audience: str | None = None) -> Fiche:
    """The Fiche of a ``Publication`` node. Raises ValueError when it has no ID or no title."""
    fiche_id = pub.attrs.get("ID", "").strip()
    title = _meta(pub, "dc:title")
    if not fiche_id or not title:
        raise ValueError("fiche sans ID ou sans titre")
    audience = (audience or _meta(pub, "Audience") or "particuliers").lower()
    url = pub.attrs.get("spUrl") or (f"https://www.service-public.fr/"
                                     f"{_AUDIENCE_PATHS.get(audience, audience)}/vosdroits/{fiche_id}")
    date = _DATE.search(_meta(pub, "dc:date") or pub.attrs.get("dateDerniereModificationImportante", ""))
    levels = [n.text() for n in (pub.first("FilDAriane") or Node("")).elements("Niveau")]
    keywords = [n.text() for n in pub.elements("Abreviation")]
    keywords += [(n.first("Titre") or n).text() for n in pub.elements("ServiceEnLigne")]
    passages: list[Passage] = []
    if (intro := pub.first("Introduction")) is not None and intro.text():
        passages.append(Passage("Introduction", "intro", intro.text()))
    if (texte := pub.first("Texte")) is not None:
        _sections(texte, [], passages, "info")
    for situation in (pub.first("ListeSituations") or Node("")).elements("Situation"):
        _sections(situation.first("Texte") or situation, [_title(situation)], passages, "situation")
    if where := _where(pub):
        passages.append(Passage("Où s'adresser ?", "ou_s_adresser", where))
    return Fiche(id=fiche_id, title=title, description=_meta(pub, "dc:description"), audience=audience,
                 url=url, date=date.group(0) if date else "", theme=" > ".join(levels[1:-1]),
                 keywords=[k for k in keywords if k], passages=passages, links=_links(pub, url),
                 cites=_cites(pub, fiche_id), type=pub.attrs.get("type", ""))


def _meta(pub: Node, name: str) -> str:
    node = pub.first(name)
    return node.text() if node is not None else ""


def _title(node: Node) -> str:
    title = node.first("Titre")
    return title.text() if title is not None else ""


def _without(node: Node, names: set[str]) -> Node:
    return Node(node.name, node.attrs, [c for c in node.children
                                        if isinstance(c, str) or c.name not in names])


def _sections(container: Node, path: list[str], out: list[Passage], default_kind: str) -> None:
    """One passage per Chapitre (per SousChapitre when it has some); the container's own text
    when it has no chapter."""
    chapters = container.elements("Chapitre")
    if not chapters:
        _emit(container, path, out, default_kind)
        return
    lead = _without(container, {"Chapitre", "Titre"})
    if lead.text():
        _emit(lead, path, out, default_kind)
    for chapter in chapters:
        here = path + [_title(chapter)]
        subs = chapter.elements("SousChapitre")
        _emit(_without(chapter, {"SousChapitre"}) if subs else chapter, here, out, default_kind)
        for sub in subs:
            _emit(sub, here + [_title(sub)], out, default_kind)


def _emit(node: Node, path: list[str], out: list[Passage], default_kind: str) -> None:
    """The node's text (its Titre left out) as one passage; a long one with cases is split per Cas."""
    body = _without(node, {"Titre"})
    text = body.text()
    if not text:
        return
    cases = [cas for bloc in body.elements("BlocCas") for cas in bloc.elements("Cas")]
    if len(text) > _MAX_PASSAGE_CHARS and cases:
        lead = _without(body, {"BlocCas"}).text()
        if lead:
            out.append(Passage(_heading(path), _kind(path, default_kind), lead))
        for cas in cases:
            _emit(cas, path + [_title(cas)], out, "situation")
        return
    out.append(Passage(_heading(path), _kind(path, default_kind), text))


def _heading(path: list[str]) -> str:
    return " > ".join(p for p in path if p) or "Texte"


def _kind(path: list[str], default_kind: str) -> str:
    for part in reversed(path):
        folded = fold(part)
        for kind, words in _KIND_WORDS:
            if any(word in folded for word in words):
                return kind
    return default_kind


def _where(pub: Node) -> str:
    """Every OuSAdresser of the fiche (nested ones too), once each: name, then its own text."""
    seen: dict[str, str] = {}
    stack = [pub]
    while stack:
        node = stack.pop()
        for child in node.elements():
            if child.name == "OuSAdresser":
                key = child.attrs.get("ID") or _title(child)
                seen.setdefault(key, child.text())
            else:
                stack.append(child)
    return "\n".join(t for t in seen.values() if t)


def _links(pub: Node, own: str) -> list[str]:
    links = {own: None}
    stack = [pub]
    while stack:
        node = stack.pop()
        if url := node.attrs.get("URL"):
            links.setdefault(url.strip(), None)
        stack.extend(node.elements())
    return list(links)


def _cites(pub: Node, own_id: str) -> list[str]:
    cited: dict[str, None] = {}
    stack = [pub]
    while stack:
        node = stack.pop()
        target = node.attrs.get("LienPublication", "") if node.name == "LienInterne" else ""
        if target.startswith("F") and target != own_id:
            cited.setdefault(target, None)
        stack.extend(node.elements())
    return list(cited)
