"""Configuration layers: the packaged defaults (conf/, installed as gencner.conf) and a user's folder over
them (--conf DIR, else GENCNER_CONF) that adds choices or replaces files; experiments extending others."""

from __future__ import annotations

from pathlib import Path

import pytest

from gencner.config import conf_layers, load_config
from gencner.errors import ConfigError

REPO_CONF = Path(__file__).resolve().parents[2] / "conf"


def test_the_packaged_defaults_are_the_checkouts_conf_in_this_editable_install():
    assert conf_layers() == [REPO_CONF]


def test_a_user_folder_counts_only_where_it_is_passed(tmp_path):
    (tmp_path / "setting").mkdir()
    (tmp_path / "setting" / "split-all.yaml").write_text("name: split-all\ntrain: filter\ntest: [filter]\n")
    assert load_config(["setting=split-all"], conf=tmp_path).setting.train == "filter"
    assert load_config(["setting=split-all"]).setting.train == "split"


def test_a_conf_folder_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match=r"^--conf .*missing: no such folder$"):
        load_config([], conf=tmp_path / "missing")
    monkeypatch.setenv("GENCNER_CONF", str(tmp_path / "gone"))
    with pytest.raises(ConfigError, match=r"^GENCNER_CONF=.*gone: no such folder$"):
        load_config([])


# -- configuration layers: the packaged defaults, and a user's folder over them --------------------------


def test_a_user_folder_adds_choices_to_the_packaged_groups(tmp_path):
    (tmp_path / "dataset").mkdir()
    (tmp_path / "dataset" / "mine.yaml").write_text("name: mine\nformat: conll\ntasks: [[PER], [LOC]]\n")
    cfg = load_config(["dataset=mine", "setting=filter-filter"], conf=tmp_path)
    assert cfg.dataset.name == "mine" and cfg.dataset.tasks == [["PER"], ["LOC"]]
    assert cfg.setting.train == "filter" and cfg.choices["model"] == "tiny"  # the rest from the packaged defaults
    with pytest.raises(
        ConfigError, match=r"unknown dataset 'x'; valid choices: conll, few-nerd, mine, ontonotes, synthetic, synthetic-noisy$"
    ):
        load_config(["dataset=x"], conf=tmp_path)


def test_a_file_of_the_same_name_in_the_user_folder_wins(tmp_path):
    (tmp_path / "trainer").mkdir()
    (tmp_path / "trainer" / "cpu.yaml").write_text("name: cpu\nmax_epochs: 2\n")
    (tmp_path / "config.yaml").write_text(
        "defaults:\n  dataset: synthetic\n  setting: filter-filter\n  model: tiny\n"
        "  method: finetune\n  trainer: cpu\n  logger: none\nseed: 5\n"
    )
    cfg = load_config([], conf=tmp_path)
    assert cfg.trainer.max_epochs == 2
    assert load_config().trainer.accelerator == "cpu" and cfg.trainer.accelerator == "auto"  # the user's file, not merged with ours
    assert cfg.seed == 5 and cfg.choices["method"] == "finetune" and cfg.setting.train == "filter"
    # written before there was a launcher group: it names no launcher, and runs its cells one after another
    assert cfg.choices["launcher"] == "sequential" and cfg.launcher.name == "sequential"
    assert load_config(["launcher=parallel"], conf=tmp_path).launcher.name == "parallel"


def test_the_environment_variable_adds_a_layer_and_the_option_wins_over_it(tmp_path, monkeypatch):
    for name, epochs in (("env", 3), ("option", 4)):
        (tmp_path / name / "trainer").mkdir(parents=True)
        (tmp_path / name / "trainer" / "cpu.yaml").write_text(f"name: cpu\nmax_epochs: {epochs}\n")
    monkeypatch.setenv("GENCNER_CONF", str(tmp_path / "env"))
    assert conf_layers() == [REPO_CONF, tmp_path / "env"]
    assert load_config().trainer.max_epochs == 3
    assert load_config([], conf=tmp_path / "option").trainer.max_epochs == 4


# -- experiments extending experiments -----------------------------------------------------------------


def test_an_experiment_extends_others_in_order_and_its_own_values_win(tmp_path):
    exp = tmp_path / "experiment"
    exp.mkdir()
    (exp / "a.yaml").write_text("defaults:\n  setting: filter-filter\nseed: 2\ntrainer:\n  lr: 0.1\n")
    (exp / "b.yaml").write_text("defaults:\n  method: finetune\nseed: 3\n")
    (exp / "c.yaml").write_text("defaults:\n  experiment: [a, b]\n  model: small\ntrainer:\n  max_epochs: 7\n")
    cfg = load_config(["experiment=c"], conf=tmp_path)
    assert (cfg.choices["setting"], cfg.choices["method"], cfg.choices["model"]) == ("filter-filter", "finetune", "small")
    assert cfg.seed == 3 and cfg.trainer.lr == 0.1 and cfg.trainer.max_epochs == 7 and cfg.experiment == "c"
    (exp / "d.yaml").write_text("defaults:\n  experiment: a\nseed: 9\n")
    assert load_config(["experiment=d"], conf=tmp_path).seed == 9


def test_an_experiment_that_extends_itself_is_an_error(tmp_path):
    (tmp_path / "experiment").mkdir()
    (tmp_path / "experiment" / "x.yaml").write_text("seed: 4\n")
    (tmp_path / "experiment" / "p.yaml").write_text("defaults:\n  experiment: q\n")
    (tmp_path / "experiment" / "q.yaml").write_text("defaults:\n  experiment: [x, p]\n")
    with pytest.raises(ConfigError, match=r"^experiment 'p' extends itself: p → q → p$"):
        load_config(["experiment=p"], conf=tmp_path)


def test_an_unknown_extended_experiment_lists_the_valid_ones(tmp_path):
    (tmp_path / "experiment").mkdir()
    (tmp_path / "experiment" / "p.yaml").write_text("defaults:\n  experiment: nope\n")
    with pytest.raises(ConfigError, match=r"^unknown experiment 'nope'; valid choices: .*\bp\b.*split-all-q0\.25"):
        load_config(["experiment=p"], conf=tmp_path)


def test_config_yaml_cannot_choose_an_experiment(tmp_path):
    (tmp_path / "config.yaml").write_text("defaults:\n  dataset: synthetic\n  experiment: split-all-q0.0\n")
    with pytest.raises(
        ConfigError, match=r"config\.yaml: `defaults:` must map groups \(dataset, setting, model, method, trainer, logger, launcher\) to"
    ):
        load_config([], conf=tmp_path)


# -- group files extending a file of their group --------------------------------------------------------


def test_a_variant_states_only_its_difference_and_composes_like_a_full_copy(tmp_path):
    (tmp_path / "method").mkdir()
    (tmp_path / "method" / "mine.yaml").write_text("extends: gencner-keep-all\nname: mine\nkd_weight: 2.0\n")
    mine, keep = load_config(["method=mine"], conf=tmp_path).method, load_config(["method=gencner-keep-all"]).method
    assert mine.name == "mine" and mine.kd_weight == 2.0
    # the packaged chain gencner → gencner-keep-all, then the user's file on top
    assert {**keep, "name": "mine", "kd_weight": 2.0} == dict(mine)
    assert keep.below_threshold == "keep" and keep.threshold_quantile == 0.5 and keep.distill


def test_the_noisy_corpus_is_the_synthetic_one_with_ambiguous_mentions():
    plain, noisy = load_config(["dataset=synthetic"]).dataset, load_config(["dataset=synthetic-noisy"]).dataset
    assert noisy.synthetic.ambiguous_fraction == 0.15 and plain.synthetic.ambiguous_fraction == 0.0
    assert {**plain.synthetic, "ambiguous_fraction": 0.15} == dict(noisy.synthetic)
    assert {**plain, "name": "synthetic-noisy", "synthetic": noisy.synthetic} == dict(noisy)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"a": "extends: b\nname: a\n", "b": "extends: a\nname: b\n"}, r"^method 'a' extends itself: a → b → a$"),
        ({"a": "extends: gencner\n"}, r"method[/\\]a\.yaml: a method that extends 'gencner' must set its own name:$"),
        ({"a": "extends: [gencner]\nname: a\n"}, r"method[/\\]a\.yaml: `extends:` must name one method file, got \['gencner'\]$"),
        ({"a": "extends: nope\nname: a\n"}, r"^unknown method 'nope'; valid choices: a, addner"),
    ],
    ids=["cycle", "no-name", "a-list", "unknown"],
)
def test_a_wrong_extends_is_one_error_naming_the_file(tmp_path, files, message):
    (tmp_path / "method").mkdir()
    for name, text in files.items():
        (tmp_path / "method" / f"{name}.yaml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(["method=a"], conf=tmp_path)
