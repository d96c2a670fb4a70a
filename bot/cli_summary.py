"""``plume summary`` (DESIGN §3.1): print each team's summary, or queue it for the bot to post.

The running bot holds the E2EE device, so ``--post`` only records a request in the database;
the bot posts it within seconds (``handlers.summaries.SummaryHandler.post_requested``).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime

from bot.config import Config
from handlers.messages.leads import render_summary
from storage import reporting
from storage.audit import parse_day
from storage.db import Database
from storage.summary import compute_summary


def _error(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def summary_command(config: Config, *, date: str | None = None, team: str | None = None,
                    fmt: str = "text", post: bool = False) -> int:
    """Print each team's summary (or one team's) for ``date`` (default: today in
    ``summary.timezone``). ``fmt="json"`` writes one JSON object per team and line. ``post``
    queues the summaries for the running bot to post on demand. Exit code 0, or 1 on a bad
    argument or a missing database."""
    tz = config.summary.zone
    if fmt not in ("text", "json"):
        return _error(f"Format inconnu {fmt!r} : utilisez text ou json.")
    day = datetime.now(tz).date() if date is None else parse_day(date)
    if day is None:
        return _error(f"Date invalide {date!r} : utilisez AAAA-MM-JJ.")
    teams = config.teams if team is None else [t for t in config.teams if t.name == team]
    if not teams:
        return _error(f"Équipe inconnue : {team!r}." if team else "Aucune équipe dans la configuration.")
    db = Database(config.storage.url)
    if not db.has_table("question"):  # a typo in storage.url must not read as "aucune activité"
        return _error(f"Aucune base Plume à {db.engine.url.render_as_string()} (storage.url erroné ?).")
    summaries = [compute_summary(db, t.name, day, tz, per_agent=t.per_agent_stats) for t in teams]
    for i, s in enumerate(summaries):
        if fmt == "json":
            print(json.dumps(s.to_json(), ensure_ascii=False))
        else:
            print(("\n" if i else "") + render_summary(s)[0])
    if post:
        for t in teams:
            reporting.request_post(db, t.name, day)
        print("Publication demandée : le bot en marche postera le résumé dans le salon des "
              "responsables dans quelques secondes.", file=sys.stderr)
    db.dispose()
    return 0
