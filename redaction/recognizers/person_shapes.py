"""Shapes shared by the PERSON rules (``person``, ``person_lower``): what a name looks like in
French text (capitalised and ALL-CAPS words, initials, particles, word sequences), the titles and
cues that introduce one, and the places, bodies and functions that look like one but stay readable
("rue Victor Hugo", "Monsieur le Maire", a lone "Paris").

Patterns are ``regex`` objects or pattern strings; functions take the text and character offsets.
"""

from __future__ import annotations

from typing import Optional

import regex
from spacy.lang.fr.stop_words import STOP_WORDS as _SPACY_STOP_WORDS

from redaction.normalize import fold
from redaction.recognizers.person_lexicon import (
    ACRONYMS, AMBIGUOUS, FIRST_NAMES, FUNCTIONS, INSTITUTIONS, KINSHIP, NOT_NAMES, PARTICLES,
    TITLES,
)

_UP = r"\p{Lu}(?:\p{Lu}|['\-](?=\p{Lu}))+(?![\p{Ll}])"
_CAP = r"(?:\p{Lu}'\p{Lu}\p{Ll}+|\p{Lu}\p{Ll}+)(?:(?:['\-]\p{Lu}?|\p{Lu})\p{Ll}+)*"
_WORD = rf"(?<![\w'\-])(?:{_UP}|{_CAP})(?![\w\-])"
_INIT = r"(?<![\w'\-])\p{Lu}\.(?:[ ]?-?\p{Lu}\.)*"
_PART = r"(?:de[ ]la|de[ ]l'|de|du|des|van|von|der|den|ben|bin|ibn|el|al|dos|da|di|del|della)"
_NEXT = rf"(?:(?:[ ]+{_PART}[ ]+|[ ]+)(?:{_INIT}[ ]?)?{_WORD}|[ ]+d'(?:{_UP}|{_CAP})(?![\w\-]))"
SEQUENCE = regex.compile(rf"(?:{_INIT}[ ]?)?{_WORD}{_NEXT}{{0,5}}")
TOKEN = regex.compile(rf"{_INIT}|{_CAP}|{_UP}|{_PART}|d'")
WORD_RE = regex.compile(_WORD)
IS_UP = regex.compile(rf"^{_UP}$")
IS_INIT = regex.compile(rf"^{_INIT}$")
TITLE = (r"(?:(?<![\w])(?:M|MM|Mr|Mme|Mmes|Mlle|Melle|Me|Dr|Pr)\.?|(?i:\b(?:monsieur|madame|"
         r"mademoiselle|ma[îi]tre|docteur|professeur|mme|mlle|mr)\b\.?))")
# Form fields: "Nom de naissance :", "Nom d'usage :", "Nom de jeune fille :"…
NAME_KIND = r"(?: de famille| de naissance| d'usage| de jeune fille| marital| d'[ée]pouse| patronymique)"
CUE = (
    r"(?i:\b(?:je m'appelle|je me nomme|je me pr[ée]nomme|mon nom est|mon nom c'est|"
    r"nom" + NAME_KIND + r"?\s*:|pr[ée]noms?\s*:|nom et pr[ée]nom\s*:|je suis|c'est|de la part de|"
    r"sign[ée]e?|soussign[ée]e?|(?:mon|ma|notre|son|sa|leur|votre) (?:" + KINSHIP + r")|"
    r"cordialement|bien cordialement|sinc[èe]rement|salutations(?: distingu[ée]es)?|bien [àa] vous|"
    r"merci(?: beaucoup| d'avance| par avance)?|bonjour|bonsoir|respectueusement|[àa] l'attention de|"
    r"attn?\s*:|l'enfant|mes enfants|assur[ée]e?|b[ée]n[ée]ficiaire|allocataire|titulaire|famille|"
    r"n[ée]e|[ée]pouse|veuve|divorc[ée]e|dite?|alias|(?:le |du )?dossier de|la situation de|au nom de))"
)
# "Monsieur le Maire", "Madame la Sous-Préfète": a title and a lower-case article introduce a
# function, not a name.
FUNCTION_BEFORE = regex.compile(TITLE + r"[ ]+(?:le|la|l')[ ]*$")
SENTENCE_START = regex.compile(r"(?:^|[.!?:]\s+|\n\s*)$")
PLACE_BEFORE = regex.compile(r"(?i:\b(?:à|a|au|aux|en|vers|sur|habite|quartier)\s+)$")
_INSTITUTION_WORD = (
    r"(?:" + "|".join(sorted(INSTITUTIONS)) + r"|coll[èe]ge|lyc[ée]e|[ée]cole|universit[ée]|"
    r"h[ôo]pital|all[ée]e|m[ée]diath[èe]que|biblioth[èe]que|mus[ée]e|a[ée]roport)")
# "Collège Jean Moulin", "l'école Jules Ferry", "rue Victor Hugo", "Maison de Jeanne",
# "Hôpital européen Georges-Pompidou": a name right after such a word (and an adjective) names
# the place. With "de" only when the word is capitalised: "la
# maison de Paul Girard", "à la place de Marie Dupont" are people.
INSTITUTION_BEFORE = regex.compile(
    rf"(?:(?i:\b{_INSTITUTION_WORD})\s+(?:(?!(?:de|du|des|d')(?![\w]))\p{{Ll}}[\p{{Ll}}\-]+\s+)?"
    rf"|\b(?=\p{{Lu}})(?i:{_INSTITUTION_WORD})\s+(?i:de\s+|du\s+|des\s+|d'))$")
STOP = frozenset(fold(w) for w in _SPACY_STOP_WORDS) | NOT_NAMES
# "Saint-Denis", "Sainte-Marie": a place when it opens a sequence (a surname only after a name).
SAINT = regex.compile(r"(?i:saint|sainte|st|ste)-")
ELISION = regex.compile(r"^(?:j|l|d|m|n|s|t|c|qu)'")


def is_particle(word: str) -> bool:
    """A name particle token: "de", "d'", "van", and the two-word "de la", "de l'"."""
    parts = fold(word).replace("'", "' ").split()
    return bool(parts) and all(p in PARTICLES or p == "l'" for p in parts)


def is_filler(word: str) -> bool:
    """A word that cannot be (part of) a name core on its own edge."""
    f = fold(word)
    if is_particle(word) or f.rstrip(".") in TITLES or f in FUNCTIONS:
        return True
    if f in STOP or f in INSTITUTIONS or ELISION.sub("", f) in STOP:
        return True
    return bool(IS_UP.match(word)) and f in ACRONYMS


def first_name(folded: str) -> bool:
    if SAINT.match(folded):
        return False
    return folded in FIRST_NAMES or any(p in FIRST_NAMES for p in folded.split("-") if p)


def plausible_ner_name(text: str, core: tuple[int, int, list[str], int]) -> bool:
    """A spaCy PER without any rule: two name words or more, or one Capitalised word that does
    not open a sentence (spaCy often tags "Veuillez" or a BIC as a person)."""
    start, _, words, _ = core
    names = [w for w in words if not is_particle(w)]
    if INSTITUTION_BEFORE.search(text, max(0, start - 40), start) \
            or FUNCTION_BEFORE.search(text, max(0, start - 40), start):
        return False
    if len(names) >= 2:
        return True
    if len(names) != 1 or IS_UP.match(names[0]) or lone_ambiguous(names):
        return False
    return mid_sentence(text, start) and not PLACE_BEFORE.search(text, max(0, start - 12), start)


def institution_names(text: str) -> list[tuple[int, int]]:
    """Spans of the capitalised names that name a place or a body ("Jean Moulin" in "Lycée Jean
    Moulin", "Victor Hugo" in "rue Victor Hugo"): a name found elsewhere in the text is not masked
    there."""
    out = []
    for match in SEQUENCE.finditer(text):
        tokens = list(TOKEN.finditer(match.group()))
        if len(tokens) > 1 and fold(tokens[0].group()) in INSTITUTIONS:
            out.append((match.start() + tokens[1].start(), match.end()))
        elif INSTITUTION_BEFORE.search(text, max(0, match.start() - 40), match.start()):
            out.append(match.span())
    return out


def split_at_titles(piece: str, offset: int) -> list[tuple[str, int]]:
    """Cut a word sequence before each title inside it: the words before a title are no part of
    the name it introduces ("Appelez | M. Martin", "Voir | Mme Garnier"). "M." after a given
    name is an initial ("Anne M. Durand"). Returns [(sub-piece, offset)]."""
    tokens = list(TOKEN.finditer(piece))
    cuts = [0]
    for before, token in zip(tokens, tokens[1:]):
        word = token.group()
        if fold(word).rstrip(".") not in TITLES:
            continue
        if IS_INIT.match(word) and first_name(fold(before.group())):
            continue
        cuts.append(token.start())
    cuts.append(len(piece))
    return [(piece[a:b], offset + a) for a, b in zip(cuts, cuts[1:])]


def mid_sentence(text: str, start: int) -> bool:
    return start > 0 and not SENTENCE_START.search(text, max(0, start - 3), start)


def lone_ambiguous(words: list[str]) -> bool:
    """A single word that is a place or a common noun as well as a surname ("Paris", "Noël")."""
    names = [w for w in words if not is_particle(w)]
    return len(names) == 1 and fold(names[0]) in AMBIGUOUS


def capitals(text: str) -> Optional[str]:
    """"upper" for text mostly in capitals (> 60 % of letters), "lower" for text nearly without
    (< 2 %), None otherwise or under 20 letters: where capitalisation says nothing."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return None
    upper = sum(c.isupper() for c in letters)
    if upper > 0.6 * len(letters):
        return "upper"
    return "lower" if upper < 0.02 * len(letters) else None
