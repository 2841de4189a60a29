"""ExtendNER's and AddNER's losses on hand-computed two-word examples: which word gets the
cross-entropy, which the KL, with the values and gradients worked out by hand."""

from __future__ import annotations

import math

import pytest
import torch

from gencner.families.tagger import EXTEND, Group, add_loss, extend_loss

# one sentence of two words; types: PER (old, index 0), LOC (new, index 1)
# extend columns: O, B-PER, I-PER, B-LOC, I-LOC; word 0 is B-LOC (global tag 3), word 1 is O
TAGS = torch.tensor([[3, 0]])
TEACHER = torch.tensor([[[5.0, -3.0, 1.0], [math.log(2.0), 0.0, 0.0]]])  # word 1: p = (1/2, 1/4, 1/4)


def student(columns: int) -> torch.Tensor:
    return torch.zeros(1, 2, columns, requires_grad=True)  # uniform softmax: q = 1/C everywhere


def test_extendner_ce_on_the_new_type_word_kl_on_the_o_word():
    logits = student(5)
    loss = extend_loss(logits, {"tags": TAGS, "teacher": TEACHER}, temperature=1.0, kd_weight=1.0)
    kl = 0.5 * math.log(0.5 * 5) + 2 * 0.25 * math.log(0.25 * 5)
    assert loss.new.item() == pytest.approx(math.log(5))
    assert loss.distillation.item() == pytest.approx(kl)
    assert loss.total.item() == pytest.approx(math.log(5) + kl)
    loss.total.backward()
    # word 0: the cross-entropy's gradient only, softmax − one-hot: its old-type columns get nothing from the teacher
    assert torch.allclose(logits.grad[0, 0], torch.tensor([0.2, 0.2, 0.2, -0.8, 0.2]))
    # word 1: the KL's only, q − p with p = 0 on the new tags (the teacher has none)
    assert torch.allclose(logits.grad[0, 1], torch.tensor([0.2 - 0.5, 0.2 - 0.25, 0.2 - 0.25, 0.2, 0.2]))


def test_extendner_ignores_the_teachers_scores_on_the_new_type_word():
    other = TEACHER.clone()
    other[0, 0] = torch.tensor([-9.0, 9.0, 0.0])
    first = extend_loss(student(5), {"tags": TAGS, "teacher": TEACHER}, 1.0, 1.0).total
    second = extend_loss(student(5), {"tags": TAGS, "teacher": other}, 1.0, 1.0).total
    assert first.item() == second.item()


def test_extendner_temperature_softens_both_sides_and_scales_by_its_square():
    logits, t = student(5), 2.0
    loss = extend_loss(logits, {"tags": TAGS, "teacher": TEACHER}, temperature=t, kd_weight=0.5)
    p = torch.tensor([math.log(2.0), 0.0, 0.0]).div(t).softmax(0)
    kl = t**2 * sum(float(pc) * math.log(float(pc) * 5) for pc in p)
    assert loss.distillation.item() == pytest.approx(kl)
    assert loss.total.item() == pytest.approx(math.log(5) + 0.5 * kl)
    loss.total.backward()
    expected = 0.5 * t * (torch.full((5,), 0.2) - torch.cat([p, torch.zeros(2)]))  # d(λT²·KL)/dz = λ·T·(q − p)
    assert torch.allclose(logits.grad[0, 1], expected, atol=1e-6)


def test_extendner_without_a_teacher_trains_every_word_and_skips_padding():
    logits = student(5)
    tags = torch.tensor([[3, 0]])
    padded = torch.cat([logits, torch.full((1, 1, 5), 7.0)], dim=1)  # a padding word with wild scores
    loss = extend_loss(padded, {"tags": torch.cat([tags, torch.tensor([[-100]])], dim=1)}, 1.0, 1.0)
    assert loss.distillation is None and loss.total.item() == pytest.approx(math.log(5))
    loss.total.backward()
    assert torch.allclose(logits.grad[0, 1], torch.tensor([-0.8, 0.2, 0.2, 0.2, 0.2]) / 2)


# add columns: PER head O, B-PER, I-PER | LOC head O, B-LOC, I-LOC
ADD_GROUPS = [Group(range(0, 3), range(0, 1)), Group(range(3, 6), range(1, 2))]


def test_addner_ce_on_the_new_head_over_every_word_kl_per_old_head():
    logits = student(6)
    teacher = torch.tensor([[[math.log(2.0), 0.0, 0.0], [0.0, 0.0, 0.0]]])
    loss = add_loss(logits, {"tags": TAGS, "teacher": teacher}, ADD_GROUPS, gold_columns=[1], temperature=1.0, kd_weight=1.0)
    kl_word0 = 0.5 * math.log(0.5 * 3) + 2 * 0.25 * math.log(0.25 * 3)
    assert loss.new.item() == pytest.approx(math.log(3))  # both words, the LOC head's uniform softmax
    assert loss.distillation.item() == pytest.approx(kl_word0 / 2)  # word 1 agrees with the teacher
    loss.total.backward()
    third = 1 / 3
    assert torch.allclose(logits.grad[0, 0, 3:], torch.tensor([third, third - 1, third]) / 2)  # B-LOC
    assert torch.allclose(logits.grad[0, 0, :3], torch.tensor([third - 0.5, third - 0.25, third - 0.25]) / 2)
    assert torch.allclose(logits.grad[0, 1, :3], torch.zeros(3), atol=1e-7)  # it agrees with the teacher: no pull


def test_addner_ce_leaves_the_old_heads_alone():
    logits = student(6)
    loss = add_loss(logits, {"tags": TAGS}, ADD_GROUPS, gold_columns=[1], temperature=1.0, kd_weight=1.0)
    loss.total.backward()
    assert torch.equal(logits.grad[..., :3], torch.zeros(1, 2, 3))
    assert logits.grad[..., 3:].abs().sum() > 0


def test_the_loss_follows_the_models_layout(make_model):
    from tagger_support import SENTENCES, batch_of

    from gencner.families.tagger import step_loss

    for layout, columns in ((EXTEND, 5), ("add", 6)):
        model = make_model(("PER",), ("LOC",), layout=layout)
        batch = batch_of(model, SENTENCES, ("LOC",))
        logits = model.logits(batch)
        assert logits.shape[-1] == columns
        loss = step_loss(model, logits, batch, model.columns_of(["LOC"]), 1.0, 1.0)
        assert torch.isfinite(loss.total) and loss.distillation is None
