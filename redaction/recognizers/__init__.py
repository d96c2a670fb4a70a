"""Plume's French recognizers, one module per identifier (DESIGN §4).

``build_recognizers(entities)`` returns fresh instances for the entity types asked for;
``DEFAULT_ENTITIES`` is what ``redaction.entities: default`` means (every type but LOCATION and
DATE_TIME, which the agent needs readable). ``MORE_RECOGNIZERS`` lists further recognizers of
an entity type (social handles are PERSON too).
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from redaction.recognizers.credit_card import FrCreditCardRecognizer
from redaction.recognizers.date_of_birth import FrDateOfBirthRecognizer
from redaction.recognizers.date_time import FrDateTimeRecognizer
from redaction.recognizers.email_address import FrEmailRecognizer
from redaction.recognizers.fr_address import FrAddressRecognizer
from redaction.recognizers.fr_agdref import FrAgdrefRecognizer
from redaction.recognizers.fr_caf_id import FrCafIdRecognizer
from redaction.recognizers.fr_france_travail_id import FrFranceTravailIdRecognizer
from redaction.recognizers.fr_id_card import FrIdCardRecognizer
from redaction.recognizers.fr_license_plate import FrLicensePlateRecognizer
from redaction.recognizers.fr_nir import FrNirRecognizer
from redaction.recognizers.fr_passport import FrPassportRecognizer
from redaction.recognizers.fr_record_id import FrRecordIdRecognizer
from redaction.recognizers.fr_siren import FrSirenRecognizer
from redaction.recognizers.fr_siret import FrSiretRecognizer
from redaction.recognizers.fr_tax_id import FrTaxIdRecognizer
from redaction.recognizers.iban import FrIbanRecognizer
from redaction.recognizers.ip_address import FrIpAddressRecognizer
from redaction.recognizers.location import SpacyLocationRecognizer
from redaction.recognizers.person import FrPersonRecognizer
from redaction.recognizers.person_records import FrPersonRecordRecognizer
from redaction.recognizers.phone import FrPhoneRecognizer
from redaction.recognizers.social_handle import FrSocialHandleRecognizer
from redaction.recognizers.url import FrUrlRecognizer

RECOGNIZERS: dict[str, type[EntityRecognizer]] = {
    "PERSON": FrPersonRecognizer,
    "EMAIL_ADDRESS": FrEmailRecognizer,
    "PHONE_NUMBER": FrPhoneRecognizer,
    "IBAN_CODE": FrIbanRecognizer,
    "CREDIT_CARD": FrCreditCardRecognizer,
    "FR_NIR": FrNirRecognizer,
    "FR_TAX_ID": FrTaxIdRecognizer,
    "FR_CAF_ID": FrCafIdRecognizer,
    "FR_FRANCE_TRAVAIL_ID": FrFranceTravailIdRecognizer,
    "FR_SIRET": FrSiretRecognizer,
    "FR_SIREN": FrSirenRecognizer,
    "FR_PASSPORT": FrPassportRecognizer,
    "FR_ID_CARD": FrIdCardRecognizer,
    "FR_LICENSE_PLATE": FrLicensePlateRecognizer,
    "FR_AGDREF": FrAgdrefRecognizer,
    "FR_ADDRESS": FrAddressRecognizer,
    "FR_RECORD_ID": FrRecordIdRecognizer,
    "DATE_OF_BIRTH": FrDateOfBirthRecognizer,
    "IP_ADDRESS": FrIpAddressRecognizer,
    "URL": FrUrlRecognizer,
    "LOCATION": SpacyLocationRecognizer,
    "DATE_TIME": FrDateTimeRecognizer,
}
MORE_RECOGNIZERS: dict[str, tuple[type[EntityRecognizer], ...]] = {
    "PERSON": (FrPersonRecordRecognizer, FrSocialHandleRecognizer),
}
_WITH_LEXICON = (FrPersonRecognizer, FrPersonRecordRecognizer)
ALL_ENTITIES = tuple(RECOGNIZERS)
DEFAULT_ENTITIES = tuple(e for e in RECOGNIZERS if e not in ("LOCATION", "DATE_TIME"))

# Identifiers whose presence after redaction blocks sending (checksum-valid, e-mail, phone).
GUARDED_ENTITIES = ("FR_NIR", "FR_TAX_ID", "FR_SIRET", "IBAN_CODE", "CREDIT_CARD",
                    "EMAIL_ADDRESS", "PHONE_NUMBER")
# Findings that are certain by construction and never vetoed by a protected span.
CERTAIN_ENTITIES = frozenset(GUARDED_ENTITIES) | {"FR_PASSPORT"}


def build_recognizers(entities, lexicon=None) -> list[EntityRecognizer]:
    """One instance per requested entity type (``lexicon``: a ``redaction.lexicon.FrenchLexicon``
    for the PERSON rules). Raises KeyError on an unknown type."""
    classes = [RECOGNIZERS[e] for e in entities] + [c for e in entities for c in MORE_RECOGNIZERS.get(e, ())]
    return [cls(lexicon) if cls in _WITH_LEXICON else cls() for cls in classes]
