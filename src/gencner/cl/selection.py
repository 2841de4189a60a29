"""Model selection inside a step: keep the weights of the best dev epoch in memory (docs/methods.md,
"Optimisation and model selection")."""

from __future__ import annotations

import copy

import lightning as L
import torch


class BestWeights(L.Callback):
    """After each validation, remember the student's weights if the dev score improved (ties keep the
    earlier epoch); at the end of the fit, put the best weights back (select="best") or keep the last."""

    def __init__(self, select: str):
        self.select = select
        self.best_score: float | None = None
        self.best_epoch: int | None = None
        self.best_state: dict[str, torch.Tensor] | None = None
        self.history: list[float] = []

    def on_validation_end(self, trainer: L.Trainer, module: L.LightningModule) -> None:
        # (on_validation_end: Lightning calls callbacks' epoch-end hooks before the module computes the score)
        if trainer.sanity_checking:
            return
        score = float(module.last_dev["score"])
        self.history.append(score)
        if self.best_score is None or score > self.best_score:
            self.best_score, self.best_epoch = score, trainer.current_epoch
            self.best_state = {k: v.detach().to("cpu", copy=True) for k, v in module.student.state_dict().items()}

    def on_fit_end(self, trainer: L.Trainer, module: L.LightningModule) -> None:
        if self.select == "best" and self.best_state is not None:
            module.student.load_state_dict(copy.copy(self.best_state))
