"""Run folder names: readable, and different whenever the things that change results differ."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from gencner.config import to_container


def config_digest(cfg: Any, groups: tuple[str, ...] = ("dataset", "setting", "model", "method", "trainer")) -> str:
    """8 hex digits over the groups that change results (not the logger, not the run name)."""
    data = to_container(cfg)
    relevant = {g: data[g] for g in groups} | {"seed": data["seed"], "permutation": data["permutation"]}
    relevant["trainer"] = {k: v for k, v in relevant.get("trainer", {}).items() if k != "progress"}
    return hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:8]


def run_name(cfg: Any, method: str | None = None) -> str:
    if cfg.name:
        return str(cfg.name)
    method = method or cfg.method.name
    return f"{cfg.dataset.name}-{cfg.setting.name}-{method}-{cfg.model.name}-p{cfg.permutation}-s{cfg.seed}"


# The dataset keys that decide which training sentences there are (not how types are grouped into tasks).
CORPUS_KEYS = ("format", "path", "train", "dev", "test", "tagging", "token_column", "tag_column", "source",
               "hub_config", "revision", "schema", "use_task_files", "synthetic")


def pretrained_cache(cfg: Any) -> str:
    """The denoised base model depends only on the training text, the architecture and the seed, so one
    serves every setting, task order, method and upper bound on that corpus."""
    data = to_container(cfg)
    corpus = {k: data["dataset"][k] for k in CORPUS_KEYS}
    relevant = {"corpus": corpus, "model": data["model"], "seed": data["seed"]}
    digest = hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:10]
    return f"{cfg.dataset.name}-{cfg.model.name}-s{cfg.seed}-{digest}"
