"""Run folder names: readable, and different whenever the things that change results differ."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from gencner.config import to_container
from gencner.config.schema import SyntheticConfig


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


# Keys of dataset.synthetic added after cached bases existed. At their schema default they stay out of
# the digest, so that a configuration that does not use them keeps the key (and the cached base) it had
# before they existed; set to anything else they change it like any other key.
LATER_SYNTHETIC_KEYS = ("ambiguous_fraction", "pretrain_sentences")


def _synthetic_key(synthetic: dict) -> dict:
    defaults = SyntheticConfig()
    return {k: v for k, v in synthetic.items() if k not in LATER_SYNTHETIC_KEYS or v != getattr(defaults, k)}


def pretrained_cache(cfg: Any) -> str:
    """The denoised base model depends only on its pretraining text (the training sentences, or the
    unlabeled synthetic corpus drawn beside them: both follow from the corpus keys), the model section
    (architecture, tokenizer, denoising epochs and lr) and the seed, so one serves every setting, task
    order, method and upper bound on that corpus."""
    data = to_container(cfg)
    corpus = {k: data["dataset"][k] for k in CORPUS_KEYS}
    corpus["synthetic"] = _synthetic_key(corpus["synthetic"])
    relevant = {"corpus": corpus, "model": data["model"], "seed": data["seed"]}
    digest = hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:10]
    return f"{cfg.dataset.name}-{cfg.model.name}-s{cfg.seed}-{digest}"
