"""A generated corpus in another style than the dev corpus: short administrative sentences,
each identifier introduced by varied French wording, several per message, with kept content
(organisations, amounts, legal references, deadlines) in between.

Deterministic (fixed seed); names and numbers are invented, checksums computed.
"""

from __future__ import annotations

import random
import string

from tests.redaction_heldout_data import K, P, build, card, grouped, iban_fr, nif, nir, siret

_UPPER_SIV = "ABCDEFGHJKLMNPQRSTVWXYZ"
_FIRST = ("Ghislaine Bertille Anatole Hortense Gwendal Maëlys Soizic Clotilde Aurèle Perrine "
          "Corentin Ludivine Gaspard Blandine Wassim Kenza Boubacar Tanguy Loïc Yanis Nolwenn "
          "Mathéo Inaya Sekou Aminata Olena Bogdan").split()
_LAST = ["Perrot", "Kervella", "Lemaire", "Tixier", "Bouchard", "Hamon", "Guégan", "Rakotomalala",
         "Diop", "Traoré", "Colin", "Vidal", "Caron", "Picard", "Roussel", "Lacroix", "Texier",
         "Guichard", "Prévost", "Aubry", "Maillard", "Hoarau", "Payet", "Grondin", "Vasseur",
         "Le Gall", "De Oliveira", "N'Guessan"]
_STREETS = ["rue des Tilleuls", "avenue Jean Jaurès", "boulevard de la Liberté", "chemin des Vignes",
            "impasse du Moulin", "place de la Mairie", "allée des Acacias", "route de Paris",
            "quai de la Loire", "square Lamartine"]
_MONTHS = ("janvier février mars avril mai juin juillet août septembre octobre novembre "
           "décembre").split()
_KEEPS = ["la CAF de la Gironde", "France Travail", "1 250,00 €",
          "l'article L. 262-2 du code de l'action sociale et des familles", "le cerfa n° 12345*03",
          "avant le 15 juin", "la préfecture du Rhône", "300 euros"]


def generate(count: int = 200, seed: int = 7) -> list[dict]:
    rnd = random.Random(seed)

    def digits(n):
        return "".join(rnd.choice(string.digits) for _ in range(n))

    def letters(n, alphabet=string.ascii_uppercase):
        return "".join(rnd.choice(alphabet) for _ in range(n))

    def nir_value():
        dept = rnd.choice([f"{rnd.randint(1, 95):02d}", "2A", "2B"])
        body = rnd.choice("12") + digits(2) + f"{rnd.randint(1, 12):02d}" + dept + digits(6)
        return nir(body, rnd.choice([" ", "", ".", " "]))

    def phone():
        d = "0" + rnd.choice("1234567") + digits(8)
        g = [d[i:i + 2] for i in range(0, 10, 2)]
        return rnd.choice([" ".join(g), ".".join(g), d, "+33 " + d[1] + " " + " ".join(g[1:]),
                           "+33 (0)" + d[1] + " " + " ".join(g[1:]), "-".join(g)])

    def person():
        first, last = rnd.choice(_FIRST), rnd.choice(_LAST)
        return rnd.choice([f"{first} {last}", f"{last.upper()} {first}", f"{first} {last.upper()}", last])

    def address():
        number = str(rnd.randint(1, 250)) + rnd.choice(["", " bis", " ter", "B"])
        postcode = rnd.choice(["75011", "13001", "20090", "97200", "69003", "33000", "59000", "97400"])
        street = rnd.choice(_STREETS)
        return rnd.choice([f"{number} {street}, {postcode}", f"{number}, {street} {postcode}",
                           f"{number} {street} - {postcode}"])

    def birth_date():
        d, m, y = rnd.randint(1, 28), rnd.randint(1, 12), rnd.randint(1940, 2010)
        return rnd.choice([f"{d:02d}/{m:02d}/{y}", f"{d} {_MONTHS[m - 1]} {y}", f"{d}.{m:02d}.{y}",
                           f"1er {_MONTHS[m - 1]} {y}"])

    kinds = {
        "FR_CAF_ID": (lambda: digits(7), ["Numéro d'allocataire : {v}.", "Mon n° allocataire CAF est le {v}.",
                                          "Matricule CAF {v}, merci.", "Je suis allocataire sous le numéro {v}."]),
        "FR_FRANCE_TRAVAIL_ID": (lambda: digits(7) + letters(1), [
            "Identifiant France Travail : {v}.", "Mon n° de demandeur d'emploi est {v}.",
            "Identifiant Pôle emploi {v}.", "Je suis inscrit à France Travail (identifiant {v})."]),
        "FR_AGDREF": (lambda: rnd.choice("123456789") + digits(9), [
            "Numéro étranger : {v}.", "N° AGDREF {v}.", "Mon titre de séjour porte le numéro {v}.",
            "Mon numéro d'étranger est le {v}."]),
        "FR_ID_CARD": (lambda: rnd.choice([digits(12), letters(8, string.ascii_uppercase + string.digits) + digits(1)]), [
            "Carte d'identité n° {v}.", "CNI : {v}.", "Ma carte nationale d'identité numéro {v} est expirée.",
            "Pièce d'identité : {v}."]),
        "FR_PASSPORT": (lambda: digits(2) + letters(2) + digits(5), [
            "Passeport n° {v}.", "Numéro de passeport : {v}.", "Mon passeport {v} est perdu."]),
        "FR_LICENSE_PLATE": (lambda: rnd.choice([
            f"{letters(2, _UPPER_SIV)}-{digits(3)}-{letters(2, _UPPER_SIV)}",
            f"{rnd.randint(1, 9999)} {letters(2, _UPPER_SIV)} {rnd.randint(1, 95):02d}"]), [
            "Ma voiture immatriculée {v} a été enlevée.", "Plaque {v}.", "Le véhicule {v} est à mon nom."]),
        "FR_NIR": (nir_value, ["N° de sécurité sociale : {v}.", "Numéro de Sécu {v}.", "Mon NIR est {v}.",
                               "Carte Vitale n° {v}.", "Numéro INSEE : {v}."]),
        "FR_TAX_ID": (lambda: nif(rnd.choice("0123") + digits(9)), [
            "Numéro fiscal : {v}.", "Mon identifiant fiscal est {v}.", "N° SPI {v}."]),
        "FR_SIRET": (lambda: rnd.choice([lambda v: v, lambda v: grouped(v, 3)])(siret(digits(8), digits(4))), [
            "SIRET {v}.", "Mon entreprise, SIRET : {v}.", "Numéro d'établissement {v}."]),
        "IBAN": (lambda: rnd.choice([lambda v: v, grouped])(iban_fr(digits(23))), [
            "IBAN : {v}.", "Mon RIB : {v}.", "Virez sur {v} svp."]),
        "CREDIT_CARD": (lambda: rnd.choice([lambda v: v, grouped, lambda v: grouped(v, 4, "-")])(
            card(rnd.choice("45") + digits(14))), [
            "Carte bancaire {v}.", "Payé avec la CB n° {v}.", "Ma carte Visa {v} a été débitée."]),
        "PHONE": (phone, ["Tél. {v}.", "Joignable au {v}.", "Mon portable : {v}.", "Appelez-moi au {v} svp."]),
        "EMAIL": (lambda: rnd.choice(["jean", "m.dubois", "kenza_93", "contact.famille", "b-traore"])
                  + str(rnd.randint(1, 99)) + "@" + rnd.choice(["gmail.com", "orange.fr", "free.fr", "yahoo.fr"]),
                  ["Mail : {v}.", "Écrivez-moi à {v}.", "Courriel : {v}."]),
        "ADDRESS": (address, ["J'habite au {v} Ville.", "Adresse : {v} Ville.", "Domicile : {v} Ville."]),
        "DATE_OF_BIRTH": (birth_date, ["Né le {v}.", "Née le {v}.", "Date de naissance : {v}.",
                                       "Mon fils, né le {v}, est malade."]),
        "PERSON": (person, ["Je m'appelle {v}.", "Mme {v} est ma mère.", "Cordialement, {v}", "Monsieur {v} a appelé.",
                            "Mon fils {v} est malade.", "Le dossier de {v} est bloqué."]),
    }
    docs = []
    for i in range(count):
        parts: list = []
        for _ in range(rnd.randint(2, 4)):
            label = rnd.choice(list(kinds))
            make, templates = kinds[label]
            before, after = rnd.choice(templates).split("{v}")
            parts += [before, P(label, make()), after + " "]
            if rnd.random() < 0.5:
                parts += ["Je me suis adressé à ", K(rnd.choice(_KEEPS)), ". "]
        docs.append(build(f"gen-{i:03d}", parts))
    return docs
