"""Greedy decoding from tiny pointer BARTs with random weights: constrained outputs always parse, malformed
unconstrained outputs are counted, reported probabilities are those of a teacher-forced pass, and the
length limit of docs/methods.md, "Constrained decoding", holds and is counted."""

from __future__ import annotations

import math

import pytest
import torch

from gencner.bench.run import forbid_eos
from gencner.data.schema import Sentence
from gencner.families.pointer.constraints import sequence_masks
from gencner.families.pointer.decoding import greedy_decode, max_lengths, sequence_probabilities
from gencner.families.pointer.encoding import parse_indices
from gencner.families.pointer.inference import DecodeReport, decode_batch, predict_sentences
from gencner.families.pointer.network import NEG

SEEDS = [1, 2, 3, 4]
TYPES = ("ORG", "PER", "LOC", "DATE")
BATCHES = {
    "one sentence": [["John", "Smith", "visited", "New", "York", "City", "on", "Monday", "."]],
    "three, padded": [
        ["Maria", "Garcia", "works", "for", "Acme", "Corp", "since", "1999", "in", "Spain", "."],
        ["Berlin"],
        ["the", "cat", "sat"],
    ],
    "six, padded": [
        ["On", "12", "March", ",", "Microsoft", "opened", "an", "office"],
        ["Lee"],
        ["Zürich", "is", "in", "Switzerland", "!"],
        ["a"] * 14,
        ["Paris", "last", "year"],
        ["Straße", "东京", "Supercalifragilisticexpialidocious"],
    ],
}


def lively(model):
    """With random weights the decoder's first state is dominated by its input, the </s> start token, whose
    embedding is also EOS's output embedding: EOS wins at once and every output is empty. A zero EOS row
    makes EOS score exactly 0, so it wins only where every other allowed score is negative; outputs then
    mix triplets, early EOS and truncation."""
    with torch.no_grad():
        model.net.embed_tokens.weight[model.tokenizer.eos_token_id] = 0.0
    return model


@pytest.fixture(scope="module")
def models(make_model):
    return {seed: lively(make_model(seed, TYPES)) for seed in SEEDS}


def decode(model, batch, constrained):
    limits = max_lengths(batch["src_mask"], model.decoding["max_length_base"], model.decoding["max_length_ratio"])
    out = greedy_decode(model.net, batch["src_ids"], batch["src_mask"], batch["word_mask"], model.start_id, limits, constrained)
    return out, limits


def parsed_rows(model, batch, out):
    length = batch["src_ids"].size(1)
    rows = []
    for row, source in enumerate(batch["sources"]):
        emitted = [i for i in out.indices[row].tolist() if i >= 0]
        canonical = [model.space.from_batch(i, length) for i in emitted]
        rows.append((canonical, parse_indices(canonical, out.probs[row, : len(emitted)].tolist(), source, model.space, model.types)))
    return rows


def decoded_rows(model, collate, constrained):
    """(canonical indices, how many come before EOS, parsed output, source encoding, words) for every
    sentence of every batch."""
    eos = model.space.eos
    for sentences in BATCHES.values():
        batch = collate(model, sentences)
        out, _ = decode(model, batch, constrained=constrained)
        for (canonical, parsed), source, words in zip(parsed_rows(model, batch, out), batch["sources"], sentences):
            cut = canonical.index(eos) if eos in canonical else len(canonical)
            yield canonical, cut, parsed, source, words


def cases():
    return [(seed, name) for seed in SEEDS for name in BATCHES]


@pytest.mark.parametrize("seed", SEEDS)
def test_constrained_outputs_parse_into_valid_triplets(models, seed, collate):
    model = models[seed]
    space = model.space
    found = 0
    for canonical, cut, parsed, source, words in decoded_rows(model, collate, constrained=True):
        assert len(parsed.triplets) == cut // 3  # every complete group is a valid triplet
        assert not parsed.malformed, (canonical, parsed.malformed)  # a cut-off last group is truncation
        for g, triplet in enumerate(parsed.triplets):
            start, end, type_index = canonical[3 * g : 3 * g + 3]
            assert start in source.word_starts and end in source.word_starts and start <= end
            assert space.type_of(type_index) is not None and type_index < space.type_index(len(TYPES))
            span = triplet.span
            assert 0 <= span.start < span.end <= len(words) and span.type in TYPES
            assert (source.word_starts[span.start], source.word_starts[span.end - 1]) == (start, end)
        found += len(parsed.triplets)
    assert found > 0, "random weights gave no triplet at all: the test would check nothing"


@pytest.mark.parametrize("seed", SEEDS)
def test_unconstrained_malformed_outputs_are_counted_not_raised(models, seed, collate):
    malformed = 0
    for _, cut, parsed, _, _ in decoded_rows(models[seed], collate, constrained=False):
        # every group before EOS is either a triplet or counted under a reason; the cut-off last group
        # of an output without EOS is counted as truncation instead
        groups = cut // 3 if parsed.truncated else math.ceil(cut / 3)
        assert len(parsed.triplets) + sum(parsed.malformed.values()) == groups
        malformed += sum(parsed.malformed.values())
    assert malformed > 0, "no malformed output: the counting was not exercised"


def test_decode_report_counts_malformed_outputs_with_constraints_off(models):
    sentences = [Sentence(tuple(words)) for batch in BATCHES.values() for words in batch]
    total = DecodeReport()
    for model in models.values():
        model.decoding["constrained"] = False
        try:
            results, report = predict_sentences(model, sentences, batch_size=4, flat=False)
        finally:
            model.decoding["constrained"] = True
        assert report.sentences == len(sentences) and len(results) == len(sentences)
        assert report.triplets == sum(len(r) for r in results)
        total.add(report)
        _, constrained_report = predict_sentences(model, sentences, batch_size=4, flat=False)
        assert not constrained_report.malformed
    assert sum(total.malformed.values()) > 0
    assert set(total.malformed) <= {
        "incomplete triplet before EOS",
        "start or end is not a word-start position",
        "end before start",
        "third element is not a type",
    }


@pytest.mark.parametrize("constrained", [True, False], ids=["constrained", "unconstrained"])
@pytest.mark.parametrize("seed,name", cases())
def test_greedy_probabilities_equal_a_teacher_forced_pass(models, seed, name, constrained, collate):
    model = models[seed]
    batch = collate(model, BATCHES[name])
    out, _ = decode(model, batch, constrained)
    assert (out.indices >= 0).any()
    forced = sequence_probabilities(
        model.net, batch["src_ids"], batch["src_mask"], batch["word_mask"], model.start_id, out.indices, constrained
    )
    assert torch.allclose(forced, out.probs, atol=1e-5, rtol=0)
    assert torch.all(out.probs[out.indices < 0] == 0)
    # greedy: each emitted index is the most probable allowed one given the prefix
    safe = out.indices.clamp(min=0)
    logits = model.net(
        batch["src_ids"], batch["src_mask"], batch["word_mask"], model.net.decoder_input_ids(safe, batch["src_ids"], model.start_id)
    )
    masks = sequence_masks(safe, batch["word_mask"], model.net.n_types, constrained)
    best = logits.masked_fill(~masks, NEG).argmax(dim=-1)
    emitted = out.indices >= 0
    assert torch.equal(best[emitted], out.indices[emitted])


@pytest.mark.parametrize("seed", SEEDS)
def test_triplet_probabilities_are_the_emitted_ones_and_confidence_is_their_minimum(models, seed, collate):
    model = models[seed]
    for sentences in BATCHES.values():
        batch = collate(model, sentences)
        out, _ = decode(model, batch, constrained=True)
        for row, (_canonical, parsed) in enumerate(parsed_rows(model, batch, out)):
            for g, triplet in enumerate(parsed.triplets):
                assert triplet.probs == tuple(out.probs[row, 3 * g : 3 * g + 3].tolist())
                assert triplet.confidence == min(triplet.probs) and 0 < triplet.confidence <= 1


def expected_limit(source) -> int:
    """floor(10 + 0.8 · source pieces), exactly: 10 + floor(4n / 5)."""
    return 10 + (4 * len(source.ids)) // 5


@pytest.mark.parametrize("seed,name", cases())
def test_outputs_respect_the_length_limit(models, seed, name, collate):
    model = models[seed]
    assert (model.decoding["max_length_base"], model.decoding["max_length_ratio"]) == (10, 0.8)
    batch = collate(model, BATCHES[name])
    for constrained in (True, False):
        out, limits = decode(model, batch, constrained)
        expected = [expected_limit(s) for s in batch["sources"]]
        assert limits.tolist() == expected
        assert all(n <= limit for n, limit in zip((out.indices >= 0).sum(dim=1).tolist(), expected))


@pytest.mark.parametrize("constrained", [True, False], ids=["constrained", "unconstrained"])
def test_outputs_without_eos_stop_at_the_limit_and_are_counted_as_truncated(make_model, constrained, collate):
    model = forbid_eos(make_model(2, TYPES))
    model.decoding["constrained"] = constrained
    for sentences in BATCHES.values():
        batch = collate(model, sentences)
        out, _ = decode(model, batch, constrained)
        lengths = (out.indices >= 0).sum(dim=1).tolist()
        assert lengths == [expected_limit(s) for s in batch["sources"]]
        assert not out.finished.any()
        assert all(parsed.truncated for _, parsed in parsed_rows(model, batch, out))
        forced = sequence_probabilities(
            model.net, batch["src_ids"], batch["src_mask"], batch["word_mask"], model.start_id, out.indices, constrained
        )
        assert torch.allclose(forced, out.probs, atol=1e-5, rtol=0)
        report = DecodeReport()
        decode_batch(model, batch, flat=False, report=report)
        assert report.truncated_outputs == len(sentences) and report.sentences == len(sentences)


def test_constrained_decoding_of_a_model_without_types_is_never_malformed(make_model):
    model = lively(make_model(1, ()))
    sentences = [Sentence(tuple(words)) for batch in BATCHES.values() for words in batch]
    _, report = predict_sentences(model, sentences, flat=False)
    assert not report.malformed


def test_truncated_constrained_outputs_report_no_malformed_group(make_model, collate):
    model = forbid_eos(make_model(2, TYPES))
    sentences = [words for batch in BATCHES.values() for words in batch]
    batch = collate(model, sentences)
    assert any(expected_limit(s) % 3 for s in batch["sources"])
    report = DecodeReport()
    decode_batch(model, batch, flat=False, report=report)
    assert report.truncated_outputs == len(sentences)
    assert not report.malformed
