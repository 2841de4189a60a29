"""The unlabeled pretraining corpus (dataset.synthetic.pretrain_sentences): the generator's own stream,
no labels, and never a labelled train, dev or test sentence."""

from __future__ import annotations

import hashlib
import json

import pytest

from gencner.config import load_config
from gencner.data import synthetic_lexicon as lex
from gencner.data.corpus import load_corpus
from gencner.data.pretraining_text import pretraining_text
from gencner.data.synthetic import generate_synthetic
from gencner.data.synthetic_unlabeled import generate_unlabeled
from gencner.errors import GencnerError

# sha256 of the first benchmark's training sentences' tokens, computed before pretrain_sentences existed:
# the text its denoising pretraining (and its tokenizer) is trained on.
FIRST_BENCHMARK_PRETRAINING_TEXT = "dabf5b05f3e9101a612df132024cb4bfbfd200d73de1b6032d1fd9a1f6170665"
SMALL = ["dataset.synthetic.train=300", "dataset.synthetic.dev=60", "dataset.synthetic.test=60"]


def labelled_sentences(splits):
    return [s for sentences in splits.values() for s in sentences]


def test_the_default_pretrains_on_unlabeled_text_and_the_first_benchmark_on_its_training_sentences():
    default = load_config([])
    text = pretraining_text(default.dataset, load_corpus(default.dataset).train)
    assert text.corpus == "unlabeled" and len(text.sentences) == default.dataset.synthetic.pretrain_sentences == 18000
    cfg = load_config(["experiment=first-benchmark"])
    train = load_corpus(cfg.dataset).train
    text = pretraining_text(cfg.dataset, train)
    assert text.corpus == "train" and text.labelled_duplicates_removed == 0
    assert list(text.sentences) == list(train)
    digest = hashlib.sha256(json.dumps([list(s.tokens) for s in text.sentences]).encode()).hexdigest()
    assert digest == FIRST_BENCHMARK_PRETRAINING_TEXT


@pytest.mark.parametrize("ambiguous_fraction", [0.0, 0.3])
def test_unlabeled_corpus_never_holds_a_labelled_sentence(ambiguous_fraction):
    splits = generate_synthetic(train=300, dev=60, test=60, ambiguous_fraction=ambiguous_fraction)
    labelled = {s.tokens for s in labelled_sentences(splits)}
    unlabeled = generate_unlabeled(3000, labelled_sentences(splits), ambiguous_fraction=ambiguous_fraction)
    assert len(unlabeled.sentences) == 3000
    assert not any(s.tokens in labelled for s in unlabeled.sentences)
    # entity-free sentences come from a few hundred patterns: some draws always collide with train
    assert unlabeled.labelled_duplicates_removed > 0
    assert all(s.spans == () for s in unlabeled.sentences)
    assert [s.origin for s in unlabeled.sentences[:2]] == ["synthetic-pretrain:0", "synthetic-pretrain:1"]


def test_removed_duplicates_are_counted_exactly():
    splits = generate_synthetic(train=300, dev=60, test=60)
    nothing_excluded = generate_unlabeled(2000, [])
    excluded = {s.tokens for s in labelled_sentences(splits)}
    # the same stream with the labelled sentences left out: they are skipped, the rest keep their order
    filtered = generate_unlabeled(2000, labelled_sentences(splits))
    survivors = [s.tokens for s in nothing_excluded.sentences if s.tokens not in excluded]
    assert [s.tokens for s in filtered.sentences[: len(survivors)]] == survivors
    # every draw of the filtered run, kept or not, is a sentence of the unfiltered stream
    draws = generate_unlabeled(len(filtered.sentences) + filtered.labelled_duplicates_removed, []).sentences
    assert filtered.labelled_duplicates_removed == sum(s.tokens in excluded for s in draws)


def test_unlabeled_corpus_is_deterministic_and_other_than_train():
    first, again = generate_unlabeled(500, []), generate_unlabeled(500, [])
    assert first == again
    train = generate_synthetic(train=500, dev=0, test=0)["train"]
    assert sum(a.tokens == b.tokens for a, b in zip(first.sentences, train)) < 50


def test_unlabeled_corpus_keeps_the_dev_and_test_names_unseen():
    reserved = set(lex.HELD_OUT_LAST_NAMES + lex.HELD_OUT_CITIES)
    assert not any(tok in reserved for s in generate_unlabeled(3000, []).sentences for tok in s.tokens)


def test_configured_unlabeled_text_is_disjoint_from_every_labelled_split():
    cfg = load_config([*SMALL, "dataset.synthetic.pretrain_sentences=2000"])
    corpus = load_corpus(cfg.dataset)
    text = pretraining_text(cfg.dataset, corpus.train)
    assert text.corpus == "unlabeled" and len(text.sentences) == 2000
    labelled = {s.tokens for s in (*corpus.train, *corpus.dev, *corpus.test)}
    assert labelled.isdisjoint(s.tokens for s in text.sentences)


def test_a_generator_that_runs_dry_gives_a_clean_error():
    only_empty = generate_synthetic(train=3000, dev=0, test=0, empty_fraction=1.0)
    with pytest.raises(GencnerError, match="lower dataset.synthetic.pretrain_sentences"):
        generate_unlabeled(1000, only_empty["train"], empty_fraction=1.0)


def test_the_noisy_corpus_fills_its_pretraining_text_although_its_labelled_splits_hold_most_neutral_sentences():
    # Neutral sentences come from a few templates and its 10,800 labelled sentences hold most of them: a
    # share of neutral mentions counted over the kept sentences only asked for one again and again and
    # ran dry at 17,644 of 18,000.
    cfg = load_config(["dataset=synthetic-noisy"])
    corpus = load_corpus(cfg.dataset)
    text = pretraining_text(cfg.dataset, corpus.train)
    assert text.corpus == "unlabeled" and len(text.sentences) == cfg.dataset.synthetic.pretrain_sentences == 18000
    labelled = {s.tokens for s in (*corpus.train, *corpus.dev, *corpus.test)}
    assert labelled.isdisjoint(s.tokens for s in text.sentences)
    assert text.labelled_duplicates_removed > 0
