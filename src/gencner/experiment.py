"""An experiment: one method on one dataset and setting, over permutations and seeds, next to the
non-CL upper bound of the same setting. Each (permutation, seed) run gets its own copy of the
configuration, read-only; the bound is run from a configuration of its own (`upper_bound_config`),
computed once per (dataset, setting, permutation, seed, model, trainer) and reused by every later
experiment that needs it. Every launcher runs an experiment as the cells of gencner.grid, then writes
its summary here (`write_summary`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from omegaconf import OmegaConf

from gencner.atomic import write_json
from gencner.config import to_container
from gencner.config.schema import Config, MethodConfig
from gencner.console import console, experiment_table, matrix_table
from gencner.errors import DataError
from gencner.jsonfile import read_json
from gencner.results import aggregate
from gencner.run_identity import bound_method_name, experiment_dir
from gencner.runner import Runner, warn

__all__ = [
    "bound_results",
    "complete_results",
    "experiment_dir",
    "run_config",
    "run_configs",
    "summary_table",
    "upper_bound_config",
    "write_summary",
]


def non_cl_method(family: str) -> MethodConfig:
    """The bound trains the run's model family on gold only: no teacher, no pseudo-labels, no
    distillation (run_identity.bound_method_name)."""
    return MethodConfig(name=bound_method_name(family, MethodConfig.family), family=family, pseudo_labels=False, distill=False)


def summary_table(summary: dict):
    """One run: its matrix; several: the mean ± std table."""
    return matrix_table(summary, title="final") if len(summary["runs"]) == 1 else experiment_table(summary)


def _frozen(cfg: Config, changes: dict) -> Config:
    out = OmegaConf.merge(cfg, OmegaConf.create(changes))
    OmegaConf.set_readonly(out, True)  # a run's configuration is what it ran with: nothing may change it
    return out  # type: ignore[return-value]


def run_config(cfg: Config, permutation: int, seed: int) -> Config:
    """The configuration of one (permutation, seed) run of the experiment `cfg`: a new, read-only copy
    (one W&B group per experiment: its runs and their upper bounds)."""
    group = cfg.logger.group if cfg.logger.group is not None else experiment_dir(cfg).name
    return _frozen(cfg, {"permutation": permutation, "seed": seed, "logger": {"group": group}})


def run_configs(cfg: Config, perms: Sequence[int], seeds: Sequence[int]) -> list[Config]:
    """Every run of the experiment `cfg`, in the one order the grid's cells and the merge use: by
    permutation, then by seed."""
    return [run_config(cfg, perm, seed) for perm in perms for seed in seeds]


def upper_bound_config(cfg: Config) -> Config:
    """The non-CL upper bound of `cfg`'s run: the same data, setting, model family, model, trainer,
    order and seed, cumulative (step k trains on tasks 1..k with the gold of every seen type); with
    setting.upper_bound=last-step only its last step, in one step on every task's data."""
    method = OmegaConf.structured(non_cl_method(cfg.method.family))
    setting = {"cumulative": True} | ({"single_step": True} if cfg.setting.upper_bound == "last-step" else {})
    return _frozen(cfg, {"setting": setting, "name": None, "method": method})


def wants_upper_bound(cfg: Config) -> bool:
    """A cumulative or single-step run is a bound itself."""
    return not cfg.setting.cumulative and not cfg.setting.single_step


def complete_results(folder: Path) -> dict | None:
    """The results.json of a run folder whose every step is done, or None (no file yet, or partial)."""
    path = Path(folder) / "results.json"
    if not path.is_file():
        return None
    results = read_json(path)
    return results if results.get("status") == "complete" else None


def bound_results(bound: Config, folder: Path) -> dict:
    """The finished non-CL bound `bound` (an upper_bound_config) in `folder`, computed now unless a
    complete one is there."""
    try:
        cached = complete_results(folder)
    except DataError as exc:  # its finished steps are intact: the rerun below writes it again from them
        warn(f"{exc}; written again from the bound's finished steps")
        cached = None
    if cached is not None:
        console.print(f"upper bound: reusing {folder}")
        return cached
    console.print(f"[bold]upper bound (non-CL)[/] → {folder}")
    return Runner(bound, folder).run()


def recorded_config(cfg: Config) -> dict:
    """The composed configuration an experiment's summary records, less how its cells were launched:
    every launcher writes the same summary (each run's config.json says how that run was launched)."""
    data = to_container(cfg)
    data.pop("launcher", None)
    data["choices"].pop("launcher", None)
    return data


def write_summary(
    cfg: Config, perms: Sequence[int], seeds: Sequence[int], results: Sequence[dict], seconds: float | None, missing: Sequence[str] = ()
) -> dict:
    """The experiment's results.json over its finished runs' results (`missing`: the labels of its runs
    that have not finished, when a grid is merged before its end), written and printed."""
    root = experiment_dir(cfg)
    summary = aggregate(root.name, results, missing)
    # the composed configuration; each run's own (with its permutation and seed) is in its config.json
    summary["config"] = recorded_config(cfg)
    summary["permutations"], summary["seeds"] = list(perms), list(seeds)
    if seconds is not None:
        summary["seconds"] = seconds
    write_json(root / "results.json", summary)
    console.print(summary_table(summary))
    console.print(f"results: {root / 'results.json'}")
    return summary
