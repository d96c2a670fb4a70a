"""Wiring of the knowledge base (knowledge/) for the command line and the bot.

    knowledge_for(engine, embed=None) -> KnowledgeBase whose queries have the redaction
        placeholders removed first. ``embed`` is the semantic signal: the bot passes one built on
        the redactor's spaCy model (``bot_knowledge``), ``plume sources --jsonl`` loads the vectors
        of ``redaction.spacy_model``; the import needs none.
    import_command(config, path) / search_command(config, k): ``plume sources import`` and
        ``plume sources --jsonl`` (DESIGN §3.1).
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.config import Config
from knowledge.commands import import_command as _import, search_jsonl
from knowledge.index import Embed, KnowledgeBase
from knowledge.vectors import load_embedder, spacy_embedder
from redaction.placeholders import PLACEHOLDER
from storage.db import Database


def _without_placeholders(text: str) -> str:
    return PLACEHOLDER.sub(" ", text)


def knowledge_for(engine, embed: Embed | None = None) -> KnowledgeBase:
    return KnowledgeBase(engine, embed, clean=_without_placeholders)


def bot_knowledge(engine, redactor) -> KnowledgeBase:
    """The bot's knowledge base, on the redactor's already loaded spaCy vectors (no second copy)."""
    nlp = getattr(redactor, "nlp", None)
    return knowledge_for(engine, spacy_embedder(nlp) if nlp is not None else None)


def import_command(config: Config, path: Path) -> int:
    def open_kb() -> KnowledgeBase:
        database = Database(config.storage.url)
        database.migrate()  # the knowledge tables live beside Plume's own
        return KnowledgeBase(database.engine)

    return _import(open_kb, path)


def search_command(config: Config, k: int) -> int:
    database = Database(config.storage.url)
    if not database.has_table("kb_fiches"):
        print(f"erreur : aucune fiche importée dans {database.engine.url.render_as_string()} "
              "(lancez d'abord « plume sources import CHEMIN »)", file=sys.stderr)
        return 1
    kb = knowledge_for(database.engine, load_embedder(config.redaction.spacy_model))
    return search_jsonl(sys.stdin, sys.stdout, kb, k)
