"""A run folder belongs to one configuration; how it was composed, where it lives and where metrics go do
not count (an upper bound started by one method is resumed by another). One rule decides what counts,
for the resume check, the bound's folder name and the cached base; each run's configuration is a copy
of its own that nothing can change."""

import pytest
from omegaconf.errors import ReadonlyConfigError

from gencner.config import load_config, to_container
from gencner.errors import GencnerError
from gencner.experiment import run_config, upper_bound_config
from gencner.run_identity import corpus_keys, pretrained_dir, result_config, upper_bound_dir
from gencner.runner import check_same_config, uses_teacher


def bound(*overrides):
    return upper_bound_config(load_config(list(overrides)))


def test_an_upper_bound_started_by_one_method_resumes_under_another(tmp_path):
    first = bound("method=gencner")
    second = bound("method=finetune", "logger=none", f"output_dir={tmp_path}")
    assert upper_bound_dir(first).name == upper_bound_dir(second).name
    check_same_config(tmp_path, to_container(first), started=True)
    check_same_config(tmp_path, to_container(second), started=True)  # no error


def test_a_different_training_setting_is_refused(tmp_path):
    check_same_config(tmp_path, to_container(bound()), started=True)
    changed = bound("trainer.lr=0.01")
    assert upper_bound_dir(changed).name != upper_bound_dir(bound()).name
    with pytest.raises(GencnerError, match="different configuration"):
        check_same_config(tmp_path, to_container(changed), started=True)


def test_the_bound_has_its_own_configuration_cumulative_and_without_a_teacher():
    cfg = load_config(["method=gencner", "name=mine"])
    upper = upper_bound_config(cfg)
    assert upper.setting.cumulative and not cfg.setting.cumulative
    assert (upper.method.name, upper.method.pseudo_labels, upper.method.distill) == ("non-cl", False, False)
    assert upper.name is None and upper.setting.name == cfg.setting.name
    assert uses_teacher(cfg) and not uses_teacher(upper)
    assert upper_bound_dir(upper).name.startswith("synthetic-split-all-non-cl-tiny-p0-s1-")
    assert pretrained_dir(upper) == pretrained_dir(cfg)  # the bound and the methods share one base


def test_each_run_gets_a_read_only_copy_and_the_experiment_config_is_untouched():
    cfg = load_config([])
    runs = [run_config(cfg, perm, seed) for perm in (0, 1) for seed in (1, 2)]
    assert [(r.permutation, r.seed) for r in runs] == [(0, 1), (0, 2), (1, 1), (1, 2)]
    assert (cfg.permutation, cfg.seed, cfg.logger.group) == (0, 1, None)
    assert {r.logger.group for r in runs} == {"synthetic-split-all-gencner-tiny"}
    with pytest.raises(ReadonlyConfigError):
        runs[0].seed = 5


def test_a_config_saved_before_a_key_existed_resumes_while_the_key_is_at_its_default(tmp_path):
    cfg = load_config([])
    old = to_container(cfg)
    del old["method"]["below_threshold"]  # as written before method.below_threshold existed
    old["cumulative_run"] = False  # and the key earlier versions added
    assert result_config(old) == result_config(to_container(cfg))
    check_same_config(tmp_path, old, started=True)
    check_same_config(tmp_path, to_container(cfg), started=True)  # resumes
    with pytest.raises(GencnerError, match="different configuration"):
        check_same_config(tmp_path, to_container(load_config(["method.below_threshold=keep"])), started=True)


def test_what_does_not_change_results_is_left_out_of_every_key():
    base = load_config([])
    moved = load_config(["logger=none", "trainer.progress=false", "output_dir=elsewhere", "name=x"])
    assert result_config(to_container(base)) == result_config(to_container(moved))
    assert pretrained_dir(base).name == pretrained_dir(moved).name
    assert upper_bound_dir(upper_bound_config(base)).name == upper_bound_dir(upper_bound_config(moved)).name


def test_every_dataset_key_outside_the_task_grouping_keys_the_cached_base():
    assert {"format", "train", "source", "synthetic", "dev_holdout", "test_sample"} <= set(corpus_keys())
    assert not {"name", "tasks", "permutations", "type_map", "flat", "split_seed"} & set(corpus_keys())
    base = load_config(["dataset.synthetic.train=100"])
    assert pretrained_dir(base).name != pretrained_dir(load_config([])).name


def test_the_split_seed_keys_the_cached_base_only_where_it_draws_a_dev_hold_out():
    assert pretrained_dir(load_config(["dataset.split_seed=3"])).name == pretrained_dir(load_config([])).name
    held_out = load_config(["experiment=real-ontonotes"])
    assert pretrained_dir(held_out).name == "ontonotes-minilm-s1-7a2ecaacaa"  # as before the seed counted
    assert pretrained_dir(load_config(["experiment=real-ontonotes", "dataset.split_seed=3"])).name != pretrained_dir(held_out).name
