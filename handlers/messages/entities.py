"""The one table of French labels of the entity types (DESIGN §4).

``singular`` after a count in the agent's draft footer ("2 nom"), ``plural`` in the summaries'
"<label> : <count>" lines, ``named`` (with its article) in the leak-guard refusal.
"""

from __future__ import annotations

from typing import NamedTuple


class Label(NamedTuple):
    singular: str
    plural: str
    named: str


ENTITY_LABELS: dict[str, Label] = {
    "PERSON": Label("nom", "noms", "un nom"),
    "EMAIL_ADDRESS": Label("e-mail", "adresses e-mail", "une adresse e-mail"),
    "PHONE_NUMBER": Label("téléphone", "téléphones", "un numéro de téléphone"),
    "IBAN_CODE": Label("IBAN", "IBAN", "un IBAN"),
    "CREDIT_CARD": Label("carte bancaire", "cartes bancaires", "un numéro de carte bancaire"),
    "LOCATION": Label("lieu", "lieux", "un lieu"),
    "DATE_TIME": Label("date", "dates", "une date"),
    "DATE_OF_BIRTH": Label("date de naissance", "dates de naissance", "une date de naissance"),
    "FR_NIR": Label("NIR", "NIR", "un numéro de sécurité sociale"),
    "FR_TAX_ID": Label("numéro fiscal", "numéros fiscaux", "un numéro fiscal"),
    "FR_CAF_ID": Label("numéro allocataire", "numéros CAF", "un numéro allocataire"),
    "FR_FRANCE_TRAVAIL_ID": Label("identifiant France Travail", "identifiants France Travail",
                                  "un identifiant France Travail"),
    "FR_SIRET": Label("SIRET", "SIRET", "un numéro SIRET"),
    "FR_SIREN": Label("SIREN", "SIREN", "un numéro SIREN"),
    "FR_PASSPORT": Label("passeport", "passeports", "un numéro de passeport"),
    "FR_ID_CARD": Label("carte d'identité", "cartes d'identité", "un numéro de carte d'identité"),
    "FR_LICENSE_PLATE": Label("immatriculation", "plaques d'immatriculation",
                              "une plaque d'immatriculation"),
    "FR_AGDREF": Label("numéro étranger", "numéros étranger (AGDREF)", "un numéro étranger"),
    "FR_ADDRESS": Label("adresse", "adresses", "une adresse"),
    "IP_ADDRESS": Label("adresse IP", "adresses IP", "une adresse IP"),
    "URL": Label("lien", "liens", "un lien personnel"),
    "FR_RECORD_ID": Label("numéro de dossier", "numéros de dossier", "un numéro de dossier"),
    "OTHER_PII": Label("autre donnée", "autres données", "une donnée personnelle"),
}


def singular(entity_type: str) -> str:
    return ENTITY_LABELS[entity_type].singular if entity_type in ENTITY_LABELS else entity_type


def plural(entity_type: str) -> str:
    return ENTITY_LABELS[entity_type].plural if entity_type in ENTITY_LABELS else entity_type


def named(entity_type: str) -> str:
    return ENTITY_LABELS[entity_type].named if entity_type in ENTITY_LABELS else entity_type
