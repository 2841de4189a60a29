"""Growth keeps a model's old outputs bit for bit; save → load gives the same model and a damaged
folder is named; a step's tags hold only its label types' gold."""

from __future__ import annotations

import json

import pytest
import torch
from tagger_support import SENTENCES, logits_on, sentence

from gencner.errors import ConfigError, GencnerError
from gencner.families.tagger import load_model, save_model


@pytest.mark.parametrize("layout, added", [("extend", 4), ("add", 5)])
def test_growing_a_head_keeps_the_old_outputs_bit_for_bit(make_model, layout, added):
    model = make_model(("PER",), layout=layout)
    before, teacher = logits_on(model), model.frozen_copy(1)
    model.grow(("LOC", "ORG"))
    after, taught = logits_on(model), logits_on(teacher)
    assert before.shape[-1] == 3 and after.shape[-1] == 3 + added
    assert torch.equal(after[..., :3], before) and torch.equal(taught, before)
    assert [len(g.columns) for g in model.groups] == ([3 + added] if layout == "extend" else [3, 5])


@pytest.mark.parametrize("layout", ["extend", "add"])
def test_save_load_round_trip_gives_identical_logits(make_model, tmp_path, layout):
    model = make_model(("PER", "LOC"), ("ORG",), layout=layout, viterbi=False)
    loaded = load_model(save_model(model, tmp_path / "model"))
    assert (loaded.tasks, loaded.config) == ([("PER", "LOC"), ("ORG",)], model.config)
    assert torch.equal(logits_on(loaded), logits_on(model))  # the same pieces (tokenizer) and weights
    assert loaded.predict(SENTENCES, 4, True)[0] == model.predict(SENTENCES, 4, True)[0]


def test_a_damaged_folder_is_named(make_model, tmp_path):
    folder = save_model(make_model(("PER",)), tmp_path / "model")
    meta = json.loads((folder / "tagger.json").read_text())
    heads = folder / "heads.safetensors"
    original = heads.read_bytes()
    heads.write_bytes(original[:-8] + b"\0" * 8)
    with pytest.raises(GencnerError, match="heads.safetensors: its SHA-256 differs"):
        load_model(folder)
    heads.write_bytes(original)
    (folder / "tagger.json").write_text(json.dumps(meta | {"config": meta["config"] | {"layout": "crf"}}))
    with pytest.raises(ConfigError, match="`layout` must be one of extend, add"):
        load_model(folder)
    (folder / "tagger.json").unlink()
    with pytest.raises(GencnerError, match="not a complete saved tagger model"):
        load_model(folder)


def test_a_steps_tags_hold_its_label_types_only(make_model):
    model = make_model(("PER",), ("LOC",))
    examples, report = model.training_examples(SENTENCES[:2], ["LOC"])
    assert [e.tags for e in examples] == [(0, 0, 0, 0, 3, 0, 0, 0), (0, 0, 0, 0, 3, 0)]
    assert report.positives == 2 and report.other_types == 2  # the PER gold is another task's: O
    (example,), _ = model.training_examples([sentence("New York City Hall", (0, 3, "LOC"))], ["LOC"])
    assert example.tags == (3, 4, 4, 0)
    with pytest.raises(GencnerError, match="'ORG' is not learned"):
        model.training_examples([SENTENCES[2]], ["LOC"])
    with pytest.raises(GencnerError, match="gold entities overlap"):
        model.training_examples([sentence("New York City", (0, 2, "LOC"), (1, 3, "PER"))], ["LOC", "PER"])
