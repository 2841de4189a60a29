"""Task-level callbacks: the runner calls `before_task` once per step, after the step's student and
teacher exist and before its fit. That is where the step's data is built: the targets (gold of the new
types, or [pseudo; gold] with the teacher's type-specific confidence thresholds) and the datamodule
that encodes them. They have no Lightning hooks and are never handed to a Trainer (fit_callbacks.py
holds those); inside a fit nothing swaps the data.

Exactly one callback builds a step's data (`StepData`): the context refuses a second one, so the result
never depends on the order of a list."""

from __future__ import annotations

import time

from gencner.cl.context import TaskContext
from gencner.cl.pseudo import PseudoStats, confidence_thresholds, merged_example, quality_by_group, select_pseudo
from gencner.config.schema import MethodConfig
from gencner.console import progress_bar
from gencner.data.targets import Example
from gencner.trainer import inference_bf16


class TaskCallback:
    def before_task(self, ctx: TaskContext) -> None:
        """After the student and teacher of the step exist, before its fit."""


class StepData(TaskCallback):
    """Builds the step's training targets (`targets`) and has the model's family encode them."""

    def targets(self, ctx: TaskContext) -> list[Example]:
        """Each sentence's gold of the step's label types, sorted by position."""
        return [merged_example(s, (), "sorted") for s in ctx.step.train]

    def before_task(self, ctx: TaskContext) -> None:
        examples = self.targets(ctx)
        ctx.set_data(examples, ctx.family.datamodule(ctx, examples))


class PseudoLabelledData(StepData):
    """With a teacher (every step after the first), the teacher decodes the step's training sentences;
    triplets above their type's confidence threshold (quantile q of that type's confidences) and not
    overlapping new gold join the targets as hard labels; those below it are dropped, kept as soft
    (distill-only) targets, or kept as hard labels (method.below_threshold). Without one: gold."""

    def __init__(self, method: MethodConfig):
        self.method = method

    def targets(self, ctx: TaskContext) -> list[Example]:
        if ctx.teacher is None:
            return super().targets(ctx)
        m, t, sentences = self.method, ctx.cfg.trainer, ctx.step.train
        started = time.perf_counter()
        with progress_bar(f"step {ctx.step.step}: pseudo-labelling", len(sentences)) as advance:
            predictions, report = ctx.teacher.predict(sentences, t.eval_batch_size, ctx.cfg.dataset.flat, advance, inference_bf16(t))
        thresholds = confidence_thresholds(predictions, m.threshold_quantile)
        stats = PseudoStats()
        selected = [select_pseudo(p, s.spans, thresholds, stats, m.below_threshold) for p, s in zip(predictions, sentences)]
        old_types = list(ctx.teacher.types)
        gold_old = [ctx.corpus.train[s.idx].restrict(old_types).spans for s in sentences]
        groups = quality_by_group(predictions, [s.spans for s in sentences], gold_old, thresholds, m.below_threshold, old_types)
        ctx.record["thresholds"] = thresholds
        ctx.record["pseudo"] = {
            "below_threshold": m.below_threshold,
            "counts": stats.to_dict(),
            "quality_kept": groups.pop("kept"),  # the hard labels (the series reports and W&B plot)
            "quality_raw": groups.pop("raw"),  # every teacher triplet
            "quality_groups": groups,  # above / below τ_t, distilled (soft), dropped
            "decode": report.to_dict(),
            "seconds": time.perf_counter() - started,
        }
        replay = m.below_threshold == "teacher-pass"
        return [merged_example(s, k, m.target_order, teacher_pass=replay) for s, k in zip(sentences, selected)]


def step_data(method: MethodConfig) -> StepData:
    """The data callback of a method: pseudo-labelled when it uses pseudo-labels."""
    return PseudoLabelledData(method) if method.pseudo_labels else StepData()
