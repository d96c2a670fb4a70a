"""The French texts about official sources agents see with a draft, and ``!sources``."""

from __future__ import annotations

from typing import Sequence

from drafting.grounding import VERIFY, Source, french_date, shorten
from handlers.messages import Message, notice

NO_SOURCE = ("Aucune fiche service-public.fr ne correspond à cette question : brouillon rédigé sans "
             "source officielle, vérifiez chaque information.")
NO_SOURCES_USED = notice("Ce brouillon n'a utilisé aucune fiche service-public.fr.")
OFFLINE_FICHE = "Brouillon hors ligne tiré de la fiche « {title} », sans modèle de langue : vérifiez qu'elle répond à la situation de l'usager."


def checks(removed_urls: Sequence[str], unverified: Sequence[str]) -> str | None:
    """The line about what the checks after drafting changed, or None."""
    parts = []
    if removed_urls:
        links = ", ".join(removed_urls)
        parts.append(f"⚠️ Lien{'s' if len(removed_urls) > 1 else ''} absent{'s' if len(removed_urls) > 1 else ''}"
                     f" de la base des fiches, retiré{'s' if len(removed_urls) > 1 else ''} du brouillon : {links}.")
    if unverified:
        parts.append(f"⚠️ {len(unverified)} montant(s), délai(s) ou numéro(s) absent(s) des sources, "
                     f"marqué(s) {VERIFY}.")
    return " ".join(parts) or None


def used(sources: Sequence[Source]) -> Message:
    """``!sources``: each passage the draft rests on, numbered as in the prompt."""
    if not sources:
        return NO_SOURCES_USED
    blocks = [f"[{n}] {s.title} — {s.heading}\n{s.url} (fiche mise à jour le {french_date(s.date)})\n"
              f"{shorten(s.text, 700)}" for n, s in enumerate(sources, start=1)]
    return notice("Passages officiels utilisés pour ce brouillon :\n\n" + "\n\n".join(blocks))
