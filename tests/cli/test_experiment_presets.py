"""conf/experiment/: each preset gives exactly the configuration (and so the run folders) of the override
strings experiments/*.md and experiments/synthetic_benchmark.sh used before there were presets."""

from __future__ import annotations

from pathlib import Path

import pytest

from gencner.config import load_config, to_container
from gencner.run_identity import experiment_dir, upper_bound_dir

PRESETS = Path(__file__).resolve().parents[2] / "conf" / "experiment"

Q0_NAME = "name=synthetic-split-all-gencner-q0.0-tiny"
# the defaults before the benchmark's chunks taught their types (experiments/synthetic-pretraining.md)
FIRST_BENCHMARK = [
    "dataset.synthetic.train=3000",
    "dataset.synthetic.dev=300",
    "dataset.synthetic.pretrain_sentences=0",
    "model.denoise_epochs=3",
    "model.denoise_lr=1e-3",
    "trainer.max_epochs=10",
]
DENOISE20 = [*FIRST_BENCHMARK, "setting=split-all", "model.denoise_epochs=20", "output_dir=runs/denoise20"]
TRAIN9000 = [*FIRST_BENCHMARK, "setting=split-all", "dataset.synthetic.train=9000", "output_dir=runs/train9000"]

# (what the commands pass now, what they passed before)
EQUIVALENT = [
    *[
        (
            ["experiment=split-all-q" + q],
            ["setting=split-all", "method=gencner", f"method.threshold_quantile={q}", f"name=synthetic-split-all-gencner-q{q}-tiny"],
        )
        for q in ("0.0", "0.25", "0.75")
    ],
    (
        ["experiment=split-all-kd-all"],
        ["setting=split-all", "method=gencner", "method.kd_positions=all", "name=synthetic-split-all-gencner-kdall-tiny"],
    ),
    (["experiment=denoise20"], [*DENOISE20, "method=gencner"]),
    (["experiment=denoise20", "method=finetune"], [*DENOISE20, "method=finetune"]),
    (["experiment=denoise20-q0.0"], [*DENOISE20, "method=gencner", "method.threshold_quantile=0.0", Q0_NAME]),
    (
        ["experiment=filter-filter-q0.0"],
        ["setting=filter-filter", "method=gencner", "method.threshold_quantile=0.0", "name=synthetic-filter-filter-gencner-q0.0-tiny"],
    ),
    (["experiment=train9000"], [*TRAIN9000, "method=gencner"]),
    (["experiment=first-benchmark"], FIRST_BENCHMARK),
    (["experiment=train9000-q0.0"], [*TRAIN9000, "method=gencner", "method.threshold_quantile=0.0", Q0_NAME]),
    (
        ["experiment=filter-filter-drop-q0.25"],
        [
            "setting=filter-filter",
            "method=gencner",
            "method.threshold_quantile=0.25",
            "name=synthetic-filter-filter-gencner-drop-q0.25-tiny",
        ],
    ),
    (
        ["experiment=filter-filter-distill-q0.25"],
        [
            "setting=filter-filter",
            "method=gencner-distill-below",
            "method.threshold_quantile=0.25",
            "name=synthetic-filter-filter-gencner-distill-q0.25-tiny",
        ],
    ),
    (
        ["experiment=split-all-distill-q0.25"],
        [
            "setting=split-all",
            "method=gencner-distill-below",
            "method.threshold_quantile=0.25",
            "name=synthetic-split-all-gencner-distill-q0.25-tiny",
        ],
    ),
    (
        ["experiment=filter-filter-distill-q0.25-kd2"],
        [
            "setting=filter-filter",
            "method=gencner-distill-below",
            "method.threshold_quantile=0.25",
            "method.kd_weight=2.0",
            "name=synthetic-filter-filter-gencner-distill-q0.25-kd2-tiny",
        ],
    ),
    (
        ["experiment=filter-filter-distill-kd2"],
        [
            "setting=filter-filter",
            "method=gencner-distill-below",
            "method.kd_weight=2.0",
            "name=synthetic-filter-filter-gencner-distill-kd2-tiny",
        ],
    ),
    (
        ["experiment=real-ontonotes"],
        [
            *("dataset=ontonotes", "setting=split-all", "model=minilm", "method=gencner-keep-all", "trainer=pretrained-cpu"),
            *("dataset.format=conll", "dataset.path=../shared/data/ontonotes5", "dataset.train=../shared/data/ontonotes5/dev.txt"),
            *("dataset.test=../shared/data/ontonotes5/test.txt", "dataset.dev_holdout=800", "dataset.test_sample=2000"),
            "output_dir=runs/real-ontonotes",
        ],
    ),
    (
        ["experiment=split-all-keep-all-kd2"],
        ["setting=split-all", "method=gencner-keep-all", "method.kd_weight=2.0", "name=synthetic-split-all-gencner-keep-all-kd2-tiny"],
    ),
]


def values(cfg) -> dict:
    """Everything but the name of the preset it was composed with."""
    return {k: v for k, v in to_container(cfg).items() if k != "experiment"}


@pytest.mark.parametrize("preset, overrides", EQUIVALENT, ids=[" ".join(p) for p, _ in EQUIVALENT])
def test_a_preset_gives_the_configuration_of_its_old_overrides(preset, overrides):
    new, old = load_config(preset), load_config(overrides)
    assert new.experiment == preset[0].partition("=")[2] and old.experiment is None
    assert values(new) == values(old)
    assert experiment_dir(new) == experiment_dir(old) and upper_bound_dir(new) == upper_bound_dir(old)


def test_every_preset_is_compared():
    compared = {p[0].partition("=")[2] for p, _ in EQUIVALENT}
    assert compared == {path.stem for path in PRESETS.glob("*.yaml")}


def test_the_presets_differ_from_the_defaults():
    default = values(load_config())
    for name in {path.stem for path in PRESETS.glob("*.yaml")}:
        assert values(load_config([f"experiment={name}"])) != default, name
