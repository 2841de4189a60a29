"""Per-step optimisation (docs/methods.md, "Optimisation") and the settings' checks."""

from __future__ import annotations

import math

import pytest
from spankl_support import tiny_config

from gencner.errors import ConfigError
from gencner.families.spankl import SpanKLModelConfig, build_optimizer, build_scheduler, parameter_groups


def test_parameter_groups_split_encoder_and_heads_and_cover_every_parameter_once(make_model):
    model = make_model(("PER",), ("LOC", "ORG"), encoder_lr=5e-5, head_lr=1e-3)
    groups = {g["name"]: g for g in parameter_groups(model.net, model.config)}
    assert {name: (g["lr"], g["weight_decay"]) for name, g in groups.items()} == {
        "head weights": (1e-3, 0.01),
        "head biases": (1e-3, 0.0),
        "encoder no decay": (5e-5, 0.0),
        "encoder": (5e-5, 0.01),
    }
    ids = [id(p) for g in groups.values() for p in g["params"]]
    assert sorted(ids) == sorted(id(p) for p in model.net.parameters())
    heads = {id(p) for p in model.net.heads.parameters()}
    assert {id(p) for p in groups["head weights"]["params"] + groups["head biases"]["params"]} == heads
    no_decay = {id(p) for p in groups["encoder no decay"]["params"]}
    layer_norm = model.net.bert.embeddings.LayerNorm
    assert {id(layer_norm.weight), id(layer_norm.bias)} <= no_decay
    assert id(model.net.bert.embeddings.word_embeddings.weight) not in no_decay


def test_scheduler_warms_up_then_follows_the_cosine(make_model):
    model = make_model(("PER",))
    optimizer = build_optimizer(model.net, model.config)
    scheduler = build_scheduler(optimizer, total_steps=20, warmup_steps=4)
    factors = []
    for _ in range(20):
        factors.append(optimizer.param_groups[0]["lr"] / model.config.head_lr)
        optimizer.step()
        scheduler.step()
    assert factors[:5] == pytest.approx([0.0, 0.25, 0.5, 0.75, 1.0])
    assert factors[12] == pytest.approx(0.5 * (1 + math.cos(math.pi * 8 / 16)))


def test_config_round_trips_and_rejects_unknown_keys_and_bad_values():
    config = tiny_config()
    assert SpanKLModelConfig.from_dict(config.to_dict()) == config
    from gencner.config import load_config
    from gencner.families.spankl.family import model_config

    default = model_config(load_config(["method=spankl"]))  # the schema's defaults, as a run gets them
    assert (default.max_span_width, default.threshold, default.head_size, default.head_lr) == (64, 0.5, 50, 1e-3)
    with pytest.raises(ConfigError, match="unknown key"):
        SpanKLModelConfig.from_dict({"max_width": 3})
    for bad in ({"max_span_width": 0}, {"threshold": 1.0}, {"hidden_size": 30, "heads": 4}):
        with pytest.raises(ConfigError):
            tiny_config(**bad)
