"""What a pseudo triplet below its type's threshold becomes (method.below_threshold): drop, distill, keep,
teacher-pass."""

from types import SimpleNamespace

import pytest
import torch

from gencner.cl import callbacks
from gencner.cl.pseudo import PseudoStats, confidence_thresholds, merged_example, select_pseudo
from gencner.config import load_config
from gencner.config.schema import MethodConfig, TrainerConfig
from gencner.data.schema import Sentence, Span
from gencner.families.pointer.batching import IGNORE, Collator, encode_examples
from gencner.families.pointer.encoding import Triplet
from gencner.families.pointer.inference import DecodeReport
from gencner.families.pointer.losses import cross_entropy, distillation
from gencner.families.pointer.module import StepModule

SENTENCE = Sentence(tuple("w0 w1 w2 w3 w4 w5 w6 w7 w8 w9".split()), (Span(4, 5, "PERSON"),))
THRESHOLDS = {"ORG": 0.5}


def triplet(start, end, conf, kind="ORG"):
    return Triplet(Span(start, end, kind), (1.0, conf, 1.0))


# teacher order: above, below, below but overlapping the new gold (4, 5), above, below
CANDIDATES = [triplet(0, 1, 0.9), triplet(2, 3, 0.2), triplet(4, 5, 0.1), triplet(6, 8, 0.7), triplet(8, 9, 0.4)]


def select(below):
    stats = PseudoStats()
    return select_pseudo(CANDIDATES, SENTENCE.spans, THRESHOLDS, stats, below), stats


def test_drop_keeps_exactly_the_triplets_at_or_above_the_threshold_that_miss_gold():
    selected, stats = select("drop")
    # the rule as the paper states it, written out independently
    expected = [t for t in CANDIDATES if t.confidence >= THRESHOLDS["ORG"] and not any(t.span.overlaps(g) for g in SENTENCE.spans)]
    assert [p.triplet for p in selected] == expected and all(p.hard for p in selected)
    assert stats.to_dict()["ORG"] == {"raw": 5, "below_threshold": 3, "kept": 2, "distilled": 0, "dropped": 2, "conflicts": 1}


def test_distill_keeps_below_threshold_triplets_as_soft_targets_in_teacher_order():
    selected, stats = select("distill")
    assert [(p.span.start, p.hard) for p in selected] == [(0, True), (2, False), (6, True), (8, False)]
    assert stats.to_dict()["ORG"] == {"raw": 5, "below_threshold": 3, "kept": 2, "distilled": 2, "dropped": 0, "conflicts": 1}


def test_keep_gives_the_target_of_quantile_zero():
    selected, stats = select("keep")
    q0 = confidence_thresholds([CANDIDATES], 0.0)
    as_q0 = select_pseudo(CANDIDATES, SENTENCE.spans, q0, PseudoStats(), "drop")
    assert merged_example(SENTENCE, selected, "pseudo-first") == merged_example(SENTENCE, as_q0, "pseudo-first")
    assert stats.to_dict()["ORG"] == {"raw": 5, "below_threshold": 3, "kept": 4, "distilled": 0, "dropped": 0, "conflicts": 1}


def test_gold_wins_over_below_threshold_triplets_in_every_mode():
    for below in ("drop", "distill", "keep", "teacher-pass"):
        selected, _ = select(below)
        assert all(not p.span.overlaps(Span(4, 5, "PERSON")) for p in selected)


def test_soft_triplets_are_in_the_decoder_input_carry_no_ce_and_are_distilled(tiny_model):
    selected, _ = select("distill")
    example = merged_example(SENTENCE, selected, "pseudo-first")
    assert example.pseudo == (True, True, True, True, False) and example.hard == (True, False, True, False, True)
    items, _ = encode_examples([example], tiny_model.source_encoder(), tiny_model.space, tiny_model.type_ids)
    batch = Collator(tiny_model.tokenizer.pad_token_id, tiny_model.space)([items[0]])
    soft = [3, 4, 5, 9, 10, 11]  # decoder steps of the 2nd and 4th triplets
    hard = [0, 1, 2, 6, 7, 8, 12, 13, 14, 15]  # 1st and 3rd pseudo, the gold triplet, EOS
    assert batch["ce_mask"][0, soft].tolist() == [False] * 6 and batch["ce_mask"][0, hard].tolist() == [True] * 10
    assert batch["kd_mask"][0, soft].all() and batch["kd_mask"][0, :12].all() and not batch["kd_mask"][0, 12:].any()
    # the soft triplet's pointed tokens are what the decoder reads at the step after each index
    dec = tiny_model.net.decoder_input_ids(batch["targets"], batch["src_ids"], tiny_model.start_id)
    source = items[0].source
    assert dec[0, 4].item() == batch["src_ids"][0, source.word_starts[2]].item()  # reads the soft start w2
    logits = tiny_model.net(batch["src_ids"], batch["src_mask"], batch["word_mask"], dec).detach().requires_grad_(True)
    cross_entropy(logits, batch["targets"], batch["ce_mask"]).backward()
    grad = logits.grad[0].abs().sum(dim=-1)
    assert grad[soft].max().item() == 0.0  # the CE's gradient at the soft triplets' steps is zero
    assert (grad[hard] > 0).all()
    full = logits.detach().clone().requires_grad_(True)
    cross_entropy(full, batch["targets"]).backward()  # without the mask every step would get one
    assert (full.grad[0].abs().sum(dim=-1)[soft] > 0).all()


def test_teacher_pass_trains_the_ce_on_the_target_of_drop_and_replays_every_selected_triplet():
    selected, stats = select("teacher-pass")
    dropped, _ = select("drop")
    example = merged_example(SENTENCE, selected, "pseudo-first", teacher_pass=True)
    assert (example.targets, example.pseudo, example.hard) == (
        (m := merged_example(SENTENCE, dropped, "pseudo-first")).targets,
        m.pseudo,
        m.hard,
    )
    # the teacher's order, the conflict with the new gold (4, 5) left out
    assert [(s.start, s.end) for s in example.teacher] == [(0, 1), (2, 3), (6, 8), (8, 9)]
    assert stats.to_dict()["ORG"] == {"raw": 5, "below_threshold": 3, "kept": 2, "distilled": 2, "dropped": 0, "conflicts": 1}
    assert merged_example(SENTENCE, dropped, "pseudo-first").teacher == ()  # the other modes have no second pass


def teacher_pass_batch(model, selected):
    example = merged_example(SENTENCE, selected, "pseudo-first", teacher_pass=True)
    items, _ = encode_examples([example], model.source_encoder(), model.space, model.type_ids)
    return Collator(model.tokenizer.pad_token_id, model.space)([items[0]]), items[0]


def test_the_teacher_pass_distils_the_teachers_sequence_in_a_second_pass(tiny_model):
    teacher = tiny_model.frozen_copy(n_types=1)  # knows ORG
    torch.manual_seed(0)
    with torch.no_grad():  # a student that has moved away from its teacher
        for param in tiny_model.net.parameters():
            param.add_(0.05 * torch.randn_like(param))
    module = StepModule(tiny_model, TrainerConfig(), MethodConfig(below_threshold="teacher-pass"), [("ORG", ("ORG",))], teacher=teacher)
    module.eval()  # no dropout: the two computations below must agree
    batch, item = teacher_pass_batch(tiny_model, select("teacher-pass")[0])
    replay = batch["teacher_targets"]
    starts, org = item.source.word_starts, tiny_model.space.type_index(tiny_model.type_ids["ORG"])
    expected = [i for a, b in ((0, 1), (2, 3), (6, 8), (8, 9)) for i in (starts[a], starts[b - 1], org)]
    assert item.teacher_target == tuple(expected)  # the four triplets in teacher order, no EOS
    assert replay[0].tolist() == [tiny_model.space.to_batch(i, batch["src_ids"].size(1)) for i in expected]
    assert len(item.target) == 3 * 3 + 1  # the CE target: two kept triplets, the gold, EOS
    out = module.losses(batch)
    dec = tiny_model.net.decoder_input_ids(replay, batch["src_ids"], tiny_model.start_id)
    inputs = (batch["src_ids"], batch["src_mask"], batch["word_mask"], dec)
    by_hand = distillation(tiny_model.net(*inputs), teacher.net(*inputs), replay != IGNORE)
    assert out["kd"].item() == pytest.approx(by_hand.item()) and out["kd"].item() > 0
    assert out["loss"].item() == pytest.approx(out["ce"].item() + out["kd"].item())
    empty, _ = teacher_pass_batch(tiny_model, [])
    assert "teacher_targets" not in empty and module.losses(empty)["kd"].item() == 0.0


@pytest.mark.parametrize("below", ["drop", "distill", "keep", "teacher-pass"])
def test_the_callback_logs_thresholds_and_counts_every_group(monkeypatch, tiny_model, below):
    sentences = [SENTENCE.restrict(["PERSON"])]
    teacher = tiny_model.frozen_copy(n_types=1)  # knows ORG
    monkeypatch.setattr(teacher, "predict", lambda *args: ([CANDIDATES], DecodeReport()))
    gold_org = Sentence(SENTENCE.tokens, (Span(0, 1, "ORG"), Span(2, 3, "ORG"), Span(4, 5, "PERSON")))
    ctx = SimpleNamespace(
        teacher=teacher,
        step=SimpleNamespace(step=2, train=[s for s in sentences]),
        corpus=SimpleNamespace(train={sentences[0].idx: gold_org}),
        cfg=load_config(),
    )
    examples, record = callbacks.PseudoLabelledData(MethodConfig(below_threshold=below)).targets(ctx)
    assert record["thresholds"] == {"ORG": pytest.approx(0.4)}  # the median of 0.9, 0.2, 0.1, 0.7, 0.4, in every mode
    counts = record["pseudo"]["counts"]["ORG"]
    assert counts["kept"] + counts["distilled"] + counts["dropped"] + counts["conflicts"] == counts["raw"] == 5
    groups = record["pseudo"]["quality_groups"]
    # of the teacher's five, (0, 1) and (2, 3) are true ORG: one above τ (0.9), one below (0.2)
    assert groups["above"]["ORG"]["tp"] == 1 and groups["below"]["ORG"]["tp"] == 1
    assert groups["above"]["ORG"]["pred"] + groups["below"]["ORG"]["pred"] == 5
    assert record["pseudo"]["below_threshold"] == below
    n_pseudo = sum(examples[0].pseudo)
    # τ = 0.4: 0.9, 0.7 and 0.4 pass, 0.2 falls below, 0.1 overlaps the new gold (dropped in every mode)
    assert n_pseudo == {"drop": 3, "distill": 4, "keep": 4, "teacher-pass": 3}[below]
    assert sum(examples[0].hard) - 1 == {"drop": 3, "distill": 3, "keep": 4, "teacher-pass": 3}[below]  # minus the PERSON gold
    assert record["pseudo"]["quality_kept"]["ORG"]["pred"] == {"drop": 3, "distill": 3, "keep": 4, "teacher-pass": 3}[below]
    assert groups["distilled"]["ORG"]["pred"] == (1 if below in ("distill", "teacher-pass") else 0)
    assert len(examples[0].teacher) == (4 if below == "teacher-pass" else 0)


@pytest.mark.parametrize("below", ["distill", "teacher-pass"])
def test_kd_eos_false_leaves_eos_out_of_the_step_distillation(tiny_model, below):
    teacher = tiny_model.frozen_copy(n_types=1)
    torch.manual_seed(0)
    with torch.no_grad():
        for param in tiny_model.net.parameters():
            param.add_(0.05 * torch.randn_like(param))
    example = merged_example(SENTENCE, select(below)[0], "pseudo-first", teacher_pass=below == "teacher-pass")
    items, _ = encode_examples([example], tiny_model.source_encoder(), tiny_model.space, tiny_model.type_ids)
    batch = Collator(tiny_model.tokenizer.pad_token_id, tiny_model.space)(items)
    kd = {}
    for with_eos in (True, False):
        method = MethodConfig(below_threshold=below, kd_eos=with_eos)
        module = StepModule(tiny_model, TrainerConfig(), method, [("ORG", ("ORG",))], teacher=teacher).eval()
        kd[with_eos] = module.losses(batch)["kd"].item()
    targets = batch["teacher_targets"] if below == "teacher-pass" else batch["targets"]
    mask = targets != IGNORE if below == "teacher-pass" else batch["kd_mask"]
    dec = tiny_model.net.decoder_input_ids(targets, batch["src_ids"], tiny_model.start_id)
    inputs = (batch["src_ids"], batch["src_mask"], batch["word_mask"], dec)
    eos = batch["src_ids"].size(1)
    assert kd[False] == pytest.approx(distillation(tiny_model.net(*inputs), teacher.net(*inputs), mask, without=eos).item())
    assert kd[True] == pytest.approx(distillation(tiny_model.net(*inputs), teacher.net(*inputs), mask).item())
    assert kd[True] != pytest.approx(kd[False])
