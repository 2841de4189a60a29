"""The teacher's logits are computed once, before training, as detached tensors: a few optimisation
steps of the student change neither them nor the teacher, and the teacher stays in eval mode."""

from __future__ import annotations

import pytest
import torch
from spankl_support import SENTENCES

from gencner.families.spankl import attach_teacher, build_optimizer, step_loss, teacher_logits
from gencner.families.spankl.spans import band_width


def test_teacher_logits_stay_fixed_while_the_student_trains(make_model):
    student = make_model(("PER",), head_lr=1e-2, encoder_lr=1e-2)
    teacher = student.frozen_copy()
    student.grow(("LOC",))
    examples, _ = student.training_examples([s.restrict(["LOC"]) for s in SENTENCES], ["LOC"])
    stored = teacher_logits(teacher, [e.source for e in examples], batch_size=4)
    snapshot = [t.clone() for t in stored]
    for tensor, example in zip(stored, examples):
        n = example.source.kept_words
        assert tensor.shape == (n, band_width(n, student.config.max_span_width), 1)
        assert not tensor.requires_grad and tensor.device.type == "cpu"
    examples = attach_teacher(examples, stored)
    teacher_weights = [p.clone() for p in teacher.net.parameters()]
    student_before = [p.clone() for p in student.net.parameters()]
    optimizer, collate = build_optimizer(student.net, student.config), student.collator()
    student.net.train()
    for _ in range(3):
        batch = collate(examples)
        loss = step_loss(student.logits(batch), batch, student.columns_of(["LOC"]))
        assert loss.distillation is not None and loss.distillation.item() >= 0
        optimizer.zero_grad()
        loss.total.backward()
        optimizer.step()
    assert not teacher.net.training
    assert all(torch.equal(a, b) for a, b in zip(stored, snapshot))
    assert all(torch.equal(a, b) for a, b in zip(teacher.net.parameters(), teacher_weights))
    assert not all(torch.equal(a, b) for a, b in zip(student.net.parameters(), student_before))
    again = teacher_logits(teacher, [e.source for e in examples], batch_size=2)
    assert all(torch.allclose(a, b, atol=1e-5) for a, b in zip(again, snapshot))  # other batches, same logits


def test_a_teacher_pass_in_train_mode_is_refused(make_model):
    model = make_model(("PER",))
    model.net.train()
    with pytest.raises(ValueError, match="eval mode"):
        teacher_logits(model, model.encode(SENTENCES[:1]))


def test_frozen_copy_has_no_gradients_and_is_independent_of_the_student(make_model):
    student = make_model(("PER",))
    teacher = student.frozen_copy()
    assert not any(p.requires_grad for p in teacher.net.parameters())
    assert all(p.requires_grad for p in student.net.parameters())
    student.grow(("LOC",))
    assert teacher.types == ["PER"] and student.types == ["PER", "LOC"]
