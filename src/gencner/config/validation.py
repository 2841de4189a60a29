"""Checks that the schema's types cannot express: enumerations, task lists, permutations.
Each failure is one ConfigError line naming the key and the valid options."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from gencner.errors import ConfigError

FORMATS = ("spankl", "conll", "conll2012", "hub", "synthetic")
TAGGINGS = ("bio", "bioes", "io")
HUB_SCHEMAS = ("few-nerd", "ontonotes")
TRAIN_ALLOCATIONS = ("split", "filter", "all")
TEST_SETS = ("all", "filter")
KD_POSITIONS = ("pseudo", "all")
TARGET_ORDERS = ("pseudo-first", "sorted")
SELECTIONS = ("best", "last")
LOGGERS = ("none", "csv", "wandb")
WANDB_MODES = ("offline", "online", "disabled")
# fp16 is left out: its range cannot hold the masking score, and bf16 is what modern GPUs offer
PRECISIONS = ("32-true", "32", "bf16-mixed", "bf16-true")


def one_of(key: str, value: Any, valid: Iterable[str]) -> None:
    valid = tuple(valid)
    if value not in valid:
        raise ConfigError(f"{key}={value!r} is not valid; choose one of: {', '.join(valid)}")


def validate(cfg: Any, root: Path | None = None) -> None:
    """Raise ConfigError on the first problem found."""
    data = cfg.dataset
    one_of("dataset.format", data.format, FORMATS)
    one_of("dataset.tagging", data.tagging, TAGGINGS)
    if data.format == "hub":
        one_of("dataset.schema", data.schema, HUB_SCHEMAS)
        if not data.source:
            raise ConfigError("dataset.source is required for dataset.format=hub (a hub name or a local folder)")
    if data.format == "synthetic":
        _validate_synthetic(data.synthetic)
    _validate_tasks(data.tasks, data.task_names)
    _validate_permutations(data.permutations, len(data.tasks), cfg.permutation)
    setting = cfg.setting
    one_of("setting.train", setting.train, TRAIN_ALLOCATIONS)
    if not setting.test:
        raise ConfigError(f"setting.test is empty; list one or more of: {', '.join(TEST_SETS)}")
    for name in setting.test:
        one_of("setting.test", name, TEST_SETS)
    method = cfg.method
    one_of("method.kd_positions", method.kd_positions, KD_POSITIONS)
    one_of("method.target_order", method.target_order, TARGET_ORDERS)
    if not 0.0 <= method.threshold_quantile <= 1.0:
        raise ConfigError(f"method.threshold_quantile={method.threshold_quantile} must lie in [0, 1]")
    if method.kd_temperature <= 0:
        raise ConfigError(f"method.kd_temperature={method.kd_temperature} must be > 0")
    one_of("trainer.select", cfg.trainer.select, SELECTIONS)
    one_of("trainer.precision", str(cfg.trainer.precision), PRECISIONS)
    if cfg.trainer.batch_size < 1 or cfg.trainer.eval_batch_size < 1 or cfg.trainer.max_epochs < 1:
        raise ConfigError("trainer.batch_size, trainer.eval_batch_size and trainer.max_epochs must be ≥ 1")
    one_of("logger.name", cfg.logger.name, LOGGERS)
    one_of("logger.mode", cfg.logger.mode, WANDB_MODES)
    if cfg.model.beam_size < 1:
        raise ConfigError(f"model.beam_size={cfg.model.beam_size} must be ≥ 1")


def _validate_synthetic(s: Any) -> None:
    for split in ("train", "dev", "test"):
        if getattr(s, split) < 1:
            raise ConfigError(f"dataset.synthetic.{split}={getattr(s, split)} must be ≥ 1")
    if not 0.0 <= s.empty_fraction <= 1.0:
        raise ConfigError(f"dataset.synthetic.empty_fraction={s.empty_fraction} must lie in [0, 1]")


def _validate_tasks(tasks: list, task_names: list) -> None:
    if not tasks or any(len(task) == 0 for task in tasks):
        raise ConfigError("dataset.tasks must list one or more tasks, each a non-empty list of types, e.g. dataset.tasks=[[PER],[LOC,ORG]]")
    seen: dict[str, int] = {}
    for i, task in enumerate(tasks):
        for type_ in task:
            if type_ in seen:
                raise ConfigError(f"dataset.tasks: type {type_!r} is in task {seen[type_]} and task {i}; tasks must be disjoint")
            seen[type_] = i
    if task_names and len(task_names) != len(tasks):
        raise ConfigError(f"dataset.task_names has {len(task_names)} names for {len(tasks)} tasks")


def _validate_permutations(perms: list, n_tasks: int, index: int) -> None:
    for i, perm in enumerate(perms):
        if sorted(perm) != list(range(n_tasks)):
            raise ConfigError(f"dataset.permutations[{i}]={list(perm)} is not an order of the {n_tasks} tasks (0..{n_tasks - 1})")
    count = max(len(perms), 1)
    if not 0 <= index < count:
        raise ConfigError(f"permutation={index} is out of range; this dataset has permutations 0..{count - 1}")
