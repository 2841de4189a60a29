"""Checks that the schema's types cannot express: values that depend on other keys, task lists,
permutations, ranges, devices. Each failure is one ConfigError line naming the key and what is valid.
(Keys with a fixed set of values are Literal types in schema.py, checked by OmegaConf while composing.)"""

from __future__ import annotations

import math
from typing import Any, get_args

from omegaconf import DictConfig, ListConfig

from gencner.config.schema import (
    BelowThreshold,
    Config,
    HubSchema,
    LauncherConfig,
    ModelConfig,
    SyntheticConfig,
    TestSet,
    TrainerConfig,
)
from gencner.data.streams import STEP_SEED_STRIDE
from gencner.errors import ConfigError

BELOW_THRESHOLD = get_args(BelowThreshold)


def validate(cfg: Config) -> None:
    """Raise ConfigError on the first problem found."""
    check_finite(cfg)
    data = cfg.dataset
    if data.format == "hub":
        if data.schema is None:
            raise ConfigError(f"dataset.schema is required for dataset.format=hub; choose one of: {', '.join(get_args(HubSchema))}")
        if not data.source:
            raise ConfigError("dataset.source is required for dataset.format=hub (a hub name or a local folder)")
    if data.format == "synthetic":
        _validate_synthetic(data.synthetic)
    elif data.synthetic.pretrain_sentences:
        raise ConfigError(
            f"dataset.synthetic.pretrain_sentences={data.synthetic.pretrain_sentences} needs "
            f"dataset.format=synthetic (got {data.format}); leave it at 0 to pretrain on the training sentences"
        )
    _validate_tasks(data.tasks, data.task_names)
    _validate_permutations(data.permutations, len(data.tasks), cfg.permutation)
    setting = cfg.setting
    if not setting.test:
        raise ConfigError(f"setting.test is empty; list one or more of: {', '.join(get_args(TestSet))}")
    method = cfg.method
    below = method.below_threshold
    if below in ("distill", "teacher-pass") and method.pseudo_labels and not method.distill:
        # a soft triplet gets no cross-entropy: without distillation nothing would be learned from it
        raise ConfigError(f"method.below_threshold={below} needs method.distill=true; use drop or keep without distillation")
    if below == "teacher-pass" and method.pseudo_labels and (method.family != "pointer" or method.kd_positions != "pseudo"):
        # the second pass replays the teacher's own triplet sequence: a pointer decoder's, at its triplets
        raise ConfigError(
            "method.below_threshold=teacher-pass needs method.family=pointer and method.kd_positions=pseudo "
            f"(got {method.family}, {method.kd_positions})"
        )
    if not method.kd_eos and method.family != "pointer":
        raise ConfigError(f"method.kd_eos=false is for the pointer family (its decoder's EOS); got family {method.family}")
    if not 0.0 <= method.threshold_quantile <= 1.0:
        raise ConfigError(f"method.threshold_quantile={method.threshold_quantile} must lie in [0, 1]")
    if method.kd_temperature <= 0:
        raise ConfigError(f"method.kd_temperature={method.kd_temperature} must be > 0")
    if method.kd_weight < 0:  # a negative weight would push the student away from its teacher
        raise ConfigError(f"method.kd_weight={method.kd_weight} must be ≥ 0 (0 = no distillation loss)")
    check_devices(cfg.trainer.devices)
    if cfg.trainer.share_first_step and cfg.trainer.devices != 1:  # every rank would have to agree to reuse it
        raise ConfigError(
            f"trainer.share_first_step=true shares step 1 between single-device runs; set trainer.devices=1 (got {cfg.trainer.devices!r})"
        )
    if cfg.trainer.batch_size < 1 or cfg.trainer.eval_batch_size < 1 or cfg.trainer.max_epochs < 1:
        raise ConfigError("trainer.batch_size, trainer.eval_batch_size and trainer.max_epochs must be ≥ 1")
    if cfg.model.beam_size < 1:
        raise ConfigError(f"model.beam_size={cfg.model.beam_size} must be ≥ 1")
    if cfg.trainer.num_workers < 0:
        raise ConfigError(f"trainer.num_workers={cfg.trainer.num_workers} must be ≥ 0 (0 = batches are built in the training process)")
    _validate_optimisation(cfg.trainer)
    _validate_source_length_and_dropout(cfg.model)
    _validate_architecture(cfg.model)
    check_seed(cfg.seed)
    check_run_name(cfg.name)
    _validate_launcher(cfg.launcher)


def check_finite(node: Any, prefix: str = "") -> None:
    """Every number of the configuration is finite: OmegaConf takes inf and nan as floats, which then
    train on silently (a nan loss weight) or fail deep inside the optimiser. The `extra` mappings are
    passed to Lightning or submitit as given, and checked there."""
    for key, value in node.items():
        name = f"{prefix}{key}"
        if isinstance(value, DictConfig) and key != "extra":
            check_finite(value, name + ".")
        elif isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"{name}={value} must be a finite number")


def check_devices(devices: Any) -> None:
    """Lightning's `devices`: a count (-1: every device), a list of device indices, or auto."""
    devices = list(devices) if isinstance(devices, ListConfig) else devices
    if devices == "auto" or (type(devices) is int and (devices >= 1 or devices == -1)):  # type(): no bools
        return
    if isinstance(devices, list) and devices and all(type(i) is int and i >= 0 for i in devices) and len(set(devices)) == len(devices):
        return
    raise ConfigError(
        f"trainer.devices={devices!r} is not valid; give a number of devices (-1: all), "
        "a list of distinct device indices such as [0,1], or auto"
    )


def _validate_synthetic(s: SyntheticConfig) -> None:
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


# Step k trains under the seed TaskStep.seed gives, which Lightning's seed_everything needs in 32 bits.
MAX_SEED = (2**32 - 1) // STEP_SEED_STRIDE - 1


def check_seed(seed: int, key: str = "seed") -> None:
    if not 0 <= seed <= MAX_SEED:
        raise ConfigError(f"{key}={seed} must lie in [0, {MAX_SEED}] (step k is seeded with seed·1000 + k, which must fit in 32 bits)")


# A folder name's limit on the file systems runs are written to (ext4, xfs, APFS, NTFS: 255).
MAX_NAME_BYTES = 255


def check_run_name(name: str | None) -> None:
    """A run or experiment name is one folder under output_dir: a path would write elsewhere."""
    if name is None:
        return
    if name in (".", "..") or any(sep in name for sep in ("/", "\\", "\0")):
        raise ConfigError(
            f"name={name!r} must be a plain folder name (no '/' or '\\', not '.' or '..'); runs are written to <output_dir>/<name>/"
        )
    if len(name.encode()) > MAX_NAME_BYTES:
        raise ConfigError(
            f"name= is {len(name.encode())} bytes long; a folder name holds at most {MAX_NAME_BYTES} (and experiments add a suffix)"
        )


def _validate_optimisation(t: TrainerConfig) -> None:
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
        raise ConfigError(
            f"trainer.token_budget={t.token_budget} must be ≥ 1 (padded tokens per training batch), or null to batch by trainer.batch_size"
        )


def _validate_launcher(launcher: LauncherConfig) -> None:
    if launcher.name == "sequential" and launcher.jobs not in (None, 1):
        raise ConfigError(f"launcher.jobs={launcher.jobs} runs cells side by side: add launcher=parallel (or launcher=slurm)")
    for key in ("jobs", "cpus_per_job", "mem_gb", "time_min"):
        value = getattr(launcher, key)
        if value is not None and value < 1:
            raise ConfigError(f"launcher.{key}={value} must be ≥ 1{'' if key == 'time_min' else ', or null'}")
    if launcher.gpus_per_job < 0:
        raise ConfigError(f"launcher.gpus_per_job={launcher.gpus_per_job} must be ≥ 0")
    if not launcher.poll_s > 0:
        raise ConfigError(f"launcher.poll_s={launcher.poll_s} must be > 0 (seconds)")


def _validate_architecture(m: ModelConfig) -> None:
    """The shape of a model built with random weights (a checkpoint brings its own)."""
    if m.pretrained or m.pretrained_encoder:
        return
    if m.attention_heads < 1:
        raise ConfigError(f"model.attention_heads={m.attention_heads} must be ≥ 1")
    if m.d_model < 1 or m.d_model % m.attention_heads:  # each head takes d_model / attention_heads units
        raise ConfigError(f"model.d_model={m.d_model} must be a positive multiple of model.attention_heads={m.attention_heads}")


def _validate_source_length_and_dropout(m: ModelConfig) -> None:
    if not 0.0 <= m.dropout < 1.0:
        raise ConfigError(f"model.dropout={m.dropout} must lie in [0, 1)")
    if m.max_source_tokens < 3:  # <s>, one word piece and </s>: below that no word fits at all
        raise ConfigError(f"model.max_source_tokens={m.max_source_tokens} must be ≥ 3 (BPE tokens per source, <s> and </s> included)")
    if not m.pretrained and m.max_source_tokens > m.max_positions:  # the model would cut at max_positions instead
        raise ConfigError(f"model.max_source_tokens={m.max_source_tokens} must be ≤ model.max_positions={m.max_positions}")
