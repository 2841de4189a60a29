"""The tagger family: ExtendNER and AddNER (Monaikul et al., AAAI 2021) as the SpanKL reference code
runs them beside SpanKL, with their fine-tuning lower bound and their non-CL bound.

Settings come from the shared configuration: the encoder is the span family's (model group or
`model.pretrained`, masked-LM pretrained by spankl/pretraining.py on the same text, cached), the word
dropout, head learning rate and warm-up are `model.span`'s, the encoder's learning rate, weight decay
and clipping the trainer's, `model.constrained` picks the BIO-constrained Viterbi (true) or the
argmax (false), and the method's kd_temperature and kd_weight shape the distillation (losses.py).

Which head a method trains is named by the method (conf/method/<name>.yaml): its name picks the
layout below. The family's non-CL bound, one for every method of the family, trains ExtendNER's
shared head on the gold of every seen type."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gencner.config.schema import Config, MethodConfig
from gencner.data.schema import Sentence
from gencner.data.streams import Task
from gencner.data.targets import Example
from gencner.errors import ConfigError
from gencner.families.base import ModelFamily, StepInputs
from gencner.families.spankl.family import FAMILY as SPAN_FAMILY
from gencner.families.tagger.config import ADD, EXTEND, TaggerModelConfig
from gencner.families.tagger.io import load_model, save_model
from gencner.families.tagger.model import TaggerModel, from_span_base
from gencner.families.tagger.module import TagStepData, TagStepModule
from gencner.run_identity import bound_method_name

NAME = "tagger"
LAYOUT_OF_METHOD = {
    "extendner": EXTEND,
    "addner": ADD,
    "tagger-finetune": EXTEND,
    bound_method_name(NAME, MethodConfig.family): EXTEND,
}


def model_config(cfg: Config) -> TaggerModelConfig:
    layout = LAYOUT_OF_METHOD.get(cfg.method.name)
    if layout is None:
        choices = ", ".join(f"{name} ({kind})" for name, kind in LAYOUT_OF_METHOD.items())
        raise ConfigError(f"method.name={cfg.method.name!r}: a tagger method's name picks its tag head; choose one of: {choices}")
    m, t, span = cfg.model, cfg.trainer, cfg.model.span
    return TaggerModelConfig(
        layout=layout,
        viterbi=m.constrained,
        word_dropout=span.word_dropout,
        max_positions=m.max_positions,
        encoder_lr=t.lr,
        head_lr=span.head_lr,
        weight_decay=t.weight_decay,
        warmup_steps=span.warmup_steps,
    )


class TaggerFamily(ModelFamily):
    name = NAME

    def check(self, cfg: Config) -> None:
        if cfg.method.pseudo_labels:
            raise ConfigError(
                f"method {cfg.method.name}: a tagger keeps its old types by distillation on its tag logits "
                "(method.distill); method.pseudo_labels=true is for the pointer family"
            )
        if not cfg.dataset.flat:
            raise ConfigError(f"dataset {cfg.dataset.name}: a BIO tagger cannot hold overlapping entities; it needs dataset.flat=true")
        SPAN_FAMILY.check(cfg)  # the encoder's settings are the span family's
        model_config(cfg)

    def first_step_method(self, cfg: Config) -> dict:
        return {"layout": str(model_config(cfg).layout)}  # the method's name picks the head step 1 trains

    def base_model(self, cfg: Config, train: Sequence[Sentence], cache_dir: Path) -> TaggerModel:
        return from_span_base(SPAN_FAMILY.base_model(cfg, train, cache_dir), model_config(cfg))

    def load(self, path: Path, device: str = "cpu") -> TaggerModel:
        return load_model(path, device)

    def save(self, model: TaggerModel, path: Path) -> None:
        save_model(model, path)

    def datamodule(self, ctx: StepInputs, examples: list[Example]) -> TagStepData:
        cfg, t = ctx.cfg, ctx.cfg.trainer
        teacher = ctx.teacher if cfg.method.distill else None
        train = [e.sentence for e in examples]  # gold of the label types: check() refuses pseudo-labels
        return TagStepData(
            ctx.model, train, ctx.step.label_types, ctx.step.dev, teacher, t.batch_size, t.eval_batch_size, ctx.step.seed(cfg.seed)
        )

    def step_module(self, ctx: StepInputs, dev_tasks: Sequence[Task]) -> TagStepModule:
        method = ctx.cfg.method
        return TagStepModule(
            ctx.model,
            ctx.step.label_types,
            dev_tasks,
            ctx.cfg.trainer.warmup_ratio,
            method.kd_temperature,
            method.kd_weight,
            log_prefix=ctx.step.log_prefix,
        )


FAMILY = TaggerFamily()
