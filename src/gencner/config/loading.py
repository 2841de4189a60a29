"""Build a Config from the configuration layers (layers.py) and `key=value` overrides.

Order of composition (later wins):
  schema defaults → <group>/<choice>.yaml for each group → config.yaml values →
  experiment/<name>.yaml values (after those of the experiments it extends) → CLI overrides.
Group choices come from config.yaml's `defaults:`, then the experiment's `defaults:` (the experiments
it extends first), then the CLI (`dataset=few-nerd`). An experiment extends others with
`defaults: {experiment: NAME}` or `{experiment: [A, B]}`; a group file extends another of its group with
`extends: NAME` (its values after the other's). Anything unknown is a ConfigError that lists
what is valid.
"""

from __future__ import annotations

import dataclasses
import os
import re
import typing
from collections.abc import Iterable
from typing import Any, Literal

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException, ValidationError

from gencner.config.layers import available, conf_layers, find, read_yaml
from gencner.config.schema import Config
from gencner.config.validation import validate
from gencner.errors import ConfigError

GROUPS = ("dataset", "setting", "model", "method", "trainer", "logger", "launcher")
EXPERIMENT = "experiment"
EXTENDS = "extends"  # a group file built on another of its group
# Groups added after users wrote config.yaml files of their own: one that names no choice for them
# gets these.
ADDED_GROUPS = {"launcher": "sequential"}


def group_choices(layers) -> dict[str, list[str] | OSError]:
    """Every group's choices in these layers, experiments last (what `--help` lists). A group folder that
    cannot be listed (no read permission) maps to the error, so that --help still lists the others."""
    listed: dict[str, list[str] | OSError] = {}
    for group in (*GROUPS, EXPERIMENT):
        try:
            listed[group] = available(layers, group)
        except OSError as exc:
            listed[group] = exc
    return listed


def _group_file(layers, group: str, choice: str):
    path = find(layers, group, f"{choice}.yaml")
    if path is None:
        valid = ", ".join(available(layers, group)) or "(none)"
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
        if key in GROUPS or key == EXPERIMENT:
            choices[key] = value
        else:
            dotlist.append(item)
    return choices, dotlist


def _split_defaults(node: DictConfig, origin, extends: bool) -> tuple[dict[str, str], list[str], DictConfig]:
    """(group choices, the experiments it extends, the values) of a file with a `defaults:` mapping."""
    data = OmegaConf.to_container(node)
    defaults = data.pop("defaults", {}) or {}
    allowed = (*GROUPS, EXPERIMENT) if extends else GROUPS
    if not isinstance(defaults, dict) or any(k not in allowed for k in defaults):
        raise ConfigError(f"{origin}: `defaults:` must map groups ({', '.join(allowed)}) to choices")
    parents = defaults.pop(EXPERIMENT, None) or []
    parents = [str(p) for p in (parents if isinstance(parents, list) else [parents])]
    return {k: str(v) for k, v in defaults.items()}, parents, OmegaConf.create(data)


def _experiment_layers(layers, name: str, chain: tuple[str, ...] = ()) -> list[tuple[str, dict, DictConfig]]:
    """(name, choices, values) of an experiment, after those of the experiments it extends."""
    if name in chain:
        raise ConfigError(f"experiment '{name}' extends itself: {' → '.join([*chain, name])}")
    path = _group_file(layers, EXPERIMENT, name)
    choices, parents, values = _split_defaults(read_yaml(path), path, extends=True)
    extended = [layer for parent in parents for layer in _experiment_layers(layers, parent, (*chain, name))]
    return [*extended, (name, choices, values)]


def _group_layers(layers, group: str, choice: str, chain: tuple[str, ...] = ()) -> list[tuple[Any, DictConfig]]:
    """(file, values) of a group's choice, after those of the file it extends (`extends: NAME`, a file of
    the same group): a variant states only what differs from its base. A variant names itself, so that
    a run of it is never taken for a run of its base."""
    if choice in chain:
        raise ConfigError(f"{group} '{choice}' extends itself: {' → '.join([*chain, choice])}")
    path = _group_file(layers, group, choice)
    data = OmegaConf.to_container(read_yaml(path))
    base = data.pop(EXTENDS, None)
    if base is None:
        return [(path, OmegaConf.create(data))]
    if not isinstance(base, str) or not base:
        raise ConfigError(f"{path}: `{EXTENDS}:` must name one {group} file, got {base!r}")
    if "name" not in data:
        raise ConfigError(f"{path}: a {group} that extends '{base}' must set its own name:")
    return [*_group_layers(layers, group, base, (*chain, choice)), (path, OmegaConf.create(data))]


def load_config(overrides: Iterable[str] = (), conf: str | os.PathLike | None = None) -> Config:
    """Compose the configuration; returns a typed, validated Config (an OmegaConf structured object)."""
    layers = conf_layers(conf)
    cli_choices, dotlist = parse_overrides(overrides)
    base = find(layers, "config.yaml")
    choices, _, base_values = _split_defaults(read_yaml(base), base, extends=False)
    for group, choice in ADDED_GROUPS.items():
        choices.setdefault(group, choice)
    experiment = cli_choices.pop(EXPERIMENT, None)
    experiments = _experiment_layers(layers, experiment) if experiment else []
    for _, exp_choices, _ in experiments:
        choices.update(exp_choices)
    choices.update(cli_choices)
    missing = [g for g in GROUPS if g not in choices]
    if missing:
        raise ConfigError(f"no choice for group(s) {', '.join(missing)} in {base}")

    cfg = OmegaConf.structured(Config)
    values: list[tuple[str, Any]] = []
    for group in GROUPS:
        values.extend(
            (str(path), OmegaConf.create({group: file_values})) for path, file_values in _group_layers(layers, group, choices[group])
        )
    values.append((str(base), base_values))
    values.extend((f"experiment '{name}'", exp_values) for name, _, exp_values in experiments)
    values.append(("command line", _parse_dotlist(dotlist)))
    for origin, layer in values:
        cfg = _merge(cfg, layer, origin)
    cfg.choices = dict(choices)
    cfg.experiment = experiment
    validate(cfg)
    return cfg


def _parse_dotlist(dotlist: list[str]) -> DictConfig:
    """The overrides as one layer, applied one by one (as OmegaConf.from_dotlist does) so that a value
    that is not valid YAML, such as an unclosed bracket, is named."""
    layer = OmegaConf.create()
    for item in dotlist:
        try:
            layer.merge_with_dotlist([item])
        except (OmegaConfBaseException, yaml.YAMLError) as exc:
            problem = getattr(exc, "msg", None) or getattr(exc, "problem", None) or str(exc)
            raise ConfigError(f"cannot parse the override '{item}': {problem.splitlines()[0]}") from None
    return layer


def _merge(cfg: DictConfig, layer: DictConfig, origin: str) -> DictConfig:
    try:
        return OmegaConf.merge(cfg, layer)
    except OmegaConfBaseException as exc:
        raise ConfigError(f"{origin}: {_explain(exc)}") from None
    except TypeError:  # OmegaConf's "Cannot merge incompatible container types" names no key
        where = _container_mismatch(cfg, layer) or "a list where a mapping is expected, or a mapping where a list is"
        raise ConfigError(f"{origin}: {where}") from None


def _container_mismatch(cfg: Any, layer: Any, prefix: str = "") -> str | None:
    """Where `layer` gives a list for a mapping of `cfg`, or a mapping for a list (None: nowhere)."""
    for key in layer:
        if not OmegaConf.is_dict(cfg) or key not in cfg:
            continue
        present, value, name = cfg[key], layer[key], f"{prefix}{key}"
        if OmegaConf.is_dict(present) and OmegaConf.is_dict(value):
            found = _container_mismatch(present, value, name + ".")
            if found:
                return found
        elif _kind(present) != _kind(value):
            return f"'{name}' takes {_kind(present)}, got {_kind(value)}"
    return None


def _kind(node: Any) -> str:
    return "a list [...]" if OmegaConf.is_list(node) else "a mapping {...}" if OmegaConf.is_dict(node) else "a single value"


def _explain(exc: OmegaConfBaseException) -> str:
    """Turn OmegaConf's error into one line naming the key and what is valid there."""
    full_key = getattr(exc, "full_key", None) or ""
    message = str(getattr(exc, "msg", None) or exc).splitlines()[0]
    choices = literal_choices(schema_type(full_key))
    if choices and isinstance(exc, ValidationError):
        return f"{full_key}={exc.value!r} is not valid; choose one of: {', '.join(choices)}"
    if "not in" in message or "Key '" in message and "not" in message:
        parent = full_key.rpartition(".")[0]
        valid = ", ".join(valid_keys(parent)) or "(none)"
        return f"unknown key '{full_key}'; valid keys{' under ' + parent if parent else ''}: {valid}"
    return f"bad value for '{full_key}': {message}"


def schema_type(dotted: str) -> Any:
    """The schema's type of a dotted key (list indices ignored: `setting.test[1]`), None if it has none."""
    node: Any = Config
    for part in filter(None, re.sub(r"\[\d+\]", "", dotted).split(".")):
        if not dataclasses.is_dataclass(node):
            return None
        node = typing.get_type_hints(node).get(part)
    return node if dotted else None


def literal_choices(hint: Any) -> tuple:
    """The values of a Literal type, also inside Optional[...] or list[...]; () for any other type."""
    if typing.get_origin(hint) is Literal:
        return typing.get_args(hint)
    return next((found for arg in typing.get_args(hint) if (found := literal_choices(arg))), ())


def valid_keys(dotted_parent: str) -> list[str]:
    """Field names of the dataclass at `dotted_parent` ('' = the top level)."""
    node = schema_type(dotted_parent) if dotted_parent else Config
    return sorted(f.name for f in dataclasses.fields(node)) if dataclasses.is_dataclass(node) else []


def to_container(cfg: Config) -> dict:
    """A plain dict (for JSON, checkpoints loaded with weights_only=True, and W&B)."""
    return OmegaConf.to_container(cfg, resolve=True)  # type: ignore[arg-type]


def from_container(data: dict) -> Config:
    """The read-only Config a to_container dict was made from (a cell sent to another process)."""
    cfg = OmegaConf.merge(OmegaConf.structured(Config), OmegaConf.create(data))
    OmegaConf.set_readonly(cfg, True)
    return cfg  # type: ignore[return-value]
