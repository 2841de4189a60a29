"""The dev score of a step, whatever the family: predictions restricted to the step's dev types, span F1 per
dev task, their mean is what best-epoch selection maximises (docs/methods.md,
"Optimisation and model selection")."""

from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from gencner.data.predictions import Prediction
from gencner.data.schema import Span
from gencner.data.streams import Task
from gencner.metrics import SpanF1, task_f1
from gencner.metrics.scoring import restrict


class DevScores(nn.Module):
    """A module, so that its metric is the step module's submodule: moved to its device and synced
    across ranks as Lightning does for metrics."""

    def __init__(self, dev_tasks: Sequence[Task]):
        super().__init__()
        self.tasks = [(name, tuple(types)) for name, types in dev_tasks]
        self.types = [t for _, types in self.tasks for t in types]
        self.metric = SpanF1(self.types)

    def update(self, predictions: Sequence[Sequence[Prediction]], gold: Sequence[Sequence[Span]]) -> None:
        wanted = set(self.types)  # an old type predicted on a new task's dev set is out of scope
        self.metric.update([[p.span for p in restrict(ps, wanted)] for ps in predictions], gold)

    def compute(self) -> dict:
        """{score: mean per-task F1, micro_f1, per_task, gold: entities scored}; resets for the next epoch."""
        result = self.metric.compute()
        self.metric.reset()
        per_task = [task_f1(result, types) for _, types in self.tasks]
        return {
            "score": sum(per_task) / len(per_task),
            "micro_f1": result["micro"]["f1"],
            "per_task": per_task,
            "gold": result["micro"]["gold"],
        }


def log_dev(module, prefix: str, scores: dict) -> dict:
    """Logs a step module's dev scores (Lightning's self.log) and returns them for `last_dev`."""
    module.log(f"{prefix}val/score", scores["score"], prog_bar=True, sync_dist=False)
    module.log(f"{prefix}val/micro_f1", scores["micro_f1"])
    # how many entities were scored: a check that every dev sentence counted exactly once
    module.log(f"{prefix}val/gold", float(scores.pop("gold")))
    return scores
