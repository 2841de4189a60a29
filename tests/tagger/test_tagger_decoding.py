"""Decoding: AddNER's merge rule on the reference's tie cases, the BIO-constrained Viterbi against brute
force and against the argmax it replaces, and a model's output: flat, BIO-valid, confidences in (0, 1]."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from tagger_support import SENTENCES

from gencner.families.tagger import Group, Tag, decode, decode_words, merge, viterbi

OUTSIDE = Tag("O", None, 0.9)


def test_tied_bs_go_to_the_later_head():
    first, second = Tag("B", 0, 0.6), Tag("B", 1, 0.6)
    assert merge([[first], [second]]) == [second]
    assert merge([[second], [first]]) == [first]


def test_the_most_probable_b_wins_whatever_its_head():
    assert merge([[Tag("B", 0, 0.7)], [Tag("B", 1, 0.6)], [OUTSIDE]]) == [Tag("B", 0, 0.7)]


def test_a_continuing_i_beats_a_more_probable_b():
    per = [Tag("B", 0, 0.8), Tag("I", 0, 0.51)]
    loc = [OUTSIDE, Tag("B", 1, 0.99)]
    assert merge([per, loc]) == [Tag("B", 0, 0.8), Tag("I", 0, 0.51)]


def test_an_i_that_continues_nothing_is_dropped():
    per = [OUTSIDE, Tag("I", 0, 0.9), Tag("I", 0, 0.9)]
    loc = [Tag("B", 1, 0.7), OUTSIDE, Tag("B", 1, 0.6)]
    # word 1: PER's I follows LOC's B (another type) and no head says B: O; word 2: PER's I follows O, LOC's B wins
    assert [t.prefix for t in merge([per, loc])] == ["B", "O", "B"]
    assert merge([per, loc])[2] == Tag("B", 1, 0.6)


def test_one_head_merged_is_the_argmax_with_orphan_is_read_as_o():
    tags = [OUTSIDE, Tag("I", 0, 0.8), Tag("B", 0, 0.7), Tag("I", 0, 0.6), Tag("I", 1, 0.9)]
    assert [(t.prefix, t.type) for t in merge([tags])] == [("O", None), ("O", None), ("B", 0), ("I", 0), ("O", None)]


GROUP = Group(range(5), range(2))  # O, B-0, I-0, B-1, I-1


def valid(path):
    tags = [GROUP.tag(i) for i in path]
    return all(t[0] != "I" or (k > 0 and tags[k - 1][0] != "O" and tags[k - 1][1] == t[1]) for k, t in enumerate(tags))


@pytest.mark.parametrize("seed", range(5))
def test_viterbi_is_the_best_valid_sequence(seed):
    log_probs = torch.randn(4, 5, generator=torch.Generator().manual_seed(seed)).log_softmax(-1)
    best = max((p for p in itertools.product(range(5), repeat=4) if valid(p)), key=lambda p: sum(log_probs[k, i] for k, i in enumerate(p)))
    path = viterbi(log_probs, *GROUP.transitions())
    assert valid(path) and tuple(path) == best


def test_viterbi_keeps_an_entity_the_argmax_loses():
    probs = torch.tensor([[0.4, 0.35, 0.25, 0.0, 0.0], [0.1, 0.1, 0.8, 0.0, 0.0]]).clamp(min=1e-9)
    logits = probs.log()
    (found,) = decode_words(logits, [GROUP], ["PER", "LOC"], "extend", use_viterbi=True)
    assert (found.span.start, found.span.end, found.span.type) == (0, 2, "PER")
    assert found.confidence == pytest.approx(0.35, rel=1e-5)  # the lower of its words' tag probabilities
    assert decode_words(logits, [GROUP], ["PER", "LOC"], "extend", use_viterbi=False) == []


@pytest.mark.parametrize("layout, use_viterbi", [("extend", True), ("extend", False), ("add", True)])
def test_a_models_predictions_are_flat_and_scored(make_model, layout, use_viterbi):
    model = make_model(("PER", "LOC"), ("ORG",), layout=layout, viterbi=use_viterbi, seed=3)
    with torch.no_grad():  # an untrained head that predicts entities: random scores, B-PER favoured
        torch.nn.init.normal_(model.net.heads[0].weight, std=2.0)
        model.net.heads[0].bias[1] += 3.0
    predictions, report = model.predict(SENTENCES, batch_size=2, flat=False)
    assert len(predictions) == len(SENTENCES) and report.to_dict()["triplets"] == sum(map(len, predictions))
    assert sum(map(len, predictions)) > 0
    for sentence, found in zip(SENTENCES, predictions):
        words = [w for p in found for w in range(p.span.start, p.span.end)]
        assert len(words) == len(set(words)) and all(0 <= w < len(sentence.tokens) for w in words)
        assert all(p.span.type in model.types and 0 < p.confidence <= 1 for p in found)
    assert decode(model, SENTENCES, batch_size=4) == predictions  # batching does not change the result
    assert not math.isnan(sum(p.confidence for found in predictions for p in found))
