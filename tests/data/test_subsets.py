"""dataset.dev_holdout and dataset.test_sample: a dev split held out of the training file and a fixed test
sample, both drawn by dataset.split_seed alone, in file order, noted in the reader report; and the
real-text preset on the OntoNotes files when they are beside the checkout (skipped without them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gencner.config import load_config
from gencner.data.corpus import load_corpus
from gencner.data.readers import write_conll
from gencner.data.schema import Sentence, Span
from gencner.errors import ConfigError

TYPES = ("PER", "LOC")


def sentences(n: int, tag: str) -> list[Sentence]:
    return [Sentence((f"{tag}{i}", "met", "Ann", "in", "Oslo"), (Span(2, 3, "PER"), Span(4, 5, "LOC"))) for i in range(n)]


@pytest.fixture
def files(tmp_path):
    write_conll(tmp_path / "pool.txt", sentences(40, "p"), "bio")
    write_conll(tmp_path / "test.txt", sentences(30, "t"), "bio")
    return tmp_path


def corpus(files, *extra):
    overrides = ["dataset=conll", f"dataset.train={files / 'pool.txt'}", f"dataset.test={files / 'test.txt'}"]
    return load_corpus(load_config([*overrides, "dataset.tasks=[[PER],[LOC]]", "dataset.dev_holdout=10", *extra]).dataset)


def firsts(split) -> list[str]:
    return [s.tokens[0] for s in split]


def test_the_held_out_dev_and_the_test_sample_are_fixed_by_the_seed_and_keep_file_order(files):
    one, again, other = (
        corpus(files, "dataset.test_sample=12"),
        corpus(files, "dataset.test_sample=12"),
        corpus(files, "dataset.test_sample=12", "dataset.split_seed=2"),
    )
    assert (len(one.train), len(one.dev), len(one.test)) == (30, 10, 12)
    assert firsts(one.dev) == firsts(again.dev) and firsts(one.test) == firsts(again.test)
    assert firsts(one.dev) != firsts(other.dev) and firsts(one.test) != firsts(other.test)
    assert not set(firsts(one.dev)) & set(firsts(one.train))  # held out, not copied
    assert set(firsts(one.dev)) | set(firsts(one.train)) == {f"p{i}" for i in range(40)}
    order = [int(w[1:]) for w in firsts(one.test)]
    assert order == sorted(order)
    assert "10 sentences held out of the training file" in one.report.source and "12 of 30" in one.report.source
    # each subset is a split of its own: a sentence's idx is its position (the lookup of pseudo-label scoring)
    assert all(s.idx == i for split in (one.train, one.dev, one.test) for i, s in enumerate(split))


def test_a_test_sample_at_least_as_large_as_the_test_file_keeps_it_whole(files):
    whole = corpus(files, "dataset.test_sample=30")
    assert firsts(whole.test) == [f"t{i}" for i in range(30)] and "test:" not in whole.report.source


def test_holding_out_the_whole_training_file_is_refused(files):
    with pytest.raises(ConfigError, match="dev_holdout=40: the training file has only 40 sentences"):
        corpus(files, "dataset.dev_holdout=40")


ONTONOTES = Path(__file__).resolve().parents[3] / "shared" / "data" / "ontonotes5"


@pytest.mark.skipif(not (ONTONOTES / "dev.txt").is_file(), reason="the OntoNotes files are not beside the checkout")
def test_the_real_text_preset_reads_the_pool_the_dev_slice_and_the_test_sample():
    cfg = load_config(["experiment=real-ontonotes", f"dataset.path={ONTONOTES}"])
    real = load_corpus(cfg.dataset)
    assert (len(real.train), len(real.dev), len(real.test)) == (8528 - 800, 800, 2000)
    assert real.types == ("ORG", "PERSON", "GPE", "DATE", "CARDINAL", "NORP")
    assert sum(real.report.drops.values()) > 0  # the 12 other types, dropped and counted
