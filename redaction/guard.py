"""Leak guard: the message the agent gets when Plume refuses to send a text to the LLM.

The bot calls ``Redactor.leaks(redacted_text)`` before every LLM call; when it returns entity
types, nothing is sent and ``leak_message(types)`` is posted to the agent instead.
"""

from __future__ import annotations

LABELS_FR = {
    "FR_NIR": "un numéro de sécurité sociale",
    "FR_TAX_ID": "un numéro fiscal",
    "FR_SIRET": "un numéro SIRET",
    "FR_SIREN": "un numéro SIREN",
    "IBAN_CODE": "un IBAN",
    "CREDIT_CARD": "un numéro de carte bancaire",
    "EMAIL_ADDRESS": "une adresse e-mail",
    "PHONE_NUMBER": "un numéro de téléphone",
}

LEAK_MESSAGE = (
    "⚠️ Je n'ai rien envoyé au modèle de langue : le texte contient encore une donnée "
    "personnelle que je n'ai pas pu masquer ({details}). Retirez-la ou remplacez-la "
    "(par exemple par « [NUMÉRO] »), puis renvoyez la question."
)


def leak_message(entity_types: list[str]) -> str:
    """French message naming what is left, e.g. ``["PHONE_NUMBER"]`` -> "… (un numéro de téléphone) …"."""
    labels = [LABELS_FR.get(t, t) for t in dict.fromkeys(entity_types)] or ["donnée personnelle"]
    details = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " et " + labels[-1]
    return LEAK_MESSAGE.format(details=details)
