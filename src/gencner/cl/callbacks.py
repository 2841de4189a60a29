"""Continual-learning callbacks. Besides Lightning's hooks they have task-level hooks that the runner
calls between tasks (`before_task`, `after_task`): that is where pseudo-labels are made and the step's
datamodule is rebuilt. Inside a fit they only watch and log; they never swap data mid-fit."""

from __future__ import annotations

import time

import lightning as L
import torch

from gencner.cl.context import TaskContext
from gencner.cl.pseudo import PseudoStats, confidence_thresholds, merged_example, quality_by_group, select_pseudo
from gencner.console import console, progress_bar
from gencner.data.batching import Example
from gencner.errors import GencnerError
from gencner.model.inference import predict_sentences
from gencner.trainer import inference_bf16


class CLCallback(L.Callback):
    def before_task(self, ctx: TaskContext) -> None:
        """After the student and teacher of the step exist, before its datamodule is built."""

    def after_task(self, ctx: TaskContext) -> None:
        """After the step's best weights are restored and tested."""


class GoldTargets(CLCallback):
    """The default targets: each sentence's gold of the step's label types, sorted by position."""

    def before_task(self, ctx: TaskContext) -> None:
        ctx.examples = [merged_example(s, (), "sorted") for s in ctx.step.train]


class PseudoLabels(CLCallback):
    """The teacher decodes the step's training sentences; triplets above their type's confidence
    threshold (quantile q of that type's confidences) and not overlapping new gold join the targets as
    hard labels; those below it are dropped, kept as soft (distill-only) targets, or kept as hard labels
    (`below`, method.below_threshold)."""

    def __init__(self, quantile: float, order: str, batch_size: int, flat: bool, below: str = "drop"):
        self.quantile, self.order, self.batch_size, self.flat, self.below = quantile, order, batch_size, flat, below

    def before_task(self, ctx: TaskContext) -> None:
        if ctx.teacher is None:
            return
        sentences = ctx.step.train
        started = time.perf_counter()
        with progress_bar(f"step {ctx.step.step}: pseudo-labelling", len(sentences)) as advance:
            predictions, report = predict_sentences(ctx.teacher, sentences, self.batch_size, self.flat, advance, inference_bf16(ctx.cfg.trainer))
        thresholds = confidence_thresholds(predictions, self.quantile)
        stats = PseudoStats()
        selected = [select_pseudo(p, s.spans, thresholds, stats, self.below) for p, s in zip(predictions, sentences)]
        ctx.examples = [merged_example(s, k, self.order) for s, k in zip(sentences, selected)]
        old_types = list(ctx.teacher.types)
        gold_old = [ctx.corpus.train[s.idx].restrict(old_types).spans for s in sentences]
        groups = quality_by_group(predictions, [s.spans for s in sentences], gold_old, thresholds, self.below, old_types)
        ctx.record["thresholds"] = thresholds
        ctx.record["pseudo"] = {
            "below_threshold": self.below,
            "counts": stats.to_dict(),
            "quality_kept": groups.pop("kept"),  # the hard labels (the series reports and W&B plot)
            "quality_raw": groups.pop("raw"),  # every teacher triplet
            "quality_groups": groups,  # above / below τ_t, distilled (soft), dropped
            "decode": report.to_dict(),
            "seconds": time.perf_counter() - started,
        }


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
