"""The SpanKL family: a BERT span scorer with a head per task, trained on a step's new types with BCE and
kept on its old types by a Bernoulli KL to the previous step's logits (docs/methods.md, "SpanKL"). Its
settings come from the shared configuration: the model group's architecture or checkpoint, `model.span` for
what only a span scorer has, the trainer's learning rate (the encoder's), weight decay and clipping."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from gencner.config.schema import Config
from gencner.data.pretraining_text import pretraining_text
from gencner.data.schema import Sentence
from gencner.data.streams import Task
from gencner.data.targets import Example
from gencner.errors import ConfigError
from gencner.families.base import ModelFamily, StepInputs
from gencner.families.spankl.config import SpanKLModelConfig
from gencner.families.spankl.datamodule import SpanStepData
from gencner.families.spankl.io import load_model, save_model
from gencner.families.spankl.model import SpanKLModel
from gencner.families.spankl.module import SpanStepModule
from gencner.families.spankl.pretraining import pretrained_base
from gencner.trainer import run_device


def model_config(cfg: Config) -> SpanKLModelConfig:
    """The span scorer's settings, read from the configuration (nothing of it is set twice)."""
    m, t, span = cfg.model, cfg.trainer, cfg.model.span
    same = {k: getattr(m, k) for k in ("name", "pretrained", "tokenizer", "vocab_size", "dropout", "max_positions")}
    same["pretrained"] = m.pretrained or m.pretrained_encoder  # an encoder-only checkpoint either way
    same |= {k: getattr(span, k) for k in ("word_dropout", "head_size", "max_span_width", "head_lr", "warmup_steps", "threshold")}
    sizes = {"hidden_size": m.d_model, "layers": m.encoder_layers, "heads": m.attention_heads, "intermediate_size": m.ffn_dim}
    mlm = {"mlm_epochs": m.denoise_epochs, "mlm_lr": m.denoise_lr}  # BERT's pretraining: masked LM
    optim = {"encoder_lr": t.lr, "weight_decay": t.weight_decay, "max_grad_norm": t.gradient_clip}
    return SpanKLModelConfig(**same, **sizes, **mlm, **optim)


class SpanKLFamily(ModelFamily):
    name = "spankl"

    def check(self, cfg: Config) -> None:
        if cfg.method.pseudo_labels:
            raise ConfigError(
                f"method {cfg.method.name}: a span scorer keeps its old types by distillation on its logits "
                "(method.distill); method.pseudo_labels=true is for the pointer family"
            )
        model_config(cfg)  # its own range checks, before anything runs

    def base_model(self, cfg: Config, train: Sequence[Sentence], cache_dir: Path) -> SpanKLModel:
        def text():
            sentences = pretraining_text(cfg.dataset, train).sentences if cfg.model.denoise_epochs > 0 else train
            return [s.tokens for s in sentences]

        return pretrained_base(model_config(cfg), text, cache_dir, cfg.seed, run_device(cfg.trainer))

    def load(self, path: Path, device: str = "cpu") -> SpanKLModel:
        return load_model(path, device)

    def save(self, model: SpanKLModel, path: Path) -> None:
        save_model(model, path)

    def datamodule(self, ctx: StepInputs, examples: list[Example]) -> SpanStepData:
        # a span scorer trains on each sentence's gold of the label types (examples hold no pseudo labels:
        # check() refuses them), and distils the teacher on every span when the method distils
        cfg, t = ctx.cfg, ctx.cfg.trainer
        teacher = ctx.teacher if cfg.method.distill else None
        return SpanStepData(
            ctx.model,
            [e.sentence for e in examples],
            ctx.step.label_types,
            ctx.step.dev,
            teacher,
            t.batch_size,
            t.eval_batch_size,
            ctx.step.seed(cfg.seed),
        )

    def step_module(self, ctx: StepInputs, dev_tasks: Sequence[Task]) -> SpanStepModule:
        return SpanStepModule(
            ctx.model, ctx.step.label_types, dev_tasks, ctx.cfg.dataset.flat, ctx.cfg.trainer.warmup_ratio, log_prefix=ctx.step.log_prefix
        )


FAMILY = SpanKLFamily()
