"""The redaction engine.

CONTRACT (other packages rely on it):

    RedactedSpan(start, end, entity_type, placeholder, score)  # offsets into the ORIGINAL text
    Redaction.text      -> str, the redacted text, e.g. "Bonjour, je suis [NOM_1] …"
    Redaction.spans     -> list[RedactedSpan], sorted by start
    Redaction.mapping   -> dict[str, str], placeholder -> real value (memory only, never stored)
    Redaction.counts()  -> dict[str, int], number of masked spans per entity_type

    Redactor(config: redaction.config.RedactionConfig | None = None)   # loads Presidio + spaCy once
    Redactor.redact(text, known=None) -> Redaction
        ``known`` is the mapping of an earlier Redaction of the same question: its values are
        masked again with the same placeholders, and new values get the next free numbers.
    Redactor.redact_batch([(text, known), ...], model_output=False) -> [Redaction, ...]
        the same for several texts at once, in order: one spaCy ``nlp.pipe`` call (and one
        name-model pass) for the lot, the same results as one ``redact`` per text.
        ``model_output=True``: the storage profile for what the LLM wrote (below).
    Redactor.leaks(redacted_text) -> list[str]
        entity types of checksum-valid identifiers, e-mails or phone numbers still present.
    rehydrate(text, mapping) -> str   # puts the real values back in place of placeholders

Details (compatible extensions):

* ``Redaction.mapping`` holds the placeholders of this text *and* every entry of ``known``, so
  it is the whole map of the question.
* Known values are found again by exact string match, even where no recognizer fires.
* ``Redactor`` is built once per process (spaCy ``fr_core_news_md`` is loaded in ``__init__``,
  a warm-up call runs there too) and ``redact``/``redact_batch``/``leaks`` may be called from
  several threads: the spaCy calls are serialised by locks, everything else is per-call state.
* Errors: ``common.config.ConfigError`` for an unknown entity type or a spaCy model that is not
  installed (models are never downloaded at run time).
* Nothing here logs text; ``redaction`` logs only counts per entity type at DEBUG level.

Storage profile (``model_output=True``), for the LLM's output before it is stored. The model
only saw placeholder text (the stored question and drafts, leak-guarded validated answers,
public sources): it cannot echo a value the input pass did not already leave in the database,
only invent one. So this profile keeps every pattern and checksum recognizer (context words
read from the raw tokens), the PERSON rules (titles, cues, greetings, signatures, capitals) and
the exact search of the question's known values, but runs spaCy's tokenizer alone: no tagger,
lemmas, NER nor name model, most of a redaction's CPU (bench/README.md, bot_load).
``tests/redaction/test_batching.py`` checks that phones, NIR, IBAN, e-mails and names the model
writes are masked.

Pipeline of ``redact``: normalise (offset map kept) -> spaCy (tokens, lemmas, NER) -> Presidio
analyzer with Plume's recognizers and ``FrenchContextEnhancer`` (threshold 0.4) -> drop uncertain
findings on organisations / legal references / amounts (``redaction.keep``) -> mask every further
occurrence of a found name (except where it names a place: "rue Victor Hugo") -> known values ->
grow found names over the initials and name words glued to them
(``redaction.recognizers.person_records.extend_names``) -> merge overlaps (union, so nothing is
left half-masked) -> placeholders -> text rebuilt from the
original.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import regex
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngineProvider

from redaction.context import FrenchContextEnhancer
from redaction.keep import protected_spans
from redaction.lexicon import FrenchLexicon
from redaction.normalize import fold, normalize
from redaction.placeholders import LOOSE_PLACEHOLDER, parse, placeholder, value_key
from redaction.recognizers import (
    ALL_ENTITIES, CERTAIN_ENTITIES, DEFAULT_ENTITIES, GUARDED_ENTITIES, build_recognizers,
)
from redaction.recognizers.base import SCORE_THRESHOLD
from redaction.recognizers.person_model import FrPersonModelRecognizer
from redaction.recognizers.person_shapes import capitals, institution_names
from redaction.recognizers.person_records import extend_names
from redaction.recognizers.person_lexicon import AMBIGUOUS, NOT_NAMES, PARTICLES, TITLES

log = logging.getLogger("plume.redaction")

_GUARD_MIN_SCORE = 0.8
_NAME_WORD = regex.compile(r"[\p{L}][\p{L}'\-]*")
# A further occurrence of a name stands alone: no letter, digit, apostrophe or hyphen glued to it
# before, no letter, digit or hyphen after.
_GLUED_BEFORE = regex.compile(r"[\w'\-]")
_GLUED_AFTER = regex.compile(r"[\w\-]")
# Words of a found name that are not masked on their own elsewhere in the text.
_NOT_PROPAGATED = PARTICLES | NOT_NAMES | TITLES | AMBIGUOUS
# spaCy pipes Plume does not need (the dependency parser): NER and lemmas do not use it.
_UNUSED_PIPES = ("parser",)


@dataclass(frozen=True)
class RedactedSpan:
    start: int
    end: int
    entity_type: str
    placeholder: str
    score: float


@dataclass
class Redaction:
    text: str
    spans: list[RedactedSpan] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return dict(Counter(span.entity_type for span in self.spans))


@dataclass
class _Finding:
    start: int
    end: int
    entity_type: str
    score: float
    placeholder: str | None = None  # fixed by ``known``


def resolve_entities(entities) -> tuple[str, ...]:
    """``"default"`` or a list of entity types -> tuple of types. Raises ConfigError."""
    from common.config import ConfigError

    if entities in (None, "default"):
        return DEFAULT_ENTITIES
    unknown = [e for e in entities if e not in ALL_ENTITIES]
    if unknown:
        raise ConfigError(f"redaction.entities: unknown entity type {unknown[0]!r} "
                          f"(known: {', '.join(ALL_ENTITIES)})")
    return tuple(dict.fromkeys(entities))


def load_nlp_engine(model: str = "fr_core_news_md"):
    """Presidio spaCy NLP engine for French from an *installed* model, without the pipes Plume
    does not use. Raises ConfigError."""
    import spacy

    from common.config import ConfigError

    if not spacy.util.is_package(model):
        raise ConfigError(f"redaction.spacy_model: spaCy model {model!r} is not installed")
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "fr", "model_name": model}],
    })
    engine = provider.create_engine()
    nlp = engine.nlp["fr"]
    for pipe in _UNUSED_PIPES:
        if pipe in nlp.pipe_names:
            nlp.disable_pipe(pipe)
    return engine


class Redactor:
    """French redactor; see the module docstring. Build once, share between threads."""

    def __init__(self, config=None) -> None:
        from redaction.config import RedactionConfig

        cfg = config or RedactionConfig()
        self.entities = resolve_entities(cfg.entities)
        self._nlp_engine = load_nlp_engine(cfg.spacy_model)
        lexicon = self._lexicon = FrenchLexicon(self._nlp_engine.nlp["fr"])
        recognizers = build_recognizers(self.entities, lexicon, name_model=cfg.name_model)
        self._name_model = next((r for r in recognizers if isinstance(r, FrPersonModelRecognizer)), None)
        self._analyzer = self._analyzer_of(recognizers)
        self._output_analyzer = self._analyzer_of([r for r in recognizers if r is not self._name_model])
        self._guards = build_recognizers(GUARDED_ENTITIES)
        self._lock = threading.Lock()
        self.redact("Bonjour, je suis Jean Dupont, tél. 06 12 34 56 78, né le 1er mars 1980.")

    # -- public API ---------------------------------------------------------------------------

    @property
    def nlp(self):
        """The loaded spaCy Language (its word vectors serve the knowledge base's semantic signal)."""
        return self._nlp_engine.nlp["fr"]

    def redact(self, text: str, known: dict[str, str] | None = None) -> Redaction:
        """Redact ``text`` (see module docstring). ``known``: placeholder -> value of earlier text."""
        return self.redact_batch([(text, known)])[0]

    def redact_batch(self, items: Sequence[tuple[str, dict[str, str] | None]], *,
                     model_output: bool = False) -> list[Redaction]:
        """``redact`` of each ``(text, known)``, in order, spaCy run once over all the texts.
        ``model_output``: the storage profile for the LLM's output (module docstring)."""
        norms = [normalize(text) for text, _ in items]
        todo = [i for i, norm in enumerate(norms) if norm.text.strip()]
        artifacts = dict(zip(todo, self._artifacts([norms[i].text for i in todo], model_output)))
        analyzer = self._output_analyzer if model_output else self._analyzer
        out = []
        for i, ((text, known), norm) in enumerate(zip(items, norms)):
            known = dict(known or {})
            findings = self._analyze(analyzer, norm.text, artifacts[i]) if i in artifacts else []
            findings = [_Finding(*norm.span_to_original(f.start, f.end), f.entity_type, f.score)
                        for f in findings]
            findings += _known_findings(text, known)
            redaction = _apply(text, _merge(findings), known)
            if log.isEnabledFor(logging.DEBUG):
                log.debug("redacted", extra={"counts": redaction.counts()})
            out.append(redaction)
        return out

    def leaks(self, redacted_text: str) -> list[str]:
        """Entity types of checksum-valid identifiers, e-mails or phones left in ``redacted_text``."""
        norm = normalize(redacted_text).text
        found = set()
        for recognizer in self._guards:
            for result in recognizer.analyze(norm, recognizer.supported_entities, None):
                if result.score >= _GUARD_MIN_SCORE:
                    found.add(result.entity_type)
        return sorted(found)

    # -- pipeline -----------------------------------------------------------------------------

    def _analyzer_of(self, recognizers) -> AnalyzerEngine:
        registry = RecognizerRegistry(supported_languages=["fr"])
        for recognizer in recognizers:
            registry.add_recognizer(recognizer)
        return AnalyzerEngine(
            registry=registry, nlp_engine=self._nlp_engine, supported_languages=["fr"],
            context_aware_enhancer=FrenchContextEnhancer(), default_score_threshold=SCORE_THRESHOLD,
        )

    def _artifacts(self, texts: list[str], tokens_only: bool) -> list[NlpArtifacts]:
        """spaCy's analysis of ``texts`` for Presidio: the whole pipeline in one ``nlp.pipe``
        call and the name model over the lot, or (``tokens_only``) the tokenizer alone."""
        if not texts:
            return []
        nlp = self.nlp
        with self._lock:  # spaCy's Language is not documented as thread-safe
            if tokens_only:
                docs = [nlp.make_doc(text) for text in texts]
                return [NlpArtifacts(entities=[], tokens=doc, tokens_indices=[t.idx for t in doc],
                                     lemmas=[t.lemma_ for t in doc], nlp_engine=self._nlp_engine,
                                     language="fr", scores=[]) for doc in docs]
            artifacts = [a for _, a in self._nlp_engine.process_batch(texts, "fr", batch_size=len(texts))]
        if self._name_model is not None:
            self._name_model.predict([a.tokens for a in artifacts])
        return artifacts

    def _analyze(self, analyzer: AnalyzerEngine, text: str, artifacts: NlpArtifacts) -> list[_Finding]:
        results = analyzer.analyze(text, language="fr", entities=list(self.entities),
                                   nlp_artifacts=artifacts, score_threshold=SCORE_THRESHOLD)
        protected = protected_spans(text)
        findings = [
            _Finding(r.start, r.end, r.entity_type, r.score) for r in results
            if not _vetoed(r.start, r.end, r.entity_type, protected)
        ]
        if "PERSON" in self.entities:
            people = [(f.start, f.end) for f in findings if f.entity_type == "PERSON"]
            findings += [_Finding(s, e, "PERSON", 0.85) for s, e in extend_names(
                text, people, self._lexicon, shouting=capitals(text) == "upper")]
            findings += _other_name_occurrences(text, findings, protected + institution_names(text))
        return findings


def _vetoed(start: int, end: int, entity_type: str, protected: list[tuple[int, int]]) -> bool:
    if entity_type in CERTAIN_ENTITIES:
        return False
    if entity_type == "FR_ADDRESS":  # an address never starts inside an amount or a reference
        return any(s <= start < e for s, e in protected)
    return any(s < end and start < e for s, e in protected)


def _other_name_occurrences(text: str, findings: list[_Finding],
                            protected: list[tuple[int, int]]) -> list[_Finding]:
    """Every further occurrence of a found name, and of each of its words, as PERSON."""
    names = {text[f.start:f.end] for f in findings if f.entity_type == "PERSON"}
    if not names:
        return []
    words = set()
    for name in names:
        words.add(name)
        for word in _NAME_WORD.findall(name):
            if len(word) >= 2 and fold(word) not in _NOT_PROPAGATED:
                words.update({word, word.upper(), word[:1].upper() + word[1:].lower()})
    return [_Finding(start, end, "PERSON", 0.85) for start, end in _standalone(text, words)
            if not _vetoed(start, end, "PERSON", protected)]


def _standalone(text: str, words: set[str]) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of ``words`` not glued to other word characters, left to
    right, the longest word first at each position: what ``finditer`` of an alternation sorted
    by length would find, without compiling a pattern per text."""
    ends: dict[int, int] = {}  # start -> end of the longest standalone word there
    for word in words:
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            if end > ends.get(start, -1) and not _GLUED_AFTER.match(text, end) \
                    and not (start and _GLUED_BEFORE.match(text, start - 1)):
                ends[start] = end
            start = text.find(word, start + 1)
    out: list[tuple[int, int]] = []
    for start in sorted(ends):
        if not out or start >= out[-1][1]:
            out.append((start, ends[start]))
    return out


def _known_findings(text: str, known: dict[str, str]) -> list[_Finding]:
    out = []
    for ph, value in known.items():
        parsed = parse(ph)
        if not value or parsed is None:
            continue
        start = text.find(value)
        while start != -1:
            out.append(_Finding(start, start + len(value), parsed[0], 1.0, ph))
            start = text.find(value, start + len(value))
    return out


# Between equally certain findings of one span, the more specific identifier names it
# (a NIR is also a Luhn-valid 15-digit number).
_PRIORITY = {t: i for i, t in enumerate(reversed((
    "FR_NIR", "FR_TAX_ID", "IBAN_CODE", "FR_SIRET", "CREDIT_CARD", "EMAIL_ADDRESS",
    "PHONE_NUMBER", "IP_ADDRESS", "URL", "FR_PASSPORT", "FR_ID_CARD", "FR_LICENSE_PLATE", "FR_AGDREF",
    "FR_FRANCE_TRAVAIL_ID", "FR_CAF_ID", "FR_SIREN", "FR_RECORD_ID", "DATE_OF_BIRTH", "FR_ADDRESS", "PERSON")))}


def _rank(f: _Finding) -> tuple:
    return (f.placeholder is not None, f.entity_type in CERTAIN_ENTITIES, f.score,
            f.end - f.start, _PRIORITY.get(f.entity_type, -1))


def _merge(findings: list[_Finding]) -> list[_Finding]:
    """Overlapping findings become one span over their union (nothing is left half-masked).

    The span is named by the member that covers the whole union (the most specific reading:
    a NIR that contains a phone-like run is a NIR), else by the strongest member.
    """
    clusters: list[list[_Finding]] = []
    end = -1
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if clusters and f.start < end:
            clusters[-1].append(f)
            end = max(end, f.end)
        else:
            clusters.append([f])
            end = f.end
    merged = []
    for members in clusters:
        start, stop = min(f.start for f in members), max(f.end for f in members)
        covering = [f for f in members if f.start == start and f.end == stop]
        best = max(covering or members, key=_rank)
        merged.append(_Finding(start, stop, best.entity_type, best.score,
                               best.placeholder if covering else None))
    return merged


def _apply(text: str, findings: list[_Finding], known: dict[str, str]) -> Redaction:
    """Assign placeholders (reusing known ones) and rebuild the text from the original."""
    by_key: dict[tuple[str, str], str] = {}
    next_number: dict[str, int] = {}
    for ph, value in known.items():
        parsed = parse(ph)
        if parsed:
            by_key.setdefault((parsed[0], value_key(parsed[0], value)), ph)
            next_number[parsed[0]] = max(next_number.get(parsed[0], 0), parsed[1])
    mapping = dict(known)
    spans: list[RedactedSpan] = []
    pieces: list[str] = []
    cursor = 0
    for f in findings:
        value = text[f.start:f.end]
        ph = f.placeholder
        if ph is None:
            key = (f.entity_type, value_key(f.entity_type, value))
            ph = by_key.get(key)
            if ph is None:
                next_number[f.entity_type] = next_number.get(f.entity_type, 0) + 1
                ph = placeholder(f.entity_type, next_number[f.entity_type])
                by_key[key] = ph
        mapping.setdefault(ph, value)
        spans.append(RedactedSpan(f.start, f.end, f.entity_type, ph, round(f.score, 2)))
        pieces.append(text[cursor:f.start])
        pieces.append(ph)
        cursor = f.end
    pieces.append(text[cursor:])
    return Redaction("".join(pieces), spans, mapping)


def rehydrate(text: str, mapping: dict[str, str]) -> str:
    """Put real values back. Tolerates what LLMs do to placeholders: ``[NOM_1],``, ``[nom_1]``,
    ``[ NOM_1 ]``, ``\\[NOM_1\\]``. Placeholders not in ``mapping`` are left as they are."""
    if not mapping:
        return text

    def put_back(match: regex.Match) -> str:
        canonical = f"[{match.group(1).upper()}_{int(match.group(2))}]"
        return mapping.get(canonical, match.group())

    return LOOSE_PLACEHOLDER.sub(put_back, text)

