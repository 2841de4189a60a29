"""Span enumeration and the span score (docs/methods.md, "Span scores and heads"), as pure tensor functions.

Layout: a sentence's spans live in a band (i, w), 0 ≤ w < W, standing for the span of words i..i+w
(j = i + w, inclusive). A cell exists only if i + w < n, so every span i ≤ j < n with j − i < W has
exactly one cell and no wider span has any. Flattening the valid cells row by row (i first, then j)
gives SpanKL's span order. A batch of sentences padded to L words holds (B, L, W_b) cells with
W_b = min(W, L); a sentence alone holds (n, min(W, n)): the same cells, so per-sentence tensors (the
teacher's logits) pad into any batch without re-indexing.

Score of type e on the span (i, j), with per-type start and end vectors of size h:
    s_e(i, j) = ⟨start_e(i), end_e(j)⟩ / √h
computed one diagonal w = j − i at a time, so memory is O(B·L·W·K), never O(B·L²·K)."""

from __future__ import annotations

import math

import torch


def band_width(n_words: int, max_span_width: int) -> int:
    """W_b: the band's width for sentences (or a batch) of `n_words` words."""
    return max(1, min(max_span_width, n_words))


def span_mask(lengths: torch.Tensor, n_words: int, width: int) -> torch.Tensor:
    """(B, L, W) booleans: cell (b, i, w) is a span of sentence b iff i + w < lengths[b]."""
    ends = torch.arange(n_words, device=lengths.device)[:, None] + torch.arange(width, device=lengths.device)[None, :]
    return ends[None] < lengths[:, None, None]


def span_cell(start: int, end: int) -> tuple[int, int]:
    """A Span's words [start, end) (end exclusive, as in gencner.data.schema) → its cell (i, w)."""
    return start, end - 1 - start


def cell_span(i: int, w: int) -> tuple[int, int]:
    """The inverse of span_cell: cell (i, w) → words [i, i + w + 1)."""
    return i, i + w + 1


def enumerate_spans(n_words: int, max_span_width: int) -> list[tuple[int, int]]:
    """Every span (i, j), i ≤ j < n, j − i < W, in SpanKL's row-major order (i first, then j)."""
    return [(i, j) for i in range(n_words) for j in range(i, min(n_words, i + max_span_width))]


def band_scores(start: torch.Tensor, end: torch.Tensor, max_span_width: int) -> torch.Tensor:
    """Span logits (B, L, W_b, K) from start and end vectors (B, L, h, K):
        out[b, i, w, e] = ⟨start[b, i, :, e], end[b, i + w, :, e]⟩ / √h   for i + w < L, else 0
    (cells past the padded length are zero and masked by span_mask)."""
    batch, length, size, n_types = start.shape
    width = band_width(length, max_span_width)
    scale = 1.0 / math.sqrt(size)
    diagonals = []
    for w in range(width):
        diagonal = torch.einsum("bihk,bihk->bik", start[:, : length - w], end[:, w:]) * scale
        diagonals.append(torch.nn.functional.pad(diagonal, (0, 0, 0, w)))  # zeros for i ≥ L − w
    return torch.stack(diagonals, dim=2)
