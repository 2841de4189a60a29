"""Losses of a training step (docs/methods.md, "Distillation"). Pure functions on logits in the batch layout."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from gencner.families.pointer.batching import IGNORE

LEFT_OUT = -1e9  # the score of an entry `distillation` leaves out: zero probability in float32, no NaN


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mean token-level CE over the target indices (padding = IGNORE), restricted to `mask` when given
    (soft pseudo triplets are in the decoder input but carry no CE).

    Written as log-softmax + gather rather than F.cross_entropy: on a 3-D input that dispatches to
    nll_loss2d, whose CUDA kernel refuses torch.use_deterministic_algorithms(True) (trainer.deterministic)."""
    valid = targets != IGNORE
    if mask is not None:
        valid = valid & mask
    logp = logits.float().log_softmax(dim=-1)
    picked = logp.gather(-1, targets.clamp(min=0)[..., None]).squeeze(-1)
    return -(picked * valid).sum() / valid.sum().clamp(min=1)


def distillation(
    student_logits: torch.Tensor, teacher_logits: torch.Tensor, mask: torch.Tensor, temperature: float = 1.0, without: int | None = None
) -> torch.Tensor:
    """KL(p_teacher ‖ p_student) at the decoder steps in `mask`, over the teacher's support.

    The teacher's output space [positions | EOS | old types] is a prefix of the student's, so the student
    is renormalised over the first V_t entries. With temperature T both distributions are softened by T and
    the loss is scaled by T² (Hinton et al.) so that its gradients keep their size as T changes:
        KD = T² · mean over masked steps of Σ_v p_t(v) · (log p_t(v) − log p_s(v))
    Masked-out entries carry a large finite negative score in both models, hence zero probability and
    no NaN. `without` (an index of the batch layout, e.g. EOS) is left out of both distributions, which
    are renormalised over the rest."""
    support = teacher_logits.size(-1)
    student, teacher = student_logits[..., :support].float(), teacher_logits.float()
    if without is not None:
        drop = torch.zeros(support, dtype=torch.bool, device=student.device)
        drop[without] = True
        student, teacher = student.masked_fill(drop, LEFT_OUT), teacher.masked_fill(drop, LEFT_OUT)
    log_s = (student / temperature).log_softmax(dim=-1)
    log_t = (teacher / temperature).log_softmax(dim=-1)
    kl = F.kl_div(log_s, log_t, log_target=True, reduction="none").sum(dim=-1)
    weight = mask.float()
    return (kl * weight).sum() / weight.sum().clamp(min=1.0) * temperature**2
