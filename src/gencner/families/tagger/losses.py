"""The tagger's losses, pure functions of (B, L, C) logits and a TagCollator batch (layout.py names the
columns). With temperature T (method.kd_temperature; the reference's is 1) and weight λ
(method.kd_weight; the reference's is 1):
    CE(g, M)  = mean over the words in M of −log softmax(z_g)[target in g]
    KD(g, M)  = T² · mean over the words in M of Σ_{c < C_T} p_c · (log p_c − log q_c),
                p = softmax(z_T,g / T) over the teacher's C_T columns of g,
                q = softmax(z_S,g / T) over all the student's columns of g
(a tag the teacher lacks has p = 0 but keeps its share of q, as the reference pads the teacher's
logits with −1e8; T² keeps the gradients' size as T changes, Hinton et al.; at T = 1 it is 1).
A mean over no word is 0.

ExtendNER (one group g): without a teacher, L = CE(g, every word); with one,
    L = CE(g, words tagged with a step type) + λ · KD(g, the other words).
AddNER (a group per head): without a teacher, L = mean over the heads of the step's types of
    CE(head, every word); with one, + λ · mean over the teacher's heads h of KD(h, every word).
The reference averages AddNER's terms over B × L_max, padding included (a batch's padding then
shrinks them); here every mean is over real words only."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from gencner.families.spankl.losses import StepLoss
from gencner.families.tagger.config import EXTEND
from gencner.families.tagger.layout import IGNORE, Group


def _mean(values: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return (values * mask).sum() / mask.sum().clamp(min=1)


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """CE over the words in `mask` (log-softmax and gather: deterministic on CUDA, unlike nll_loss2d)."""
    picked = logits.float().log_softmax(dim=-1).gather(-1, targets.clamp(min=0)[..., None]).squeeze(-1)
    return _mean(-picked, mask)


def distillation(student: torch.Tensor, teacher: torch.Tensor, mask: torch.Tensor, temperature: float) -> torch.Tensor:
    """KD: the teacher's columns are the first of the student's."""
    log_q = (student.float() / temperature).log_softmax(dim=-1)[..., : teacher.size(-1)]
    log_p = (teacher.to(student.device).float() / temperature).log_softmax(dim=-1)
    return temperature**2 * _mean((log_p.exp() * (log_p - log_q)).sum(dim=-1), mask)


def extend_loss(logits: torch.Tensor, batch: dict, temperature: float, kd_weight: float) -> StepLoss:
    tags = batch["tags"].to(logits.device)
    words = tags != IGNORE
    if "teacher" not in batch:
        new = cross_entropy(logits, tags, words)
        return StepLoss(new, new)
    step_words = words & (tags > 0)  # the targets hold the step's types only: every other word is O
    new = cross_entropy(logits, tags, step_words)
    kd = distillation(logits, batch["teacher"], words & ~step_words, temperature)
    return StepLoss(new + kd_weight * kd, new, kd)


def _cols(tensor: torch.Tensor, group: Group) -> torch.Tensor:
    return tensor[..., group.columns.start : group.columns.stop]


def add_loss(
    logits: torch.Tensor, batch: dict, groups: Sequence[Group], gold_columns: Sequence[int], temperature: float, kd_weight: float
) -> StepLoss:
    tags = batch["tags"].to(logits.device)
    words = tags != IGNORE
    trained = [g for g in groups if any(c in g.types for c in gold_columns)]
    new = torch.stack([cross_entropy(_cols(logits, g), g.local_tags(tags), words) for g in trained]).mean()
    if "teacher" not in batch:
        return StepLoss(new, new)
    teacher = batch["teacher"]
    old = [g for g in groups if g.columns.stop <= teacher.size(-1)]  # the teacher's heads are the first ones
    kd = torch.stack([distillation(_cols(logits, g), _cols(teacher, g), words, temperature) for g in old]).mean()
    return StepLoss(new + kd_weight * kd, new, kd)


def step_loss(model, logits: torch.Tensor, batch: dict, gold_columns: Sequence[int], temperature: float, kd_weight: float) -> StepLoss:
    """The loss of the model's layout; `gold_columns`: the indices of the step's label types."""
    if model.config.layout == EXTEND:
        return extend_loss(logits, batch, temperature, kd_weight)
    return add_loss(logits, batch, model.groups, gold_columns, temperature, kd_weight)
