"""Where configuration files come from: the defaults installed with the package (the checkout's conf/,
installed as the package `gencner.conf`), and above them a user's folder (`--conf DIR`, else
$GENCNER_CONF) that adds groups and choices of its own; a file of the same name in it wins.

Layers are importlib.resources Traversables (folders on disk, or inside a zip), listed lowest first."""

from __future__ import annotations

import importlib.resources
import os
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from omegaconf import DictConfig, OmegaConf

from gencner.errors import ConfigError

if TYPE_CHECKING:  # importlib.resources.abc is Python 3.11+; annotations are not evaluated
    from importlib.resources.abc import Traversable

PACKAGED = "gencner.conf"
ENVIRONMENT = "GENCNER_CONF"


def packaged_conf() -> Traversable | None:
    """The defaults installed with gencner; None when gencner runs from a source tree on PYTHONPATH
    without being installed (then a user folder has to provide them)."""
    try:
        return importlib.resources.files(PACKAGED)
    except ModuleNotFoundError:
        return None


def user_conf(explicit: str | os.PathLike | None = None) -> Path | None:
    """`--conf DIR`, else $GENCNER_CONF, else none."""
    if explicit is not None:
        origin, folder = f"--conf {explicit}", explicit
    elif os.environ.get(ENVIRONMENT):
        origin, folder = f"{ENVIRONMENT}={os.environ[ENVIRONMENT]}", os.environ[ENVIRONMENT]
    else:
        return None
    if not Path(folder).is_dir():
        raise ConfigError(f"{origin}: no such folder")
    return Path(folder)


def conf_layers(explicit: str | os.PathLike | None = None) -> list[Traversable]:
    """The configuration folders in use, lowest first; the base file config.yaml must be in one."""
    layers = [layer for layer in (packaged_conf(), user_conf(explicit)) if layer is not None]
    if not layers:
        raise ConfigError(f"no configuration: gencner is not installed (pip install .), and neither --conf DIR nor {ENVIRONMENT} names one")
    if find(layers, "config.yaml") is None:
        raise ConfigError(f"no config.yaml in {', '.join(map(str, layers))}; pass --conf DIR or set {ENVIRONMENT} to a folder holding one")
    return layers


def find(layers: list[Traversable], *parts: str) -> Traversable | None:
    """The file at `parts` in the topmost layer holding it."""
    for layer in reversed(layers):
        candidate = layer.joinpath(*parts)
        if candidate.is_file():
            return candidate
    return None


def available(layers: list[Traversable], group: str) -> list[str]:
    """The choices of a group: the names of its YAML files in every layer."""
    folders = [layer.joinpath(group) for layer in layers]
    return sorted(
        {
            item.name[: -len(".yaml")]
            for folder in folders
            if folder.is_dir()
            for item in folder.iterdir()
            if item.name.endswith(".yaml") and item.is_file()
        }
    )


def read_yaml(path: Traversable) -> DictConfig:
    try:
        loaded = OmegaConf.create(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}: {exc.problem}") from None
    except Exception as exc:  # valid YAML that OmegaConf cannot hold (a null key, a set): its first line
        raise ConfigError(f"{path}: not a valid configuration file: {str(getattr(exc, 'msg', None) or exc).splitlines()[0]}") from None
    if not isinstance(loaded, DictConfig):
        raise ConfigError(f"{path}: expected a mapping of keys to values")
    return loaded
