"""A step's data: the runner asks the method's StepData once per step, after the step's student and
teacher exist and before its fit, and gets back the targets (gold of the new types, or [pseudo; gold]
with the teacher's type-specific confidence thresholds), the datamodule that encodes them and what
building them adds to the step's result.json. Nothing here is a Lightning callback (fit_callbacks.py
holds those); inside a fit nothing swaps the data."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from gencner.cl.context import TaskContext
from gencner.cl.pseudo import PseudoStats, confidence_thresholds, merged_example, quality_by_group, select_pseudo
from gencner.config.schema import MethodConfig
from gencner.console import progress_bar
from gencner.data.targets import Example
from gencner.families.base import StepDataModule
from gencner.trainer import inference_bf16


@dataclass
class StepTargets:
    """What a step trains on, built once before its fit."""

    examples: list[Example]
    datamodule: StepDataModule  # the family's encoding of `examples`
    record: dict = field(default_factory=dict)  # what building them adds to the step's result.json


class StepData:
    """Builds the step's training targets (`targets`) and has the model's family encode them."""

    def targets(self, ctx: TaskContext) -> tuple[list[Example], dict]:
        """Each sentence's gold of the step's label types, sorted by position; nothing to record."""
        return [merged_example(s, (), "sorted") for s in ctx.step.train], {}

    def build(self, ctx: TaskContext) -> StepTargets:
        examples, record = self.targets(ctx)
        return StepTargets(examples, ctx.family.datamodule(ctx, examples), record)


class PseudoLabelledData(StepData):
    """With a teacher (every step after the first), the teacher decodes the step's training sentences;
    triplets above their type's confidence threshold (quantile q of that type's confidences) and not
    overlapping new gold join the targets as hard labels; those below it are dropped, kept as soft
    (distill-only) targets, or kept as hard labels (method.below_threshold). Without one: gold."""

    def __init__(self, method: MethodConfig):
        self.method = method

    def targets(self, ctx: TaskContext) -> tuple[list[Example], dict]:
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
        record = {"thresholds": thresholds}
        record["pseudo"] = {
            "below_threshold": m.below_threshold,
            "counts": stats.to_dict(),
            "quality_kept": groups.pop("kept"),  # the hard labels (the series reports and W&B plot)
            "quality_raw": groups.pop("raw"),  # every teacher triplet
            "quality_groups": groups,  # above / below τ_t, distilled (soft), dropped
            "decode": report.to_dict(),
            "seconds": time.perf_counter() - started,
        }
        replay = m.below_threshold == "teacher-pass"
        return [merged_example(s, k, m.target_order, teacher_pass=replay) for s, k in zip(sentences, selected)], record


def step_data(method: MethodConfig) -> StepData:
    """The data callback of a method: pseudo-labelled when it uses pseudo-labels."""
    return PseudoLabelledData(method) if method.pseudo_labels else StepData()
