"""Per-step optimisation (docs/methods.md, "Optimisation"): a fresh AdamW every step (β = (0.9, 0.999), eps
1e-8) with

  | group                         | lr         | weight decay |
  | head weights                  | head_lr    | weight_decay |
  | head biases                   | head_lr    | 0            |
  | BERT biases, LayerNorm weights| encoder_lr | 0            |
  | the rest of BERT              | encoder_lr | weight_decay |

and a cosine schedule with linear warm-up over `warmup_steps`, stepped per batch:
  lr(s) = lr · s / warmup                                          for s < warmup
  lr(s) = lr · ½ · (1 + cos(π · (s − warmup) / (total − warmup)))  after.
Best-dev selection and gradient clipping (config.max_grad_norm) belong to the loop."""

from __future__ import annotations

import torch
from torch import nn

from gencner.families.spankl.config import SpanKLModelConfig
from gencner.families.spankl.network import SpanScorer


def _split_decay(module: nn.Module) -> tuple[list[nn.Parameter], list[nn.Parameter]]:
    """(decayed, not decayed): biases and LayerNorm weights are not decayed."""
    decayed, plain = [], []
    for sub in module.modules():
        for name, param in sub.named_parameters(recurse=False):
            if not param.requires_grad:
                continue
            (plain if name == "bias" or isinstance(sub, nn.LayerNorm) else decayed).append(param)
    return decayed, plain


def parameter_groups(net: SpanScorer, config: SpanKLModelConfig) -> list[dict]:
    """The four groups of the table above (empty ones left out)."""
    head_decayed, head_plain = _split_decay(net.heads)
    bert_decayed, bert_plain = _split_decay(net.bert)
    groups = [
        {"name": "head weights", "params": head_decayed, "lr": config.head_lr, "weight_decay": config.weight_decay},
        {"name": "head biases", "params": head_plain, "lr": config.head_lr, "weight_decay": 0.0},
        {"name": "encoder no decay", "params": bert_plain, "lr": config.encoder_lr, "weight_decay": 0.0},
        {"name": "encoder", "params": bert_decayed, "lr": config.encoder_lr, "weight_decay": config.weight_decay},
    ]
    return [g for g in groups if g["params"]]


def build_optimizer(net: SpanScorer, config: SpanKLModelConfig) -> torch.optim.AdamW:
    return torch.optim.AdamW(parameter_groups(net, config), betas=(0.9, 0.999), eps=1e-8)


def build_scheduler(optimizer: torch.optim.Optimizer, total_steps: int, warmup_steps: int) -> torch.optim.lr_scheduler.LambdaLR:
    """The cosine schedule with warm-up (transformers' get_cosine_schedule_with_warmup), total_steps =
    epochs × batches of the step."""
    from transformers import get_cosine_schedule_with_warmup

    return get_cosine_schedule_with_warmup(optimizer, num_warmup_steps=warmup_steps, num_training_steps=max(total_steps, 1))
