"""Flat-data overlap removal keeps the decoder's own order (pseudo-labels keep the teacher's order)."""

import torch

from gencner.data.schema import Span
from gencner.families.pointer.encoding import Parsed, Triplet
from gencner.families.pointer.inference import DecodeReport, finish_parse
from gencner.families.pointer.network import NEG, PointerNetwork


def triplet(start, end, kind, conf):
    return Triplet(Span(start, end, kind), (conf, 1.0, 1.0))


def test_overlap_removal_keeps_the_decoding_order():
    parsed = Parsed([triplet(5, 6, "PERSON", 0.9), triplet(0, 2, "ORG", 0.8), triplet(1, 3, "GPE", 0.5)])
    report = DecodeReport()
    kept = finish_parse(parsed, flat=True, report=report)
    assert [t.span.type for t in kept] == ["PERSON", "ORG"]
    assert report.overlaps_dropped == 1


def test_of_exact_repeats_the_most_confident_stays():
    parsed = Parsed([triplet(0, 2, "ORG", 0.4), triplet(0, 2, "ORG", 0.9)])
    kept = finish_parse(parsed, flat=True, report=DecodeReport())
    assert len(kept) == 1 and kept[0].confidence == 0.9


def test_scores_stay_float32_under_bf16_autocast(tmp_path):
    from transformers import BartConfig, BartModel

    config = BartConfig(
        vocab_size=50,
        d_model=16,
        encoder_layers=1,
        decoder_layers=1,
        encoder_attention_heads=2,
        decoder_attention_heads=2,
        encoder_ffn_dim=32,
        decoder_ffn_dim=32,
    )
    net = PointerNetwork(BartModel(config), [40, 41], 30, 2, dropout=0.1)
    src = torch.tensor([[0, 5, 6, 7, 2]])
    words = torch.tensor([[False, True, True, True, False]])
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = net(src, torch.ones_like(src), words, torch.tensor([[2, 5]]))
    assert logits.dtype == torch.float32
    assert (logits[..., 0] == NEG).all()  # <s> is never a pointer target
