"""Placeholders of DESIGN §2: ``[NOM_1]``, ``[TELEPHONE_2]``… numbered per type in order of
first appearance; the same value (after normalisation) always gets the same placeholder.
"""

from __future__ import annotations

import regex
import phonenumbers

from redaction.normalize import compact, fold

PREFIXES: dict[str, str] = {
    "PERSON": "NOM",
    "PHONE_NUMBER": "TELEPHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "IBAN_CODE": "IBAN",
    "CREDIT_CARD": "CARTE_BANCAIRE",
    "FR_NIR": "NIR",
    "FR_TAX_ID": "NUMERO_FISCAL",
    "FR_CAF_ID": "NUMERO_CAF",
    "FR_FRANCE_TRAVAIL_ID": "IDENTIFIANT_FRANCE_TRAVAIL",
    "FR_SIRET": "SIRET",
    "FR_SIREN": "SIREN",
    "FR_PASSPORT": "PASSEPORT",
    "FR_ID_CARD": "CARTE_IDENTITE",
    "FR_LICENSE_PLATE": "IMMATRICULATION",
    "FR_AGDREF": "NUMERO_ETRANGER",
    "FR_ADDRESS": "ADRESSE",
    "FR_RECORD_ID": "NUMERO_DOSSIER",
    "DATE_OF_BIRTH": "DATE_NAISSANCE",
    "IP_ADDRESS": "IP",
    "URL": "URL",
    "LOCATION": "LIEU",
    "DATE_TIME": "DATE",
    "OTHER_PII": "DONNEE",  # masked by the agent (!masquer), kind not given
}
ENTITY_OF_PREFIX = {v: k for k, v in PREFIXES.items()}

# A placeholder as written by Plume, and as an LLM may echo it (spaces, case, escaped brackets).
PLACEHOLDER = regex.compile(r"\[([A-Z_]+)_(\d+)\]")
LOOSE_PLACEHOLDER = regex.compile(r"\\?\[\s*([A-Za-z_]+?)[_ ](\d+)\s*\\?\]")

_SPACES = regex.compile(r"[\W_]+")


def placeholder(entity_type: str, number: int) -> str:
    return f"[{PREFIXES.get(entity_type, entity_type)}_{number}]"


def parse(placeholder_text: str) -> tuple[str, int] | None:
    """``"[NOM_2]"`` -> ``("PERSON", 2)``; None if not a Plume placeholder."""
    match = PLACEHOLDER.fullmatch(placeholder_text)
    if not match or match.group(1) not in ENTITY_OF_PREFIX:
        return None
    return ENTITY_OF_PREFIX[match.group(1)], int(match.group(2))


def value_key(entity_type: str, value: str) -> str:
    """Normalised form under which two spellings of one value share a placeholder."""
    if entity_type == "PHONE_NUMBER":
        try:
            number = phonenumbers.parse(value.replace("(0)", ""), "FR")
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        except phonenumbers.NumberParseException:
            pass
    if entity_type in ("PERSON", "FR_ADDRESS", "DATE_OF_BIRTH", "LOCATION", "DATE_TIME",
                       "EMAIL_ADDRESS", "URL"):
        return _SPACES.sub(" ", fold(value)).strip()
    return compact(value)
