"""The French texts security staff see: the security room (``!audit …``, witnesses) and the
``plume audit`` command line (verify faults, export filters, the audit key)."""

from __future__ import annotations

import html
from datetime import datetime

from handlers.messages import Message, notice
from storage.audit import KEY_ENV, MIN_KEY_CHARS, WITNESS_TOKEN

SECURITY_INTRO = "Salon de sécurité : vérification, témoins et export du journal d'audit."
REFUSAL = notice("Accès refusé : les commandes !audit sont réservées à l'équipe sécurité.")
WRONG_ROOM = notice("Accès refusé : les commandes !audit ne s'utilisent que dans le salon de "
                    "sécurité.")
EXPORT_USAGE = notice("Usage : !audit export AAAA-MM-JJ AAAA-MM-JJ")

# The verify faults of storage.audit.FAULTS.
FAULT_LABELS = {
    "seq_gap": "numéro de séquence manquant (ligne supprimée ou renumérotée)",
    "prev_hash_mismatch": "chaînage rompu (lignes réordonnées, insérées ou supprimées)",
    "hash_mismatch": "HMAC invalide (champ modifié, ligne insérée ou chaîne recalculée sans la clé)",
    "payload_mismatch": "contenu (payload) modifié",
    "payload_missing": "contenu effacé hors purge de rétention",
    "witness_mismatch": "la chaîne diffère d'un témoin publié (chaîne réécrite)",
    "truncated": "chaîne tronquée : un témoin publié atteste d'événements disparus",
    "head_mismatch": "la tête enregistrée ne correspond pas au dernier événement (fin de chaîne supprimée ?)",
}


def audit_key_missing(kind: str) -> str:
    """For ``storage.audit.AuditKeyMissing.kind``."""
    if kind == "too_short":
        return f"{KEY_ENV} est trop courte : au moins {MIN_KEY_CHARS} caractères requis."
    if kind == "empty":
        return "clé HMAC du journal d'audit vide"
    return (f"{KEY_ENV} n'est pas définie : la clé HMAC du journal d'audit est obligatoire. "
            f"Générez-en une (par exemple : python -c \"import secrets; print(secrets.token_hex(32))\") "
            f"et exportez-la dans l'environnement.")


def filter_error(exc) -> str:
    """For ``storage.audit_filters.ExportFilterError`` (``kind``, ``value``)."""
    if exc.kind == "empty_range":
        return "intervalle vide : la date de début est postérieure à la date de fin"
    return f"date invalide : {exc.value!r} (attendu AAAA-MM-JJ ou ISO 8601)"


def unknown_format(fmt: str) -> str:
    return f"format inconnu : {fmt!r} (jsonl ou csv)"


def witness_message(head: tuple[int, str], now: datetime) -> Message:
    """(plain, html) witness message for ``head`` = (seq, hash). Both carry the line
    ``PLUME-WITNESS seq=<seq> hash=<hash>`` read back by ``plume audit verify --witness``."""
    seq, digest = head
    when = now.strftime("%Y-%m-%d %H:%M UTC")
    token = f"{WITNESS_TOKEN} seq={seq} hash={digest}"
    advice = ("Conservez ce message : « plume audit verify --witness FICHIER » compare la chaîne "
              "aux témoins exportés et détecte une troncature.")
    plain = f"Témoin du journal d'audit ({when}) : séquence {seq}.\n{token}\n{advice}"
    body = (f"<p>Témoin du journal d'audit ({when}) : séquence <b>{seq}</b>.</p>"
            f"<p><code>{token}</code></p><p>{html.escape(advice)}</p>")
    return plain, body


def verify_result(report) -> Message:
    """For a ``storage.audit.VerifyReport``, in the security room."""
    if report.ok:
        return notice(f"✅ Journal d'audit intègre : {report.checked} événements vérifiés.\n"
                      f"Tête : séquence {report.head_seq}, empreinte {report.head_hash}.\n"
                      "Une troncature ne se voit qu'en comparant aux témoins publiés "
                      "(plume audit verify --witness).")
    return notice(f"❌ Journal d'audit altéré : première séquence en défaut n° {report.first_bad_seq} — "
                  f"{FAULT_LABELS[report.fault]} ({report.fault}).\n"
                  f"{report.checked} événements vérifiés avant le défaut.")


def export_impossible(reason: str) -> Message:
    return notice(f"Export impossible : {reason}.")


def export_too_large(count: int) -> Message:
    return notice(f"Export trop volumineux pour une pièce jointe ({count} événements) : réduisez "
                  "la période ou utilisez « plume audit export ».")


def export_done(first: str, last: str, count: int) -> Message:
    return notice(f"Export du {first} au {last} (UTC) : {count} événements, au format JSON lines "
                  "compressé (gzip).")
