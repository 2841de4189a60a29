"""Values of the right type but outside what a run can use are refused when the configuration is loaded,
by `stream` as by `train`, with one line naming the key, the value and the valid range (exit code 2),
before anything is read or written: a negative seed or learning rate and a dropout above 1 used to be
tracebacks deep inside Lightning or torch; a warm-up ratio of 2, a token budget of 0 and a source length
of 0 used to train silently (the last one cutting every sentence), and so did a negative distillation
weight or a nan in any number. A run name is one folder under output_dir, never a path out of it."""

from __future__ import annotations

import pytest
from reliability_support import TINY, assert_one_line_error

from gencner.cli import main

CASES = [
    ("seed=-1", ["seed=-1 must lie in [0, 4294966]", "fit in 32 bits"]),
    ("seed=4294967", ["seed=4294967 must lie in [0, 4294966]"]),
    ("trainer.lr=-1", ["trainer.lr=-1.0 must be > 0"]),
    ("trainer.lr=0", ["trainer.lr=0.0 must be > 0"]),
    ("trainer.weight_decay=-0.1", ["trainer.weight_decay=-0.1 must be ≥ 0"]),
    ("model.dropout=1.5", ["model.dropout=1.5 must lie in [0, 1)"]),
    ("trainer.warmup_ratio=2", ["trainer.warmup_ratio=2.0 must lie in [0, 1]"]),
    ("trainer.gradient_clip=-1", ["trainer.gradient_clip=-1.0 must be ≥ 0"]),
    ("trainer.token_budget=0", ["trainer.token_budget=0 must be ≥ 1", "or null"]),
    ("model.max_source_tokens=0", ["model.max_source_tokens=0 must be ≥ 3"]),
    ("model.max_source_tokens=300", ["model.max_source_tokens=300 must be ≤ model.max_positions=256"]),
    ("name=../escaped", ["name='../escaped' must be a plain folder name", "not '.' or '..'"]),
    ("name=a/b", ["name='a/b' must be a plain folder name"]),
    ("name=..", ["name='..' must be a plain folder name"]),
    ("name=" + "a" * 256, ["name= is 256 bytes long; a folder name holds at most 255"]),
    ("method.kd_weight=-1", ["method.kd_weight=-1.0 must be ≥ 0"]),
    ("trainer.lr=inf", ["trainer.lr=inf must be a finite number"]),
    ("method.kd_weight=nan", ["method.kd_weight=nan must be a finite number"]),
    ("trainer.num_workers=-3", ["trainer.num_workers=-3 must be ≥ 0"]),
    ("model.d_model=7", ["model.d_model=7 must be a positive multiple of model.attention_heads=2"]),
    ("model.attention_heads=0", ["model.attention_heads=0 must be ≥ 1"]),
]


@pytest.mark.parametrize("command", ["stream", "train"])
@pytest.mark.parametrize("override, fragments", CASES, ids=[c[0][:40] for c in CASES])
def test_a_value_out_of_range_is_one_line_naming_it_and_nothing_is_written(tmp_path, monkeypatch, capsys, command, override, fragments):
    monkeypatch.chdir(tmp_path)  # output_dir=runs: a run would write here
    code = main([command, *TINY, "logger=none", override])
    captured = capsys.readouterr()
    assert_one_line_error(code, captured.out, captured.err, command, fragments)
    assert list(tmp_path.iterdir()) == []


def test_experiment_seeds_out_of_range_are_refused_before_anything_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["experiment", *TINY, "logger=none", "--seeds", "1", "-1"])
    captured = capsys.readouterr()
    assert_one_line_error(code, captured.out, captured.err, "experiment", ["--seeds=-1 must lie in [0, 4294966]"])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option, values, repeated", [("--seeds", ["1", "1"], "1"), ("--perms", ["0", "2,0"], "0")])
def test_a_seed_or_permutation_listed_twice_is_refused_before_anything_runs(tmp_path, monkeypatch, capsys, option, values, repeated):
    # it trained once and reported "2 runs" with a std of 0.00
    monkeypatch.chdir(tmp_path)
    code = main(["experiment", *TINY, "logger=none", option, *values])
    captured = capsys.readouterr()
    assert_one_line_error(code, captured.out, captured.err, "experiment", [f"{option} lists {repeated} more than once"])
    assert list(tmp_path.iterdir()) == []


def test_a_plain_name_and_the_edges_of_each_range_are_accepted():
    from gencner.config import load_config

    cfg = load_config(
        [
            *TINY,
            "name=a..b",
            "seed=0",
            "trainer.warmup_ratio=1",
            "trainer.token_budget=1",
            "model.dropout=0",
            "model.max_source_tokens=3",
            "trainer.gradient_clip=0",
        ]
    )
    assert cfg.name == "a..b" and cfg.seed == 0 and cfg.model.max_source_tokens == 3
