"""Which configuration keys change a run's results, and the names of the folders runs live in.

One rule (`result_config`) decides what counts: the resume check of a run folder, the digest in the
upper bound's folder name and the key of the cached pretrained base all apply it, so a key that changes
results changes all three, and a key that does not (where the run lives, where metrics go, progress
bars) changes none. One function (`folder_name`) joins the parts of every run folder's name."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

from gencner.config import to_container
from gencner.config.schema import Config, DatasetConfig
from gencner.errors import DataError
from gencner.jsonfile import read_json

# Where a run lives, where its metrics go and how it was launched (one after another, side by side,
# as a SLURM job) do not change its results (a moved run folder resumes, a cell run by any launcher is
# the same folder); `choices` and `experiment` say how the values were composed: the values themselves
# are compared.
# `cumulative_run` was written by earlier versions, whose bound shared its setting with the CL run; a
# bound's own configuration now says it (setting.cumulative).
NOT_RESULTS = ("name", "logger", "launcher", "output_dir", "choices", "experiment", "cumulative_run")
NOT_RESULTS_TRAINER = ("progress", "share_first_step")  # a shared step 1 is the step trained alike

# Keys added after run folders and cached bases existed, as dotted paths. At their schema default they
# are left out, so that a configuration not using them keeps the folder, the resume check and the cached
# base it had before they existed; set to anything else they count like any other key.
ADDED_KEYS = (
    "dataset.dev_holdout",
    "dataset.test_sample",
    "dataset.synthetic.ambiguous_fraction",
    "dataset.synthetic.pretrain_sentences",
    "method.below_threshold",
    "method.family",
    "method.kd_eos",
    "model.backbone",
    "model.decoder_init",
    "model.pretrained_encoder",
    "model.span",
    "setting.upper_bound",
    "trainer.extra",
)


@lru_cache(maxsize=1)
def _defaults() -> dict:
    from omegaconf import OmegaConf

    return to_container(OmegaConf.structured(Config))


def _lookup(data: dict, dotted: str) -> tuple[dict | None, str]:
    *parents, leaf = dotted.split(".")
    for part in parents:
        data = data.get(part) if isinstance(data, dict) else None
    return (data if isinstance(data, dict) else None), leaf


def result_config(data: dict) -> dict:
    """The part of a configuration (as a plain dict) that decides a run's results."""
    out = json.loads(json.dumps({k: v for k, v in data.items() if k not in NOT_RESULTS}))  # a deep copy
    trainer = out.get("trainer")
    if isinstance(trainer, dict):
        for key in NOT_RESULTS_TRAINER:
            trainer.pop(key, None)
    for dotted in ADDED_KEYS:
        parent, leaf = _lookup(out, dotted)
        default_parent, _ = _lookup(_defaults(), dotted)
        if parent is not None and default_parent is not None and parent.get(leaf) == default_parent.get(leaf):
            parent.pop(leaf, None)
    setting = out.get("setting")
    if isinstance(setting, dict) and not setting.get("cumulative") and not setting.get("single_step"):
        # a continual run's upper_bound picks the bound it is compared with, not its results: the same
        # run folder serves a comparison with the per-step bound and one with the last-step bound
        setting.pop("upper_bound", None)
    return out


DATA_DIGESTS = "data.json"  # beside a run's config.json: the SHA-256 of each data file it read


def data_digests(folder: str | Path) -> tuple[str, ...] | None:
    """The contents a run folder (or a shared step 1) read, as the sorted digests of its data.json, paths
    aside (a moved checkout reads the same files); None without a data.json."""
    path = Path(folder) / DATA_DIGESTS
    if not path.is_file():
        return None
    data = read_json(path)
    if not isinstance(data, dict):
        raise DataError(path, None, "holds no file digests")
    return tuple(sorted(map(str, data.values())))


def digest(data: dict, length: int = 8) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:length]


def config_digest(cfg: Config, groups: tuple[str, ...] = ("dataset", "setting", "model", "method", "trainer")) -> str:
    """8 hex digits over the result-changing keys of `groups`, the seed, the permutation and the model
    family (which a digest without the method group would otherwise miss)."""
    data = result_config(to_container(cfg))
    family = {"family": data["method"]["family"]} if "family" in data["method"] else {}  # absent: the pointer (ADDED_KEYS)
    return digest({g: data[g] for g in groups} | {"seed": data["seed"], "permutation": data["permutation"]} | family)


# The dataset keys that name the dataset or group, order and name its types: the training sentences do
# not depend on them (split_seed only through the dev hold-out: corpus_section). Every other key of
# DatasetConfig decides which training sentences there are, a key added later included.
TASK_GROUPING_KEYS = ("name", "tasks", "task_names", "permutations", "type_names", "type_map", "flat", "split_seed")


def corpus_keys() -> tuple[str, ...]:
    return tuple(f.name for f in fields(DatasetConfig) if f.name not in TASK_GROUPING_KEYS)


def corpus_section(dataset: dict) -> dict:
    """The keys of a result_config's dataset section that decide its training sentences. split_seed draws
    the dev hold-out out of the training file: it counts where there is one (dev_holdout present: not at
    its ADDED_KEYS default), and at its own default is left out as an added key is, so that a base cached
    before it counted keeps its name."""
    corpus = {k: dataset[k] for k in corpus_keys() if k in dataset}
    if "dev_holdout" in corpus and dataset.get("split_seed") != DatasetConfig.split_seed:
        corpus["split_seed"] = dataset["split_seed"]
    return corpus


# The non-CL bound's method name: "non-cl" for the pointer family (the name it had before there were
# families), "<family>-non-cl" for another one.
BOUND_METHOD = "non-cl"


def bound_method_name(family: str, default_family: str) -> str:
    return BOUND_METHOD if family == default_family else f"{family}-{BOUND_METHOD}"


def is_bound_method(name: str) -> bool:
    return name == BOUND_METHOD or name.endswith(f"-{BOUND_METHOD}")


def folder_name(*parts: object) -> str:
    """Every run folder's name: its parts joined by '-' (the cell, then p<permutation>-s<seed>, ...)."""
    return "-".join(str(p) for p in parts if p not in (None, ""))


def cell_name(cfg: Config) -> str:
    """dataset-setting-method-model: what a run is, before its task order and seed."""
    return folder_name(cfg.dataset.name, cfg.setting.name, cfg.method.name, cfg.model.name)


def run_label(cfg: Config) -> str:
    return folder_name(f"p{cfg.permutation}", f"s{cfg.seed}")


def train_dir(cfg: Config) -> Path:
    """`gencner train`: runs/<name> or runs/<cell>-p<perm>-s<seed>."""
    return Path(cfg.output_dir) / (str(cfg.name) if cfg.name else folder_name(cell_name(cfg), run_label(cfg)))


def experiment_dir(cfg: Config) -> Path:
    """`gencner experiment`: runs/<name> or runs/<cell>; its runs under runs/p<perm>-s<seed>."""
    return Path(cfg.output_dir) / (str(cfg.name) if cfg.name else cell_name(cfg))


def experiment_run_dir(cfg: Config) -> Path:
    return experiment_dir(cfg) / "runs" / run_label(cfg)


def upper_bound_dir(bound: Config) -> Path:
    """The non-CL bound (its own configuration, experiment.upper_bound_config) is shared by every method:
    the method group is left out of the digest on purpose."""
    key = config_digest(bound, groups=("dataset", "setting", "model", "trainer"))
    return Path(bound.output_dir) / "_upper" / folder_name(cell_name(bound), run_label(bound), key)


def comparison_dir(cfg: Config) -> Path:
    base = str(cfg.name) if cfg.name else folder_name(cfg.dataset.name, cfg.setting.name, cfg.model.name)
    return Path(cfg.output_dir) / "_comparisons" / base


def grid_dir(cfgs: Sequence[Config]) -> Path:
    """What a launcher keeps of a grid (its lock, the cells' logs, submitted jobs):
    _grid/<experiment> for one method, _grid/<comparison> for several."""
    first = cfgs[0]
    name = experiment_dir(first).name if len(cfgs) == 1 else comparison_dir(first).name
    return Path(first.output_dir) / "_grid" / name


def first_step_dir(cfg: Config, family_keys: dict) -> Path:
    """Step 1 of a continual run, shared by the methods of its family (trainer.share_first_step): every
    result-changing key but the method's, the family, and what of the method the family says step 1
    reads (`family_keys`, ModelFamily.first_step_method)."""
    data = result_config(to_container(cfg))
    relevant = {g: data[g] for g in ("dataset", "setting", "model", "trainer")} | {"seed": data["seed"], "permutation": data["permutation"]}
    relevant |= {"family": cfg.method.family, "method": family_keys}
    name = folder_name(cfg.dataset.name, cfg.setting.name, cfg.method.family, cfg.model.name, run_label(cfg), digest(relevant))
    return Path(cfg.output_dir) / "_first_step" / name


def pretrained_dir(cfg: Config) -> Path:
    """The denoised base model depends only on its pretraining text (the training sentences, or the
    unlabeled synthetic corpus drawn beside them: both follow from the corpus keys), the model section
    (architecture, tokenizer, denoising epochs and lr) and the seed, so one serves every setting, task
    order, method and upper bound on that corpus."""
    data = result_config(to_container(cfg))
    relevant = {"corpus": corpus_section(data["dataset"]), "model": data["model"], "seed": data["seed"]}
    if "family" in data["method"]:  # absent: the pointer BART (ADDED_KEYS), whose keys predate families
        relevant["family"] = data["method"]["family"]
    name = folder_name(cfg.dataset.name, cfg.model.name, f"s{cfg.seed}", digest(relevant, length=10))
    return Path(cfg.output_dir) / "_pretrained" / name
