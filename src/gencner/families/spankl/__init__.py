"""SpanKL (AAAI 2023; docs/methods.md, "SpanKL"): a BERT span scorer with one head per task, trained on a
step's new types with BCE and kept on its old types by a Bernoulli KL to the previous step's model.

What a continual-learning loop does with it, step by step:
    model = pretrained_base(config, lambda: text, cache_folder, seed)   # or build_model / load_model
    teacher = model.frozen_copy() if model.tasks else None    # before growing
    model.grow(step.new_types)
    examples, report = model.training_examples(step.train, step.label_types)
    if teacher: examples = attach_teacher(examples, teacher_logits(teacher, [e.source for e in examples]))
    optimizer = build_optimizer(model.net, config); scheduler = build_scheduler(optimizer, total, config.warmup_steps)
    for batch in DataLoader(examples, collate_fn=model.collator(), shuffle=True):
        loss = step_loss(model.logits(batch), batch, model.columns_of(step.label_types))
    predictions = decode(model, sentences)                     # ScoredSpan(start, end, type, confidence)
    save_model(model, folder)

Where this differs from the reference code (github.com/Qznan/SpanKL) and why (docs/methods.md, "Where it
differs from its reference"):
  - Span width: spans are limited to `max_span_width` words (default 64; config.py says why) where
    SpanKL has no limit, so memory is O(n·W) per sentence rather than O(n²).
  - Heads are created when their task arrives: the logits hold only learned types' columns, so future
    types are never computed, trained or scored; SpanKL's unused future heads are AdamW-decayed
    before their task, here they do not exist yet (model.py).
  - A span with several gold types keeps all of them (SpanKL keeps one; multi-label was meant).
  - A word without word pieces becomes [UNK] instead of gathering the last position.
  - The teacher's targets are stored and documented as logits (SpanKL's comment says
    probabilities; its code, like this one, uses logits).
  - One threshold, p ≥ config.threshold, wherever predictions are made.
Kept as SpanKL defines them: the span-summed losses, the KD mean over all old types.
Dev selection and which test sets run are the loop's."""

from gencner.families.spankl.batching import SpanCollator, SpanExample, TargetReport, attach_teacher
from gencner.families.spankl.config import SpanKLModelConfig
from gencner.families.spankl.decoding import ScoredSpan, decode, resolve_overlaps, span_candidates
from gencner.families.spankl.io import load_model, save_model
from gencner.families.spankl.losses import StepLoss, bernoulli_kl, distillation_loss, new_type_loss, step_loss
from gencner.families.spankl.model import SpanKLModel, build_model
from gencner.families.spankl.optim import build_optimizer, build_scheduler, parameter_groups
from gencner.families.spankl.pretraining import mlm_pretrain, pretrained_base
from gencner.families.spankl.spans import band_scores, enumerate_spans, span_mask
from gencner.families.spankl.teacher import teacher_logits

__all__ = [
    "SpanCollator",
    "SpanExample",
    "TargetReport",
    "attach_teacher",
    "SpanKLModelConfig",
    "ScoredSpan",
    "decode",
    "resolve_overlaps",
    "span_candidates",
    "load_model",
    "save_model",
    "StepLoss",
    "bernoulli_kl",
    "distillation_loss",
    "new_type_loss",
    "step_loss",
    "SpanKLModel",
    "build_model",
    "build_optimizer",
    "build_scheduler",
    "parameter_groups",
    "mlm_pretrain",
    "pretrained_base",
    "band_scores",
    "enumerate_spans",
    "span_mask",
    "teacher_logits",
]
