"""SpanF1: hand-computed counts, exact-match semantics, conventions, and agreement with seqeval."""

from __future__ import annotations

import random
import warnings

import pytest
import torch

from gencner.data.schema import Span
from gencner.data.tags import tags_to_spans
from gencner.metrics import SpanF1, counts_by_type, prf, task_f1

TYPES = ["PER", "LOC", "ORG"]


def scores(preds, golds, types=TYPES):
    metric = SpanF1(types)
    metric.update(preds, golds)
    return metric.compute()


def test_per_type_and_micro_counts_by_hand():
    golds = [[Span(0, 2, "PER"), Span(3, 4, "LOC")], [Span(1, 3, "ORG"), Span(5, 6, "PER")]]
    preds = [[Span(0, 2, "PER"), Span(3, 5, "LOC")], [Span(1, 3, "ORG"), (7, 8, "ORG")]]
    result = scores(preds, golds)
    per = result["per_type"]
    assert {k: per["PER"][k] for k in ("tp", "fp", "fn", "gold", "pred")} == dict(tp=1, fp=0, fn=1, gold=2, pred=1)
    assert (per["LOC"]["tp"], per["LOC"]["fp"], per["LOC"]["fn"]) == (0, 1, 1)
    assert (per["ORG"]["tp"], per["ORG"]["fp"], per["ORG"]["fn"]) == (1, 1, 0)
    assert per["PER"]["f1"] == pytest.approx(2 / 3)
    assert per["PER"]["precision"] == 1.0 and per["PER"]["recall"] == 0.5
    assert per["LOC"]["f1"] == 0.0
    assert per["ORG"]["f1"] == pytest.approx(2 / 3)
    micro = result["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (2, 2, 2)
    assert micro["f1"] == pytest.approx(0.5)  # 2·2 / (4 + 4)
    assert result["macro_f1"] == pytest.approx((2 / 3 + 0 + 2 / 3) / 3)
    assert all(type(v) in (int, float) for v in micro.values())


@pytest.mark.parametrize(
    "pred",
    [Span(2, 5, "PER"), Span(3, 6, "PER"), Span(3, 4, "PER"), Span(3, 5, "LOC")],
    ids=["start-1", "end+1", "end-1", "wrong-type"],
)
def test_near_miss_is_one_fp_and_one_fn(pred):
    per = scores([[pred]], [[Span(3, 5, "PER")]])["per_type"]
    assert per["PER"]["tp"] == 0
    assert per[pred.type]["fp"] == 1
    assert per["PER"]["fn"] == 1


def test_duplicates_within_a_sentence_count_once_but_not_across_sentences():
    span = Span(0, 1, "PER")
    result = scores([[span, span, (0, 1, "PER")], [span]], [[span, span], []])
    per = result["per_type"]["PER"]
    assert (per["tp"], per["fp"], per["fn"]) == (1, 1, 0)


def test_empty_predictions_and_the_zero_over_zero_convention():
    per = scores([[], []], [[Span(0, 1, "PER")], []])["per_type"]
    assert (per["PER"]["precision"], per["PER"]["recall"], per["PER"]["f1"]) == (0.0, 0.0, 0.0)
    # LOC and ORG: no gold, no prediction → 1.0 (SpanKL's convention)
    assert (per["LOC"]["precision"], per["LOC"]["recall"], per["LOC"]["f1"]) == (1.0, 1.0, 1.0)
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert prf(0, 3, 0) == (0.0, 0.0, 0.0)  # recall undefined (gold = 0) → 0.0
    assert prf(3, 1, 2) == pytest.approx((0.75, 0.6, 6 / 9))


def test_unknown_type_is_named_with_the_known_types():
    metric = SpanF1(TYPES)
    with pytest.raises(ValueError, match=r"'DATE'.*PER, LOC, ORG"):
        metric.update([[Span(0, 1, "DATE")]], [[]])
    with pytest.raises(ValueError, match="2 sentences"):
        metric.update([[], []], [[]])
    with pytest.raises(ValueError, match="duplicate"):
        SpanF1(["PER", "PER"])
    with pytest.raises(ValueError, match="integer positions"):
        metric.update([[(0.0, 1.5, "PER")]], [[]])


def _random_sentences(rng, n):
    out = []
    for _ in range(n):
        starts = rng.sample(range(10), 3)
        out.append([Span(s, s + rng.randint(1, 3), rng.choice(TYPES)) for s in starts])
    return out


def test_merged_metrics_equal_one_metric_over_all_data():
    # DDP sums the states of the ranks; merge_state does the same sum locally
    rng = random.Random(0)
    preds, golds = _random_sentences(rng, 40), _random_sentences(rng, 40)
    whole = SpanF1(TYPES)
    whole.update(preds, golds)
    first, second = SpanF1(TYPES), SpanF1(TYPES)
    first.update(preds[:17], golds[:17])
    second.update(preds[17:], golds[17:])
    first.merge_state(second)
    assert first.compute() == whole.compute()
    assert torch.equal(first.tp, whole.tp) and first.tp.dtype == torch.long


def test_counts_by_type_and_task_f1():
    metric = SpanF1(TYPES)
    metric.update([[Span(0, 1, "PER"), Span(2, 3, "LOC")]], [[Span(0, 1, "PER"), Span(4, 5, "ORG")]])
    counts = counts_by_type(metric)
    assert counts == {"PER": dict(tp=1, fp=0, fn=0), "LOC": dict(tp=0, fp=1, fn=0), "ORG": dict(tp=0, fp=0, fn=1)}
    assert counts_by_type(metric.compute()) == counts
    assert counts_by_type({"PER": (1, 0, 0)}) == {"PER": dict(tp=1, fp=0, fn=0)}
    assert task_f1(counts, ["PER"]) == 1.0
    assert task_f1(counts, ["LOC", "ORG"]) == 0.0
    assert task_f1(counts, ["PER", "ORG"]) == pytest.approx(2 / 3)  # 2·1 / (2 gold + 1 pred)
    assert task_f1(counts, "PER") == 1.0
    with pytest.raises(ValueError, match="DATE"):
        task_f1(counts, ["DATE"])


# --- agreement with seqeval (conlleval mode) on random, partly broken BIO sequences --------------------

BIO_TYPES = ["PER", "LOC", "ORG", "MISC"]
BIO_TAGS = ["O"] + [f"{p}-{t}" for t in BIO_TYPES for p in "BI"]


def _random_tags(rng, n):
    # half "O" so that entities are separated; the other half draws B- and I- uniformly, which yields
    # I- without B- and I-X after B-Y (the broken cases the repair rule has to handle)
    return [rng.choice(BIO_TAGS) if rng.random() < 0.5 else "O" for _ in range(n)]


def _noisy_copy(rng, tags):
    # mostly the gold tags, so that there are true positives, with some positions redrawn
    return [rng.choice(BIO_TAGS) if rng.random() < 0.2 else t for t in tags]


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_agrees_with_seqeval_default_mode(seed):
    from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

    rng = random.Random(seed)
    y_true = [_random_tags(rng, rng.randint(0, 12)) for _ in range(300)]
    y_pred = [_noisy_copy(rng, tags) for tags in y_true]
    repairs = []
    golds = [tags_to_spans(t, "bio", repairs.append) for t in y_true]
    preds = [tags_to_spans(t, "bio", repairs.append) for t in y_pred]
    assert len(repairs) > 100  # the broken sequences are really exercised
    metric = SpanF1(BIO_TYPES)
    metric.update(preds, golds)
    ours = metric.compute()

    # seqeval returns 0 for every undefined ratio (zero_division=0); ours agree except where
    # gold = pred = 0, where we return 1.0 by convention. Those cases are compared only by their counts:
    # a type absent from seqeval's report must have no gold and no prediction on our side.
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a zero division we did not expect would show up here
        report = classification_report(y_true, y_pred, output_dict=True, zero_division=0)
        micro = (precision_score(y_true, y_pred), recall_score(y_true, y_pred), f1_score(y_true, y_pred))
    assert (ours["micro"]["precision"], ours["micro"]["recall"], ours["micro"]["f1"]) == pytest.approx(micro)
    assert ours["micro"]["gold"] == report["micro avg"]["support"]
    for type_ in BIO_TYPES:
        mine = ours["per_type"][type_]
        if type_ not in report:
            assert mine["gold"] == mine["pred"] == 0
            continue
        theirs = report[type_]
        assert mine["gold"] == theirs["support"]
        assert (mine["precision"], mine["recall"], mine["f1"]) == pytest.approx((theirs["precision"], theirs["recall"], theirs["f1-score"]))
