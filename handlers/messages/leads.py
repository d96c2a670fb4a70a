"""The French texts team leads see in their lead room: the daily summary and ``!resume``."""

from __future__ import annotations

import html
from datetime import date
from zoneinfo import ZoneInfo

from handlers.messages import Message, notice
from handlers.messages.entities import plural
from storage.summary import CHART_DAYS, Summary

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre")
KIND_LABELS = {"approved": "approuvés tels quels", "edited": "modifiés", "discarded": "écartés"}
_NBSP = "\u00a0"

LEAD_INTRO = "Salon des responsables : Plume y publie chaque jour le résumé de l'équipe."
RESUME_REFUSED = notice("La commande !resume est réservée aux responsables d'équipe, dans le "
                        "salon des responsables de leur équipe.")
RESUME_FUTURE = notice("Cette date est dans le futur : aucun résumé possible.")
CHART_BODY = f"Graphique des décisions des {CHART_DAYS} derniers jours"


def resume_bad_date(today: date) -> Message:
    return notice("Date non comprise. Utilisez : !resume ou !resume AAAA-MM-JJ "
                  f"(par exemple !resume {today.isoformat()}).")


def chart_title(team: str) -> str:
    return f"Décisions par jour — équipe {team} — {CHART_DAYS} derniers jours"


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
            f"Réponses déjà validées par l'équipe réutilisées : {s.validated_reused} question(s)",
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
            f"{plural(k)} : {n}" for k, n in s.entities.items()]))
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
