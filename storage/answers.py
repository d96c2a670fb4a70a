"""The team's library of validated answers: text analysis and similarity (no SQL here).

    search_stems(text) -> str       the Snowball French stems of ``text`` (PyPI snowballstemmer),
                                    placeholders (``[NOM_1]``: DESIGN §2), stop words and numbers
                                    removed, joined by spaces: what the full-text index holds
    similarity(a, b) -> float       Dice coefficient of two ``search_stems`` outputs, in 0..1
    MIN_SIMILARITY                  the threshold above which a validated answer is offered

Why Dice on stem sets, and 0.5: ``bench/validated_bench.py`` scores Dice, Jaccard and the overlap
coefficient on ``bench/validated_pairs.jsonl`` (synthetic, placeholder form: a library of 20
questions, 38 paraphrases that must find their entry, 24 same-domain questions with another need
that must find none). Precision comes first (a wrong "validated answer" misleads the agent and
the model), so thresholds are ranked by F0.5. Dice at 0.5: precision 0.97, recall 0.95, the best
F0.5 (0.97); 0.55 gives precision 1.00 but recall 0.84. Jaccard ranks the same way (it is a
monotone function of Dice: 0.5 is Jaccard 1/3); the overlap coefficient is worse (F0.5 0.96 at
best, recall 0.82). The set is small and written by the same hand as the stop words: re-measure
on real validated pairs before trusting the second decimal. The full-text engine (FTS5 /
PostgreSQL) only finds the candidates; this measure decides, so the threshold means the same on
both engines (the bench checks that the store's offers equal an exhaustive scan's).
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

from common.text import fold

MIN_SIMILARITY = 0.5

_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_]*_\d+\]")  # the placeholder grammar of DESIGN §2
_WORD = re.compile(r"[a-z]+")
_STEMMER = snowballstemmer.stemmer("french")
# The Snowball French stop words (folded), plus greetings and question fillers.
STOP_WORDS = frozenset("""
au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me meme mes
moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un
une vos votre vous c d j l a m n s t y ete etes etant suis es est sommes sont serai sera serons
serez seront serais serait etais etait ai as avons avez ont aurai aura aurais aurait avais avait
eu ceci cela cet cette ici leurs quel quels quelle quelles sans soi ca
bonjour bonsoir madame monsieur merci cordialement svp stp alors donc car comme si tres trop bien
aussi deja encore toujours jamais rien tout tous toute toutes peu beaucoup comment pourquoi
combien quoi quand est peux peut pouvez pourrais pourriez voudrais veux veut savoir sais
aimerais souhaite souhaiterais dois doit faut faire fait besoin question depuis avant apres
maintenant oui non
""".split())


@lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word)


def search_stems(text: str) -> str:
    words = _WORD.findall(fold(_PLACEHOLDER.sub(" ", text)))
    return " ".join(dict.fromkeys(_stem(w) for w in words if w not in STOP_WORDS and len(w) > 1))


def similarity(a: str, b: str) -> float:
    sa, sb = set(a.split()), set(b.split())
    if not sa or not sb:
        return 0.0
    return 2 * len(sa & sb) / (len(sa) + len(sb))
