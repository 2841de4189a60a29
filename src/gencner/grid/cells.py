"""The cells of a grid: every (method, permutation, seed) run of an experiment or a comparison, and the
non-CL bounds they are compared with, each bound once (runs of several methods share it: its folder
leaves the method out) and before the runs that need it. A bound's folder is computed here, once: the
bound's cell and the runs compared with it carry it. Whether a cell has finished is decided here too
(`cell_results`), for every launcher and the merge."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from gencner.config import from_container, to_container
from gencner.config.schema import Config
from gencner.errors import DataError, GencnerError
from gencner.experiment import complete_results, run_configs, upper_bound_config, wants_upper_bound
from gencner.run_identity import experiment_dir, experiment_run_dir, folder_name, run_label, upper_bound_dir

BOUND: Literal["bound"] = "bound"
RUN: Literal["run"] = "run"


@dataclass(frozen=True)
class Cell:
    """One run folder of a grid and the configuration it runs: a run's (experiment.run_config), or a
    bound's (experiment.upper_bound_config of the first run that needs it). `bound`: the folder of the
    bound cell a run is compared with, whose name is that cell's (None: it is compared with none)."""

    name: str
    kind: Literal["bound", "run"]
    config: Config
    folder: Path
    bound: Path | None = None

    def to_json(self) -> dict:
        """What a worker process or a SLURM job gets (a Config does not cross processes as itself)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "config": to_container(self.config),
            "folder": str(self.folder),
            "bound": None if self.bound is None else str(self.bound),
        }

    @classmethod
    def from_json(cls, data: dict) -> Cell:
        if "with_upper" in data:  # an earlier version's cell: its bound cell held a run's configuration
            raise GencnerError(f"cell {data.get('name')} was written by an earlier version of gencner; run the grid's command again")
        bound = None if data["bound"] is None else Path(data["bound"])
        return cls(data["name"], data["kind"], from_container(data["config"]), Path(data["folder"]), bound)


def cell_results(cell: Cell) -> dict | None:
    """The results.json of a finished cell, or None: every step done and, for a run compared with a bound,
    compared with that bound (a run finished without it, or beside another one, runs again: it only
    writes its results, with the gap to this bound; so does a cell whose results.json is damaged)."""
    try:
        results = complete_results(cell.folder)
    except DataError:  # damaged: the cell runs again, and writes it again from its finished steps
        return None
    if results is None or cell.kind == BOUND or cell.bound is None:
        return results
    compared = (results.get("upper_bound") or {}).get("run")
    return results if compared is not None and Path(compared).name == cell.bound.name else None


def run_cell_name(run: Config) -> str:
    """<experiment>-p<perm>-s<seed>: unique in a grid, whose experiments have distinct folders."""
    return folder_name(experiment_dir(run).name, run_label(run))


def grid_cells(cfgs: Sequence[Config], perms: Sequence[int], seeds: Sequence[int], with_upper: bool = True) -> list[Cell]:
    """The cells of the experiments of `cfgs` (one method each) over `perms` × `seeds`: the bounds
    first, then the runs in experiment.run_configs' order."""
    bounds: dict[Path, Cell] = {}
    runs: list[Cell] = []
    for cfg in cfgs:
        for run in run_configs(cfg, perms, seeds):
            bound = None
            if with_upper and wants_upper_bound(run):
                config = upper_bound_config(run)
                bound = upper_bound_dir(config)
                bounds.setdefault(bound, Cell(bound.name, BOUND, config, bound))
            runs.append(Cell(run_cell_name(run), RUN, run, experiment_run_dir(run), bound))
    return [*bounds.values(), *runs]
