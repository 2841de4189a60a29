"""Configuration: defaults, group choices, experiments, overrides and the errors a user sees."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import get_args

import pytest

from gencner.config import load_config, to_container
from gencner.errors import ConfigError

REPO_CONF = Path(__file__).resolve().parents[2] / "conf"


@pytest.fixture
def conf_copy(tmp_path):
    """A user folder over the packaged defaults: a copy of conf/ with an experiment file `x`."""
    root = tmp_path / "conf"
    shutil.copytree(REPO_CONF, root)
    (root / "experiment").mkdir(exist_ok=True)
    (root / "experiment" / "x.yaml").write_text(
        "defaults:\n"
        "  setting: filter-filter\n"
        "  dataset: conll\n"
        "permutation: 1\n"
        "dataset:\n"
        "  tasks: [[PER], [LOC, ORG]]\n"
        "  permutations: [[0, 1], [1, 0]]\n"
        "  split_seed: 7\n"
        "trainer:\n"
        "  lr: 0.001\n",
        encoding="utf-8",
    )
    return root


def test_defaults_load():
    cfg = load_config()
    assert cfg.choices == {
        "dataset": "synthetic",
        "setting": "split-all",
        "model": "tiny",
        "method": "gencner",
        "trainer": "cpu",
        "logger": "csv",
        "launcher": "sequential",
    }
    assert cfg.dataset.name == "synthetic" and cfg.dataset.format == "synthetic"
    assert cfg.dataset.tasks == [["ORG"], ["PERSON"], ["GPE"], ["DATE"], ["CARDINAL"], ["NORP"]]
    assert len(cfg.dataset.permutations) == 6
    assert cfg.dataset.permutations[1] == [3, 5, 1, 4, 0, 2]
    assert cfg.setting.name == "split-all" and cfg.setting.train == "split" and cfg.setting.test == ["all"]
    assert cfg.permutation == 0 and cfg.seed == 1 and cfg.dataset.split_seed == 1
    assert cfg.experiment is None


@pytest.mark.parametrize(
    "setting, train, test, cumulative, single",
    [
        ("filter-filter", "filter", ["filter"], False, False),
        ("split-filter", "split", ["filter"], False, False),
        ("filter-all", "filter", ["all"], False, False),
        ("non-cl", "split", ["all"], True, False),
        ("offline", "all", ["all"], False, True),
    ],
)
def test_a_setting_choice_switches_its_values(setting, train, test, cumulative, single):
    s = load_config([f"setting={setting}"]).setting
    assert (s.name, s.train, list(s.test), s.cumulative, s.single_step) == (setting, train, test, cumulative, single)


def test_a_dataset_choice_switches_its_values():
    cfg = load_config(["dataset=few-nerd"])
    assert cfg.choices["dataset"] == "few-nerd"
    assert cfg.dataset.format == "hub" and cfg.dataset.tagging == "io"
    assert cfg.dataset.task_names == ["LOC", "PER", "ORG", "OTH", "PROD", "BUID", "ART", "EVET"]
    assert len(cfg.dataset.tasks) == 8 and sum(len(t) for t in cfg.dataset.tasks) == 66
    assert cfg.dataset.permutations[2] == [4, 7, 3, 1, 6, 0, 5, 2]


def test_other_group_choices_switch_their_values():
    assert load_config(["trainer=paper"]).choices["trainer"] == "paper"
    assert load_config(["method=finetune"]).method.name == "finetune"
    assert load_config(["logger=none"]).logger.name == "none"
    assert load_config(["model=small"]).model.name == "small"


def test_cli_overrides_win_over_group_files():
    cfg = load_config(
        ["dataset.synthetic.train=10", "setting=filter-filter", "setting.test=[all,filter]", "permutation=4", "trainer.lr=0.5"]
    )
    assert cfg.dataset.synthetic.train == 10
    assert cfg.setting.train == "filter" and cfg.setting.test == ["all", "filter"]
    assert cfg.permutation == 4 and cfg.trainer.lr == 0.5


def test_nested_list_overrides_parse():
    cfg = load_config(
        [
            "dataset=conll",
            "dataset.tasks=[[A,B],[C]]",
            "dataset.permutations=[[1,0],[0,1]]",
            "dataset.task_names=[ab,c]",
            "dataset.type_map={PERSON: A}",
        ]
    )
    assert cfg.dataset.tasks == [["A", "B"], ["C"]]
    assert cfg.dataset.permutations == [[1, 0], [0, 1]]
    assert cfg.dataset.task_names == ["ab", "c"]
    assert dict(cfg.dataset.type_map) == {"PERSON": "A"}
    assert to_container(cfg)["dataset"]["tasks"] == [["A", "B"], ["C"]]


def test_an_experiment_file_applies_its_choices_and_values(conf_copy):
    cfg = load_config(["experiment=x"], conf=conf_copy)
    assert cfg.experiment == "x"
    assert cfg.choices["setting"] == "filter-filter" and cfg.setting.train == "filter"
    assert cfg.choices["dataset"] == "conll" and cfg.dataset.tasks == [["PER"], ["LOC", "ORG"]]
    assert cfg.permutation == 1 and cfg.dataset.split_seed == 7 and cfg.trainer.lr == 0.001
    # values the experiment does not set keep their defaults
    assert cfg.seed == 1 and cfg.choices["model"] == "tiny"


def test_cli_choices_and_overrides_win_over_the_experiment(conf_copy):
    cfg = load_config(["experiment=x", "setting=split-all", "permutation=0", "trainer.lr=0.25"], conf=conf_copy)
    assert cfg.choices["setting"] == "split-all" and cfg.setting.train == "split"
    assert cfg.permutation == 0 and cfg.trainer.lr == 0.25
    assert cfg.dataset.split_seed == 7


def test_an_unknown_experiment_lists_the_valid_ones_of_every_layer(conf_copy):
    presets = sorted(p.stem for p in (REPO_CONF / "experiment").glob("*.yaml"))
    with pytest.raises(ConfigError) as err:
        load_config(["experiment=y"], conf=conf_copy)
    assert str(err.value) == f"unknown experiment 'y'; valid choices: {', '.join(sorted([*presets, 'x']))}"


def test_an_experiment_with_defaults_for_an_unknown_group_is_an_error(conf_copy):
    (conf_copy / "experiment" / "bad.yaml").write_text("defaults:\n  optimizer: adam\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: `defaults:` must map groups \(dataset, setting"):
        load_config(["experiment=bad"], conf=conf_copy)


def test_invalid_yaml_is_a_one_line_config_error_naming_the_file_and_line(conf_copy):
    (conf_copy / "experiment" / "broken.yaml").write_text("seed: 1\na: [1, 2\n")
    with pytest.raises(ConfigError, match=r"broken\.yaml: not valid YAML at line 3, column 1: did not find expected ',' or ']'$"):
        load_config(["experiment=broken"], conf=conf_copy)
    (conf_copy / "experiment" / "broken.yaml").write_text("seed: 1\nseed: 2\n")
    with pytest.raises(ConfigError, match=r"broken\.yaml: not valid YAML at line 2, column 1: found duplicate key seed$"):
        load_config(["experiment=broken"], conf=conf_copy)
    (conf_copy / "experiment" / "broken.yaml").write_text("null: 1\n")  # YAML, but no key OmegaConf can hold
    with pytest.raises(ConfigError, match=r"broken\.yaml: not a valid configuration file: Incompatible key type 'NoneType'$"):
        load_config(["experiment=broken"], conf=conf_copy)


# -- errors: one ConfigError line naming the key and what is valid --------------------------------------

DATASET_KEYS = (
    "dev, dev_holdout, flat, format, hub_config, name, path, permutations, revision, schema, source, split_seed, "
    "synthetic, tag_column, tagging, task_names, tasks, test, test_sample, token_column, train, type_map, "
    "type_names, use_task_files"
)

ERRORS = [
    (
        ["foo=1"],
        "command line: unknown key 'foo'; valid keys: choices, dataset, experiment, launcher, logger, method, model, "
        "name, output_dir, permutation, seed, setting, trainer",
    ),
    (["dataset.foo=1"], f"command line: unknown key 'dataset.foo'; valid keys under dataset: {DATASET_KEYS}"),
    (
        ["dataset.synthetic.size=1"],
        "command line: unknown key 'dataset.synthetic.size'; valid keys under "
        "dataset.synthetic: ambiguous_fraction, dev, empty_fraction, pretrain_sentences, seed, test, train",
    ),
    (
        ["trainer.batch_size=abc"],
        "command line: bad value for 'trainer.batch_size': Value 'abc' of type 'str' could not be converted to Integer",
    ),
    (["dataset.flat=maybe"], "command line: bad value for 'dataset.flat': Value 'maybe' is not a valid bool (type str)"),
    (["setting=x"], "unknown setting 'x'; valid choices: filter-all, filter-filter, non-cl, offline, split-all, split-filter"),
    (["dataset=imdb"], "unknown dataset 'imdb'; valid choices: conll, few-nerd, ontonotes, synthetic, synthetic-noisy"),
    (["permutation=6"], "permutation=6 is out of range; this dataset has permutations 0..5"),
    (["permutation=-1"], "permutation=-1 is out of range; this dataset has permutations 0..5"),
    (["dataset=few-nerd", "permutation=4"], "permutation=4 is out of range; this dataset has permutations 0..3"),
    (["setting.train=x"], "command line: setting.train='x' is not valid; choose one of: split, filter, all"),
    (["setting.test=[all,x]"], "command line: setting.test[1]='x' is not valid; choose one of: all, filter"),
    (["setting.test=[]"], "setting.test is empty; list one or more of: all, filter"),
    (["dataset.tagging=bilou"], "command line: dataset.tagging='bilou' is not valid; choose one of: bio, bioes, io"),
    (["dataset.format=csv"], "command line: dataset.format='csv' is not valid; choose one of: spankl, conll, conll2012, hub, synthetic"),
    (["dataset.schema=wikiann"], "command line: dataset.schema='wikiann' is not valid; choose one of: few-nerd, ontonotes"),
    (["dataset=few-nerd", "dataset.schema=null"], "dataset.schema is required for dataset.format=hub; choose one of: few-nerd, ontonotes"),
    (["method.kd_positions=some"], "command line: method.kd_positions='some' is not valid; choose one of: pseudo, all"),
    (["method.target_order=random"], "command line: method.target_order='random' is not valid; choose one of: pseudo-first, sorted"),
    (["method.below_threshold=soft"], "command line: method.below_threshold='soft' is not valid; choose one of: drop, distill, keep"),
    (["trainer.select=first"], "command line: trainer.select='first' is not valid; choose one of: best, last"),
    (["logger.name=tensorboard"], "command line: logger.name='tensorboard' is not valid; choose one of: none, csv, wandb"),
    (["logger.mode=shared"], "command line: logger.mode='shared' is not valid; choose one of: offline, online, disabled"),
    (
        ["trainer.devices=cuda"],
        "trainer.devices='cuda' is not valid; give a number of devices (-1: all), a list of distinct device indices such as [0,1], or auto",
    ),
    (["trainer.devices=0"], "trainer.devices=0 is not valid"),
    (["trainer.devices=1.5"], "trainer.devices=1.5 is not valid"),
    (["trainer.devices=true"], "trainer.devices=True is not valid"),
    (["trainer.devices=[]"], "trainer.devices=[] is not valid"),
    (["trainer.devices=[0,0]"], "trainer.devices=[0, 0] is not valid"),
    (["trainer.devices=[0,-1]"], "trainer.devices=[0, -1] is not valid"),
    (["trainer.devices={a: 1}"], "trainer.devices={'a': 1} is not valid"),
    (["setting"], "override 'setting' is not of the form key=value"),
    (["=filter"], "override '=filter' is not of the form key=value"),
    (["dataset=conll", "dataset.tasks=[[A,B],[C,A]]"], "dataset.tasks: type 'A' is in task 0 and task 1; tasks must be disjoint"),
    (["dataset=conll", "dataset.tasks=[]"], "dataset.tasks must list one or more tasks"),
    (
        ["dataset.permutations=[[0,1,2,3,4,5],[0,1,2,3,4,4]]"],
        "dataset.permutations[1]=[0, 1, 2, 3, 4, 4] is not an order of the 6 tasks (0..5)",
    ),
    (["dataset.permutations=[[0,1,2]]"], "dataset.permutations[0]=[0, 1, 2] is not an order of the 6 tasks (0..5)"),
    (["dataset=conll", "dataset.tasks=[[A],[B]]", "dataset.task_names=[a]"], "dataset.task_names has 1 names for 2 tasks"),
]


@pytest.mark.parametrize("overrides, message", ERRORS, ids=[" ".join(o) for o, _ in ERRORS])
def test_config_errors_name_the_key_and_list_valid_options(overrides, message):
    with pytest.raises(ConfigError) as err:
        load_config(overrides)
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith(message), text


def test_unknown_key_inside_an_experiment_names_the_experiment(conf_copy):
    (conf_copy / "experiment" / "typo.yaml").write_text("trainer:\n  learning_rate: 0.1\n")
    with pytest.raises(ConfigError, match=re.escape("experiment 'typo': unknown key 'trainer.learning_rate'; valid keys under trainer:")):
        load_config(["experiment=typo"], conf=conf_copy)


def test_half_precision_is_refused_with_the_valid_choices():
    with pytest.raises(ConfigError, match=r"trainer.precision='16-mixed' is not valid; choose one of: 32-true, bf16-mixed, bf16-true$"):
        load_config(["trainer.precision=16-mixed"])


def test_a_value_outside_its_choices_in_a_group_file_names_the_file(conf_copy):
    (conf_copy / "trainer" / "cpu.yaml").write_text("name: cpu\nselect: worst\n")
    with pytest.raises(ConfigError) as err:
        load_config(["trainer=cpu"], conf=conf_copy)
    assert str(err.value) == f"{conf_copy / 'trainer' / 'cpu.yaml'}: trainer.select='worst' is not valid; choose one of: best, last"


@pytest.mark.parametrize("devices, expected", [("2", 2), ("-1", -1), ("auto", "auto"), ("[0,1]", [0, 1]), ("[3]", [3])])
def test_trainer_devices_takes_a_count_a_list_of_indices_or_auto(devices, expected):
    assert to_container(load_config([f"trainer.devices={devices}"]))["trainer"]["devices"] == expected


def test_trainer_extra_holds_any_mapping():
    cfg = load_config(["trainer.extra={limit_train_batches: 2, profiler: simple}"])
    assert to_container(cfg)["trainer"]["extra"] == {"limit_train_batches": 2, "profiler": "simple"}
    assert to_container(load_config())["trainer"]["extra"] == {}


def test_the_schemas_choices_are_those_the_code_has_readers_for():
    """The schema's Literal types are the only list a user sees; the readers' own tables must agree."""
    from gencner.config.schema import HubSchema, Tagging
    from gencner.data.readers.hub import SCHEMAS
    from gencner.data.tags import SCHEMES

    assert set(get_args(Tagging)) == set(SCHEMES)
    assert set(get_args(HubSchema)) == set(SCHEMAS)
