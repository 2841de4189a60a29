"""Sentences longer than the model's source length are cut at a word boundary; the lost words and
entities are counted (TruncationReport when encoding targets, DecodeReport when decoding), and the lost
gold stays in scoring as misses; a run prints a warning line with those counts. Words of odd unicode go
through encoding and decoding like any other."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reader_strategies import fuzz, words
from reliability_support import TINY

from gencner.config import load_config
from gencner.data.schema import Sentence, Span
from gencner.families.pointer.batching import Example, encode_examples
from gencner.families.pointer.encoding import Triplet
from gencner.families.pointer.inference import predict_sentences
from gencner.metrics.scoring import score

VOCABULARY = "John Smith visited New York City on Monday with Acme Corp staff in Paris".split()
TYPES = ["PER", "ORG"]
MAX_SOURCE_TOKENS = 16


@pytest.fixture(scope="module")
def short_model():
    """A tiny random model whose sources hold at most 16 BPE tokens (<s> and </s> included)."""
    from gencner.families.pointer.model import build_model

    cfg = load_config([*TINY, f"model.max_source_tokens={MAX_SOURCE_TOKENS}"])
    model = build_model(cfg.model, VOCABULARY * 5, {}, seed=3)
    model.add_types(TYPES)
    model.net.eval()
    return model


def lost_gold(sentence: Sentence, kept_words: int) -> list[Span]:
    return [span for span in sentence.spans if span.end > kept_words]


@st.composite
def sentences(draw) -> Sentence:
    word = st.sampled_from(VOCABULARY) | words(max_size=3)
    tokens = draw(st.lists(word, min_size=1, max_size=30))
    spans = set()
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(0, len(tokens) - 1))
        spans.add(Span(start, draw(st.integers(start + 1, min(start + 3, len(tokens)))), draw(st.sampled_from(TYPES))))
    return Sentence(tuple(tokens), tuple(spans))


@fuzz(12)
@given(batch=st.lists(sentences(), min_size=1, max_size=6))
def test_truncated_sentences_and_their_lost_entities_are_counted_and_scored_as_misses(short_model, batch):
    sources = short_model.source_encoder().encode_many(batch)
    truncated = [(s, src) for s, src in zip(batch, sources) if src.truncated]
    lost = sum(len(lost_gold(s, src.kept_words)) for s, src in truncated)

    _, truncation = encode_examples(
        [Example(s, s.spans) for s in batch], short_model.source_encoder(), short_model.space, short_model.type_ids
    )
    assert truncation.sentences == len(truncated)
    assert truncation.words == sum(src.n_words - src.kept_words for _, src in truncated)
    assert truncation.target_entities == lost

    predictions, report = predict_sentences(short_model, batch, batch_size=4)
    assert len(predictions) == len(batch) and report.sentences == len(batch)
    assert report.truncated_sources == len(truncated)
    assert report.truncated_entities == lost
    for triplets, source in zip(predictions, sources):
        assert all(t.span.end <= source.kept_words for t in triplets)  # nothing points past the cut

    scored = score(predictions, batch, TYPES)
    assert scored["micro"]["gold"] == sum(len(s.spans) for s in batch)
    assert scored["micro"]["fn"] >= lost


def test_an_oracle_for_the_kept_words_still_misses_the_cut_entities(short_model):
    long = Sentence(tuple(VOCABULARY * 3), (Span(0, 2, "PER"), Span(9, 11, "ORG"), Span(40, 42, "PER")))
    short = Sentence(("John", "Smith", "visited", "Paris"), (Span(0, 2, "PER"),))
    (source, _) = short_model.source_encoder().encode_many([long, short])
    assert source.truncated and source.kept_words < 40
    kept = [s for s in long.spans if s.end <= source.kept_words]
    oracle = [[Triplet(span, (1.0, 1.0, 1.0)) for span in kept], [Triplet(short.spans[0], (1.0, 1.0, 1.0))]]
    scored = score(oracle, [long, short], TYPES)
    missed = len(long.spans) - len(kept)
    assert missed >= 1
    assert scored["micro"]["gold"] == 4 and scored["micro"]["fn"] == missed and scored["micro"]["fp"] == 0
    assert scored["micro"]["recall"] == pytest.approx((4 - missed) / 4)
    _, report = predict_sentences(short_model, [long, short])
    assert report.truncated_sources == 1 and report.truncated_entities == missed


def test_a_run_that_cuts_a_sentence_says_so_on_the_console_with_the_counts(tmp_path, capsys):
    """A 5,000-word sentence with 48 entities, in training and in test: what was lost used to be in
    result.json only."""
    from gencner.cli import main
    from gencner.data.readers import write_conll

    long = Sentence(
        tuple(VOCABULARY[i % len(VOCABULARY)] for i in range(5000)), tuple(Span(100 * j + 5, 100 * j + 7, "PER") for j in range(48))
    )
    short = [Sentence(("John", "Smith", "visited", "Paris"), (Span(0, 2, "PER"),)) for _ in range(8)]
    for split, sentences in (("train", [long, *short]), ("dev", short[:2]), ("test", [long, short[0]])):
        write_conll(tmp_path / f"{split}.txt", sentences)
    code = main(
        [
            "train",
            *TINY,
            "dataset=conll",
            *(f"dataset.{s}={tmp_path / (s + '.txt')}" for s in ("train", "dev", "test")),
            "dataset.tasks=[[PER]]",
            "trainer.max_epochs=1",
            "logger=none",
            "trainer.progress=false",
            f"output_dir={tmp_path / 'runs'}",
            "name=run",
        ]
    )
    console = " ".join(capsys.readouterr().err.split())  # however the console wrapped the lines
    assert code == 0, console[-3000:]
    result = json.loads((tmp_path / "runs" / "run" / "steps" / "step-01" / "result.json").read_text(encoding="utf-8"))
    cut, tested = result["truncation"]["train"], result["tests"]["all"]["decode"]
    assert cut["sentences"] == 1 and cut["words"] > 4000 and cut["target_entities"] > 40
    assert (
        f"warning: step 1: 1 training sentence cut to model.max_source_tokens=250: {cut['words']:,} words and "
        f"{cut['target_entities']:,} target entities not trained on"
    ) in console
    assert tested["truncated_sources"] == 1
    assert (
        f"warning: step 1: 1 test sentence (all) cut to model.max_source_tokens=250: "
        f"{tested['truncated_entities']:,} gold entities past the cut scored as misses"
    ) in console
