"""The unlabeled text a model built from a config is pretrained on (any family: BART's text infilling,
BERT's masked LM): the training sentences, or (dataset.synthetic.pretrain_sentences > 0) a larger
unlabeled synthetic corpus that holds no labelled sentence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gencner.config.schema import DatasetConfig
from gencner.data.corpus import load_corpus
from gencner.data.schema import Sentence
from gencner.data.synthetic_unlabeled import generate_unlabeled


@dataclass(frozen=True)
class PretrainingText:
    """The sentences of denoising pretraining, which corpus they are ("train" | "unlabeled"), and how
    many drawn unlabeled sentences were left out for equalling a labelled one."""

    sentences: Sequence[Sentence]
    corpus: str
    labelled_duplicates_removed: int = 0


def pretraining_text(dcfg: DatasetConfig, train: Sequence[Sentence]) -> PretrainingText:
    """The training sentences (dataset.synthetic.pretrain_sentences = 0), or that many unlabeled ones."""
    s = dcfg.synthetic
    if dcfg.format != "synthetic" or s.pretrain_sentences == 0:
        return PretrainingText(list(train), "train")
    # the labelled splits follow from the same keys, so they are regenerated here (deterministic, a
    # fraction of a second) rather than passed in: only they decide what the unlabeled text must avoid
    labelled = load_corpus(dcfg)
    unlabeled = generate_unlabeled(
        s.pretrain_sentences, [*labelled.train, *labelled.dev, *labelled.test], s.seed, s.empty_fraction, s.ambiguous_fraction
    )
    return PretrainingText(list(unlabeled.sentences), "unlabeled", unlabeled.labelled_duplicates_removed)
