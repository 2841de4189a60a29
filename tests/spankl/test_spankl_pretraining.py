"""Masked-LM pretraining of the tiny BERT: its loss falls and is logged, the result is cached by
content (text, base settings, seed) and read back instead of retrained."""

from __future__ import annotations

import json
import math

import pytest
import torch
from spankl_support import SENTENCES, tiny_config

from gencner.families.spankl import pretraining
from gencner.families.spankl.pretraining import IGNORE, mask_pieces, pretrained_base

TEXT = [s.tokens for s in SENTENCES] * 8


def test_masking_follows_bert_and_never_touches_special_pieces():
    ids = torch.randint(5, 100, (64, 50))
    special = torch.zeros_like(ids, dtype=torch.bool)
    special[:, 0] = special[:, -1] = True
    inputs, labels = mask_pieces(ids, special, mask_id=4, vocab_size=100, generator=torch.Generator().manual_seed(0))
    chosen = labels != IGNORE
    assert not chosen[special].any() and torch.equal(labels[chosen], ids[chosen])
    assert 0.12 < chosen.float().mean() < 0.18
    assert 0.7 < (inputs[chosen] == 4).float().mean() < 0.9
    assert torch.equal(inputs[~chosen], ids[~chosen])


def test_pretraining_lowers_the_loss_logs_it_and_is_cached_in_its_folder(tmp_path, monkeypatch):
    config = tiny_config(mlm_epochs=6, mlm_lr=3e-3)
    folder = tmp_path / "base"
    first = pretrained_base(config, lambda: TEXT, folder, seed=3)
    log = json.loads((folder / pretraining.LOG_FILE).read_text())["epochs"]
    assert len(log) == 6 and all(math.isfinite(e["loss"]) for e in log)
    assert log[-1]["loss"] < log[0]["loss"]

    def no_training(*args, **kwargs):
        raise AssertionError("the cached base should have been read")

    monkeypatch.setattr(pretraining, "mlm_pretrain", no_training)
    later = tiny_config(mlm_epochs=6, mlm_lr=3e-3, head_lr=5e-3, max_span_width=2)  # not base fields

    def no_text():
        raise AssertionError("a cached base needs no text")

    again = pretrained_base(later, no_text, folder, seed=3)
    assert again.config == later and again.tasks == []
    first_state, again_state = first.net.bert.state_dict(), again.net.bert.state_dict()
    assert all(torch.equal(first_state[k], again_state[k]) for k in first_state)
    with pytest.raises(AssertionError, match="cached base"):
        pretrained_base(config, lambda: TEXT, tmp_path / "other", seed=3)  # another folder: another base
