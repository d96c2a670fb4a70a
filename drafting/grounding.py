"""Drafts grounded on official sources: what the prompt carries, what is checked after drafting.

    Source(id, title, url, date, heading, text, description="")    one passage of a service-public.fr
        fiche, with the fiche's description (the handlers build them from knowledge.PassageHit;
        drafting does not import knowledge).
    sources_block(sources) -> str       the numbered passages for the prompt: [1] title — heading,
        date, URL, then the passage text (cut at PASSAGE_CHARS).
    check_draft(text, sources, known_url) -> CheckedDraft(text, removed_urls, unverified)
        - every URL of the draft is looked up with ``known_url(url) -> bool`` (the knowledge base:
          fiche and cited links) or among the sources' own; an unknown one is removed;
        - an amount (``553,16 €``, ``12 euros``), a deadline or duration (``2 jours``, ``3 mois``)
          or a phone number (``39 39``, ``01 23 45 67 89``) that appears in no source passage is
          followed by ``[À VÉRIFIER]`` (the fiches' descriptions count as source text). Numbers are compared on their digits and unit, so
          "553,16 €" matches "553,16 euros".
    sources_footer(sources) -> str      "Sources :" then one line per fiche: title, link, date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as Date
from typing import Callable, Sequence

PASSAGE_CHARS = 1500
VERIFY = "[À VÉRIFIER]"
_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+")
_URL_TRAILING = ".,;:!?»"
_AMOUNT = re.compile(r"\b\d[\d  .]*(?:,\d+)?\s?(?:€|euros?\b)", re.IGNORECASE)
_DURATION = re.compile(r"\b\d+\s?(?:jours?|semaines?|mois|ans|années?|heures?)\b", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\d\w])(?:0\d(?:[ .]?\d{2}){4}|3\d ?\d{2})(?![\d\w])")  # 01 23 45 67 89, 39 39
_UNIT = {"€": "eur", "euro": "eur", "euros": "eur", "jour": "j", "jours": "j", "semaine": "s",
         "semaines": "s", "mois": "m", "an": "a", "ans": "a", "annee": "a", "annees": "a",
         "année": "a", "années": "a", "heure": "h", "heures": "h"}


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    date: str
    heading: str
    text: str
    description: str = ""


@dataclass(frozen=True)
class CheckedDraft:
    text: str
    removed_urls: tuple[str, ...]
    unverified: tuple[str, ...]


def french_date(iso: str) -> str:
    try:
        return Date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return iso or "date inconnue"


def shorten(text: str, limit: int = PASSAGE_CHARS) -> str:
    """``text`` cut at the last sentence (or word) end before ``limit`` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = cut.rfind(". ")
    return cut[:end + 1] if end > limit // 2 else cut.rsplit(" ", 1)[0] + " […]"


def sources_block(sources: Sequence[Source]) -> str:
    parts = []
    for number, source in enumerate(sources, start=1):
        text = shorten(source.text)
        parts.append(f"[{number}] {source.title} — {source.heading}\n"
                     f"Fiche mise à jour le {french_date(source.date)} : {source.url}\n{text}")
    return "\n\n".join(parts)


def sources_footer(sources: Sequence[Source]) -> str:
    fiches = {s.url: s for s in sources}.values()
    lines = [f"- {s.title} — {s.url} (fiche mise à jour le {french_date(s.date)})" for s in fiches]
    return "Sources :\n" + "\n".join(lines) if lines else ""


def _key(value: str) -> str:
    """Digits and unit of a figure: "553,16 €" and "553,16 euros" → "55316eur"; "2 jours" → "2j"."""
    unit = re.findall(r"[^\W\d_]+|€", value)
    return re.sub(r"\D", "", value) + (_UNIT.get(unit[-1].lower(), "") if unit else "")


def check_draft(text: str, sources: Sequence[Source], known_url: Callable[[str], bool]) -> CheckedDraft:
    own = {s.url for s in sources}
    removed: list[str] = []

    def url(match: re.Match) -> str:
        link = match.group(0).rstrip(_URL_TRAILING)
        if link in own or known_url(link):
            return match.group(0)
        removed.append(link)
        return match.group(0)[len(link):]

    text = _URL.sub(url, text)
    corpus = " ".join(f"{s.description} {s.text}" for s in sources)
    known = {_key(m.group(0)) for pattern in (_AMOUNT, _DURATION, _PHONE) for m in pattern.finditer(corpus)}
    unverified: list[str] = []

    def figure(match: re.Match) -> str:
        value = match.group(0)
        if _key(value) in known or text[match.end():match.end() + len(VERIFY) + 1].lstrip().startswith(VERIFY):
            return value
        unverified.append(value.strip())
        return f"{value} {VERIFY}"

    for pattern in (_AMOUNT, _DURATION, _PHONE):
        text = pattern.sub(figure, text)
    return CheckedDraft(text=re.sub(r"[ \t]+\n", "\n", text), removed_urls=tuple(removed),
                        unverified=tuple(unverified))
