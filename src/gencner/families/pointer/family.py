"""The pointer family (GenCNER): a BART that generates (start, end, type) triplets by pointing into the
sentence, trained with cross-entropy and, with a teacher, a KL on the pseudo-triplets' positions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gencner.config.schema import Config
from gencner.data.schema import Sentence
from gencner.data.streams import Task
from gencner.data.targets import Example
from gencner.families.base import ModelFamily, StepInputs
from gencner.families.pointer.datamodule import StepDataModule
from gencner.families.pointer.io import load_model, save_model
from gencner.families.pointer.model import NerModel
from gencner.families.pointer.module import StepModule
from gencner.families.pointer.pretraining import base_model


class PointerFamily(ModelFamily):
    name = "pointer"

    def base_model(self, cfg: Config, train: Sequence[Sentence], cache_dir: Path) -> NerModel:
        return base_model(cfg, train, cache_dir)

    def load(self, path: Path, device: str = "cpu") -> NerModel:
        return load_model(path, device)

    def save(self, model: NerModel, path: Path) -> None:
        save_model(model, path)

    def datamodule(self, ctx: StepInputs, examples: list[Example]) -> StepDataModule:
        t = ctx.cfg.trainer
        return StepDataModule(
            ctx.model,
            examples,
            ctx.step.dev,
            t.batch_size,
            t.eval_batch_size,
            ctx.step.seed(ctx.cfg.seed),
            t.num_workers,
            t.length_bucketing,
            t.token_budget,
        )

    def step_module(self, ctx: StepInputs, dev_tasks: Sequence[Task]) -> StepModule:
        cfg = ctx.cfg
        return StepModule(ctx.model, cfg.trainer, cfg.method, dev_tasks, ctx.teacher, cfg.dataset.flat, log_prefix=ctx.step.log_prefix)


FAMILY = PointerFamily()
