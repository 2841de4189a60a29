"""Continual-learning callbacks. Besides Lightning's hooks they have task-level hooks that the runner
calls between tasks (`before_task`, `after_task`): that is where pseudo-labels are made and the step's
datamodule is rebuilt. Inside a fit they only watch and log; they never swap data mid-fit."""

from __future__ import annotations

import math
import time

import lightning as L
import torch

from gencner.cl.context import TaskContext
from gencner.cl.pseudo import PseudoStats, confidence_thresholds, merged_example, pseudo_quality, select_pseudo
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
    threshold (quantile q of that type's confidences) and not overlapping new gold join the targets."""

    def __init__(self, quantile: float, order: str, batch_size: int, flat: bool):
        self.quantile, self.order, self.batch_size, self.flat = quantile, order, batch_size, flat

    def before_task(self, ctx: TaskContext) -> None:
        if ctx.teacher is None:
            return
        sentences = ctx.step.train
        started = time.perf_counter()
        with progress_bar(f"step {ctx.step.step}: pseudo-labelling", len(sentences)) as advance:
            predictions, report = predict_sentences(ctx.teacher, sentences, self.batch_size, self.flat, advance, inference_bf16(ctx.cfg.trainer))
        thresholds = confidence_thresholds(predictions, self.quantile)
        stats = PseudoStats()
        kept = [select_pseudo(p, s.spans, thresholds, stats) for p, s in zip(predictions, sentences)]
        ctx.examples = [merged_example(s, k, self.order) for s, k in zip(sentences, kept)]
        old_types = list(ctx.teacher.types)
        gold_old = [ctx.corpus.train[s.idx].restrict(old_types).spans for s in sentences]
        ctx.record["thresholds"] = thresholds
        ctx.record["pseudo"] = {
            "counts": stats.to_dict(),
            "quality_kept": pseudo_quality([[t.span for t in k] for k in kept], gold_old, old_types),
            "quality_raw": pseudo_quality([[t.span for t in p] for p in predictions], gold_old, old_types),
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
    """Stops the step when the loss is NaN or infinite, naming the step, epoch and batch."""

    def __init__(self, step: int):
        self.step = step

    def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx) -> None:
        loss = outputs["loss"] if isinstance(outputs, dict) else outputs
        if loss is not None and not math.isfinite(float(loss)):
            raise GencnerError(
                f"non-finite loss ({float(loss)}) at step {self.step}, epoch {trainer.current_epoch}, batch {batch_idx}; "
                "lower trainer.lr or check the data of this step"
            )


