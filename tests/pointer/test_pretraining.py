"""Denoising pretraining: its cache key, the device it runs on, its log, and its text."""

from __future__ import annotations

import json
import math

import pytest
import torch
from tests.conftest import TINY_MODEL

from gencner.config import load_config
from gencner.data.corpus import load_corpus
from gencner.data.pretraining_text import pretraining_text
from gencner.data.schema import Sentence
from gencner.errors import GencnerError
from gencner.families.pointer import pretraining
from gencner.families.pointer.model import build_model
from gencner.families.pointer.pretraining import LOG_FILE, base_model, denoise
from gencner.run_identity import pretrained_dir

TINY = [*TINY_MODEL, "model.vocab_size=400"]

# The key of the default configuration (make experiment): runs/_pretrained/<this> is the cached base the
# benchmark reuses; and that of the first benchmark, the default before pretrain_sentences and
# ambiguous_fraction existed, which its preset must keep (the bases cached before are its).
TODAYS_DEFAULT_KEY = "synthetic-tiny-s1-a1761ca78a"
FIRST_BENCHMARK_KEY = "synthetic-tiny-s1-28e40a2288"
# pretrained on its 40 training sentences (the default's unlabeled corpus takes minutes)
SMALL_CORPUS = [
    "dataset.synthetic.train=40",
    "dataset.synthetic.dev=12",
    "dataset.synthetic.test=12",
    "dataset.synthetic.pretrain_sentences=0",
    "trainer.accelerator=cpu",
]
SENTENCES = [Sentence(tuple("John Smith flew to Paris on Monday .".split())), Sentence(tuple("Shares of Apex Bank rose .".split()))]

WORDS = [w for s in SENTENCES for w in s.tokens]

# Every input of the pretrained base, each set away from its default.
KEY_INPUTS = [
    "dataset.synthetic.pretrain_sentences=5000",
    "dataset.synthetic.ambiguous_fraction=0.1",
    "dataset.synthetic.seed=14",
    "dataset.synthetic.train=2000",
    "dataset.synthetic.dev=900",
    "dataset.synthetic.test=900",
    "dataset.synthetic.empty_fraction=0.2",
    "dataset=synthetic-noisy",
    "model.d_model=64",
    "model.encoder_layers=3",
    "model.decoder_layers=3",
    "model.attention_heads=8",
    "model.ffn_dim=512",
    "model.vocab_size=1000",
    "model.max_positions=512",
    "model.dropout=0.2",
    "model.tokenizer=/some/bpe",
    "model.denoise_epochs=5",
    "model.denoise_lr=5e-4",
    "seed=2",
]


def load(*overrides: str):
    return load_config(list(overrides))


def tiny_config(*overrides: str):
    return load_config([*TINY, *overrides])


def test_default_configuration_keeps_todays_cache_key():
    assert pretrained_dir(load()).name == TODAYS_DEFAULT_KEY
    assert (
        pretrained_dir(load("dataset.synthetic.pretrain_sentences=18000", "dataset.synthetic.ambiguous_fraction=0.0")).name
        == TODAYS_DEFAULT_KEY
    )
    assert pretrained_dir(load("experiment=first-benchmark")).name == FIRST_BENCHMARK_KEY
    assert (
        pretrained_dir(
            load("experiment=first-benchmark", "dataset.synthetic.pretrain_sentences=0", "dataset.synthetic.ambiguous_fraction=0.0")
        ).name
        == FIRST_BENCHMARK_KEY
    )


@pytest.mark.parametrize("override", KEY_INPUTS)
def test_cache_key_changes_with_each_input(override):
    assert pretrained_dir(load(override)).name != TODAYS_DEFAULT_KEY


@pytest.mark.parametrize(
    "override",
    [
        "method=finetune",
        "setting=filter-filter",
        "permutation=3",
        "trainer.lr=1e-4",
        "trainer.accelerator=cpu",
        "logger=none",
        "dataset.split_seed=5",
    ],
)
def test_cache_key_is_shared_by_methods_settings_orders_and_hardware(override):
    assert pretrained_dir(load(override)).name == TODAYS_DEFAULT_KEY


def _where_bart_runs(model) -> list[torch.device]:
    seen: list[torch.device] = []
    model.net.backbone.register_forward_pre_hook(
        lambda module, args, kwargs: seen.append(kwargs["input_ids"].device) or seen.append(next(module.parameters()).device),
        with_kwargs=True,
    )
    return seen


def test_denoising_runs_its_inputs_and_weights_on_the_given_device():
    model = build_model(tiny_config().model, WORDS, {}, seed=1)
    seen = _where_bart_runs(model)
    # a meta tensor holds no data, so the run stops at the first loss read: by then it has run there
    with pytest.raises(RuntimeError, match="meta"):
        denoise(model, SENTENCES, 1, 1e-3, seed=1, device=torch.device("meta"))
    assert seen and all(device.type == "meta" for device in seen)


def test_base_model_takes_the_device_from_the_trainer_configuration(tmp_path, monkeypatch):
    cfg = tiny_config(*SMALL_CORPUS, "model.denoise_epochs=2")
    asked = []
    monkeypatch.setattr(pretraining, "run_device", lambda trainer: asked.append(trainer) or "cpu")
    model = base_model(cfg, load_corpus(cfg.dataset).train, tmp_path / "base")
    assert asked == [cfg.trainer]
    assert model.net.embed_tokens.weight.device.type == "cpu"
    log = json.loads((tmp_path / "base" / LOG_FILE).read_text())
    assert log["device"] == "cpu" and log["corpus"] == "train" and log["sentences"] == 40
    assert [e["epoch"] for e in log["epochs"]] == [1, 2]
    assert all(math.isfinite(e["loss"]) and e["seconds"] >= 0 for e in log["epochs"])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_denoising_runs_on_the_gpu_when_the_trainer_does():
    model = build_model(tiny_config().model, WORDS, {}, seed=1)
    seen = _where_bart_runs(model)
    denoise(model, SENTENCES, 1, 1e-3, seed=1, device=pretraining.run_device(tiny_config("trainer.accelerator=gpu").trainer))
    assert seen and all(device.type == "cuda" for device in seen)
    assert model.net.embed_tokens.weight.device.type == "cpu"  # handed back where it came from


def test_unlabeled_pretraining_is_logged_with_its_removed_duplicates(tmp_path):
    cfg = tiny_config(*SMALL_CORPUS, "model.denoise_epochs=1", "dataset.synthetic.pretrain_sentences=200")
    base_model(cfg, load_corpus(cfg.dataset).train, tmp_path / "base")
    log = json.loads((tmp_path / "base" / LOG_FILE).read_text())
    assert log["corpus"] == "unlabeled" and log["sentences"] == 200
    assert log["labelled_duplicates_removed"] == pretraining_text(cfg.dataset, []).labelled_duplicates_removed > 0


def test_a_cached_base_is_loaded_not_retrained(tmp_path, monkeypatch):
    cfg = tiny_config(*SMALL_CORPUS, "model.denoise_epochs=1")
    train = load_corpus(cfg.dataset).train
    first = base_model(cfg, train, tmp_path / "base")
    monkeypatch.setattr(pretraining, "denoise", lambda *a, **k: pytest.fail("the cache was not used"))
    again = base_model(cfg, train, tmp_path / "base")
    assert torch.equal(first.net.embed_tokens.weight, again.net.embed_tokens.weight)


def test_an_empty_corpus_is_a_clean_error(tmp_path):
    model = build_model(tiny_config().model, WORDS, {}, seed=1)
    with pytest.raises(GencnerError, match="denoising pretraining has no sentence to train on"):
        denoise(model, [], 1, 1e-3, seed=1)
    with pytest.raises(GencnerError, match="no sentence to train on"):
        base_model(tiny_config("model.denoise_epochs=1", "dataset.synthetic.pretrain_sentences=0"), [], tmp_path / "base")
    assert not (tmp_path / "base").exists()
