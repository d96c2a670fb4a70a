"""Every French text the bot shows agents, with its HTML form. User content is always escaped."""

from __future__ import annotations

from html import escape

APPROVE, EDIT, REGENERATE, DISCARD = "✅", "✏️", "🔄", "🗑️"
DRAFT_BUTTONS = (APPROVE, EDIT, REGENERATE, DISCARD)

DISCARD_REASONS = {
    "1️⃣": "hors sujet",
    "2️⃣": "informations inexactes",
    "3️⃣": "ton inadapté",
    "4️⃣": "déjà répondu",
    "5️⃣": "autre",
}

ENTITY_LABELS = {
    "PERSON": "nom", "EMAIL_ADDRESS": "e-mail", "PHONE_NUMBER": "téléphone", "IBAN_CODE": "IBAN",
    "CREDIT_CARD": "carte bancaire", "LOCATION": "lieu", "DATE_TIME": "date",
    "FR_NIR": "NIR", "FR_TAX_ID": "numéro fiscal", "FR_CAF_ID": "numéro allocataire",
    "FR_FRANCE_TRAVAIL_ID": "identifiant France Travail", "FR_SIRET": "SIRET", "FR_SIREN": "SIREN",
    "FR_PASSPORT": "passeport", "FR_ID_CARD": "carte d'identité",
    "FR_LICENSE_PLATE": "immatriculation", "FR_AGDREF": "numéro étranger",
    "FR_ADDRESS": "adresse", "DATE_OF_BIRTH": "date de naissance",
    "IP_ADDRESS": "adresse IP", "URL": "adresse web", "FR_RECORD_ID": "numéro de dossier",
}

Message = tuple[str, str]  # (plain body, HTML formatted_body)


def _paragraphs(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def notice(text: str) -> Message:
    return text, _paragraphs(text)


HELP = notice(
    "Plume prépare des brouillons de réponse aux questions des usagers.\n"
    "Collez la question d'un usager : les données personnelles sont masquées avant l'envoi au "
    "modèle, puis le brouillon vous revient avec les vraies valeurs remises, visibles de vous seul.\n"
    "Boutons sous chaque brouillon : ✅ approuver · ✏️ modifier · 🔄 régénérer · 🗑️ rejeter.\n"
    "Commandes : !ok · !modifier <texte> · !regenerer [consigne] · !rejeter [raison] · !aide\n"
    "Vous relisez et envoyez vous-même la réponse : Plume n'écrit jamais à un usager."
)

LEAD_HELP = notice(
    "Salon des responsables : Plume y publie chaque jour le résumé de l'équipe.\n"
    "Commande : !resume [AAAA-MM-JJ] pour le résumé d'un jour (aujourd'hui par défaut)."
)

WELCOME = notice("Bonjour, je suis Plume.\n" + HELP[0])

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


def draft_failed(user_message: str) -> Message:
    return notice(f"{user_message}\nRéagissez avec 🔄 (ou tapez !regenerer) pour réessayer.")


def masked_summary(counts: dict[str, int]) -> str:
    if not counts:
        return "aucune donnée personnelle détectée"
    return ", ".join(f"{n} {ENTITY_LABELS.get(t, t)}" for t, n in sorted(counts.items()))


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
            f"<p>{_paragraphs(text)}</p>"
            f"<p><em>Données masquées avant envoi au modèle : {escape(masked_summary(counts))}</em></p>"
            f"<p>Texte envoyé au modèle :</p><blockquote>{_paragraphs(sent_text)}</blockquote>"
            "<p>✅ approuver · ✏️ modifier · 🔄 régénérer · 🗑️ rejeter (ou !aide)</p>")
    return plain, html


def final_text(kind: str, text: str) -> Message:
    head = ("✅ Brouillon approuvé. Texte final, prêt à copier :" if kind == "approved"
            else "✏️ Version corrigée enregistrée. Texte final, prêt à copier :")
    return f"{head}\n\n{text}", f"<p>{escape(head)}</p><p>{_paragraphs(text)}</p>"


def discard_prompt(reason: str | None) -> Message:
    if reason is not None:
        return notice(f"🗑️ Brouillon rejeté (raison : {reason}).")
    options = " · ".join(f"{k} {v}" for k, v in DISCARD_REASONS.items())
    return notice(f"🗑️ Brouillon rejeté. Pourquoi ? Réagissez : {options} — ou répondez à ce "
                  "message avec votre raison.")
