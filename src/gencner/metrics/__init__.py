"""Metrics: entity-level span F1 (exact match), continual-learning scores on the result matrix, and
overlap removal for flat datasets. Conventions are written in each module's docstring."""

from gencner.metrics.continual import (
    backward_interference,
    bwt,
    forgetting,
    gap,
    macro_f1,
    matrix_row,
    mean_backward_interference,
    mean_forgetting,
    mean_std,
    micro_f1_pooled,
    validate_matrix,
)
from gencner.metrics.overlap import resolve_overlaps
from gencner.metrics.span_f1 import SpanF1, counts_by_type, prf, score_counts, task_f1

__all__ = [
    "SpanF1",
    "backward_interference",
    "bwt",
    "counts_by_type",
    "forgetting",
    "gap",
    "macro_f1",
    "matrix_row",
    "mean_backward_interference",
    "mean_forgetting",
    "mean_std",
    "micro_f1_pooled",
    "prf",
    "resolve_overlaps",
    "score_counts",
    "task_f1",
    "validate_matrix",
]
