"""The span score of docs/methods.md, "Span scores and heads", on hand-set weights, and its enumeration:
every span up to the width limit scored exactly once, none wider, and no n² blow-up on a long sentence."""

from __future__ import annotations

import math

import torch
from spankl_support import batch_of

from gencner.data.schema import Sentence
from gencner.families.spankl.network import SpanScorer
from gencner.families.spankl.spans import band_scores, enumerate_spans, span_mask


class _NoBert(torch.nn.Module):
    """Stands in for BERT where only the heads matter (word vectors are given directly)."""

    def __init__(self, hidden: int):
        super().__init__()
        self.config = type("Config", (), {"hidden_size": hidden})()
        self.embed = torch.nn.Embedding(2, hidden)

    def get_input_embeddings(self):
        return self.embed


def test_span_score_is_the_scaled_dot_product_of_start_and_end_vectors():
    h, k, d = 2, 2, 3
    scorer = SpanScorer(_NoBert(d), head_size=h, word_dropout=0.0)
    scorer.add_head(k)
    head = scorer.heads[0]
    weight = torch.arange(2 * h * k * d, dtype=torch.float).reshape(2 * h * k, d) / 10 - 1
    bias = torch.linspace(-0.5, 0.5, 2 * h * k)
    with torch.no_grad():
        head.weight.copy_(weight)
        head.bias.copy_(bias)
    words = torch.tensor([[[1.0, 0.0, 2.0], [0.5, -1.0, 0.0], [0.0, 3.0, 1.0]]])  # (1, n=3, d)
    with torch.no_grad():
        logits = scorer.span_logits(words, max_span_width=3)
    out = words[0] @ weight.T + bias  # (n, 2·h·k): the start half, then the end half
    for i in range(3):
        for j in range(i, 3):
            for e in range(k):
                # type e's a-th dim sits at index a·k + e of each half (SpanKL's strided layout)
                start = torch.stack([out[i, a * k + e] for a in range(h)])
                end = torch.stack([out[j, h * k + a * k + e] for a in range(h)])
                expected = float(start @ end) / math.sqrt(h)
                assert math.isclose(float(logits[0, i, j - i, e]), expected, rel_tol=1e-5, abs_tol=1e-5)


def test_every_span_up_to_the_width_limit_has_exactly_one_cell_and_none_wider():
    lengths = torch.tensor([7, 3, 1, 0])
    for width in (1, 3, 7, 20):
        w_b = min(width, 7)
        mask = span_mask(lengths, 7, w_b)
        for b, n in enumerate(lengths.tolist()):
            cells = [(i, i + w) for i, w in mask[b].nonzero().tolist()]
            assert cells == enumerate_spans(n, width)  # row-major: i first, then j
            assert len(cells) == len(set(cells))
            assert all(j - i < width for i, j in cells)
            expected = {(i, j) for i in range(n) for j in range(i, n) if j - i < width}
            assert set(cells) == expected


def test_band_cells_hold_the_full_score_matrix_entries_once():
    torch.manual_seed(0)
    start, end = torch.randn(2, 6, 4, 3), torch.randn(2, 6, 4, 3)
    full = torch.einsum("bihk,bjhk->bijk", start, end) / 2.0  # every (i, j), √h = 2
    band = band_scores(start, end, max_span_width=3)
    assert band.shape == (2, 6, 3, 3)
    for i in range(6):
        for w in range(3):
            if i + w < 6:
                assert torch.allclose(band[:, i, w], full[:, i, i + w], atol=1e-6)
            else:
                assert torch.equal(band[:, i, w], torch.zeros(2, 3))


def test_a_long_sentence_holds_n_times_w_cells_not_n_squared(make_model):
    model = make_model(("ORG",), max_positions=512, max_span_width=4)
    long = Sentence(tuple(["."] * 400))  # one piece per word: all 400 fit
    batch = batch_of(model, [long])
    with torch.no_grad():
        logits = model.logits(batch)
    assert logits.shape == (1, 400, 4, 1)
    assert int(batch["span_mask"].sum()) == len(enumerate_spans(400, 4)) == 400 * 4 - 6
