"""The losses of docs/methods.md, "Losses and the teacher": the BCE sees only the new types' columns; the
Bernoulli KL is zero exactly when student and teacher agree; the step loss adds the KD term only with a
teacher."""

from __future__ import annotations

import math

import torch

from gencner.families.spankl.losses import bernoulli_kl, distillation_loss, new_type_loss, step_loss
from gencner.families.spankl.spans import span_mask


def _tensors(seed: int = 0, k: int = 4):
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(2, 5, 3, k, generator=generator)
    targets = (torch.rand(2, 5, 3, k, generator=generator) < 0.3).float()
    mask = span_mask(torch.tensor([5, 3]), 5, 3)
    return logits, targets, mask


def test_bce_ignores_old_columns_targets_and_logits_and_gives_them_no_gradient():
    logits, targets, mask = _tensors()
    new = [2, 3]
    logits.requires_grad_(True)
    loss = new_type_loss(logits, targets, mask, new)
    loss.backward()
    assert torch.count_nonzero(logits.grad[..., :2]) == 0
    assert torch.count_nonzero(logits.grad[..., 2:]) > 0
    changed_targets, changed_logits = targets.clone(), logits.detach().clone()
    changed_targets[..., :2] = 1 - changed_targets[..., :2]
    changed_logits[..., :2] += 5.0
    assert torch.equal(new_type_loss(changed_logits, changed_targets, mask, new), loss.detach())
    changed_targets[..., 3] = 1 - changed_targets[..., 3]  # a new column's target does count
    assert not torch.equal(new_type_loss(logits.detach(), changed_targets, mask, new), loss.detach())


def test_bce_is_the_per_span_mean_over_new_columns_summed_over_spans_over_sentences():
    logits, targets, mask = _tensors()
    expected = 0.0
    for b in range(2):
        for i, w in mask[b].nonzero().tolist():
            terms = [torch.nn.functional.binary_cross_entropy_with_logits(logits[b, i, w, e], targets[b, i, w, e]) for e in (1, 3)]
            expected += float(sum(terms)) / 2
    assert math.isclose(float(new_type_loss(logits, targets, mask, [1, 3])), expected / 2, rel_tol=1e-5)


def test_padding_cells_take_no_part_in_either_loss():
    logits, targets, mask = _tensors()
    teacher = torch.randn(2, 5, 3, 2)
    noisy = logits.clone()
    noisy[~mask] = 100.0
    assert torch.allclose(new_type_loss(noisy, targets, mask, [2, 3]), new_type_loss(logits, targets, mask, [2, 3]))
    assert torch.allclose(distillation_loss(noisy, teacher, mask), distillation_loss(logits, teacher, mask))


def test_kl_is_zero_when_student_equals_teacher_and_positive_otherwise():
    logits, _, mask = _tensors()
    teacher = logits[..., :2].clone()
    assert float(distillation_loss(logits, teacher, mask)) == 0.0
    assert float(distillation_loss(logits, teacher + 0.5, mask)) > 0.0
    student = logits.clone()
    student[0, 0, 0, 1] -= 1.0  # one entry differs
    assert float(distillation_loss(student, teacher, mask)) > 0.0
    student[..., 2:] += 3.0  # the new columns are not the teacher's: no KD on them
    assert torch.equal(distillation_loss(student, teacher, mask), distillation_loss(student[..., :2], teacher, mask))


def test_bernoulli_kl_matches_its_formula_and_stays_finite_at_large_logits():
    z_t, z_s = torch.tensor([0.3, -2.0, 40.0]), torch.tensor([-1.0, 0.5, -40.0])
    p, q = torch.sigmoid(z_t.double()), torch.sigmoid(z_s.double())
    expected = p * torch.log(p / q) + (1 - p) * torch.log((1 - p) / (1 - q))
    got = bernoulli_kl(z_t, z_s)
    assert torch.allclose(got[:2].double(), expected[:2], rtol=1e-5)
    # p ≈ 1, q ≈ e^−40: KL ≈ −log q = 40 nats; σ in float32 rounds p to 1 and 1 − q to 1, so the naive
    # formula on probabilities gives nan
    assert torch.isfinite(got).all() and math.isclose(float(got[2]), 40.0, rel_tol=1e-3)


def test_step_loss_adds_distillation_only_with_a_teacher():
    logits, targets, mask = _tensors()
    batch = {"span_mask": mask, "targets": targets}
    alone = step_loss(logits, batch, [2, 3])
    assert alone.distillation is None and torch.equal(alone.total, alone.new)
    with_teacher = step_loss(logits, batch | {"teacher": logits[..., :2] - 1.0}, [2, 3])
    assert torch.equal(with_teacher.new, alone.new)
    assert torch.allclose(with_teacher.total, alone.new + with_teacher.distillation)
    assert set(with_teacher.to_dict()) == {"loss", "loss_new", "loss_kd"}
