"""Build a Config from conf/ and `key=value` overrides.

Order of composition (later wins):
  schema defaults → conf/<group>/<choice>.yaml for each group → conf/config.yaml values →
  conf/experiment/<name>.yaml values → CLI overrides.
Group choices come from conf/config.yaml's `defaults:`, then the experiment's `defaults:`, then the CLI
(`dataset=few-nerd`). Anything unknown is a ConfigError that lists what is valid.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any, Iterable

from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from gencner.config.schema import Config
from gencner.config.validation import validate
from gencner.errors import ConfigError

GROUPS = ("dataset", "setting", "model", "method", "trainer", "logger")


def conf_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The conf/ folder: an explicit path, else $GENCNER_CONF, else the repository's conf/ (the package
    is installed from a checkout), else ./conf."""
    if explicit is not None:
        if not (Path(explicit) / "config.yaml").is_file():
            raise ConfigError(f"--conf {explicit}: no config.yaml in that folder")
        return Path(explicit)
    candidates = [os.environ.get("GENCNER_CONF"), Path(__file__).resolve().parents[3] / "conf", "conf"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "config.yaml").is_file():
            return Path(candidate)
    raise ConfigError("no configuration folder found: pass --conf DIR or set GENCNER_CONF to a folder holding config.yaml")


def available(root: Path, group: str) -> list[str]:
    folder = root / group
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def _read_yaml(path: Path) -> DictConfig:
    try:
        loaded = OmegaConf.load(path)
    except Exception as exc:  # yaml errors carry line numbers in their text
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(loaded, DictConfig):
        raise ConfigError(f"{path}: expected a mapping of keys to values")
    return loaded


def _group_file(root: Path, group: str, choice: str) -> Path:
    path = root / group / f"{choice}.yaml"
    if not path.is_file():
        valid = ", ".join(available(root, group)) or "(none)"
        raise ConfigError(f"unknown {group} '{choice}'; valid choices: {valid}")
    return path


def parse_overrides(overrides: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """Split CLI arguments into group choices (`dataset=conll`) and key overrides (`trainer.lr=1e-4`)."""
    choices: dict[str, str] = {}
    dotlist: list[str] = []
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ConfigError(f"override '{item}' is not of the form key=value")
        if key in GROUPS or key == "experiment":
            choices[key] = value
        else:
            dotlist.append(item)
    return choices, dotlist


def _split_defaults(node: DictConfig, origin: Path) -> tuple[dict[str, str], DictConfig]:
    data = OmegaConf.to_container(node)
    defaults = data.pop("defaults", {}) or {}
    if not isinstance(defaults, dict) or any(k not in GROUPS for k in defaults):
        raise ConfigError(f"{origin}: `defaults:` must map groups ({', '.join(GROUPS)}) to choices")
    return {k: str(v) for k, v in defaults.items()}, OmegaConf.create(data)


def load_config(overrides: Iterable[str] = (), conf: str | os.PathLike | None = None) -> Config:
    """Compose the configuration; returns a typed, validated Config (an OmegaConf structured object)."""
    root = conf_dir(conf)
    cli_choices, dotlist = parse_overrides(overrides)
    choices, base_values = _split_defaults(_read_yaml(root / "config.yaml"), root / "config.yaml")
    experiment = cli_choices.pop("experiment", None)
    exp_values = OmegaConf.create({})
    if experiment:
        exp_path = _group_file(root, "experiment", experiment)
        exp_choices, exp_values = _split_defaults(_read_yaml(exp_path), exp_path)
        choices.update(exp_choices)
    choices.update(cli_choices)
    missing = [g for g in GROUPS if g not in choices]
    if missing:
        raise ConfigError(f"no choice for group(s) {', '.join(missing)} in {root / 'config.yaml'}")

    cfg = OmegaConf.structured(Config)
    layers: list[tuple[str, Any]] = []
    for group in GROUPS:
        path = _group_file(root, group, choices[group])
        layers.append((str(path), OmegaConf.create({group: _read_yaml(path)})))
    layers.append((str(root / "config.yaml"), base_values))
    layers.append((f"experiment '{experiment}'", exp_values))
    layers.append(("command line", _parse_dotlist(dotlist)))
    for origin, layer in layers:
        cfg = _merge(cfg, layer, origin)
    cfg.choices = dict(choices)
    cfg.experiment = experiment
    validate(cfg, root)
    return cfg


def _parse_dotlist(dotlist: list[str]) -> DictConfig:
    try:
        return OmegaConf.from_dotlist(dotlist)
    except OmegaConfBaseException as exc:
        raise ConfigError(f"cannot parse overrides {dotlist}: {exc.msg if hasattr(exc, 'msg') else exc}") from None


def _merge(cfg: DictConfig, layer: DictConfig, origin: str) -> DictConfig:
    try:
        return OmegaConf.merge(cfg, layer)
    except OmegaConfBaseException as exc:
        raise ConfigError(f"{origin}: {_explain(exc)}") from None


def _explain(exc: OmegaConfBaseException) -> str:
    """Turn OmegaConf's error into one line naming the key and what is valid there."""
    full_key = getattr(exc, "full_key", None) or ""
    message = str(getattr(exc, "msg", None) or exc).splitlines()[0]
    if "not in" in message or "Key '" in message and "not" in message:
        parent = full_key.rpartition(".")[0]
        valid = ", ".join(valid_keys(parent)) or "(none)"
        return f"unknown key '{full_key}'; valid keys{' under ' + parent if parent else ''}: {valid}"
    return f"bad value for '{full_key}': {message}"


def valid_keys(dotted_parent: str) -> list[str]:
    """Field names of the dataclass at `dotted_parent` ('' = the top level)."""
    node: Any = Config
    for part in filter(None, dotted_parent.split(".")):
        found = {f.name: f for f in dataclasses.fields(node)}.get(part)
        if found is None or found.default_factory is dataclasses.MISSING:
            return []
        sample = found.default_factory()
        if not dataclasses.is_dataclass(sample):
            return []
        node = type(sample)
    return sorted(f.name for f in dataclasses.fields(node))


def to_container(cfg: Config) -> dict:
    """A plain dict (for JSON, checkpoints loaded with weights_only=True, and W&B)."""
    return OmegaConf.to_container(cfg, resolve=True)  # type: ignore[arg-type]
