"""The French texts agents see in their direct room, with their HTML form (help: ``handlers.verbs``)."""

from __future__ import annotations

from html import escape

from handlers.messages import Message, notice, paragraphs
from handlers.messages.entities import named, singular

APPROVE, EDIT, REGENERATE, DISCARD = "✅", "✏️", "🔄", "🗑️"
DRAFT_BUTTONS = (APPROVE, EDIT, REGENERATE, DISCARD)

DISCARD_REASONS = {
    "1️⃣": "hors sujet",
    "2️⃣": "informations inexactes",
    "3️⃣": "ton inadapté",
    "4️⃣": "déjà répondu",
    "5️⃣": "autre",
}

AGENT_INTRO = (
    "Plume prépare des brouillons de réponse aux questions des usagers.\n"
    "Collez la question d'un usager : les données personnelles sont masquées avant l'envoi au "
    "modèle, puis le brouillon vous revient avec les vraies valeurs remises, visibles de vous seul."
)
AGENT_OUTRO = "Vous relisez et envoyez vous-même la réponse : Plume n'écrit jamais à un usager."
WELCOME_HEAD = "Bonjour, je suis Plume."

GROUP_ROOM_REFUSED = notice(
    "Plume ne travaille que dans un salon privé à deux : invitez-moi dans une conversation directe. "
    "Je quitte ce salon."
)
EMPTY_PASTE = notice("Votre message est vide : collez le texte de la question de l'usager.")
FILE_REFUSED = notice(
    "Je ne lis pas les fichiers ni les images, pour ne pas transmettre de pièces personnelles. "
    "Copiez-collez le texte de la question dans le message."
)
UNDECRYPTABLE = notice(
    "Je n'ai pas pu déchiffrer votre dernier message (clé de chiffrement non reçue). "
    "Merci de l'envoyer à nouveau."
)
NO_PENDING = notice("Aucun brouillon en attente dans ce salon. Collez d'abord une question.")
ASK_EDIT = notice(
    "Répondez à ce brouillon avec la version corrigée, ou envoyez « !modifier <texte> »."
)
EDIT_NEEDS_TEXT = notice("Indiquez le texte corrigé : « !modifier <texte> ».")
EDIT_OF_NON_QUESTION = notice(
    "Les modifications de message ne sont prises en compte que pour une question collée. "
    "Pour corriger un brouillon, répondez-y avec le texte corrigé."
)
REASON_THANKS = notice("Merci, la raison du rejet est enregistrée.")
QUESTION_EDITED = "Question modifiée : voici un nouveau brouillon pour le nouveau texte."


def too_long(length: int, limit: int) -> Message:
    return notice(
        f"Votre message fait {length} caractères, au-delà de la limite de {limit}. "
        "Coupez la question en plusieurs parties ou gardez l'essentiel, puis collez-la à nouveau."
    )


def unknown_command(name: str) -> Message:
    return notice(f"Commande inconnue : {name}. Tapez !aide pour la liste des commandes.")


def already_decided(kind: str) -> Message:
    done = {"approved": "approuvée", "edited": "modifiée et validée", "discarded": "rejetée"}
    return notice(f"Cette question a déjà été {done.get(kind, 'traitée')} : rien n'a été changé.")


DRAFT_ERRORS = {
    "timeout": "Le service de rédaction n'a pas répondu à temps.",
    "rate_limited": "Le service de rédaction reçoit trop de demandes en ce moment.",
    "overloaded": "Le service de rédaction est momentanément surchargé.",
    "server": "Le service de rédaction a rencontré une erreur.",
    "connection": "Le service de rédaction est injoignable (problème de connexion).",
    "auth": "Plume n'est pas autorisé à utiliser le service de rédaction (clé d'accès refusée) : "
            "prévenez l'administrateur de Plume.",
    "bad_request": "Le service de rédaction a refusé la demande (question trop longue ou format non accepté).",
}


def draft_error(kind: str) -> str:
    """The sentence for a ``drafting.DraftError`` kind."""
    return DRAFT_ERRORS.get(kind, "La rédaction du brouillon a échoué.")


def draft_failed(kind: str) -> Message:
    return notice(f"{draft_error(kind)}\nRéagissez avec 🔄 (ou tapez !regenerer) pour réessayer.")


def draft_notes(notes: tuple[str, ...], template: str | None = None) -> str | None:
    """The line shown above a draft for ``drafting.DraftResult.notes`` kinds, or None."""
    texts = {
        "truncated": "Brouillon tronqué : la longueur maximale de réponse a été atteinte.",
        "offline": f"Brouillon hors ligne : réponse type « {template} », proposée sans modèle de "
                   "langue. Vérifiez-la et adaptez-la à la situation de l'usager.",
        "instruction_ignored": "La consigne de l'agent ne peut pas être appliquée hors ligne.",
    }
    return " ".join(texts[n] for n in notes if n in texts) or None


LEAK = (
    "⚠️ Je n'ai rien envoyé au modèle de langue : le texte contient encore une donnée "
    "personnelle que je n'ai pas pu masquer ({details}). Retirez-la ou remplacez-la "
    "(par exemple par « [NUMÉRO] »), puis renvoyez la question."
)


def leak_message(entity_types: list[str]) -> str:
    """Names what the leak guard found, e.g. ``["PHONE_NUMBER"]`` -> "… (un numéro de téléphone) …"."""
    labels = [named(t) for t in dict.fromkeys(entity_types)] or ["donnée personnelle"]
    details = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " et " + labels[-1]
    return LEAK.format(details=details)


def masked_summary(counts: dict[str, int]) -> str:
    if not counts:
        return "aucune donnée personnelle détectée"
    return ", ".join(f"{n} {singular(t)}" for t, n in sorted(counts.items()))


def draft(version: int, text: str, counts: dict[str, int], sent_text: str,
          notice_line: str | None, values_restored: bool) -> Message:
    """The draft message: the draft with real values, what was masked, the text sent."""
    head = f"Brouillon v{version} — à relire avant envoi"
    restore = ("" if values_restored else
               "\n(Les valeurs réelles ne sont plus en mémoire : les marqueurs restent à compléter.)")
    extra = f"\n{notice_line}" if notice_line else ""
    plain = (f"{head}{extra}{restore}\n\n{text}\n\n"
             f"— Données masquées avant envoi au modèle : {masked_summary(counts)}\n"
             f"Texte envoyé au modèle :\n{sent_text}\n\n"
             "✅ approuver · ✏️ modifier · 🔄 régénérer · 🗑️ rejeter (ou !aide)")
    html = (f"<p><strong>{escape(head)}</strong>"
            + (f"<br><em>{escape(notice_line)}</em>" if notice_line else "")
            + (f"<br><em>{escape(restore.strip())}</em>" if restore else "") + "</p>"
            f"<p>{paragraphs(text)}</p>"
            f"<p><em>Données masquées avant envoi au modèle : {escape(masked_summary(counts))}</em></p>"
            f"<p>Texte envoyé au modèle :</p><blockquote>{paragraphs(sent_text)}</blockquote>"
            "<p>✅ approuver · ✏️ modifier · 🔄 régénérer · 🗑️ rejeter (ou !aide)</p>")
    return plain, html


def final_text(kind: str, text: str) -> Message:
    head = ("✅ Brouillon approuvé. Texte final, prêt à copier :" if kind == "approved"
            else "✏️ Version corrigée enregistrée. Texte final, prêt à copier :")
    return f"{head}\n\n{text}", f"<p>{escape(head)}</p><p>{paragraphs(text)}</p>"


def discard_prompt(reason: str | None) -> Message:
    if reason is not None:
        return notice(f"🗑️ Brouillon rejeté (raison : {reason}).")
    options = " · ".join(f"{k} {v}" for k, v in DISCARD_REASONS.items())
    return notice(f"🗑️ Brouillon rejeté. Pourquoi ? Réagissez : {options} — ou répondez à ce "
                  "message avec votre raison.")
