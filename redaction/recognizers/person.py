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
  after a known given name, that are not ordinary French words (``redaction.lexicon``;
  ``person_lower``).

A name never takes in the word before it: a capitalised word sequence is cut before each title
("Appelez | M. Martin") and loses the verbs and adverbs that open it ("Contactez", "Voir",
"Hier" Jean Dupont; by spaCy's part-of-speech tag and the lexicon). Titles, functions ("Monsieur
le Maire", "Madame la Sous-Préfète"), greetings, acronyms (CAF, RSA…) and places or bodies named
after people ("Collège Jean Moulin", "rue Victor Hugo") stay readable. Once a name is found,
``redaction.engine`` masks every further occurrence of it and of its words, except inside such
a place name (``person_shapes.institution_names``). The shapes of names, titles, cues and
places the rules share are in ``person_shapes``.
"""

from __future__ import annotations

from typing import List, Optional

import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redaction.lexicon import FrenchLexicon
from redaction.normalize import fold
from redaction.recognizers.person_lexicon import FIRST_NAMES, INSTITUTIONS
from redaction.recognizers.person_lower import LowerCaseNames
from redaction.recognizers.person_shapes import (
    CUE, FUNCTION_BEFORE, INSTITUTION_BEFORE, IS_INIT, IS_UP, SAINT, SEQUENCE, TITLE, TOKEN,
    WORD_RE, capitals, first_name, is_filler, is_particle, lone_ambiguous,
    mid_sentence, plausible_ner_name, split_at_titles,
)
_TITLE_BEFORE = regex.compile(TITLE + r"[ ]+$")
_CUE_BEFORE = regex.compile(CUE + r"\s*[,:;\-]?\s*$")
_LEAD_PARTICLE = regex.compile(r"(?<![\w'])(?:de la |de l'|de |du |des |d'|le |la |ben |el |al |da |dos |van |von |di )$")
# Parts of speech of an ordinary word that opens a sentence before a name ("Appelez", "Hier").
_NOT_NAME_POS = frozenset({"VERB", "AUX", "ADV", "ADP", "INTJ", "SCONJ", "CCONJ", "PRON", "DET"})
# What joins the names of a list: "Léa, Hugo et Chloé", "Paul ou Marie".
_LIST_JOIN = regex.compile(r"[ ]*(?:,[ ]*(?:(?:et|ou)[ ]+)?|(?:et|ou|&)[ ]+)")
_SIGNATURE_START = regex.compile(r"(?:^|[.!?]\s+|\n\s*)$")
_SIGNATURE_AFTER = regex.compile(
    r"(?:[ ,;]*$|\s*[,;]\s*\S+@|\s*[,;]?\s*(?:\+|00|0[1-9])[\d .]{8,}|\s*\n)"
)


class FrPersonRecognizer(LocalRecognizer):
    """PERSON from spaCy PER entities plus the rules of the module docstring."""

    ENTITY = "PERSON"

    def __init__(self, lexicon: FrenchLexicon | None = None) -> None:
        super().__init__(supported_entities=[self.ENTITY], name="FrPersonRecognizer",
                         supported_language="fr")
        self.lexicon = lexicon or FrenchLexicon()
        self._lower = LowerCaseNames(self.lexicon)

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
            for piece, offset in split_at_titles(match.group(), match.start()):
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
            for start, end in self._lower.find(lowered, pos):
                add(start, end, 0.85)
        for start, end in self._lower.find(text, pos):
            add(start, end, 0.85)
        for ner_start, ner_end in ner:  # NER alone: keep when its span holds a plausible name core
            for piece, offset in split_at_titles(text[ner_start:ner_end], ner_start):
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
            return is_filler(word) or (shouting and self._ordinary(word))

        tokens = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(piece)]
        popped = []
        while tokens and (filler(tokens[0][2]) or SAINT.match(tokens[0][2])
                          or self._opening_word(tokens[0][2], pos.get(offset + tokens[0][0]))):
            popped.append(tokens.pop(0))
        if any(fold(t[2]) in INSTITUTIONS for t in popped):
            return None
        while tokens and (filler(tokens[-1][2]) or IS_INIT.match(tokens[-1][2])):
            tokens.pop()
        if not tokens:
            return None
        lead = tokens[0][0]
        for token in reversed(popped):
            if not is_particle(token[2]):
                break
            lead = token[0]
        return offset + tokens[0][0], offset + tokens[-1][1], [t[2] for t in tokens], offset + lead

    def _opening_word(self, word: str, tag: Optional[str]) -> bool:
        """A capitalised ordinary word that spaCy tags as no noun ("Contactez", "Voir", "Hier",
        "Aujourd'hui"): it opens the sentence, it is no part of the name after it."""
        return tag in _NOT_NAME_POS and not IS_UP.match(word) and fold(word) not in FIRST_NAMES \
            and self.lexicon.is_common(word)

    def _plausible_ner_name(self, text: str, core: tuple[int, int, list[str], int]) -> bool:
        """A spaCy PER with no rule behind it, unless its words are all ordinary French words
        ("Carte Vitale", "Allocation de Solidarité") other than a lone mid-sentence surname."""
        names = [w for w in core[2] if not is_particle(w)]
        if not plausible_ner_name(text, core):
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
        names = [w for w in words if not is_particle(w)]
        if INSTITUTION_BEFORE.search(before) \
                or FUNCTION_BEFORE.search(text, max(0, start - 40), start):
            return 0.0, False
        plain_before = text[max(0, start - 40):start]
        if _TITLE_BEFORE.search(plain_before):
            return 0.85, False
        if _TITLE_BEFORE.search(before):
            return 0.85, True
        if lone_ambiguous(names):
            return 0.0, False
        if _CUE_BEFORE.search(plain_before):  # the particle belongs to the cue ("dossier de")
            return 0.85, False
        if _CUE_BEFORE.search(before):
            return 0.85, True
        folded = [fold(w) for w in names]
        if len(names) >= 2 and any(first_name(f) for f in folded):
            return 0.85, False
        if len(names) >= 2 and any(IS_INIT.match(w) for w in names):
            return 0.85, False
        uppers = [w for w in names if IS_UP.match(w)]
        if not shouting and uppers and len(uppers) < len(names):
            return 0.85, False
        if len(names) == 1 and folded[0] in FIRST_NAMES and not IS_UP.match(names[0]) \
                and mid_sentence(text, start):
            return 0.6, False
        if any(s < end and start < e for s, e in ner) and \
                self._plausible_ner_name(text, (start, end, words, start)):
            return 0.85, False
        if not shouting and len(names) <= 3 and \
                _SIGNATURE_START.search(text, max(0, start - 3), start) \
                and _SIGNATURE_AFTER.match(text, end, end + 40):
            return 0.6, False
        return 0.0, False


    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(self.ENTITY, start, end, score, recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        })


def _listed_given_names(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Given names listed with a name already found ("mes enfants : Léa, Hugo et Chloé"), even
    where they open a sentence or follow a colon."""
    found = sorted(spans)
    out: list[tuple[int, int]] = []
    candidates = [m for m in WORD_RE.finditer(text)
                  if not IS_UP.match(m.group()) and first_name(fold(m.group()))]
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


def _pos_by_start(nlp_artifacts: Optional[NlpArtifacts]) -> dict[int, str]:
    doc = nlp_artifacts.tokens if nlp_artifacts is not None else None
    return {t.idx: t.pos_ for t in doc} if doc is not None else {}


def _ner_person_spans(nlp_artifacts: Optional[NlpArtifacts]) -> list[tuple[int, int]]:
    if nlp_artifacts is None or not nlp_artifacts.entities:
        return []
    return [(e.start_char, e.end_char) for e in nlp_artifacts.entities
            if e.label_ in ("PER", "PERSON") and not any(c.isdigit() for c in e.text)]


