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
BELOW_THRESHOLD = ("drop", "distill", "keep")
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
    elif data.synthetic.pretrain_sentences:
        raise ConfigError(f"dataset.synthetic.pretrain_sentences={data.synthetic.pretrain_sentences} needs "
                          f"dataset.format=synthetic (got {data.format}); leave it at 0 to pretrain on the training sentences")
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
    one_of("method.below_threshold", method.below_threshold, BELOW_THRESHOLD)
    if method.below_threshold == "distill" and method.pseudo_labels and not method.distill:
        # a soft triplet gets no cross-entropy: without distillation nothing would be learned from it
        raise ConfigError("method.below_threshold=distill needs method.distill=true; use drop or keep without distillation")
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
    _validate_optimisation(cfg.trainer)
    _validate_source_length_and_dropout(cfg.model)
    check_seed(cfg.seed)
    check_run_name(cfg.name)


def _validate_synthetic(s: Any) -> None:
    for split in ("train", "dev", "test"):
        if getattr(s, split) < 1:
            raise ConfigError(f"dataset.synthetic.{split}={getattr(s, split)} must be ≥ 1")
    for key in ("empty_fraction", "ambiguous_fraction"):
        if not 0.0 <= getattr(s, key) <= 1.0:
            raise ConfigError(f"dataset.synthetic.{key}={getattr(s, key)} must lie in [0, 1]")
    if s.pretrain_sentences < 0:
        raise ConfigError(f"dataset.synthetic.pretrain_sentences={s.pretrain_sentences} must be ≥ 0 (0 = the training sentences)")


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


# Step k trains under the seed `seed · 1000 + k`, which Lightning's seed_everything needs in 32 bits
# (up to 999 steps).
MAX_SEED = (2**32 - 1) // 1000 - 1


def check_seed(seed: int, key: str = "seed") -> None:
    if not 0 <= seed <= MAX_SEED:
        raise ConfigError(f"{key}={seed} must lie in [0, {MAX_SEED}] (step k is seeded with seed·1000 + k, which must fit in 32 bits)")


def check_run_name(name: str | None) -> None:
    """A run or experiment name is one folder under output_dir: a path would write elsewhere."""
    if name is None:
        return
    if name in (".", "..") or any(sep in name for sep in ("/", "\\", "\0")):
        raise ConfigError(f"name={name!r} must be a plain folder name (no '/' or '\\', not '.' or '..'); "
                          "runs are written to <output_dir>/<name>/")


def _validate_optimisation(t: Any) -> None:
    # each of these either fails deep inside the optimiser or trains silently in a way nobody asked for
    if not t.lr > 0:
        raise ConfigError(f"trainer.lr={t.lr} must be > 0")
    if t.weight_decay < 0:
        raise ConfigError(f"trainer.weight_decay={t.weight_decay} must be ≥ 0")
    if not 0.0 <= t.warmup_ratio <= 1.0:
        raise ConfigError(f"trainer.warmup_ratio={t.warmup_ratio} must lie in [0, 1] (the share of the steps spent warming up)")
    if t.gradient_clip < 0:
        raise ConfigError(f"trainer.gradient_clip={t.gradient_clip} must be ≥ 0 (0 = no clipping)")
    if t.token_budget is not None and t.token_budget < 1:
        raise ConfigError(f"trainer.token_budget={t.token_budget} must be ≥ 1 (padded tokens per training batch), "
                          "or null to batch by trainer.batch_size")


def _validate_source_length_and_dropout(m: Any) -> None:
    if not 0.0 <= m.dropout < 1.0:
        raise ConfigError(f"model.dropout={m.dropout} must lie in [0, 1)")
    if m.max_source_tokens < 3:  # <s>, one word piece and </s>: below that no word fits at all
        raise ConfigError(f"model.max_source_tokens={m.max_source_tokens} must be ≥ 3 (BPE tokens per source, <s> and </s> included)")
    if not m.pretrained and m.max_source_tokens > m.max_positions:  # the model would cut at max_positions instead
        raise ConfigError(f"model.max_source_tokens={m.max_source_tokens} must be ≤ model.max_positions={m.max_positions}")
