"""Future types are never trained or scored: a model grown to k tasks has only the seen types'
columns, and a training target of a type the model has not learned is rejected (the stream must never
give a step such gold: docs/protocol.md, "Settings"; ignoring it would hide a leak of future labels)."""

from __future__ import annotations

import pytest
from spankl_support import SENTENCES, batch_of, sentence

from gencner.errors import GencnerError
from gencner.families.spankl import decode


def test_a_model_grown_to_k_tasks_scores_only_the_seen_types(make_model):
    model = make_model(("PER",), threshold=0.01)
    assert model.logits(batch_of(model, SENTENCES[:2])).shape[-1] == 1
    assert {p.type for preds in decode(model, SENTENCES, flat=False) for p in preds} == {"PER"}
    columns = model.grow(("LOC", "ORG"))
    assert list(columns) == [1, 2] and model.types == ["PER", "LOC", "ORG"]
    assert model.logits(batch_of(model, SENTENCES[:2])).shape[-1] == 3


def test_gold_of_a_future_type_is_rejected(make_model):
    model = make_model(("PER",))
    with pytest.raises(GencnerError, match="'LOC' is not learned"):
        model.training_examples([sentence("in Paris", (1, 2, "LOC"))], ["PER"])
    with pytest.raises(GencnerError, match="not learned"):
        model.training_examples(SENTENCES[:1], ["LOC"])


def test_gold_of_an_old_task_is_ignored_and_counted(make_model):
    model = make_model(("PER",), ("LOC",))
    examples, report = model.training_examples([s.restrict(["PER", "LOC"]) for s in SENTENCES[:2]], ["LOC"])
    assert report.positives == 2 and report.other_types == 2
    assert {column for e in examples for _, _, column in e.gold} == {model.columns["LOC"]}


def test_growth_refuses_known_or_repeated_types(make_model):
    model = make_model(("PER",))
    for bad in ((), ("PER",), ("LOC", "LOC")):
        with pytest.raises(GencnerError):
            model.grow(bad)
    assert model.types == ["PER"]
