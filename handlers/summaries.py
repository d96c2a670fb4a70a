"""Daily summaries for team leads: figures, French rendering, chart, posting, ``!resume``, CLI.

A summary covers one calendar day in ``summary.timezone`` (a 23- or 25-hour day at the DST
changes), up to ``now`` when the day is not over. Figures are per team; per-agent figures only
when the team's ``per_agent_stats`` is on. The daily post is at most once per (team, day): see
``storage.reporting.claim_summary``. On-demand summaries (``!resume``, ``plume summary``) never
count as the daily send.
"""

from __future__ import annotations

import asyncio
import html
import io
import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import structlog
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.config import Config, TeamConfig
from handlers.base import Messenger, SendError
from storage import reporting
from storage.audit import parse_day
from storage.db import Database
from storage.reporting import DayActivity

log = structlog.get_logger(__name__)

BASELINE_DAYS = 7
CHART_DAYS = 14
TOP_REASONS = 3

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre")
_KIND_LABELS = {"approved": "approuvés tels quels", "edited": "modifiés", "discarded": "écartés"}
_KIND_COLORS = {"approved": "#18753c", "edited": "#b34000", "discarded": "#6a6a6a"}
# Plural forms for the "<label> : <count>" lines; handlers.messages.ENTITY_LABELS has the singular
# forms of the same entity types (tests/test_summaries.py keeps the two key sets equal).
ENTITY_PLURALS = {
    "PERSON": "noms", "EMAIL_ADDRESS": "adresses e-mail", "PHONE_NUMBER": "téléphones",
    "IBAN_CODE": "IBAN", "CREDIT_CARD": "cartes bancaires", "LOCATION": "lieux",
    "DATE_TIME": "dates", "DATE_OF_BIRTH": "dates de naissance", "FR_NIR": "NIR",
    "FR_TAX_ID": "numéros fiscaux", "FR_CAF_ID": "numéros CAF",
    "FR_FRANCE_TRAVAIL_ID": "identifiants France Travail", "FR_SIRET": "SIRET", "FR_SIREN": "SIREN",
    "FR_PASSPORT": "passeports", "FR_ID_CARD": "cartes d'identité",
    "FR_LICENSE_PLATE": "plaques d'immatriculation", "FR_AGDREF": "numéros étranger (AGDREF)",
    "FR_ADDRESS": "adresses", "IP_ADDRESS": "adresses IP", "URL": "adresses web",
    "FR_RECORD_ID": "numéros de dossier",
}
_NBSP = "\u00a0"


# -- time windows ----------------------------------------------------------------------------

def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC window ``[start, end)`` of calendar ``day`` in ``tz`` (23 h or 25 h at DST changes)."""
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(timezone.utc)
    return start, end


def _percentile(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


# -- figures ---------------------------------------------------------------------------------

@dataclass
class Baseline:
    """The previous days as daily averages (counts) and pooled rates and medians."""

    days: int
    questions_per_day: float
    drafts_per_day: float
    decided_per_day: float
    failed_per_day: float
    rates: dict[str, float | None]
    time_to_decision_median_s: float | None


@dataclass
class Summary:
    """All figures of one team's day. Durations in seconds, latencies in milliseconds, rates and
    similarities in 0..1 (None when there is nothing to measure)."""

    team: str
    day: date
    timezone: str
    until: datetime | None          # aware UTC end of the figures when the day was not over
    questions: int
    drafts: int
    approved: int
    edited: int
    discarded: int
    pending: int
    failed: int
    time_to_decision_s: dict[str, float | None]     # median, p90
    llm_latency_ms: dict[str, float | None]         # median, p95
    edit_similarity: dict[str, float | int | None]  # median, mean, count
    discard_reasons: list[tuple[str, int]]
    entities: dict[str, int]
    previous: Baseline
    per_agent: dict[str, dict[str, int]] | None = field(default=None)

    @property
    def decided(self) -> int:
        return self.approved + self.edited + self.discarded

    @property
    def rates(self) -> dict[str, float | None]:
        return _rates(self.approved, self.edited, self.discarded)

    @property
    def idle(self) -> bool:
        return not (self.questions or self.drafts or self.decided or self.failed)

    def to_json(self) -> dict:
        """The JSON form of ``plume summary --format json`` (DESIGN §3.1)."""
        return {
            "team": self.team, "date": self.day.isoformat(), "timezone": self.timezone,
            "until": self.until.isoformat() if self.until else None,
            "questions": self.questions, "drafts": self.drafts, "approved": self.approved,
            "edited": self.edited, "discarded": self.discarded, "decided": self.decided,
            "pending": self.pending, "failed": self.failed, "rates": self.rates,
            "time_to_decision_s": self.time_to_decision_s, "llm_latency_ms": self.llm_latency_ms,
            "edit_similarity": self.edit_similarity,
            "discard_reasons": [{"reason": r, "count": n} for r, n in self.discard_reasons],
            "entities": self.entities, "previous_7_days": asdict(self.previous),
            **({"per_agent": self.per_agent} if self.per_agent is not None else {}),
        }


def _rates(approved: int, edited: int, discarded: int) -> dict[str, float | None]:
    total = approved + edited + discarded
    return {k: (n / total if total else None)
            for k, n in (("approved", approved), ("edited", edited), ("discarded", discarded))}


def compute_summary(db: Database, team_config: TeamConfig, day: date, tz: ZoneInfo, *,
                    now: datetime | None = None) -> Summary:
    """Figures for ``team_config`` on calendar ``day`` in ``tz``, up to ``now`` (aware; default:
    the current time) when the day is not over, with the previous 7 full days as a baseline."""
    now = now or datetime.now(timezone.utc)
    start, end = day_bounds(day, tz)
    until = now if start <= now < end else None
    act = reporting.activity(db, team_config.name, start, until or end)
    prev = reporting.activity(db, team_config.name, day_bounds(day - timedelta(BASELINE_DAYS), tz)[0], start)
    return Summary(
        team=team_config.name, day=day, timezone=tz.key, until=until,
        questions=act.questions, drafts=act.drafts, approved=act.decisions["approved"],
        edited=act.decisions["edited"], discarded=act.decisions["discarded"], pending=act.pending,
        failed=act.failures,
        time_to_decision_s={"median": _percentile(act.decision_seconds, 50),
                            "p90": _percentile(act.decision_seconds, 90)},
        llm_latency_ms={"median": _percentile(act.latencies_ms, 50), "p95": _percentile(act.latencies_ms, 95)},
        edit_similarity={"median": _percentile(act.similarities, 50),
                         "mean": float(np.mean(act.similarities)) if act.similarities else None,
                         "count": len(act.similarities)},
        discard_reasons=act.discard_reasons.most_common(TOP_REASONS),
        entities=dict(act.entities.most_common()),
        previous=_baseline(prev),
        per_agent=({a: asdict(v) for a, v in sorted(act.per_agent.items())}
                   if team_config.per_agent_stats else None),
    )


def _baseline(act: DayActivity) -> Baseline:
    d = BASELINE_DAYS
    return Baseline(
        days=d, questions_per_day=act.questions / d, drafts_per_day=act.drafts / d,
        decided_per_day=sum(act.decisions[k] for k in reporting.DECISION_KINDS) / d,
        failed_per_day=act.failures / d,
        rates=_rates(act.decisions["approved"], act.decisions["edited"], act.decisions["discarded"]),
        time_to_decision_median_s=_percentile(act.decision_seconds, 50),
    )


# -- French rendering ------------------------------------------------------------------------

def french_date(day: date) -> str:
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _num(x: float) -> str:
    return f"{x:.1f}".replace(".", ",").removesuffix(",0")


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{round(rate * 100)}{_NBSP}%"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    s = round(seconds)
    if s < 60:
        return f"{s}{_NBSP}s"
    if s < 3600:
        m, s = divmod(s, 60)
        return f"{m}{_NBSP}min" + (f" {s:02d}{_NBSP}s" if s else "")
    if s < 86400:
        h, m = divmod(s // 60, 60)
        return f"{h}{_NBSP}h {m:02d}{_NBSP}min"
    d, h = divmod(s // 3600, 24)
    return f"{d}{_NBSP}j {h}{_NBSP}h"


def _latency(ms: float | None) -> str:
    if ms is None:
        return "–"
    return f"{round(ms)}{_NBSP}ms" if ms < 1000 else f"{_num(ms / 1000)}{_NBSP}s"


def _versus(current: float, average: float) -> str:
    if not average:
        return f"{_num(current)} contre 0 par jour"
    change = (current - average) / average
    sign = "+" if change >= 0 else "−"
    return f"{_num(current)} contre {_num(average)} par jour ({sign}{_pct(abs(change))})"


def _sections(s: Summary) -> list[tuple[str, list[str]]]:
    """(heading, lines) in French; plain text, escaped later for HTML."""
    r = s.rates
    decisions = (f"Décisions : {s.decided} — approuvés tels quels : {s.approved} ({_pct(r['approved'])}), "
                 f"modifiés : {s.edited} ({_pct(r['edited'])}), "
                 f"écartés : {s.discarded} ({_pct(r['discarded'])})")
    sections = [
        ("Activité", [
            f"Questions reçues : {s.questions}",
            f"Brouillons générés : {s.drafts}",
            decisions,
            f"Toujours en attente de décision : {s.pending}",
            f"Échecs de génération : {s.failed}",
        ]),
        ("Délais", [
            f"Temps jusqu'à la décision : médiane {_duration(s.time_to_decision_s['median'])}, "
            f"90e centile {_duration(s.time_to_decision_s['p90'])}",
            f"Latence du modèle : médiane {_latency(s.llm_latency_ms['median'])}, "
            f"95e centile {_latency(s.llm_latency_ms['p95'])}",
        ]),
    ]
    if s.edit_similarity["count"]:
        sections.append(("Brouillons modifiés", [
            f"Similarité médiane entre le brouillon et le texte envoyé : {_pct(s.edit_similarity['median'])} "
            f"({s.edit_similarity['count']} brouillon(s) ; 100 % = aucun changement)"]))
    if s.discard_reasons:
        sections.append(("Principaux motifs d'écart", [
            f"« {_shorten(reason) if reason else 'sans motif'} » : {n}" for reason, n in s.discard_reasons]))
    if s.entities:
        sections.append(("Données personnelles masquées", [
            f"{ENTITY_PLURALS.get(k, k)} : {n}" for k, n in s.entities.items()]))
    p = s.previous
    sections.append(("Comparaison avec les 7 jours précédents", [
        f"Questions : {_versus(s.questions, p.questions_per_day)}",
        f"Décisions : {_versus(s.decided, p.decided_per_day)}",
        f"Approuvés tels quels : {_pct(r['approved'])} contre {_pct(p.rates['approved'])}",
        f"Temps médian jusqu'à la décision : {_duration(s.time_to_decision_s['median'])} "
        f"contre {_duration(p.time_to_decision_median_s)}",
        f"Échecs : {_versus(s.failed, p.failed_per_day)}",
    ]))
    if s.per_agent is not None:
        sections.append(("Par agent (activé dans la configuration de l'équipe)", [
            f"{agent} : {v['questions']} question(s), {v['approved']} approuvé(s), "
            f"{v['edited']} modifié(s), {v['discarded']} écarté(s)" for agent, v in s.per_agent.items()]))
    return sections


def _shorten(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _title(s: Summary) -> str:
    title = f"Résumé Plume — équipe {s.team} — {french_date(s.day)}"
    if s.until:
        title += f" (jusqu'à {s.until.astimezone(ZoneInfo(s.timezone)):%H:%M})"
    return title


def render_summary(summary: Summary) -> tuple[str, str]:
    """The French message as (plain body, HTML body) for a Matrix ``m.notice``."""
    title = _title(summary)
    if summary.idle:
        line = f"{title} : aucune activité."
        if summary.pending:
            line += f" Questions toujours en attente de décision : {summary.pending}."
        return line, f"<p>{_esc(line)}</p>"
    sections = _sections(summary)
    plain = "\n".join([title, *(f"\n{h}\n" + "\n".join(f"- {line}" for line in lines)
                                for h, lines in sections)])
    body = "".join(f"<h4>{_esc(h)}</h4><ul>{''.join(f'<li>{_esc(x)}</li>' for x in lines)}</ul>"
                   for h, lines in sections)
    return plain, f"<h3>{_esc(title)}</h3>{body}"


def _esc(text: str) -> str:
    return html.escape(text, quote=False)


def chart_series(db: Database, team: str, day: date, tz: ZoneInfo) -> tuple[list[date], dict[str, list[int]]]:
    """Decisions per local day by kind over the ``CHART_DAYS`` days ending on ``day``."""
    days = [day - timedelta(days=i) for i in range(CHART_DAYS - 1, -1, -1)]
    start, end = day_bounds(days[0], tz)[0], day_bounds(day, tz)[1]
    counts: Counter = Counter()
    for ts, kind in reporting.decision_times(db, team, start, end):
        counts[(ts.astimezone(tz).date(), kind)] += 1
    return days, {k: [counts[(d, k)] for d in days] for k in reporting.DECISION_KINDS}


def render_chart(db: Database, team: str, day: date, tz: ZoneInfo) -> bytes:
    """PNG bar chart of the last 14 days' decisions, stacked by kind (matplotlib, Agg canvas)."""
    days, series = chart_series(db, team, day, tz)
    fig = Figure(figsize=(8, 3.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = np.arange(len(days))
    bottom = np.zeros(len(days))
    for kind, values in series.items():
        ax.bar(x, values, bottom=bottom, label=_KIND_LABELS[kind], color=_KIND_COLORS[kind])
        bottom += values
    ax.set_xticks(x, [f"{d:%d/%m}" for d in days], fontsize=8)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_title(f"Décisions par jour — équipe {team} — {CHART_DAYS} derniers jours", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


# -- posting ---------------------------------------------------------------------------------

async def _send(summary: Summary, room_id: str, db: Database, tz: ZoneInfo, messenger: Messenger, *,
                on_sent=None) -> str:
    """Render and send notice (+ chart unless idle). ``on_sent`` runs before the chart upload."""
    plain, body = render_summary(summary)
    chart = None if summary.idle else await asyncio.to_thread(render_chart, db, summary.team, summary.day, tz)
    event_id = await messenger.send_notice(room_id, plain, body)
    if on_sent:
        on_sent(event_id)
    if chart:
        try:
            await messenger.send_file(room_id, chart, filename=f"resume-{summary.team}-{summary.day}.png",
                                      mimetype="image/png", image=True,
                                      body=f"Graphique des décisions des {CHART_DAYS} derniers jours")
        except Exception:
            # The text is out; the chart is not worth a second summary.
            log.warning("summary.chart_failed", team=summary.team, day=summary.day.isoformat(), exc_info=True)
    return event_id


async def post_summary(db: Database, config: Config, team_config: TeamConfig, day: date,
                       messenger: Messenger, *, audit=None, now: datetime | None = None) -> bool:
    """Post ``day``'s daily summary to the team's lead room, at most once per (team, day).

    Returns True when this call posted it; False when it was already claimed or sent (by this or
    another process), when the team has no lead room, or when the day was idle and
    ``summary.post_when_idle`` is off. If the text cannot be sent the claim is released (so the
    scheduler or the next catch-up retries) and the error is raised. Writes ``summary.posted``
    through ``audit.append`` when given.
    """
    team, room = team_config.name, team_config.lead_room
    if not room or reporting.summary_sent(db, team, day):
        return False
    tz = ZoneInfo(config.summary.timezone)
    summary = await asyncio.to_thread(compute_summary, db, team_config, day, tz, now=now)
    if summary.idle and not config.summary.post_when_idle:
        log.info("summary.idle_skipped", team=team, day=day.isoformat())
        return False
    if not reporting.claim_summary(db, team, day):
        return False
    try:
        event_id = await _send(summary, room, db, tz, messenger,
                               on_sent=lambda eid: reporting.mark_summary_sent(db, team, day, eid))
    except BaseException:
        reporting.release_claim(db, team, day)
        raise
    log.info("summary.posted", team=team, day=day.isoformat(), questions=summary.questions)
    if audit is not None:
        audit.append("summary.posted", actor="plume",
                     payload={"team": team, "day": day.isoformat(), "event_id": event_id, "on_demand": False})
    return True


async def handle_resume_command(args, *, sender: str, room_id: str, db: Database, config: Config,
                                messenger: Messenger, audit=None, now: datetime | None = None) -> str | None:
    """``!resume [AAAA-MM-JJ]`` in a lead room: post that team's summary for the day (default:
    today so far). Only the team's leads are served; others get a French refusal (and an
    ``access.denied`` audit event). Never counts as the daily send. ``args``: the words after
    the command (list or string). Returns the summary's event id, or None when refused."""
    words = args.split() if isinstance(args, str) else list(args)
    team = next((t for t in config.teams if t.lead_room and t.lead_room == room_id), None)
    if team is None or sender not in team.leads:
        if audit is not None:
            audit.append("access.denied", actor=sender,
                         payload={"reason": "resume_not_lead", "room_id": room_id})
        text = ("La commande !resume est réservée aux responsables d'équipe, dans le salon des "
                "responsables de leur équipe.")
        await messenger.send_notice(room_id, text)
        return None
    tz = ZoneInfo(config.summary.timezone)
    now = now or datetime.now(timezone.utc)
    today = now.astimezone(tz).date()
    day = today
    if words:
        day = parse_day(words[0])
        if day is None or len(words) > 1:
            await messenger.send_notice(room_id, "Date non comprise. Utilisez : !resume ou !resume AAAA-MM-JJ "
                                                 f"(par exemple !resume {today.isoformat()}).")
            return None
        if day > today:
            await messenger.send_notice(room_id, "Cette date est dans le futur : aucun résumé possible.")
            return None
    summary = await asyncio.to_thread(compute_summary, db, team, day, tz, now=now)
    event_id = await _send(summary, room_id, db, tz, messenger)
    if audit is not None:
        audit.append("summary.posted", actor=sender, payload={"team": team.name, "day": day.isoformat(),
                                                               "event_id": event_id, "on_demand": True})
    return event_id


async def post_requested(db: Database, config: Config, messenger: Messenger, *, audit=None) -> int:
    """Post the summaries asked for with ``plume summary --post`` (on demand: they never count as
    the daily send). The bot runs this every few seconds. Returns how many were posted."""
    tz = ZoneInfo(config.summary.timezone)
    posted = 0
    for name, day in reporting.post_requests(db):
        team = config.team_named(name)
        if team is not None and team.lead_room:
            summary = await asyncio.to_thread(compute_summary, db, team, day, tz)
            try:
                event_id = await _send(summary, team.lead_room, db, tz, messenger)
            except SendError:
                # Kept for the next round; the other teams' requests still go out.
                log.warning("summary.request_failed", team=name, day=day.isoformat())
                continue
            posted += 1
            if audit is not None:
                audit.append("summary.posted", actor="plume", payload={
                    "team": name, "day": day.isoformat(), "event_id": event_id, "on_demand": True,
                    "via": "cli"})
        reporting.drop_post_request(db, name, day)
    return posted


# -- command line ----------------------------------------------------------------------------

def summary_command(config: Config, *, date: str | None = None, team: str | None = None,
                    fmt: str = "text", post: bool = False) -> int:
    """``plume summary``: print each team's summary (or one team's) for ``date`` (default: today in
    ``summary.timezone``). ``fmt="json"`` writes one JSON object per team and line. ``post``
    queues the summaries for the running bot, which holds the E2EE device, to post on demand.
    Exit code 0, or 1 on a bad argument."""
    tz = ZoneInfo(config.summary.timezone)
    if fmt not in ("text", "json"):
        print(f"Format inconnu {fmt!r} : utilisez text ou json.", file=sys.stderr)
        return 1
    day = datetime.now(tz).date() if date is None else parse_day(date)
    if day is None:
        print(f"Date invalide {date!r} : utilisez AAAA-MM-JJ.", file=sys.stderr)
        return 1
    teams = config.teams if team is None else [t for t in config.teams if t.name == team]
    if not teams:
        print(f"Équipe inconnue : {team!r}." if team else "Aucune équipe dans la configuration.",
              file=sys.stderr)
        return 1
    db = Database(config.storage.url)
    if not db.has_table("question"):  # a typo in storage.url must not read as "aucune activité"
        print(f"Aucune base Plume à {db.engine.url.render_as_string()} (storage.url erroné ?).",
              file=sys.stderr)
        return 1
    summaries = [compute_summary(db, t, day, tz) for t in teams]
    for i, s in enumerate(summaries):
        if fmt == "json":
            print(json.dumps(s.to_json(), ensure_ascii=False))
        else:
            print(("\n" if i else "") + render_summary(s)[0])
    if post:
        # The running bot holds the E2EE device: it posts the request within seconds.
        for t in teams:
            reporting.request_post(db, t.name, day)
        print("Publication demandée : le bot en marche postera le résumé dans le salon des "
              "responsables dans quelques secondes.", file=sys.stderr)
    db.dispose()
    return 0
