"""Continual scores on the result matrix, checked against SpanKL's published OntoNotes perm0 run."""

from __future__ import annotations

import numpy as np
import pytest

from gencner.data.schema import Span
from gencner.metrics import (
    SpanF1,
    backward_interference,
    bwt,
    forgetting,
    gap,
    learning_accuracy,
    macro_f1,
    matrix_row,
    mean_backward_interference,
    mean_forgetting,
    micro_f1_pooled,
)

# github.com/Qznan/SpanKL README, run onto-0-2022-07-21_10-02-57-1824-spankl_split_perm0, "Test All",
# in points; columns ORG, PERSON, GPE, DATE, CARDINAL, NORP.
SPANKL_MATRIX = [
    [87.9],
    [87.18, 93.33],
    [88.13, 93.41, 95.47],
    [87.4, 93.26, 95.16, 85.02],
    [87.13, 92.65, 95.05, 84.71, 81.37],
    [87.88, 93.02, 95.08, 85.93, 83.04, 93.01],
]
SPANKL_MACRO_F1 = [87.9, 90.25, 92.34, 90.21, 88.18, 89.66]
SPANKL_BI = [-0.26, -0.39, -0.39, 0.0, 0.0, 0.0]
SPANKL_MEAN_BI = -0.17


def test_macro_f1_reproduces_spankl_column():
    # SpanKL printed values computed from unrounded F1s; recomputing from the 2-decimal matrix can move a
    # mean by up to 0.005 (row 2 gives 90.255, printed 90.25), hence the 0.006 tolerance.
    assert macro_f1(SPANKL_MATRIX) == pytest.approx(SPANKL_MACRO_F1, abs=0.006)


def test_backward_interference_reproduces_spankl_row():
    # BI is a difference of two rounded entries, so it can be off by up to 0.01 from the print
    # (ORG: 87.88 − 88.13 = −0.25, printed −0.26), hence 0.011.
    assert backward_interference(SPANKL_MATRIX) == pytest.approx(SPANKL_BI, abs=0.011)
    assert mean_backward_interference(SPANKL_MATRIX) == pytest.approx(SPANKL_MEAN_BI, abs=0.006)


def test_forgetting_and_bwt_by_hand_on_spankl_matrix():
    # f_j = best score before the last step − final score, for j = 0..4:
    # ORG 88.13−87.88, PERSON 93.41−93.02, GPE 95.47−95.08, DATE 85.02−85.93, CARDINAL 81.37−83.04
    expected = [0.25, 0.39, 0.39, -0.91, -1.67]
    assert forgetting(SPANKL_MATRIX) == pytest.approx(expected, abs=1e-9)
    assert mean_forgetting(SPANKL_MATRIX) == pytest.approx(-1.55 / 5, abs=1e-9)
    # BWT: final − just-learned: −0.02, −0.31, −0.39, +0.91, +1.67 → 1.86 / 5
    assert bwt(SPANKL_MATRIX) == pytest.approx(1.86 / 5, abs=1e-9)


def test_scale_does_not_matter():
    fractions = [[v / 100 for v in row] for row in SPANKL_MATRIX]
    assert np.allclose(np.array(macro_f1(fractions)) * 100, macro_f1(SPANKL_MATRIX))
    assert np.allclose(np.array(backward_interference(fractions)) * 100, backward_interference(SPANKL_MATRIX))
    assert bwt(fractions) * 100 == pytest.approx(bwt(SPANKL_MATRIX))


def test_partial_and_trivial_matrices():
    # a run stopped after step 5: its last row is row 5
    partial = SPANKL_MATRIX[:5]
    assert macro_f1(partial) == pytest.approx(SPANKL_MACRO_F1[:5], abs=0.006)
    assert backward_interference(partial) == pytest.approx([-1.0, -0.76, -0.42, -0.31, 0.0], abs=1e-9)
    one_row = [[0.5]]
    assert backward_interference(one_row) == [0.0]
    assert mean_backward_interference(one_row) == 0.0
    assert forgetting(one_row) == [] and mean_forgetting(one_row) is None and bwt(one_row) is None
    assert macro_f1([]) == [] and mean_backward_interference([]) is None and bwt([]) is None


def test_forgetting_takes_the_best_earlier_score_not_the_first():
    matrix = [[0.5], [0.9, 0.6], [0.7, 0.6, 0.8]]
    assert forgetting(matrix) == pytest.approx([0.2, 0.0])
    assert backward_interference(matrix) == pytest.approx([-0.2, 0.0, 0.0])
    assert bwt(matrix) == pytest.approx(((0.7 - 0.5) + (0.6 - 0.6)) / 2)


@pytest.mark.parametrize(
    "matrix, bad_row",
    [([[1.0, 2.0]], 0), ([[1.0], [1.0]], 1), ([[1.0], [1.0, 2.0], [1.0, 2.0, 3.0, 4.0]], 2)],
)
def test_shape_is_validated(matrix, bad_row):
    for function in (macro_f1, backward_interference, forgetting, bwt, learning_accuracy):
        with pytest.raises(ValueError, match=f"row {bad_row} .*expected {bad_row + 1}"):
            function(matrix)


def test_learning_accuracy_is_the_running_mean_of_the_diagonal():
    diagonal = [87.9, 93.33, 95.47, 85.02, 81.37, 93.01]  # each SpanKL task right after its step
    assert learning_accuracy(SPANKL_MATRIX) == pytest.approx([np.mean(diagonal[: k + 1]) for k in range(6)])
    assert learning_accuracy(SPANKL_MATRIX)[1] == pytest.approx((87.9 + 93.33) / 2)
    assert learning_accuracy([]) == []


@pytest.mark.parametrize("seed", range(5))
def test_macro_f1_is_learning_accuracy_minus_the_mean_drop_since_learning(seed):
    rng = np.random.default_rng(seed)
    matrix = [list(rng.uniform(0, 1, k + 1)) for k in range(6)]
    for k, (macro, learned) in enumerate(zip(macro_f1(matrix), learning_accuracy(matrix), strict=True)):
        drop = np.mean([matrix[j][j] - matrix[k][j] for j in range(k + 1)])
        assert macro == pytest.approx(learned - drop)


def test_gap_uses_common_prefix():
    assert gap([90.0, 88.0, 87.0], [90.0, 85.5]) == pytest.approx([0.0, 2.5])
    assert gap([], [1.0]) == []


def test_matrix_row_and_pooled_micro_from_counts():
    types = ["ORG", "PERSON", "GPE", "DATE"]
    metric = SpanF1(types)
    gold = [[Span(0, 1, "ORG"), Span(2, 3, "PERSON"), Span(4, 5, "GPE"), Span(6, 7, "DATE")]]
    pred = [[Span(0, 1, "ORG"), Span(2, 4, "PERSON"), Span(4, 5, "GPE")]]
    metric.update(pred, gold)
    # ORG: 1/1 → 1.0; PERSON: tp 0 → 0.0; task {GPE, DATE}: 2·1 / (2 + 1)
    assert matrix_row(metric, [["ORG"], ["PERSON"], ["GPE", "DATE"]]) == pytest.approx([1.0, 0.0, 2 / 3])
    assert matrix_row(metric.compute(), ["ORG", "PERSON"]) == pytest.approx([1.0, 0.0])
    # pooled over ORG, PERSON: tp 1, gold 2, pred 2 → 0.5; over all: 2·2 / (4 + 3)
    assert micro_f1_pooled(metric, ["ORG", "PERSON"]) == pytest.approx(0.5)
    assert micro_f1_pooled(metric, types) == pytest.approx(4 / 7)
