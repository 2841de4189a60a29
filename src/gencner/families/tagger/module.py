"""A tagger step's data and LightningModule, built on the span family's (spankl/datamodule.py,
spankl/module.py): the same examples-and-truncation report, loaders, per-step AdamW groups and cosine
schedule, dev scoring and device handling; the teacher's pass, the loss and the decoding are the
tagger's."""

from __future__ import annotations

from collections.abc import Sequence

from gencner.data.schema import Sentence
from gencner.data.streams import Task
from gencner.families.spankl.batching import attach_teacher
from gencner.families.spankl.datamodule import SpanStepData
from gencner.families.spankl.module import SpanStepModule
from gencner.families.tagger import teacher as teacher_pass
from gencner.families.tagger.decoding import decode
from gencner.families.tagger.losses import step_loss
from gencner.families.tagger.model import TaggerModel


class TagStepData(SpanStepData):
    def __init__(
        self,
        model: TaggerModel,
        train: Sequence[Sentence],
        label_types: Sequence[str],
        dev: Sequence[Sentence],
        teacher: TaggerModel | None,
        batch_size: int,
        eval_batch_size: int,
        seed: int,
    ):
        super().__init__(model, train, label_types, dev, None, batch_size, eval_batch_size, seed)
        if teacher is not None:  # the teacher pass: once per step, before the fit
            sources = [e.source for e in self.examples]
            self.examples = attach_teacher(self.examples, teacher_pass.teacher_logits(teacher, sources, eval_batch_size, "cpu"))


class TagStepModule(SpanStepModule):
    def __init__(
        self,
        model: TaggerModel,
        label_types: Sequence[str],
        dev_tasks: Sequence[Task],
        warmup_ratio: float,
        temperature: float,
        kd_weight: float,
        log_prefix: str = "",
    ):
        super().__init__(model, label_types, dev_tasks, True, warmup_ratio, log_prefix)
        self.temperature, self.kd_weight = temperature, kd_weight

    new_loss_name = "ce"

    def step_loss(self, batch: dict):
        return step_loss(self.model, self.model.logits(batch), batch, self.gold_columns, self.temperature, self.kd_weight)

    def validation_step(self, batch: list, batch_idx: int) -> None:
        self.dev.update(decode(self.model, batch, len(batch)), [s.spans for s in batch])
