"""PERSON in records, headers and forms: the names that ``redaction.recognizers.person`` finds
by capitals and cues in prose, written the way files and forms write them.

Reference: the layouts of French administrative and medical records (identity line, header
block, "Nom :" fields), observed on public annotated corpora (aphp/eds-pseudo) and in forms
pasted by agents. Rules, each for a kind of layout, never for a list of names:

* an identity line: one to three comma-separated word groups at the start of a line or after a
  field cue, followed by a date, an age or a number ("DUPONT, Jean, 12/03/1954", "Patient :
  CAVARLE, ANDRE , 41 ans", "andre, chabrout, 08.8.1981"), whatever their case, or two of them
  before "né(e)" or the end of the line ("DUPONT, JEAN-PIERRE né le …"); a single word before a
  date is a name only when the date could be a birth date ("Villeurbanne, 12 mars 2024" is a
  letter's place and date);
* a title, an initial and a word ("Mme J DUPONT"); a title and a lower-case word that is no
  function or stop word ("M. samba": after "M." even an ordinary word is a name);
* a field cue ("Usager :", "Patient :", "Bénéficiaire :", "Interne", "Nom d'usage :") followed by
  a word group: a lone surname there is a name ("Usager : Kowalczyk");
* a surname followed by initials ("MEVEL C.", "Passerat R.", "Le Bot D.-G");
* given names written in lower case next to words no dictionary knows ("plisson monique",
  "mavoungou bouanga cecile").

``extend_names`` then grows every PERSON span found by any recognizer over the words glued to
it by a space that belong to the name: initials ("A. de La Rochefoucauld", "Mme J DUPONT",
"PEREZ L"), particles, given names and words that are not ordinary French words ("Monsieur
Leroy brigitte", "Mme MONIQUE gamache"). Titles stay outside (``M. [NOM_1]``).
"""

from __future__ import annotations

from typing import List, Optional

import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.fr.stop_words import STOP_WORDS

from redaction.lexicon import FrenchLexicon
from redaction.normalize import fold
from redaction.recognizers.date_of_birth import birth_plausible
from redaction.recognizers.person_lexicon import (
    ACRONYMS, AMBIGUOUS, FIRST_NAMES, FUNCTIONS, INSTITUTIONS, KINSHIP, NOT_NAMES, PARTICLES,
    TITLES,
)

_W = r"\p{L}[\p{L}'\-]+"
_GROUP = rf"{_W}(?:[ ]+{_W}){{0,3}}"
_FIELD = (r"(?i:patiente?|usag[eè]re?|b[ée]n[ée]ficiaire|allocataire|assur[ée]e?|demandeu(?:r|se)|"
          r"requ[ée]rante?|int[ée]ress[ée]e?|enfant|conjointe?|d[ée]funte?|r[ée]sident(?:e)?|"
          r"locataire|client(?:e)?|signataire|titulaire|nom(?: d'usage| de naissance| de famille)?|"
          r"pr[ée]noms?|identit[ée]|interne|externe|m[ée]decin(?: traitant)?|infirmi[èe]re?|"
          r"r[ée]f[ée]rente?|copie [àa]|destinataire|exp[ée]diteur|de la part de)(?![\w])")
# Where a record's identity starts: a line start, or after a colon or a table bar.
_START = rf"(?:^|(?<=\n)|(?<=[:|][ ]*))"
_WEEKDAY = r"(?:(?i:lun|mar|mer|jeu|ven|sam|dim)\p{L}*\.?,?[ ]*)?"
_IDENTITY = regex.compile(
    rf"(?m){_START}[ ]*({_GROUP})[ ]*,[ ]*(?:({_GROUP})[ ]*,[ ]*)?(?:({_GROUP})[ ]*,[ ]*)?"
    rf"(?={_WEEKDAY}\d)")
_IDENTITY_PAIR = regex.compile(
    rf"(?m){_START}[ ]*({_GROUP})[ ]*,[ ]*({_GROUP})()(?=[ ]*(?:\(|(?i:n[ée]e?)(?![\w])|$))")
_TAIL_DATE = regex.compile(rf"{_WEEKDAY}(\d[\d/.\-| ]{{4,12}}\d|\d{{1,2}}(?:er)?[ ]+\p{{L}}+\.?[ ]+\d{{2,4}})")
_TAIL_AGE = regex.compile(r"\d{1,3}[ ]*ans(?![\w])")
_TITLED_LOWER = regex.compile(
    r"(?<![\w])(?:M\.|Mme\.?|Mlle\.?|Monsieur|Madame|Mademoiselle)[ ]+(\p{Ll}[\p{Ll}'\-]+)(?![\w'\-])")
_TITLED_INITIAL = regex.compile(
    r"(?<![\w])(?:M|Mme|Mlle|Mr|Dr|Pr|Monsieur|Madame|Docteur)\.?[ ]+(\p{Lu}\.?[ ]+\p{Lu}[\p{L}'\-]+)")
_FIELD_NAME = regex.compile(rf"(?<![\w]){_FIELD}[ ]?:[ ]*(?:(?:M|Mme|Mlle|Dr|Pr)\.?[ ]+)?({_GROUP})")
_FIELD_BARE = regex.compile(r"(?<![\w])(?i:interne|externe|copie [àa])[ ]+(" + _GROUP + ")")
_INITIAL = r"\p{Lu}(?:\.|(?![\p{L}]))(?:[ ]?-?\p{Lu}(?:\.|(?![\p{L}])))*"
_WITH_INITIALS = regex.compile(
    rf"(?<![\w'\-])((?:\p{{Lu}}[\p{{L}}'\-]{{2,}})(?:[ ]+(?:\p{{Lu}}[\p{{L}}'\-]{{2,}}))?)"
    rf"(?:[ ]*,)?[ ]+({_INITIAL})(?![\p{{L}}.]|[ ]+\p{{Lu}}\p{{L}})")
_LOWER_RUN = regex.compile(r"(?<![\w'\-])\p{Ll}[\p{Ll}'\-]+(?:[ ]+\p{Ll}[\p{Ll}'\-]+){1,2}(?![\w'\-])")
_WORD = regex.compile(_W)
_BARE_INITIAL = regex.compile(_INITIAL)
_STOP = frozenset(fold(w) for w in STOP_WORDS)
_NEVER = (_STOP | NOT_NAMES | TITLES | FUNCTIONS | INSTITUTIONS | ACRONYMS | AMBIGUOUS
          | frozenset(fold(w) for w in KINSHIP.split("|")))
_SCORE = 0.85


class FrPersonRecordRecognizer(LocalRecognizer):
    """PERSON in records and forms (module docstring)."""

    ENTITY = "PERSON"

    def __init__(self, lexicon: FrenchLexicon | None = None) -> None:
        super().__init__(supported_entities=[self.ENTITY], name="FrPersonRecordRecognizer",
                         supported_language="fr")
        self.lexicon = lexicon or FrenchLexicon()

    def load(self) -> None:  # nothing to load: the lexicon is given
        pass

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
                ) -> List[RecognizerResult]:
        """Name spans of the layouts of the module docstring, scored 0.85."""
        spans: set[tuple[int, int]] = set()
        for match in [*_IDENTITY.finditer(text), *_IDENTITY_PAIR.finditer(text)]:
            groups = [(match.start(i), match.end(i)) for i in (1, 2, 3) if match.group(i)]
            words = [w for s, e in groups for w in _WORD.findall(text[s:e])]
            if any(fold(w) in _NEVER for w in words) or not (
                    any(self.namelike(w) for w in words) or all(w[0].isupper() for w in words)):
                continue
            if len(words) == 1 and not self._birth_tail(text, match.end()):
                continue  # "Villeurbanne, 12 mars 2024": a letter's place and date
            spans.update(groups)
        for match in _TITLED_LOWER.finditer(text):
            if fold(match.group(1)) not in _NEVER:
                spans.add(match.span(1))
        for match in _TITLED_INITIAL.finditer(text):
            if self.namelike(match.group(1).split()[-1]):
                spans.add(match.span(1))
        for pattern in (_FIELD_NAME, _FIELD_BARE):
            for match in pattern.finditer(text):
                span = self._name_words(text, match.start(1), match.end(1))
                if span:
                    spans.add(span)
        for match in _WITH_INITIALS.finditer(text):
            words = _WORD.findall(match.group(1))
            if all(fold(w) not in _NEVER and (w.isupper() or self.namelike(w)) for w in words):
                spans.add((match.start(1), match.end(2)))
        for match in _LOWER_RUN.finditer(text):
            words = match.group().split()
            if any(fold(w) in _NEVER for w in words):
                continue
            given = [w for w in words if fold(w) in FIRST_NAMES and not self.lexicon.is_common(w)]
            if given and all(w in given or not self.lexicon.is_common(w) for w in words):
                spans.add(match.span())
        return [self._result(s, e) for s, e in sorted(spans)]

    @staticmethod
    def _birth_tail(text: str, at: int) -> bool:
        """An age or a date that could be a birth date at ``at``."""
        if _TAIL_AGE.match(text, at):
            return True
        date = _TAIL_DATE.match(text, at)
        return date is not None and birth_plausible(date.group(1))

    def namelike(self, word: str) -> bool:
        """A given name, or a word that is not an ordinary French word."""
        f = fold(word)
        if f in _NEVER:
            return False
        return f in FIRST_NAMES or not self.lexicon.is_common(word)

    def _name_words(self, text: str, start: int, end: int) -> Optional[tuple[int, int]]:
        """The leading words of ``text[start:end]`` after a field cue, up to an ordinary word:
        initials, capitalised words (not titles, stop words…) and lower-case name-like words."""
        last = None
        for word in regex.finditer(rf"{_INITIAL}|{_W}", text[:end], pos=start):
            value = word.group()
            if fold(value) in PARTICLES and last is not None:
                continue
            if not (_BARE_INITIAL.fullmatch(value) or (value[0].isupper() and fold(value) not in _NEVER)
                    or self.namelike(value)):
                break
            last = word.end()
        return (start, last) if last else None

    def _result(self, start: int, end: int) -> RecognizerResult:
        return RecognizerResult(self.ENTITY, start, end, _SCORE, recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        })


# -- growing found names ---------------------------------------------------------------------

_BARE_LETTER = regex.compile(r"\p{Lu}(?:\.|(?=[ ,\n]|$))(?:-?\p{Lu}\.?)*")
_TITLE_WORD = regex.compile(r"(?i:m|mr|mme|mlle|mmes|melle|dr|pr|me|monsieur|madame|mademoiselle|"
                            r"docteur|professeur|ma[îi]tre)\.?$")
_NEXT_TOKEN = regex.compile(r"[ ]+(\p{L}[\p{L}'\-]*\.?(?:-?\p{Lu}\.?)*)")
_PREV_TOKEN = regex.compile(r"(\p{L}[\p{L}'\-]*\.?(?:-?\p{Lu}\.?)*)[ ]+$")


def extend_names(text: str, spans: list[tuple[int, int]], lexicon: FrenchLexicon,
                 shouting: bool = False) -> list[tuple[int, int]]:
    """Each PERSON span of ``spans`` grown over the words of the name glued to it by a space
    (module docstring); returns the grown spans that differ from the originals. In text
    written in capitals (``shouting``) only initials and particles are taken."""
    recognizer = FrPersonRecordRecognizer(lexicon)
    out = []
    for start, end in spans:
        if sum(c.isalpha() for c in text[start:end]) < 3:
            continue  # only initials or an acronym: nothing to grow from
        new_start, new_end, letters = start, end, 0
        while True:
            match = _NEXT_TOKEN.match(text, new_end)
            if not match or not _name_part(match.group(1), recognizer, after=True) or (
                    shouting and not _BARE_LETTER.fullmatch(match.group(1))):
                break
            letters += bool(_BARE_LETTER.fullmatch(match.group(1)))
            if letters > 2:  # "… SS S S SS": a table of codes, not initials
                break
            new_end = match.end(1) if not match.group(1).endswith(".") or _BARE_LETTER.fullmatch(
                match.group(1)) else match.end(1) - 1
        while True:
            match = _PREV_TOKEN.search(text, max(0, new_start - 40), new_start)
            if not match:
                break
            word = match.group(1)
            if _BARE_LETTER.fullmatch(word):
                if word.rstrip(".") == "M":  # "M. DUPONT": a title, unless one comes first ("Dr M BORATO")
                    before = _PREV_TOKEN.search(text, max(0, match.start(1) - 20), match.start(1))
                    if not (before and _TITLE_WORD.match(before.group(1))):
                        break
                new_start = match.start(1)
                continue
            if _TITLE_WORD.match(word):
                break
            if fold(word) in PARTICLES or fold(word) in ("de la", "d'"):
                nxt_start = match.start(1)
                prev = _PREV_TOKEN.search(text, max(0, nxt_start - 40), nxt_start)
                if prev and (_BARE_LETTER.fullmatch(prev.group(1)) or recognizer.namelike(prev.group(1))):
                    new_start = nxt_start
                    continue
                break
            if shouting or not _name_part(word, recognizer, after=False):
                break
            new_start = match.start(1)
        if (new_start, new_end) != (start, end):
            out.append((new_start, new_end))
    return out


def _name_part(token: str, recognizer: FrPersonRecordRecognizer, after: bool) -> bool:
    """A token that continues a name: initials (after it), given names, words no dictionary
    knows (not titles, functions, stop words or acronyms); particles are the caller's."""
    if _BARE_LETTER.fullmatch(token):
        return after
    word = token.rstrip(".")
    if fold(word) in PARTICLES or len(word) < 2:
        return False
    return recognizer.namelike(word)
