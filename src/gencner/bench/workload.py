"""The benchmark's workload: sentences of made-up words with OntoNotes-like lengths (40 pieces on
average, <s> and </s> included) and five entities each (16 target indices with EOS: the reference
measurement's shape), so that the tokenizer, the model, the targets and the batches all come from the
code `gencner train` runs (the model factory, the encoder, the datamodule) and a BART-large-shaped
benchmark needs no download.

A step-2 situation: the teacher knows the first three types, the step learns the other three; the
teacher's entities are pseudo triplets (distilled), the others gold."""

from __future__ import annotations

import random
import string
from collections.abc import Sequence
from dataclasses import dataclass

from gencner.cl.pseudo import merged_example
from gencner.data.schema import Sentence, Span
from gencner.data.targets import Example
from gencner.families.pointer.encoding import Triplet

TYPES = ("ORG", "PERSON", "GPE", "DATE", "CARDINAL", "NORP")
OLD, NEW = TYPES[:3], TYPES[3:]
TYPE_NAMES = {"ORG": "organization", "PERSON": "person", "GPE": "government", "DATE": "date", "CARDINAL": "cardinal", "NORP": "nationality"}


@dataclass(frozen=True)
class Shape:
    mean_source: int = 40  # pieces, <s> and </s> included
    mean_entities: float = 5.0  # 5 triplets + EOS = 16 target indices


def lexicon(vocab_size: int, seed: int = 0) -> list[str]:
    """Distinct lowercase words, half as many as the vocabulary has entries: a byte-level BPE trained on
    them fills its whole vocabulary (BART-large's 50,265 entries for model=large) and keeps most words
    whole, as a real vocabulary keeps frequent words."""
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < max(vocab_size // 2, 50):
        words.add("".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 9))))
    return sorted(words)


def pieces_per_word(tokenizer, words: Sequence[str]) -> float:
    ids = tokenizer([" " + w for w in words], add_special_tokens=False)["input_ids"]
    return sum(map(len, ids)) / max(len(ids), 1)


def sentence_words(rng: random.Random, mean: float) -> int:
    """Lognormal lengths around `mean` (most sentences short, a long tail), at least 6 words."""
    return max(6, min(round(rng.lognormvariate(-(0.45**2) / 2, 0.45) * mean), int(4 * mean)))


def entities(rng: random.Random, n_words: int, mean: float) -> tuple[Span, ...]:
    """About `mean` non-overlapping spans of 1-3 words with random types."""
    wanted = max(0, round(rng.gauss(mean, 1.5)))
    spans: list[Span] = []
    for _ in range(4 * wanted):
        if len(spans) == wanted:
            break
        start = rng.randrange(n_words)
        span = Span(start, min(n_words, start + rng.randint(1, 3)), rng.choice(TYPES))
        if not any(span.overlaps(s) for s in spans):
            spans.append(span)
    return tuple(spans)


def sentences(n: int, words: Sequence[str], per_word: float, shape: Shape = Shape(), seed: int = 0) -> list[Sentence]:
    rng = random.Random(seed)
    mean_words = (shape.mean_source - 2) / per_word
    out = []
    for idx in range(n):
        tokens = [rng.choice(words) for _ in range(sentence_words(rng, mean_words))]
        out.append(Sentence(tuple(tokens), entities(rng, len(tokens), shape.mean_entities), idx, f"bench:{idx}"))
    return out


def step_examples(batch: Sequence[Sentence]) -> list[Example]:
    """The targets of a distillation step, built as pseudo-labelling builds them: the old types' spans as
    the teacher's (kept) pseudo triplets, first, then the new types' gold."""
    out = []
    for s in batch:
        pseudo = [Triplet(span, (0.9, 0.9, 0.9)) for span in s.spans if span.type in OLD]
        out.append(merged_example(s.restrict(NEW), pseudo, "pseudo-first"))
    return out
