"""The French texts agents see in their direct room, with their HTML form (help: ``handlers.verbs``)."""

from __future__ import annotations

from datetime import date
from html import escape

from handlers.messages import Message, notice, paragraphs
from handlers.messages.entities import named, singular
from handlers.messages.leads import french_date

APPROVE, EDIT, REGENERATE, DISCARD = "✅", "✏️", "🔄", "🗑️"
DRAFT_BUTTONS = (APPROVE, EDIT, REGENERATE, DISCARD)
MASK_HINT = "Une donnée personnelle est restée en clair ? !masquer <mot ou expression>"
# Tone regenerations (drafting.prompts.TONES): reactions the agent adds on a draft; not posted as
# buttons, to keep four under each draft (the footer and !aide name them).
TONE_EMOJIS = {"court": "✂️", "simple": "📖", "formel": "🎩"}

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


def left_room_pending(count: int) -> Message:
    """Said in a new DM when the agent left an earlier one with questions still undecided."""
    drafts = "1 question restée" if count == 1 else f"{count} questions restées"
    return notice(f"Vous avez quitté une conversation précédente avec Plume où {drafts} sans "
                  "décision : ses brouillons n'y sont plus accessibles. Collez à nouveau la question "
                  "ici pour obtenir un nouveau brouillon.")


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
    "unavailable": "Le service de rédaction est indisponible en ce moment (plusieurs échecs de suite) : "
                   "réessayez dans quelques minutes.",
}


def draft_error(kind: str) -> str:
    """The sentence for a ``drafting.DraftError`` kind."""
    return DRAFT_ERRORS.get(kind, "La rédaction du brouillon a échoué.")


def draft_undeliverable(version: int) -> Message:
    return notice(f"Le brouillon v{version} n'a pas pu être affiché : le serveur Matrix l'a refusé.\n"
                  "Réagissez avec 🔄 (ou tapez !regenerer) pour en demander un autre.")


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


def _signed(text: str, signature: str | None) -> str:
    return f"{text.rstrip()}\n\n{signature.strip()}" if signature and signature.strip() else text


def validated_head(day: date, similarity: float) -> str:
    return (f"Réponse validée par l'équipe le {french_date(day)} pour une question proche "
            f"(similarité {round(similarity * 100)} %), donnée en exemple au modèle :")


VALIDATED_NOTE = ("Les valeurs de cette question y sont remises là où les marqueurs concordent ; "
                  "les autres marqueurs restent à compléter.")
DRAFT_FOOTER = ("✅ approuver · ✏️ modifier · 🔄 régénérer · 🗑️ rejeter — ou réagissez "
                + " · ".join(f"{e} plus {t}" for t, e in TONE_EMOJIS.items()) + " (ou !aide)")


def draft(version: int, text: str, counts: dict[str, int], sent_text: str,
          notice_line: str | None, values_restored: bool, *, signature: str | None = None,
          validated: tuple[date, float, str] | None = None) -> Message:
    """The draft message: the draft with real values (and the agent's ``signature``, added here
    only), the validated answer offered (local day, similarity 0..1, text), what was masked, the
    text sent."""
    head = f"Brouillon v{version} — à relire avant envoi"
    restore = ("" if values_restored else
               "\n(Les valeurs réelles ne sont plus en mémoire : les marqueurs restent à compléter.)")
    extra = f"\n{notice_line}" if notice_line else ""
    text = _signed(text, signature)
    offer_plain = offer_html = ""
    if validated:
        day, similarity, answer = validated
        offer_plain = f"— {validated_head(day, similarity)}\n{answer}\n({VALIDATED_NOTE})\n\n"
        offer_html = (f"<p><em>{escape(validated_head(day, similarity))}</em></p>"
                      f"<blockquote>{paragraphs(answer)}</blockquote><p><em>{escape(VALIDATED_NOTE)}</em></p>")
    plain = (f"{head}{extra}{restore}\n\n{text}\n\n{offer_plain}"
             f"— Données masquées avant envoi au modèle : {masked_summary(counts)}\n"
             f"Texte envoyé au modèle :\n{sent_text}\n\n{DRAFT_FOOTER}\n{MASK_HINT}")
    html = (f"<p><strong>{escape(head)}</strong>"
            + (f"<br><em>{escape(notice_line)}</em>" if notice_line else "")
            + (f"<br><em>{escape(restore.strip())}</em>" if restore else "") + "</p>"
            f"<p>{paragraphs(text)}</p>{offer_html}"
            f"<p><em>Données masquées avant envoi au modèle : {escape(masked_summary(counts))}</em></p>"
            f"<p>Texte envoyé au modèle :</p><blockquote>{paragraphs(sent_text)}</blockquote>"
            f"<p>{escape(DRAFT_FOOTER)}<br>{escape(MASK_HINT)}</p>")
    return plain, html


def final_text(kind: str, text: str, signature: str | None = None) -> Message:
    head = ("✅ Brouillon approuvé. Texte final, prêt à copier :" if kind == "approved"
            else "✏️ Version corrigée enregistrée. Texte final, prêt à copier :")
    text = _signed(text, signature)
    return f"{head}\n\n{text}", f"<p>{escape(head)}</p><p>{paragraphs(text)}</p>"


SIGNATURE_CLEARED = notice("Votre signature est supprimée.")


def signature_shown(signature: str | None) -> Message:
    if not signature:
        return notice("Aucune signature enregistrée. Pour en ajouter une : « !signature » suivi de "
                      "votre nom, votre fonction et votre service, sur une ou plusieurs lignes.")
    return notice(f"Votre signature, ajoutée sous vos brouillons (jamais envoyée au modèle) :\n\n"
                  f"{signature}\n\n« !signature effacer » la supprime.")


def signature_set(signature: str) -> Message:
    return notice("Signature enregistrée. Plume l'ajoutera sous vos brouillons, sans jamais "
                  f"l'envoyer au modèle :\n\n{signature}")


def signature_too_long(limit: int) -> Message:
    return notice(f"Signature trop longue : {limit} caractères au plus.")


def discard_prompt(reason: str | None) -> Message:
    if reason is not None:
        return notice(f"🗑️ Brouillon rejeté (raison : {reason}).")
    options = " · ".join(f"{k} {v}" for k, v in DISCARD_REASONS.items())
    return notice(f"🗑️ Brouillon rejeté. Pourquoi ? Réagissez : {options} — ou répondez à ce "
                  "message avec votre raison.")

# -- the agent in the loop: !masquer and the confirmation before sending ------------------------

CONFIRM_BUTTONS = (APPROVE, EDIT, DISCARD)
MASK_TYPES = "nom, adresse, téléphone, e-mail, nir, iban, date, lieu, numéro"
MASK_USAGE = notice(
    "Indiquez le mot ou l'expression à masquer, par exemple « !masquer Dupont », "
    "« !masquer \"12 rue des Lilas\" » ou « !masquer Tréminis comme lieu » "
    f"(types : {MASK_TYPES})."
)
ASK_CORRECTION = notice(
    "Répondez au message « Texte prêt à être envoyé » avec le texte corrigé, ou envoyez "
    "« !modifier <texte> ». Les données personnelles y seront à nouveau masquées."
)
NOTHING_SENT_YET = notice(
    "Rien n'a encore été envoyé au modèle : réagissez avec ✅ sur le texte proposé "
    "(ou tapez !ok) pour obtenir un brouillon."
)
PROMPT_REPLACED = notice(
    "Ce texte a été remplacé par une version plus récente : utilisez le dernier message "
    "« Texte prêt à être envoyé »."
)


def mask_not_found(expression: str) -> Message:
    return notice(f"« {expression} » n'apparaît pas en clair dans le texte envoyé au modèle : "
                  "rien n'a été changé.")


def masked_line(placeholder: str, occurrences: int) -> str:
    """The line above the draft or prompt that follows a ``!masquer``."""
    times = "1 occurrence remplacée" if occurrences == 1 else f"{occurrences} occurrences remplacées"
    return f"Texte corrigé : {times} par {placeholder}."


CORRECTED_LINE = "Texte corrigé selon votre version."
REDRAFT_LINE = "Les brouillons précédents sont remplacés par celui-ci."


def confirm_prompt(text: str, counts: dict[str, int], notice_line: str | None) -> Message:
    """What the agent confirms before anything is sent: the exact text, and the buttons."""
    head = "Texte prêt à être envoyé au modèle — rien n'est encore parti"
    extra = f"\n{notice_line}" if notice_line else ""
    actions = "✅ envoyer · ✏️ corriger · 🗑️ abandonner"
    more = MASK_HINT + " [comme <type>]"
    plain = (f"{head}{extra}\n\n{text}\n\n— Données masquées : {masked_summary(counts)}\n"
             f"{actions}\n{more}")
    html = (f"<p><strong>{escape(head)}</strong>"
            + (f"<br><em>{escape(notice_line)}</em>" if notice_line else "") + "</p>"
            f"<blockquote>{paragraphs(text)}</blockquote>"
            f"<p><em>Données masquées : {escape(masked_summary(counts))}</em></p>"
            f"<p>{escape(actions)}<br>{escape(more)}</p>")
    return plain, html
