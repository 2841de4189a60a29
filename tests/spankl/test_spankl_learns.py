"""The pieces fit: a tiny SpanKL trained for a few dozen updates on hand-made sentences finds their
spans, and a second continual step (new type, a teacher's KD on the old one) finds both types."""

from __future__ import annotations

import torch
from spankl_support import SENTENCES, WORDS, tiny_config
from torch.utils.data import DataLoader

from gencner.families.spankl import attach_teacher, build_model, build_optimizer, decode, step_loss, teacher_logits


def _fit(model, examples, gold_types, epochs: int) -> list[float]:
    """Plain loop: shuffled batches of 3, fresh AdamW, clipping; returns the loss per update."""
    loader = DataLoader(examples, batch_size=3, shuffle=True, collate_fn=model.collator(), generator=torch.Generator().manual_seed(0))
    optimizer, columns, losses = build_optimizer(model.net, model.config), model.columns_of(gold_types), []
    model.net.train()
    for _ in range(epochs):
        for batch in loader:
            loss = step_loss(model.logits(batch), batch, columns).total
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.net.parameters(), model.config.max_grad_norm)
            optimizer.step()
            losses.append(loss.item())
    model.net.eval()
    return losses


def _f1(model, types) -> float:
    gold = {(k, s.start, s.end, s.type) for k, sent in enumerate(SENTENCES) for s in sent.spans if s.type in types}
    found = {(k, p.start, p.end, p.type) for k, preds in enumerate(decode(model, SENTENCES)) for p in preds if p.type in types}
    return 2 * len(gold & found) / (len(gold) + len(found))


def test_a_tiny_model_learns_to_find_the_spans_of_its_training_sentences():
    model = build_model(tiny_config(encoder_lr=1e-3, head_lr=1e-2), WORDS, seed=1)
    types = ["PER", "LOC", "ORG"]
    model.grow(types)
    examples, report = model.training_examples(SENTENCES, types)
    assert report.positives == 12
    losses = _fit(model, examples, types, epochs=15)
    assert len(losses) == 30 and losses[-1] < losses[0] / 10
    assert _f1(model, types) >= 0.9


def test_a_second_step_with_distillation_finds_the_old_and_the_new_type():
    model = build_model(tiny_config(encoder_lr=1e-3, head_lr=1e-2), WORDS, seed=2)
    model.grow(["PER"])
    examples, _ = model.training_examples([s.restrict(["PER"]) for s in SENTENCES], ["PER"])
    _fit(model, examples, ["PER"], epochs=15)
    teacher = model.frozen_copy()
    model.grow(["LOC"])
    examples, _ = model.training_examples([s.restrict(["LOC"]) for s in SENTENCES], ["LOC"])
    examples = attach_teacher(examples, teacher_logits(teacher, [e.source for e in examples]))
    _fit(model, examples, ["LOC"], epochs=15)
    assert _f1(model, ["PER"]) >= 0.9 and _f1(model, ["LOC"]) >= 0.9
