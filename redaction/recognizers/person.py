"""PERSON: people's names in French text.

Reference: Presidio's spaCy NER (``fr_core_news_md`` PER entities, read from the NLP artifacts:
no second spaCy pass) completed by rules for what the model misses in pasted messages:

* a title before the name: M., Mme, Mlle, Monsieur, Madame, Maître, Me, Dr… ("Madame DUPONT");
* a cue before it: "je m'appelle", "mon nom est", "Nom :", "mon père", "ma voisine",
  "Cordialement,", "Merci,", "Bonjour", "née"… ("je m'appelle Lombard");
* an ALL-CAPS surname next to a capitalised given name ("IVANOVA Svetlana", "OULD AHMED Rachid");
* a known given name followed by a surname ("Catherine Vaillant"), particles and hyphens
  included ("Jean de La Fontaine", "Marie-Hélène N'Diaye", "BEN YOUSSEF Leila");
* initials ("J. Dupont", "J.-P. Martin");
* a signature: a name alone before an e-mail, a phone number or the end of the message;
* a given name listed with a name already found ("mes enfants : Léa, Hugo et Chloé");
* in text without useful capitals (ALL CAPS, all lower case): words after a title or cue, or
  after a known given name, that are not ordinary French words (``redaction.lexicon``).

A name never takes in the word before it: a capitalised word sequence is cut before each title
("Appelez | M. Martin") and loses the verbs and adverbs that open it ("Contactez", "Voir",
"Hier" Jean Dupont; by spaCy's part-of-speech tag and the lexicon). Titles, functions ("Monsieur
le Maire", "Madame la Sous-Préfète"), greetings, acronyms (CAF, RSA…) and places or bodies named
after people ("Collège Jean Moulin", "rue Victor Hugo") stay readable. Once a name is found,
``redaction.engine`` masks every further occurrence of it and of its words, except inside such
a place name (``institution_names``).
"""

from __future__ import annotations

from typing import List, Optional

import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.fr.stop_words import STOP_WORDS

from redaction.lexicon import FrenchLexicon
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
_TOKEN = regex.compile(rf"{_INIT}|{_CAP}|{_UP}|{_PART}|d'")
_WORD_RE = regex.compile(_WORD)
_ANY_WORD = regex.compile(r"[\p{L}'\-]+")
_IS_UP = regex.compile(rf"^{_UP}$")
_IS_INIT = regex.compile(rf"^{_INIT}$")
_LOWER_WORD = regex.compile(r"(?<![\w'\-])\p{Ll}[\p{Ll}'\-]*\p{Ll}(?![\w\-])")

_TITLE = (r"(?:(?<![\w])(?:M|MM|Mr|Mme|Mmes|Mlle|Melle|Me|Dr|Pr)\.?|(?i:\b(?:monsieur|madame|"
          r"mademoiselle|ma[îi]tre|docteur|professeur|mme|mlle|mr)\b\.?))")
# Form fields: "Nom de naissance :", "Nom d'usage :", "Nom de jeune fille :"…
_NAME_KIND = r"(?: de famille| de naissance| d'usage| de jeune fille| marital| d'[ée]pouse| patronymique)"
_CUE = (
    r"(?i:\b(?:je m'appelle|je me nomme|je me pr[ée]nomme|mon nom est|mon nom c'est|"
    r"nom" + _NAME_KIND + r"?\s*:|pr[ée]noms?\s*:|nom et pr[ée]nom\s*:|je suis|c'est|de la part de|"
    r"sign[ée]e?|soussign[ée]e?|(?:mon|ma|notre|son|sa|leur|votre) (?:" + KINSHIP + r")|"
    r"cordialement|bien cordialement|sinc[èe]rement|salutations(?: distingu[ée]es)?|bien [àa] vous|"
    r"merci(?: beaucoup| d'avance| par avance)?|bonjour|bonsoir|respectueusement|[àa] l'attention de|"
    r"attn?\s*:|l'enfant|mes enfants|assur[ée]e?|b[ée]n[ée]ficiaire|allocataire|titulaire|famille|"
    r"n[ée]e|[ée]pouse|veuve|divorc[ée]e|dite?|alias|(?:le |du )?dossier de|la situation de|au nom de))"
)
_TITLE_BEFORE = regex.compile(_TITLE + r"[ ]+$")
# "Monsieur le Maire", "Madame la Sous-Préfète": a title and a lower-case article introduce a
# function, not a name.
_FUNCTION_BEFORE = regex.compile(_TITLE + r"[ ]+(?:le|la|l')[ ]*$")
_CUE_BEFORE = regex.compile(_CUE + r"\s*[,:;\-]?\s*$")
_CUED_LOWER = regex.compile(rf"(?:{_TITLE}|{_CUE})(?![\w'])[ ]*[,:;\-]?[ ]*(?=((?:\p{{Ll}}[\p{{Ll}}'\-]*)(?:[ ]+\p{{Ll}}[\p{{Ll}}'\-]*){{0,4}}))")
_LOWER_SIGNATURE = regex.compile(
    r"(?:^|[.!?]\s+|\n\s*)(\p{Ll}[\p{Ll}'\-]*(?:[ ]+\p{Ll}[\p{Ll}'\-]*){0,2})"
    r"(?=[ ]*[,;][ ]*\S+@|[ ]*[,;]?[ ]*(?:\+|00|0[1-9])[\d .]{8,}|[ ,;]*$)")
_STRONG_CUE = regex.compile(
    r"(?i:je m'appelle|je me nomme|mon nom est|nom" + _NAME_KIND + r"?\s*:|pr[ée]noms?\s*:|"
    r"nom et pr[ée]nom\s*:|je soussign[ée]e?)\s*:?[ ]*"
    r"((?:[\p{L}'\-]+)(?:[ ]+[\p{L}'\-]+){0,3})"
)
_LEAD_PARTICLE = regex.compile(r"(?<![\w'])(?:de la |de l'|de |du |des |d'|le |la |ben |el |al |da |dos |van |von |di )$")
_SENTENCE_START = regex.compile(r"(?:^|[.!?:]\s+|\n\s*)$")
_PLACE_BEFORE = regex.compile(r"(?i:\b(?:à|a|au|aux|en|vers|sur|habite|quartier)\s+)$")
_INSTITUTION_WORD = (
    r"(?:" + "|".join(sorted(INSTITUTIONS)) + r"|coll[èe]ge|lyc[ée]e|[ée]cole|universit[ée]|"
    r"h[ôo]pital|all[ée]e|m[ée]diath[èe]que|biblioth[èe]que|mus[ée]e|a[ée]roport)")
# "Collège Jean Moulin", "l'école Jules Ferry", "rue Victor Hugo", "Maison de Jeanne",
# "Hôpital européen Georges-Pompidou": a name right after such a word (and an adjective) names
# the place. With "de" only when the word is capitalised: "la
# maison de Paul Girard", "à la place de Marie Dupont" are people.
_INSTITUTION_BEFORE = regex.compile(
    rf"(?:(?i:\b{_INSTITUTION_WORD})\s+(?:(?!(?:de|du|des|d')(?![\w]))\p{{Ll}}[\p{{Ll}}\-]+\s+)?"
    rf"|\b(?=\p{{Lu}})(?i:{_INSTITUTION_WORD})\s+(?i:de\s+|du\s+|des\s+|d'))$")
# Parts of speech of an ordinary word that opens a sentence before a name ("Appelez", "Hier").
_NOT_NAME_POS = frozenset({"VERB", "AUX", "ADV", "ADP", "INTJ", "SCONJ", "CCONJ", "PRON", "DET"})
# What joins the names of a list: "Léa, Hugo et Chloé", "Paul ou Marie".
_LIST_JOIN = regex.compile(r"[ ]*(?:,[ ]*(?:(?:et|ou)[ ]+)?|(?:et|ou|&)[ ]+)")
_SIGNATURE_START = regex.compile(r"(?:^|[.!?]\s+|\n\s*)$")
_SIGNATURE_AFTER = regex.compile(
    r"(?:[ ,;]*$|\s*[,;]\s*\S+@|\s*[,;]?\s*(?:\+|00|0[1-9])[\d .]{8,}|\s*\n)"
)

_STOP = frozenset(fold(w) for w in STOP_WORDS) | NOT_NAMES
# "Saint-Denis", "Sainte-Marie": a place when it opens a sequence (a surname only after a name).
_SAINT = regex.compile(r"(?i:saint|sainte|st|ste)-")
_ELISION = regex.compile(r"^(?:j|l|d|m|n|s|t|c|qu)'")


def _is_particle(word: str) -> bool:
    """A name particle token: "de", "d'", "van", and the two-word "de la", "de l'"."""
    parts = fold(word).replace("'", "' ").split()
    return bool(parts) and all(p in PARTICLES or p == "l'" for p in parts)


def _is_filler(word: str) -> bool:
    """A word that cannot be (part of) a name core on its own edge."""
    f = fold(word)
    if _is_particle(word) or f.rstrip(".") in TITLES or f in FUNCTIONS:
        return True
    if f in _STOP or f in INSTITUTIONS or _ELISION.sub("", f) in _STOP:
        return True
    return bool(_IS_UP.match(word)) and f in ACRONYMS


class FrPersonRecognizer(LocalRecognizer):
    """PERSON from spaCy PER entities plus the rules of the module docstring."""

    ENTITY = "PERSON"

    def __init__(self, lexicon: FrenchLexicon | None = None) -> None:
        super().__init__(supported_entities=[self.ENTITY], name="FrPersonRecognizer",
                         supported_language="fr")
        self.lexicon = lexicon or FrenchLexicon()

    def load(self) -> None:  # nothing to load: lexicons are given or module constants
        pass

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
                ) -> List[RecognizerResult]:
        """Name spans, scored 0.85 (a rule fired) or 0.6 (weaker evidence)."""
        case = capitals(text)
        shouting = case == "upper"
        ner = _ner_person_spans(nlp_artifacts)
        spans: dict[tuple[int, int], float] = {}

        def add(start: int, end: int, score: float) -> None:  # overlaps are merged by the engine
            spans[(start, end)] = max(score, spans.get((start, end), 0.0))

        # spaCy's part-of-speech tags are only trusted where the text has normal capitals.
        pos = {} if case else _pos_by_start(nlp_artifacts)
        for match in SEQUENCE.finditer(text):
            for piece, offset in _split_at_titles(match.group(), match.start()):
                core = self._core(piece, offset, shouting, pos)
                if core is None:
                    continue
                start, end, words, lead = core
                lower_lead = _LEAD_PARTICLE.search(text, max(0, lead - 8), lead)
                cue_at = lower_lead.start() if lower_lead and lead == start else lead
                score, cued = self._rule_score(text, start, end, words, shouting, ner, cue_at)
                if score:
                    add(cue_at if cued else lead, end, score)
        lowered = text.lower()
        if shouting and len(lowered) == len(text):
            for start, end in self._lowercase_names(lowered, pos):
                add(start, end, 0.85)
        for start, end in self._lowercase_names(text, pos):
            add(start, end, 0.85)
        for ner_start, ner_end in ner:  # NER alone: keep when its span holds a plausible name core
            for piece, offset in _split_at_titles(text[ner_start:ner_end], ner_start):
                core = self._core(piece, offset, shouting, pos)
                if core is not None and not shouting and self._plausible_ner_name(text, core) \
                        and not any(s < core[1] and core[3] < e for s, e in spans):
                    add(core[3], core[1], 0.6)
        for start, end in _listed_given_names(text, list(spans)):
            add(start, end, 0.6)
        return [self._result(s, e, score) for (s, e), score in sorted(spans.items())]

    # -- rules --------------------------------------------------------------------------------

    def _core(self, piece: str, offset: int, shouting: bool, pos: dict[int, str]
              ) -> Optional[tuple[int, int, list[str], int]]:
        """Trim fillers (titles, greetings, acronyms, particles; in ALL-CAPS text also ordinary
        words) off both ends of a word sequence, and the capitalised verbs and adverbs that open
        it ("Appelez", "Voir", "Hier" Jean Dupont).

        Returns (start, end, words, lead): ``lead`` is where the core starts once the particles
        just before it are given back ("BEN YOUSSEF Leila", "Du Diaz", "DE LA MARTINEAU").
        """
        def filler(word: str) -> bool:
            return _is_filler(word) or (shouting and self._ordinary(word))

        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(piece)]
        popped = []
        while tokens and (filler(tokens[0][2]) or _SAINT.match(tokens[0][2])
                          or self._opening_word(tokens[0][2], pos.get(offset + tokens[0][0]))):
            popped.append(tokens.pop(0))
        if any(fold(t[2]) in INSTITUTIONS for t in popped):
            return None
        while tokens and (filler(tokens[-1][2]) or _IS_INIT.match(tokens[-1][2])):
            tokens.pop()
        if not tokens:
            return None
        lead = tokens[0][0]
        for token in reversed(popped):
            if not _is_particle(token[2]):
                break
            lead = token[0]
        return offset + tokens[0][0], offset + tokens[-1][1], [t[2] for t in tokens], offset + lead

    def _opening_word(self, word: str, tag: Optional[str]) -> bool:
        """A capitalised ordinary word that spaCy tags as no noun ("Contactez", "Voir", "Hier",
        "Aujourd'hui"): it opens the sentence, it is no part of the name after it."""
        return tag in _NOT_NAME_POS and not _IS_UP.match(word) and fold(word) not in FIRST_NAMES \
            and self.lexicon.is_common(word)

    def _plausible_ner_name(self, text: str, core: tuple[int, int, list[str], int]) -> bool:
        """A spaCy PER with no rule behind it, unless its words are all ordinary French words
        ("Carte Vitale", "Allocation de Solidarité") other than a lone mid-sentence surname."""
        names = [w for w in core[2] if not _is_particle(w)]
        if not _plausible_ner_name(text, core):
            return False
        if not all(self._ordinary(w) for w in names):
            return True
        # only ordinary words: a single one mid-sentence is a surname ("le dossier de Barbier")
        opens_sentence = _SIGNATURE_START.search(text, max(0, core[0] - 3), core[0]) is not None
        return len(names) == 1 and not opens_sentence

    def _ordinary(self, word: str) -> bool:
        """An ordinary French word that is not also a given name."""
        return fold(word) not in FIRST_NAMES and self.lexicon.is_common(word)

    def _rule_score(self, text: str, start: int, end: int, words: list[str], shouting: bool,
                    ner: list[tuple[int, int]], cue_at: int) -> tuple[float, bool]:
        """(score, whether a title or cue fired); score 0 when no rule fires."""
        before = text[max(0, cue_at - 40):cue_at]
        names = [w for w in words if not _is_particle(w)]
        if _INSTITUTION_BEFORE.search(before) \
                or _FUNCTION_BEFORE.search(text, max(0, start - 40), start):
            return 0.0, False
        plain_before = text[max(0, start - 40):start]
        if _TITLE_BEFORE.search(plain_before):
            return 0.85, False
        if _TITLE_BEFORE.search(before):
            return 0.85, True
        if _lone_ambiguous(names):
            return 0.0, False
        if _CUE_BEFORE.search(plain_before):  # the particle belongs to the cue ("dossier de")
            return 0.85, False
        if _CUE_BEFORE.search(before):
            return 0.85, True
        folded = [fold(w) for w in names]
        if len(names) >= 2 and any(_first_name(f) for f in folded):
            return 0.85, False
        if len(names) >= 2 and any(_IS_INIT.match(w) for w in names):
            return 0.85, False
        uppers = [w for w in names if _IS_UP.match(w)]
        if not shouting and uppers and len(uppers) < len(names):
            return 0.85, False
        if len(names) == 1 and folded[0] in FIRST_NAMES and not _IS_UP.match(names[0]) \
                and _mid_sentence(text, start):
            return 0.6, False
        if any(s < end and start < e for s, e in ner) and \
                self._plausible_ner_name(text, (start, end, words, start)):
            return 0.85, False
        if not shouting and len(names) <= 3 and \
                _SIGNATURE_START.search(text, max(0, start - 3), start) \
                and _SIGNATURE_AFTER.match(text, end, end + 40):
            return 0.6, False
        return 0.0, False

    def _lowercase_names(self, text: str, pos: dict[int, str]) -> list[tuple[int, int]]:
        """Names written without capitals (all lower case, or ALL CAPS lowered): after a strong
        cue ("je m'appelle …"); after a title or cue, when one of the words is not an ordinary
        French word or is a given name; a given name and the next word."""
        out = []
        for pattern, require_unusual in ((_STRONG_CUE, False), (_CUED_LOWER, True),
                                         (_LOWER_SIGNATURE, True)):
            for match in pattern.finditer(text):
                span = self._cued_words(match, pos, require_unusual)
                if span:
                    out.append(span)
        words = list(_LOWER_WORD.finditer(text))
        for i, word in enumerate(words[:-1]):
            nxt = words[i + 1]
            if fold(word.group()) in FIRST_NAMES and not self.lexicon.is_common(word.group()) \
                    and text[word.end():nxt.start()] == " " and fold(nxt.group()) not in _STOP \
                    and not self._verb(nxt.group(), nxt.start(), pos):
                out.append((word.start(), nxt.end()))
        return out

    def _verb(self, word: str, start: int, pos: dict[int, str]) -> bool:
        """A verb or an adverb: by the lexicon, or by spaCy's tag for a word the lexicon knows
        (spaCy tags unknown lower-case surnames as verbs too often to be trusted alone)."""
        if self.lexicon.is_verb_or_adverb(word):
            return True
        return pos.get(start) in ("VERB", "AUX", "ADV") and self.lexicon.is_common(word)

    def _cued_words(self, match: regex.Match, pos: dict[int, str], require_unusual: bool = True
                    ) -> Optional[tuple[int, int]]:
        """The words after a cue up to a function word, particles allowed inside, verbs and
        adverbs trimmed at the end; kept when one of them is a given name or not an ordinary
        word (``require_unusual``; a strong cue such as "je m'appelle" needs no such proof)."""
        words = []
        for word in _ANY_WORD.finditer(match.group(1)):
            f = fold(word.group())
            if f in PARTICLES or f == "d'":
                words.append((word, True))
                continue
            if f in _STOP or len(word.group()) < 2:
                break
            words.append((word, False))
        base = match.start(1)
        while words and (words[-1][1] or (
                self._verb(words[-1][0].group(), base + words[-1][0].start(), pos)
                and fold(words[-1][0].group()) not in FIRST_NAMES)):
            words.pop()
        while words and words[0][1] and len(words) > 1 and words[1][1] is False \
                and self._not_a_lower_name(words[1][0].group()):
            words.pop(0)
        if not any(not particle for _, particle in words):
            return None
        if require_unusual and not any(not particle and not self._not_a_lower_name(w.group())
                                       for w, particle in words):
            return None
        return match.start(1) + words[0][0].start(), match.start(1) + words[-1][0].end()

    def _not_a_lower_name(self, word: str) -> bool:
        f = fold(word)
        if f in FIRST_NAMES:
            return False
        if len(word) < 2 or f in PARTICLES or self.lexicon.is_common(word):
            return True
        parts = [p for p in _ELISION.sub("", f).split("-") if p]
        return all(p in _STOP or self.lexicon.is_common(p) for p in parts)

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(self.ENTITY, start, end, score, recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        })


def _first_name(folded: str) -> bool:
    if _SAINT.match(folded):
        return False
    return folded in FIRST_NAMES or any(p in FIRST_NAMES for p in folded.split("-") if p)


def _plausible_ner_name(text: str, core: tuple[int, int, list[str], int]) -> bool:
    """A spaCy PER without any rule: two name words or more, or one Capitalised word that does
    not open a sentence (spaCy often tags "Veuillez" or a BIC as a person)."""
    start, _, words, _ = core
    names = [w for w in words if not _is_particle(w)]
    if _INSTITUTION_BEFORE.search(text, max(0, start - 40), start) \
            or _FUNCTION_BEFORE.search(text, max(0, start - 40), start):
        return False
    if len(names) >= 2:
        return True
    if len(names) != 1 or _IS_UP.match(names[0]) or _lone_ambiguous(names):
        return False
    return _mid_sentence(text, start) and not _PLACE_BEFORE.search(text, max(0, start - 12), start)


def institution_names(text: str) -> list[tuple[int, int]]:
    """Spans of the capitalised names that name a place or a body ("Jean Moulin" in "Lycée Jean
    Moulin", "Victor Hugo" in "rue Victor Hugo"): a name found elsewhere in the text is not masked
    there."""
    out = []
    for match in SEQUENCE.finditer(text):
        tokens = list(_TOKEN.finditer(match.group()))
        if len(tokens) > 1 and fold(tokens[0].group()) in INSTITUTIONS:
            out.append((match.start() + tokens[1].start(), match.end()))
        elif _INSTITUTION_BEFORE.search(text, max(0, match.start() - 40), match.start()):
            out.append(match.span())
    return out


def _split_at_titles(piece: str, offset: int) -> list[tuple[str, int]]:
    """Cut a word sequence before each title inside it: the words before a title are no part of
    the name it introduces ("Appelez | M. Martin", "Voir | Mme Garnier"). "M." after a given
    name is an initial ("Anne M. Durand"). Returns [(sub-piece, offset)]."""
    tokens = list(_TOKEN.finditer(piece))
    cuts = [0]
    for before, token in zip(tokens, tokens[1:]):
        word = token.group()
        if fold(word).rstrip(".") not in TITLES:
            continue
        if _IS_INIT.match(word) and _first_name(fold(before.group())):
            continue
        cuts.append(token.start())
    cuts.append(len(piece))
    return [(piece[a:b], offset + a) for a, b in zip(cuts, cuts[1:])]


def _listed_given_names(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Given names listed with a name already found ("mes enfants : Léa, Hugo et Chloé"), even
    where they open a sentence or follow a colon."""
    found = sorted(spans)
    out: list[tuple[int, int]] = []
    candidates = [m for m in _WORD_RE.finditer(text)
                  if not _IS_UP.match(m.group()) and _first_name(fold(m.group()))]
    grew = True
    while grew:
        grew = False
        for m in candidates:
            start, end = m.span()
            if any(s < end and start < e for s, e in found):
                continue
            if any(_LIST_JOIN.fullmatch(text, e, start) for _, e in found if e < start) \
                    or any(_LIST_JOIN.fullmatch(text, end, s) for s, _ in found if s > end):
                found.append((start, end))
                out.append((start, end))
                grew = True
    return out


def _mid_sentence(text: str, start: int) -> bool:
    return start > 0 and not _SENTENCE_START.search(text, max(0, start - 3), start)


def _lone_ambiguous(words: list[str]) -> bool:
    """A single word that is a place or a common noun as well as a surname ("Paris", "Noël")."""
    names = [w for w in words if not _is_particle(w)]
    return len(names) == 1 and fold(names[0]) in AMBIGUOUS


def _pos_by_start(nlp_artifacts: Optional[NlpArtifacts]) -> dict[int, str]:
    doc = nlp_artifacts.tokens if nlp_artifacts is not None else None
    return {t.idx: t.pos_ for t in doc} if doc is not None else {}


def _ner_person_spans(nlp_artifacts: Optional[NlpArtifacts]) -> list[tuple[int, int]]:
    if nlp_artifacts is None or not nlp_artifacts.entities:
        return []
    return [(e.start_char, e.end_char) for e in nlp_artifacts.entities
            if e.label_ in ("PER", "PERSON") and not any(c.isdigit() for c in e.text)]


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
