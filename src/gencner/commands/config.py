"""`gencner config key=value ...`: the configuration a command would run with, composed and validated
like theirs, as YAML on stdout (the group choices under `choices:`, the preset under `experiment:`);
the configuration folders it came from go to stderr. Nothing is read or trained."""

from __future__ import annotations

import sys

from omegaconf import OmegaConf

from gencner.config import conf_layers, load_config


def run(overrides: list[str], conf: str | None = None) -> int:
    cfg = load_config(overrides, conf)
    sys.stdout.write(OmegaConf.to_yaml(cfg, resolve=True))
    print(f"gencner config: composed from {', '.join(map(str, conf_layers(conf)))}", file=sys.stderr)
    return 0
