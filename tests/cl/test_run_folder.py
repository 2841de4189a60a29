"""A run folder belongs to one configuration; how it was composed, where it lives and where metrics go do
not count (an upper bound started by one method is resumed by another)."""

import pytest

from gencner.config import load_config, to_container
from gencner.errors import GencnerError
from gencner.experiment import upper_bound_dir
from gencner.runner import check_same_config


def upper_config(*overrides):
    cfg = load_config(list(overrides))
    config = to_container(cfg) | {"cumulative_run": True}
    config["method"] = {"name": "non-cl"}
    return cfg, config


def test_an_upper_bound_started_by_one_method_resumes_under_another(tmp_path):
    first, config_a = upper_config("method=gencner")
    second, config_b = upper_config("method=finetune", "logger=none", f"output_dir={tmp_path}")
    assert upper_bound_dir(first).name == upper_bound_dir(second).name
    check_same_config(tmp_path, config_a)
    check_same_config(tmp_path, config_b)  # no error


def test_a_different_training_setting_is_refused(tmp_path):
    _, config_a = upper_config()
    _, config_b = upper_config("trainer.lr=0.01")
    check_same_config(tmp_path, config_a)
    with pytest.raises(GencnerError, match="different configuration"):
        check_same_config(tmp_path, config_b)
