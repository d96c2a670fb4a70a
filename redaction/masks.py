"""Masks the agent adds to a question (``!masquer <expression> [comme <type>]``).

CONTRACT:

    MaskRequest(expression, entity_type)     # entity_type None: to be guessed
    parse_request(text) -> MaskRequest | None
        ``"Dupont"``, ``"« 12 rue des Lilas »"``, ``"Tréminis comme lieu"``; None when empty.
    guess_entity_type(expression, redaction) -> str
        the type of the finding that covers the expression alone (``redaction`` = the
        Redactor's result on it), else PERSON without digits, else OTHER_PII.
    find(text, expression, mapping=None) -> list[(start, end)]
        every occurrence in ``text`` (placeholder form), case- and accent-insensitive, on word
        boundaries, any whitespace run for a space; never cutting into a placeholder and never
        a run of placeholders alone. Values of ``mapping`` inside the expression are matched
        as their placeholders (``"Marie Dupont"`` finds ``"Marie [NOM_1]"``).
    apply(text, expression, entity_type, mapping, placeholder=None) -> Masked | None
        replace every occurrence by one placeholder (``placeholder``, or the one already
        holding the same value, or the next free number of ``entity_type``); None when there
        is no occurrence. ``Masked.mapping`` is ``mapping`` plus the new entry.
    strings(value) -> Iterator[str]
        every string of a parsed JSON value, keys included (to look for a value in a payload).

Nothing here logs, and the value never leaves the returned objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import regex

from redaction.normalize import fold, normalize
from redaction.placeholders import PLACEHOLDER, parse, placeholder as make_placeholder, value_key

# Type words an agent may give after "comme" (folded), to entity types (redaction.placeholders).
TYPE_WORDS: dict[str, str] = {
    **dict.fromkeys(("nom", "prenom", "personne"), "PERSON"),
    "adresse": "FR_ADDRESS",
    **dict.fromkeys(("telephone", "tel"), "PHONE_NUMBER"),
    **dict.fromkeys(("email", "e-mail", "mail", "courriel"), "EMAIL_ADDRESS"),
    **dict.fromkeys(("nir", "secu"), "FR_NIR"),
    **dict.fromkeys(("iban", "rib"), "IBAN_CODE"),
    **dict.fromkeys(("date", "naissance", "date de naissance"), "DATE_OF_BIRTH"),
    **dict.fromkeys(("lieu", "ville", "commune"), "LOCATION"),
    **dict.fromkeys(("numero", "identifiant", "reference", "autre", "donnee"), "OTHER_PII"),
}

_QUOTES = (('"', '"'), ("«", "»"), ("“", "”"), ("'", "'"))
_AS_TYPE = regex.compile(r"^(?P<expr>.*\S)\s+comme\s+(?P<type>\S+(?:\s+\S+){0,2})\s*$", regex.S)
_ALNUM = regex.compile(r"[\p{L}\p{N}]")
_ONLY_PLACEHOLDERS = regex.compile(r"(?:\s*\[[a-z_]+_\d+\]\s*)+")


@dataclass(frozen=True)
class MaskRequest:
    expression: str
    entity_type: str | None


@dataclass(frozen=True)
class Masked:
    text: str
    placeholder: str
    entity_type: str
    occurrences: int
    mapping: dict[str, str]


def _unquote(text: str) -> str:
    text = text.strip()
    for left, right in _QUOTES:
        if len(text) >= 2 and text.startswith(left) and text.endswith(right):
            return text[len(left):-len(right)].strip()
    return text


def parse_request(text: str) -> MaskRequest | None:
    """The argument of ``!masquer`` (see module docstring)."""
    text = text.strip()
    entity_type = None
    match = _AS_TYPE.match(text)
    if match and fold(match["type"]) in TYPE_WORDS:
        text, entity_type = match["expr"], TYPE_WORDS[fold(match["type"])]
    expression = " ".join(_unquote(text).split())
    return MaskRequest(expression, entity_type) if _ALNUM.search(expression) else None


def guess_entity_type(expression: str, redaction) -> str:
    """See module docstring. ``redaction``: ``Redactor.redact(expression)``."""
    letters = len(_ALNUM.findall(expression))
    for span in redaction.spans:
        if len(_ALNUM.findall(expression[span.start:span.end])) >= 0.8 * letters:
            return span.entity_type
    return "OTHER_PII" if regex.search(r"\p{N}", expression) else "PERSON"


def _folded(text: str) -> tuple[str, list[int]]:
    """``text`` normalised and folded, with the original offset of each folded character."""
    norm = normalize(text)
    chars: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(norm.text):
        start = norm.span_to_original(i, i + 1)[0]
        for f in fold(ch):
            chars.append(f)
            origin.append(start)
    origin.append(len(text))
    return "".join(chars), origin


def _placeholder_form(expression: str, mapping: dict[str, str]) -> str:
    """The expression with the question's known values replaced by their placeholders."""
    for ph, value in sorted(mapping.items(), key=lambda kv: -len(kv[1])):
        if value and parse(ph):
            spans = _find_plain(expression, value)
            for start, end in reversed(spans):
                expression = expression[:start] + ph + expression[end:]
    return expression


def _pattern(expression: str) -> regex.Pattern | None:
    folded, _ = _folded(expression)
    tokens = folded.split()
    if not tokens:
        return None
    body = r"\s+".join(regex.escape(t) for t in tokens)
    before = r"(?<![\p{L}\p{N}])" if _ALNUM.match(folded.strip()[0]) else ""
    after = r"(?![\p{L}\p{N}])" if _ALNUM.match(folded.strip()[-1]) else ""
    return regex.compile(before + body + after)


def _find_plain(text: str, expression: str) -> list[tuple[int, int]]:
    pattern = _pattern(expression)
    if pattern is None:
        return []
    folded, origin = _folded(text)
    return [(origin[m.start()], origin[m.end() - 1] + 1) for m in pattern.finditer(folded)
            if not _ONLY_PLACEHOLDERS.fullmatch(m.group())]


def find(text: str, expression: str, mapping: dict[str, str] | None = None) -> list[tuple[int, int]]:
    """See module docstring."""
    forms = {expression, _placeholder_form(expression, mapping or {})}
    placeholders = [m.span() for m in PLACEHOLDER.finditer(text)]
    found = sorted({span for form in forms for span in _find_plain(text, form)},
                   key=lambda span: (span[0], -span[1]))
    spans: list[tuple[int, int]] = []
    for s, e in found:
        cuts = any(ps < e and s < pe and not (s <= ps and pe <= e) for ps, pe in placeholders)
        if not cuts and (not spans or s >= spans[-1][1]):
            spans.append((s, e))
    return spans


def _next_placeholder(entity_type: str, mapping: dict[str, str], text: str) -> str:
    used = [parse(ph) for ph in (*mapping, *(m.group() for m in PLACEHOLDER.finditer(text)))]
    top = max((p[1] for p in used if p and p[0] == entity_type), default=0)
    return make_placeholder(entity_type, top + 1)


def apply(text: str, expression: str, entity_type: str, mapping: dict[str, str],
          placeholder: str | None = None) -> Masked | None:
    """See module docstring."""
    from redaction.engine import rehydrate

    spans = find(text, expression, mapping)
    if not spans:
        return None
    value = rehydrate(text[spans[0][0]:spans[0][1]], mapping)
    if placeholder is None:
        key = value_key(entity_type, value)
        placeholder = next((ph for ph, v in mapping.items() if (p := parse(ph))
                            and p[0] == entity_type and value_key(entity_type, v) == key), None)
        placeholder = placeholder or _next_placeholder(entity_type, mapping, text)
    pieces, cursor = [], 0
    for start, end in spans:
        pieces += [text[cursor:start], placeholder]
        cursor = end
    pieces.append(text[cursor:])
    return Masked("".join(pieces), placeholder, entity_type, len(spans),
                  {**mapping, placeholder: mapping.get(placeholder, value)})


def strings(value) -> Iterator[str]:
    """See module docstring."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
