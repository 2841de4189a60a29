"""Lightning callbacks of a step's fit: they watch the fit and stop it when something is wrong; they never
change its data (the task-level callbacks in callbacks.py build that between tasks)."""

from __future__ import annotations

import lightning as L
import torch

from gencner.errors import GencnerError


class FrozenTeacherCheck(L.Callback):
    """Fails the step if the teacher leaves eval mode or a teacher parameter changes during a fit."""

    def on_train_start(self, trainer: L.Trainer, module: L.LightningModule) -> None:
        teacher = getattr(module, "teacher", None)
        self._checksum = _checksum(teacher) if teacher is not None else None

    def on_train_batch_start(self, trainer, module, batch, batch_idx) -> None:
        teacher = getattr(module, "teacher", None)
        if teacher is not None and any(m.training for m in teacher.modules()):
            raise RuntimeError("the teacher left eval mode during training")

    def on_train_end(self, trainer: L.Trainer, module: L.LightningModule) -> None:
        teacher = getattr(module, "teacher", None)
        if teacher is not None and _checksum(teacher) != self._checksum:
            raise RuntimeError("teacher parameters changed during the fit")


def _checksum(module: torch.nn.Module) -> float:
    return float(sum(p.detach().double().sum() for p in module.parameters()))


class NonFiniteLossGuard(L.Callback):
    """Stops the step when the loss is NaN or infinite, naming the step, epoch and first such batch.

    The loss is not read after every batch: `float(loss)` makes the host wait until the GPU has finished
    the step, so the CPU could not queue the next step's kernels while the GPU ran this one (at batch 8
    the step is launch-bound). The first non-finite batch of the epoch and its loss are kept on the
    loss's device and read every `every` batches, before validation and at the epoch's end: a bad loss
    stops the step at most `every` batches later (its weights are lost either way)."""

    def __init__(self, step: int, every: int = 50):
        self.step, self.every = step, every
        self._epoch = 0
        self._first: tuple[torch.Tensor, torch.Tensor] | None = None  # (batch index or -1, its loss)

    def on_train_epoch_start(self, trainer, module) -> None:
        self._epoch, self._first = trainer.current_epoch, None

    def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx) -> None:
        loss = outputs["loss"] if isinstance(outputs, dict) else outputs
        if loss is None:
            return
        loss = loss.detach().float()
        index, value = self._first or (torch.full_like(loss, -1, dtype=torch.long), loss)
        new = (index < 0) & ~torch.isfinite(loss)
        self._first = (torch.where(new, batch_idx, index), torch.where(new, loss, value))
        if (batch_idx + 1) % self.every == 0:
            self._check()

    def on_validation_start(self, trainer, module) -> None:
        self._check()

    def on_train_epoch_end(self, trainer, module) -> None:
        self._check()

    def _check(self) -> None:
        if self._first is None or int(self._first[0]) < 0:  # the host read
            return
        index, value = int(self._first[0]), float(self._first[1])
        raise GencnerError(
            f"non-finite loss ({value}) at step {self.step}, epoch {self._epoch}, batch {index}; "
            "lower trainer.lr or check the data of this step"
        )
