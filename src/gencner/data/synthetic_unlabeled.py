"""Unlabeled text for denoising pretraining: the synthetic generator's own stream "pretrain", i.e. the
same templates and lexicon as the labelled splits under another seed, with the labels thrown away.

A small model pretrained on text it is later tested on would be an unfair stand-in for BART (which has
not seen OntoNotes' test set), so no sentence of the labelled splits may appear: a drawn sentence whose
token sequence equals a labelled one is left out, counted, and another is drawn in its place. Sentences
may repeat within the unlabeled corpus, as real text does. Like train, the stream never uses the
names reserved for dev and test (``synthetic_mentions.HELD_OUT_RATE``), so those stay unseen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gencner.data.schema import Sentence
from gencner.data.synthetic import check_fractions, draw_sentence, split_rng, wants_neutral
from gencner.data.synthetic_mentions import Drawer
from gencner.errors import GencnerError

STREAM = "pretrain"
# Draws allowed per requested sentence (plus a constant for tiny corpora) before giving up: the
# generator can run out of new sentences only when nearly all of them are entity-free templates.
DRAWS_PER_SENTENCE = 10
SPARE_DRAWS = 1000


@dataclass(frozen=True)
class UnlabeledCorpus:
    """The pretraining sentences (no spans) and how many drawn sentences were left out because a
    labelled split holds the same token sequence."""

    sentences: tuple[Sentence, ...]
    labelled_duplicates_removed: int


def generate_unlabeled(
    size: int, labelled: Iterable[Sentence], seed: int = 13, empty_fraction: float = 0.1, ambiguous_fraction: float = 0.0
) -> UnlabeledCorpus:
    """``size`` sentences of stream "pretrain" that no labelled sentence equals; ``origin`` is
    "synthetic-pretrain:<idx>"."""
    if size < 0:
        raise ValueError(f"size must be >= 0, got {size}")
    check_fractions(empty_fraction, ambiguous_fraction)
    taken = {tuple(s.tokens) for s in labelled}
    rng = split_rng(seed, STREAM)
    drawer = Drawer(rng)
    kept: list[Sentence] = []
    draws = removed = neutral = mentions = 0
    while len(kept) < size:
        if draws == DRAWS_PER_SENTENCE * size + SPARE_DRAWS:
            raise GencnerError(
                f"the synthetic generator gave only {len(kept):,} of {size:,} pretraining sentences that are not in a "
                f"labelled split ({removed:,} of {draws:,} draws were): lower dataset.synthetic.pretrain_sentences or empty_fraction"
            )
        draws += 1
        # A coin per sentence (not the labelled splits' exact count): the corpus is large and its
        # length in draws is not known in advance, since duplicates are redrawn.
        empty = rng.random() < empty_fraction
        in_neutral = not empty and wants_neutral(ambiguous_fraction, neutral, mentions)
        tokens, spans = draw_sentence(drawer, empty, in_neutral)
        # The share of neutral mentions runs over every draw, kept or not: neutral sentences come from a
        # few templates and most are labelled ones, so a share over the kept ones would ask for a neutral
        # sentence again and again and never fill the corpus. The kept text holds fewer of them.
        neutral, mentions = neutral + in_neutral, mentions + len(spans)
        if tokens in taken:
            removed += 1
            continue
        kept.append(Sentence(tokens, (), idx=len(kept), origin=f"synthetic-{STREAM}:{len(kept)}"))
    return UnlabeledCorpus(tuple(kept), removed)
