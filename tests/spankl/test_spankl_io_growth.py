"""Save → load gives the same model (logits, tokenizer, tasks, settings); a damaged folder is named;
growing for a new task leaves the old heads' outputs unchanged; a saved model serves as a checkpoint."""

from __future__ import annotations

import builtins
import errno
import json
import os
from pathlib import Path

import pytest
import torch
from spankl_support import SENTENCES, batch_of

from gencner.errors import GencnerError
from gencner.families.spankl import build_model, load_model, save_model


def test_save_load_round_trip_gives_identical_logits(make_model, tmp_path):
    model = make_model(("PER", "LOC"), ("ORG",), max_span_width=3)
    batch = batch_of(model, SENTENCES)
    with torch.no_grad():
        before = model.logits(batch)
    loaded = load_model(save_model(model, tmp_path / "model"))
    assert loaded.tasks == [("PER", "LOC"), ("ORG",)] and loaded.config == model.config
    assert loaded.tokenizer("Acme Corp hired")["input_ids"] == model.tokenizer("Acme Corp hired")["input_ids"]
    with torch.no_grad():
        assert torch.equal(loaded.logits(batch_of(loaded, SENTENCES)), before)


def test_an_altered_weight_file_is_named(make_model, tmp_path):
    folder = save_model(make_model(("PER",)), tmp_path / "model")
    heads = folder / "heads.safetensors"
    heads.write_bytes(heads.read_bytes()[:-8] + b"\0" * 8)
    with pytest.raises(GencnerError, match="heads.safetensors: its SHA-256 differs"):
        load_model(folder)
    (folder / "spankl.json").write_text(json.dumps({"tasks": []}))
    with pytest.raises(GencnerError, match="`config` must be"):
        load_model(folder)


@pytest.mark.parametrize("name", ["model.safetensors", "heads.safetensors"])
def test_an_unreadable_weights_file_is_named_as_unreadable_not_as_damaged(make_model, tmp_path, monkeypatch, name):
    folder = save_model(make_model(("PER",)), tmp_path / "model")
    real = builtins.open

    def guarded(file, *args, **kwargs):  # no read permission, faked: root reads every file
        if Path(file) == folder / name:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
        return real(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    with pytest.raises(GencnerError) as caught:
        load_model(folder)
    assert str(caught.value) == f"cannot read {folder / name}: Permission denied"


def test_growth_keeps_the_old_heads_outputs_unchanged(make_model):
    model = make_model(("PER",))
    with torch.no_grad():
        before = model.logits(batch_of(model, SENTENCES))
        model.grow(("LOC", "ORG"))
        after = model.logits(batch_of(model, SENTENCES))
    assert after.shape[-1] == 3
    assert torch.equal(after[..., :1], before)


def test_a_saved_model_is_a_pretrained_checkpoint_for_a_new_one(make_model, tmp_path):
    saved = make_model(("PER",))
    folder = save_model(saved, tmp_path / "base")
    fresh = build_model(saved.config.__class__(**(saved.config.to_dict() | {"pretrained": str(folder)})))
    assert fresh.tasks == [] and len(fresh.tokenizer) == len(saved.tokenizer)
    fresh_state, saved_state = fresh.net.bert.state_dict(), saved.net.bert.state_dict()
    assert fresh_state.keys() == saved_state.keys()
    assert all(torch.equal(fresh_state[k], saved_state[k]) for k in saved_state)
