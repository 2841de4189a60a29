"""Metrics: entity-level span F1 (exact match), continual-learning scores on the result matrix, and
overlap removal for flat datasets. Conventions are written in each module's docstring."""

import importlib

# Names are loaded on first use: span_f1 needs torch, the matrix functions do not (reports, notebooks).
_HOMES = {
    "continual": (
        "backward_interference",
        "bwt",
        "forgetting",
        "gap",
        "learning_accuracy",
        "macro_f1",
        "matrix_row",
        "mean_backward_interference",
        "mean_forgetting",
        "micro_f1_pooled",
        "validate_matrix",
    ),
    "overlap": ("resolve_overlaps",),
    "span_f1": ("SpanF1", "counts_by_type", "prf", "score_counts", "task_f1"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str):
    if name in _MODULE_OF:
        return getattr(importlib.import_module(f"gencner.metrics.{_MODULE_OF[name]}"), name)
    raise AttributeError(f"module 'gencner.metrics' has no attribute {name!r}")


__all__ = sorted(_MODULE_OF)
