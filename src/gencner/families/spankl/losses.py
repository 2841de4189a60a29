"""SpanKL's losses (docs/methods.md, "Losses and the teacher"), pure functions on (B, L, W_b, K) logits and
a (B, L, W_b) span mask.

New types, over the columns C of the step's gold types and B sentences:
    L_new = (1/B) · Σ_spans mean_{e∈C} BCEWithLogits(s_e, y_e)
every enumerated span counts (a negative unless gold of that type); no sampling, no pos_weight.
Distillation, over the teacher's K_old columns (the old types, e < s_t), p = σ(z_T), q = σ(z_S):
    KL(p‖q) = p·log(p/q) + (1−p)·log((1−p)/(1−q))
    L_KD = (1/B) · Σ_spans mean_{e<s_t} KL
with temperature 1 and weight 1: L = L_new + L_KD. Both are *summed* over spans, as in SpanKL, so
their scale grows with the number of spans per sentence (kept, so that SpanKL's
learning rates apply); and KD averages over all old types, so each old type's weight falls as tasks
accumulate (the method as defined, kept)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F


def new_type_loss(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor, columns: Sequence[int]) -> torch.Tensor:
    """L_new over `columns` only: the other columns' logits and targets take no part."""
    index = torch.as_tensor(list(columns), device=logits.device, dtype=torch.long)
    z = logits.float().index_select(-1, index)
    y = targets.to(z.device, z.dtype).index_select(-1, index)
    per_span = F.binary_cross_entropy_with_logits(z, y, reduction="none").mean(dim=-1)
    return (per_span * mask.to(z.device)).sum() / logits.size(0)


def bernoulli_kl(teacher_logits: torch.Tensor, student_logits: torch.Tensor) -> torch.Tensor:
    """KL(σ(z_T) ‖ σ(z_S)) per entry, from log-sigmoids (stable for large |z|, as SpanKL builds it)."""
    log_p, log_not_p = F.logsigmoid(teacher_logits), F.logsigmoid(-teacher_logits)
    log_q, log_not_q = F.logsigmoid(student_logits), F.logsigmoid(-student_logits)
    return log_p.exp() * (log_p - log_q) + log_not_p.exp() * (log_not_p - log_not_q)


def distillation_loss(logits: torch.Tensor, teacher_logits: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """L_KD on every span over the teacher's columns, which are the student's first K_old."""
    n_old = teacher_logits.size(-1)
    z_student = logits.float()[..., :n_old]
    kl = bernoulli_kl(teacher_logits.to(z_student.device, z_student.dtype), z_student).mean(dim=-1)
    return (kl * mask.to(z_student.device)).sum() / logits.size(0)


@dataclass(frozen=True)
class StepLoss:
    total: torch.Tensor
    new: torch.Tensor
    distillation: torch.Tensor | None = None

    def to_dict(self) -> dict[str, float]:
        """Plain floats for logging."""
        out = {"loss": self.total.item(), "loss_new": self.new.item()}
        if self.distillation is not None:
            out["loss_kd"] = self.distillation.item()
        return out


def step_loss(logits: torch.Tensor, batch: dict[str, torch.Tensor], gold_columns: Sequence[int]) -> StepLoss:
    """L = L_new (+ L_KD when the batch carries teacher logits: a step with a teacher)."""
    mask = batch["span_mask"]
    new = new_type_loss(logits, batch["targets"], mask, gold_columns)
    if "teacher" not in batch:
        return StepLoss(new, new)
    kd = distillation_loss(logits, batch["teacher"], mask)
    return StepLoss(new + kd, new, kd)
