"""Issue 8, numbers written the way others write them: for each kind a valid case (masked), a
near miss (not masked as that kind) and a keep case. Values are synthetic (checksums computed)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.redaction_heldout_data import nir
from tests.redaction_support import is_covered, masked, redactor  # noqa: F401  (fixture)


def kinds(redactor, text):
    return set(masked(redactor, text).values())


# --- phones of other countries, partial and oddly grouped ------------------------------------

@pytest.mark.parametrize("value", [
    "+32 470 12 34 56", "+41 79 123 45 67", "+212 6 12 34 56 78", "+216 98 123 456",
    "+44 7700 900123", "0032 470 12 34 56", "+1 (514) 555-0199", "(33) 6 41 27 01 16",
    "(06) 12 34 56 78", "0 6 1 2 3 4 5 6 7 8",
])
def test_phone_forms_are_masked(redactor, value):
    text = f"Vous pouvez me joindre au {value} en journée."
    assert masked(redactor, text).get(value) == "PHONE_NUMBER"


def test_partial_phone_needs_context(redactor):
    assert masked(redactor, "Mon portable : 06 12 34 56").get("06 12 34 56") == "PHONE_NUMBER"
    assert "PHONE_NUMBER" not in kinds(redactor, "La commande 06 12 34 56 est arrivée.")


def test_two_dates_side_by_side_are_no_phone(redactor):
    text = "Période du 18-03-1999 06-04-2024 au guichet."
    assert "PHONE_NUMBER" not in kinds(redactor, text)
    assert "PHONE_NUMBER" not in kinds(redactor, "Prise de contact le 01/05/2020 à 10h.")


# --- NIR: no key, wrong key, digit by digit, odd separators ----------------------------------

def test_nir_wrong_key_is_masked_when_context_names_it(redactor):
    good = nir("1850578006084")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    for cue in ("Numéro de sécurité sociale", "NIR", "N° sécu", "N° SS"):
        assert is_covered(redactor, f"{cue} : {bad}", bad), cue
    assert "FR_NIR" not in kinds(redactor, f"Colis {bad.replace(' ', '')} expédié.")


@pytest.mark.parametrize("value", [
    "1 8 5 0 5 7 8 0 0 6 0 8 4", "1|85|05|78|006|084", "1850578006084", "185 05 78 006 084",
])
def test_nir_without_key_strict_shape_is_masked(redactor, value):
    assert is_covered(redactor, f"Dossier : {value}\nSuivi en cours.", value)


def test_nir_digit_by_digit_next_to_a_date(redactor):
    """Two runs written digit by digit, told apart by the wider gap: the NIR is masked whole."""
    text = "1 0 1 2 2 0 2 1  1 8 5 0 5 7 8 0 0 6 0 8 4  traitement"
    assert is_covered(redactor, text, "1 8 5 0 5 7 8 0 0 6 0 8 4")
    assert "1 0 1 2 2 0 2 1" in redactor.redact(text).text  # a recent date stays


def test_nir_loose_shape_without_context_is_kept(redactor):
    assert "FR_NIR" not in kinds(redactor, "La référence 1 85 25 78 006 084 figure sur le colis.")


# --- dates of birth in records and headers ----------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("Patiente, 22/02/1962 (68 ans), hospitalisée", "22/02/1962"),
    ("DDN 03.04.1971", "03.04.1971"),
    ("D.N. : 03-04-71", "03-04-71"),
    ("date de naissance : 14 juillet 1980", "14 juillet 1980"),
    ("né(e) le 22|8|1923", "22|8|1923"),
    ("Né le 2 5 0 9 1 9 7 7 à Lille", "2 5 0 9 1 9 7 7"),
    ("née le deux janvier mille neuf cent soixante-dix-huit", "deux janvier mille neuf cent soixante-dix-huit"),
    ("DURAND, Marc, lun. 2 janvier 1967", "lun. 2 janvier 1967"),
])
def test_dates_of_birth_are_masked(redactor, text, value):
    assert is_covered(redactor, text, value)


def test_old_date_without_cue_is_a_birth_date_unless_another_event(redactor):
    old = f"12/03/{date.today().year - 40}"
    assert is_covered(redactor, f"Mme Perrot\n{old}\nSuivi social", old)
    assert old in redactor.redact(f"Nous sommes mariés depuis le {old}.").text
    assert old in redactor.redact(f"Le contrat du {old} au 31/08/{date.today().year - 35}").text


@pytest.mark.parametrize("text", [
    "Rendez-vous le 22/02/2024 à 10h.", "Dossier déposé le 12/03/2023, 2 ans de retard.",
    f"À rendre avant le 15/06/{date.today().year + 1}.",
])
def test_ordinary_dates_stay_readable(redactor, text):
    assert "DATE_OF_BIRTH" not in kinds(redactor, text)


# --- IP addresses, URLs, identity cards, file numbers ----------------------------------------

def test_ip_addresses(redactor):
    text = "Connexion depuis 192.168.1.23 puis 2001:db8::1 hier."
    assert kinds(redactor, text) == {"IP_ADDRESS"}
    assert redactor.redact(text).text == "Connexion depuis [IP_1] puis [IP_2] hier."
    assert "IP_ADDRESS" not in kinds(redactor, "Version 1.2.3 du logiciel, 999.1.1.1 n'existe pas.")


def test_urls_that_carry_a_name_are_masked_public_sites_kept(redactor):
    text = ("Voir https://www.facebook.com/julie.marchand.75 et mon blog jean-dupont.fr ; "
            "la fiche www.service-public.fr/particuliers/vosdroits/F2882 explique.")
    red = masked(redactor, text)
    assert red.get("https://www.facebook.com/julie.marchand.75") == "URL"
    assert red.get("jean-dupont.fr") == "URL"
    assert "www.service-public.fr/particuliers/vosdroits/F2882" in redactor.redact(text).text


def test_new_identity_card_number(redactor):
    assert masked(redactor, "CNI n° X4RTBPFW4").get("X4RTBPFW4") == "FR_ID_CARD"
    assert "FR_ID_CARD" not in kinds(redactor, "Le code promo X4RTBPFW4 expire demain.")


def test_file_numbers_need_a_cue(redactor):
    text = "NDA : 837264503 - IPP : 2025042320"
    assert kinds(redactor, text) == {"FR_RECORD_ID"}
    assert "FR_RECORD_ID" not in kinds(redactor, "Numéro de dossier : 2025-123456.")
    assert "FR_RECORD_ID" not in kinds(redactor, "Le stade compte 12345678 visiteurs par an.")


# --- addresses: complements, abbreviations, words, lower case --------------------------------

@pytest.mark.parametrize("value", [
    "Bât. B, apt 12, 3e étage, 14 bd Gambetta 75011",
    "Résidence Les Lilas, 4 av. de la République, 13001",
    "12 G.al Leclerc, 59000",
    "douze rue Victor Hugo, 33000",
    "12 rue des lilas 75011",
    "BP 123, 69003",
    "Lieu-dit La Croix Blanche, 24200",
])
def test_address_forms_are_masked(redactor, value):
    assert is_covered(redactor, f"J'habite {value} depuis un an.", value)


def test_numbers_in_words_are_no_address_without_a_street(redactor):
    assert "FR_ADDRESS" not in kinds(redactor, "J'ai trois enfants, deux chiens et un chat.")


# --- runs of numbers written digit by digit ---------------------------------------------------

def test_run_of_numbers_written_digit_by_digit_is_read_as_known_numbers(redactor):
    """A date then a NIR with one space between: the run reads as 10122021 + 1850578006084."""
    text = "Suivi 1 0 1 2 2 0 2 1 1 8 5 0 5 7 8 0 0 6 0 8 4 fin"
    red = redactor.redact(text)
    assert red.counts() == {"FR_NIR": 1}
    assert red.text == "Suivi 1 0 1 2 2 0 2 1 [NIR_1] fin"


def test_run_with_no_reading_is_left_alone(redactor):
    assert redactor.redact("Codes 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 relevés.").spans == []


@pytest.mark.parametrize("value", ["0 1 - 4 2 - 5 3 - 6 2 - 2 2", "0 7 . 0 1 . 1 5 . 6 7 . 3 4"])
def test_phone_digits_one_by_one_with_alternating_separators(redactor, value):
    assert masked(redactor, f"Tél : {value}").get(value) == "PHONE_NUMBER"
