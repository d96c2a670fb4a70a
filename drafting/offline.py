"""Offline backend, no network: drafts from the best official fiche when the question has sources
(its description, the most relevant section and the link), else from a small library of French
« réponses types ».

Each ``reponses_types/*.yaml`` file holds ``titre``, ``mots_cles`` (keywords), ``texte`` (with a
``{salutation}`` slot) and optionally ``priorite`` (tie-break, higher first) and ``generique: true``
(the fallback when no keyword matches). A réponse type scores the number of words of each of its
keywords found in the question (accents, case and placeholders ignored); the best score wins.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import yaml

from drafting.base import DraftResult
from drafting.grounding import Source, french_date, shorten
from common.text import fold
from redaction.placeholders import PLACEHOLDER

REPONSES_DIR = Path(__file__).parent / "reponses_types"
_NAME_RE = re.compile(r"\[NOM_\d+\]")
_WORD_RE = re.compile(r"[a-z0-9]+")
_GENERIC_SALUTATION = "Madame, Monsieur,"


@dataclass(frozen=True)
class ReponseType:
    id: str
    titre: str
    mots_cles: tuple[str, ...]  # normalized
    texte: str
    priorite: int = 0
    generique: bool = False


def normalize(text: str) -> str:
    """Lower case, accents and placeholders removed, words separated by single spaces."""
    return " ".join(_WORD_RE.findall(fold(PLACEHOLDER.sub(" ", text))))


def load_reponses_types(directory: Path = REPONSES_DIR) -> list[ReponseType]:
    """All réponses types of ``directory``, in file name order. Raises ValueError if none is generic."""
    out = []
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append(ReponseType(
            id=path.stem, titre=data["titre"], texte=data["texte"].strip(),
            mots_cles=tuple(normalize(k) for k in data.get("mots_cles") or ()),
            priorite=int(data.get("priorite", 0)), generique=bool(data.get("generique", False)),
        ))
    if not any(r.generique for r in out):
        raise ValueError(f"{directory}: no generic réponse type (generique: true)")
    return out


def score(reponse: ReponseType, normalized_question: str) -> int:
    padded = f" {normalized_question} "
    return sum(len(k.split()) for k in reponse.mots_cles if k and f" {k} " in padded)


def rank(question: str, reponses: list[ReponseType]) -> list[ReponseType]:
    """Matching réponses types, best first, then the generic one(s)."""
    normalized = normalize(question)
    scored = [(score(r, normalized), r.priorite, -i, r) for i, r in enumerate(reponses) if not r.generique]
    matching = [entry[-1] for entry in sorted(scored, key=lambda e: e[:3], reverse=True) if entry[0] > 0]
    return matching + [r for r in reponses if r.generique]


def salutation(question: str) -> str:
    """« Bonjour [NOM_n], » when the question names exactly one person, else « Madame, Monsieur, »."""
    names = set(_NAME_RE.findall(question))
    return f"Bonjour {names.pop()}," if len(names) == 1 else _GENERIC_SALUTATION


class OfflineDrafter:
    """Drafter without network access. Regeneration moves to the next matching réponse type."""

    backend = "offline"
    model = "reponses-types"

    def __init__(self, directory: Path = REPONSES_DIR) -> None:
        self._reponses = load_reponses_types(directory)

    async def draft(
        self, redacted_question: str, *, instruction: str | None = None, previous: str | None = None,
        tone: str | None = None, example: str | None = None, sources: Sequence[Source] = (),
    ) -> DraftResult:
        start = time.perf_counter()
        greeting = salutation(redacted_question)
        ignored = ("instruction_ignored",) if tone or (instruction and instruction.strip()) else ()
        if sources:
            texts = [from_fiche(greeting, source) for source in sources]
            text = next((t for t in texts if previous is None or t.strip() != previous.strip()), texts[0])
            return DraftResult(text=text, backend=self.backend, model=self.model,
                               latency_ms=round((time.perf_counter() - start) * 1000),
                               notes=("offline_fiche", *ignored), template=sources[texts.index(text)].title)
        candidates = [(r, r.texte.replace("{salutation}", greeting)) for r in rank(redacted_question, self._reponses)]
        chosen, text = candidates[0]
        if previous is not None:
            chosen, text = next(((r, t) for r, t in candidates if t.strip() != previous.strip()), candidates[0])
        notes = ("offline", *ignored)
        latency_ms = round((time.perf_counter() - start) * 1000)
        return DraftResult(text=text, backend=self.backend, model=self.model, latency_ms=latency_ms,
                           notes=notes, template=chosen.titre)

    async def aclose(self) -> None:
        return None


def from_fiche(greeting: str, source: Source) -> str:
    """A draft made of the fiche itself: description, the passage, the link."""
    parts = [greeting, "Voici les informations officielles qui répondent à votre demande."]
    if source.description:
        parts.append(source.description)
    parts.append(f"{source.heading} : {shorten(source.text, 900)}")
    parts.append(f"Pour en savoir plus : {source.title}, {source.url} (fiche mise à jour le "
                 f"{french_date(source.date)}).")
    parts.append("[À VÉRIFIER : adapter à la situation de l'usager]")
    parts.append("Nous restons à votre disposition pour toute précision.\n\nCordialement,")
    return "\n\n".join(parts)
