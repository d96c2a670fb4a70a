"""The entity types Plume's recognizers find, as plain names (importing this loads no Presidio).

``bot.config`` checks ``redaction.entities`` against ``ALL_ENTITIES`` when the configuration is
read; ``redaction.recognizers.RECOGNIZERS`` has one recognizer per name, in this order.
"""

ALL_ENTITIES = (
    "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE", "CREDIT_CARD", "FR_NIR", "FR_TAX_ID",
    "FR_CAF_ID", "FR_FRANCE_TRAVAIL_ID", "FR_SIRET", "FR_SIREN", "FR_PASSPORT", "FR_ID_CARD",
    "FR_LICENSE_PLATE", "FR_AGDREF", "FR_ADDRESS", "FR_RECORD_ID", "DATE_OF_BIRTH", "IP_ADDRESS", "URL",
    "LOCATION", "DATE_TIME",
)
