"""A step's targets: gold spans become positives of their own (span, type) cells only; a span with two
types keeps both; gold without a cell (too wide, cut off by the piece limit) is counted, not lost."""

from __future__ import annotations

import torch
from spankl_support import sentence

from gencner.families.spankl.spans import span_cell


def test_gold_spans_are_positives_of_exactly_their_cells_and_columns(make_model):
    model = make_model(("PER", "LOC"), max_span_width=3)
    sentences = [
        sentence("John Smith visited Paris", (0, 2, "PER"), (3, 4, "LOC")),
        sentence("Paris", (0, 1, "LOC"), (0, 1, "PER")),
    ]  # one span, two types
    examples, report = model.training_examples(sentences, ["PER", "LOC"])
    batch = model.collator()(examples)
    assert report.positives == 4
    expected = torch.zeros(2, 4, 3, 2)
    expected[(0, *span_cell(0, 2), 0)] = expected[(0, *span_cell(3, 4), 1)] = 1.0
    expected[1, 0, 0, :] = 1.0
    assert torch.equal(batch["targets"], expected)
    assert not batch["targets"][~batch["span_mask"]].any()


def test_gold_too_wide_or_cut_off_is_counted_not_lost(make_model):
    model = make_model(("ORG",), max_span_width=2, max_positions=6)
    wide = sentence("Bank of New York", (0, 4, "ORG"))  # 4 words > W = 2
    long = sentence(". . . . . . Acme", (6, 7, "ORG"))  # 7 one-piece words: only 4 fit in 6 pieces
    examples, report = model.training_examples([wide, long], ["ORG"])
    assert (report.positives, report.too_wide, report.truncated) == (0, 1, 1)
    assert all(e.gold == () for e in examples)
    assert examples[1].source.kept_words == 4
