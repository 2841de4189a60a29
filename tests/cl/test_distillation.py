"""The distillation term and the teacher's output space."""

import torch

from gencner.cl.pseudo import merged_example
from gencner.families.pointer.batching import Collator, encode_examples
from gencner.families.pointer.losses import distillation


def batch_for(model, sentences):
    examples = [merged_example(s.restrict(model.types), (), "sorted") for s in sentences]
    items, _ = encode_examples(examples, model.source_encoder(), model.space, model.type_ids)
    return Collator(model.tokenizer.pad_token_id, model.space)(items)


def logits_of(model, batch, student=None):
    """Teacher-forced logits; the decoder inputs always come from the student's targets, as in training
    (the teacher cannot spell a new type's index, but it can read its token)."""
    spelling = (student or model).net
    dec = spelling.decoder_input_ids(batch["targets"], batch["src_ids"], model.start_id)
    return model.net(batch["src_ids"], batch["src_mask"], batch["word_mask"], dec)


def student_and_teacher_logits(model, sentences):
    """A teacher that knows the first type only (ORG), and both models' logits on one batch."""
    teacher = model.frozen_copy(n_types=1)
    model.net.eval()
    batch = batch_for(model, sentences)
    return batch, logits_of(model, batch), logits_of(teacher, batch, model)


def test_kd_is_zero_when_the_student_equals_the_teacher_on_its_support(tiny_model, small_corpus):
    batch, student, old = student_and_teacher_logits(tiny_model, small_corpus["train"][:6])
    assert student.size(-1) == old.size(-1) + 1  # one more type: the support is a prefix
    assert torch.allclose(student[..., : old.size(-1)], old, atol=1e-5)
    mask = batch["targets"] >= 0
    assert distillation(student, old, mask).item() < 1e-6
    assert distillation(student, old, mask, temperature=2.0).item() < 1e-6


def test_kd_is_positive_when_the_student_differs_and_counts_only_masked_steps(tiny_model, small_corpus):
    batch, student, old = student_and_teacher_logits(tiny_model, small_corpus["train"][:6])
    student = student.clone()
    student[:, 0, 1] += 5.0  # change only the first decoder step
    first_only = torch.zeros_like(batch["targets"], dtype=torch.bool)
    first_only[:, 0] = True
    later = (batch["targets"] >= 0) & ~first_only
    assert distillation(student, old, first_only).item() > 1e-3
    assert distillation(student, old, later).item() < 1e-6


def test_kd_ignores_the_students_new_type_logits(tiny_model, small_corpus):
    batch, student, old = student_and_teacher_logits(tiny_model, small_corpus["train"][:4])
    student = student.clone()
    student[..., -1] += 50.0  # the new type's score is outside the teacher's support
    assert distillation(student, old, batch["targets"] >= 0).item() < 1e-6


def test_kd_without_eos_renormalises_both_distributions_over_the_rest(tiny_model, small_corpus):
    batch, student, old = student_and_teacher_logits(tiny_model, small_corpus["train"][:6])
    torch.manual_seed(0)
    student = student + torch.randn_like(student)  # a student that differs from its teacher
    mask = batch["targets"] >= 0
    eos = batch["src_ids"].size(1)  # EOS's column in the batch layout
    assert (batch["targets"][mask] == eos).any()  # the targets do end with it
    kept = [i for i in range(old.size(-1)) if i != eos]
    # written out: KL(p_t ‖ p_s) over the support without EOS, both renormalised
    log_t, log_s = old[..., kept].log_softmax(-1), student[..., kept].log_softmax(-1)
    by_hand = ((log_t.exp() * (log_t - log_s)).sum(-1) * mask).sum() / mask.sum()
    assert abs(distillation(student, old, mask, without=eos).item() - by_hand.item()) < 1e-4
    # the teacher's EOS score no longer matters; with EOS distilled it does
    louder = old.clone()
    louder[..., eos] += 5.0
    assert abs(distillation(student, louder, mask, without=eos).item() - by_hand.item()) < 1e-4
    assert abs(distillation(student, louder, mask).item() - distillation(student, old, mask).item()) > 1e-3
