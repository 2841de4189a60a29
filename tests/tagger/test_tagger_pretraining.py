"""The tagger's base is the span family's masked-LM pretrained BERT on the same text: trained once into
the run's cache folder, then read back, and the tagger starts from exactly those weights."""

import json

import torch
from tagger_support import SMALL

from gencner.config import load_config
from gencner.data.corpus import load_corpus
from gencner.families.spankl import pretraining
from gencner.families.tagger.family import FAMILY
from gencner.run_identity import pretrained_dir

PRETRAINED = [*SMALL, "method=extendner", "model.denoise_epochs=2", "model.denoise_lr=3e-3", "dataset.synthetic.pretrain_sentences=80"]


def test_the_base_is_pretrained_once_cached_and_read_back(tmp_path, monkeypatch):
    cfg = load_config([*PRETRAINED, f"output_dir={tmp_path}"])
    train, cache = load_corpus(cfg.dataset).train, pretrained_dir(cfg)
    first = FAMILY.base_model(cfg, train, cache)
    log = json.loads((cache / pretraining.LOG_FILE).read_text())
    assert log["sentences"] == 80 and len(log["epochs"]) == 2  # the unlabeled text, as the span family uses
    assert first.tasks == [] and first.config.layout == "extend"

    def no_training(*args, **kwargs):
        raise AssertionError("the cached base should have been read")

    monkeypatch.setattr(pretraining, "mlm_pretrain", no_training)
    again = FAMILY.base_model(load_config([*PRETRAINED, f"output_dir={tmp_path}", "method=addner"]), train, cache)
    assert again.config.layout == "add"
    first_state, again_state = first.net.bert.state_dict(), again.net.bert.state_dict()
    assert all(torch.equal(first_state[k], again_state[k]) for k in first_state)
