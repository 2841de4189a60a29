"""`gencner report --bound FOLDER`: a finished single-step run (an offline run of the same data, or a
family's bound of the last step trained on its own) as the non-CL bound of runs made without one.

An experiment records the bound each run was compared with when it trains one; a run made with
--no-upper records none, and comparing it later with a bound trained since, or with the offline run of
its family, is what this does. The bound is attached in memory only (no results.json is rewritten) to
the runs that can be compared with it: the same model family, dataset and model, the same dataset
configuration (config.json: generator, test sample, dev hold-out, task grouping) and data files (the
digests of data.json, whatever path they were read from), the same headline test set (an offline run
is scored on every test sentence, a Filter-Filter run on the filtered test), the same tasks, and a last
step that has seen every type the bound was trained on (a run stopped earlier is scored on fewer types).
A run that already names its own bound keeps it; a bound run given as a folder (single-step or
cumulative) is not compared with anything. Every run that gets none is said in the report's notes. The
seed and the order are not compared: one offline run serves as the bound of every seed of a method."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from gencner.config.schema import MethodConfig
from gencner.errors import DataError, GencnerError
from gencner.jsonfile import read_json
from gencner.report.loading import Method, ReportInputs, load_folders, read_run, report_inputs
from gencner.results import RunResult
from gencner.run_identity import DATA_DIGESTS, bound_method_name, data_digests, result_config


@dataclass(frozen=True)
class GivenBound:
    folder: Path
    run: RunResult
    family: str

    def as_upper_folder(self) -> Method:
        """The bound as report.loading's bound folders are: one bound per family, named as the family's own."""
        method = bound_method_name(self.family, MethodConfig.family)
        return Method(method, method, self.folder.name, str(self.folder), "run", self.run, [self.run], [self.folder])


def run_config(folder: Path) -> dict | None:
    """A run folder's config.json (None when it holds none)."""
    path = Path(folder) / "config.json"
    if not path.is_file():
        return None
    data = read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("method"), dict) or not isinstance(data.get("dataset"), dict):
        raise DataError(path, None, "has no method or dataset section: not a run's configuration")
    return data


def run_family(folder: Path) -> str | None:
    """The model family a run folder's config.json names (no method.family: the pointer family, the only
    one before there were others); None when the folder holds no config.json."""
    config = run_config(folder)
    return None if config is None else str(config["method"].get("family", MethodConfig.family))


def dataset_section(folder: Path) -> dict | None:
    """The result-changing keys of a run's dataset configuration (run_identity.result_config)."""
    config = run_config(folder)
    return None if config is None else result_config(config)["dataset"]


def task_grouping(run: RunResult) -> set[frozenset[str]]:
    return {frozenset(types) for types in (run.task_types or [[task] for task in run.tasks])}


def types_seen(run: RunResult) -> set[str]:
    """The types a run's last finished step had seen (those its last Macro-F1 is over)."""
    return set(run.steps[-1].seen_types) if run.steps else set()


def read_given_bound(folder: str | Path) -> GivenBound:
    folder = Path(folder)
    run = read_run(folder)
    if not run.single_step or run.status != "complete":
        raise GencnerError(
            f"{folder}: --bound takes a finished single-step run (setting=offline, or a bound of the last step); "
            f"this one is {run.setting} with {len(run.steps)} of {run.n_steps} steps finished"
        )
    family = run_family(folder)
    if family is None:
        raise GencnerError(f"{folder} has no config.json: its model family is unknown, so no run can be matched with it")
    return GivenBound(folder, run, family)


def why_not(run: RunResult, folder: Path, bound: GivenBound) -> str | None:
    """Why `run` (read from `folder`) cannot be compared with `bound`; None when it can."""
    family = run_family(folder)
    if family != bound.family:
        return f"model family {family or 'unknown (no config.json)'}, the bound's is {bound.family}"
    for key in ("dataset", "model", "headline_test"):
        if getattr(run, key) != getattr(bound.run, key):
            return f"{key.replace('_', ' ')} {getattr(run, key)}, the bound's is {getattr(bound.run, key)}"
    if dataset_section(folder) != dataset_section(bound.folder):
        return "its dataset configuration (config.json) differs from the bound's"
    if task_grouping(run) != task_grouping(bound.run):
        return "its tasks group the types otherwise than the bound's"
    ours, theirs = data_digests(folder), data_digests(bound.folder)
    if ours is None or theirs is None:
        return f"no {DATA_DIGESTS} to show that it read the bound's data files"
    if ours != theirs:
        return f"its data files differ from the bound's ({DATA_DIGESTS})"
    seen, trained = types_seen(run), types_seen(bound.run)
    if seen != trained:
        return f"its last step has seen {', '.join(sorted(seen))}; the bound was trained on {', '.join(sorted(trained))}"
    return None


def attach(methods: Sequence[Method], bounds: Sequence[GivenBound]) -> tuple[list[Method], list[str]]:
    """The methods with each bound-less run compared with the first given bound that fits it, and a note
    for every run left without one. A given bound that fits no run at all is an error."""
    used: set[Path] = set()
    notes: list[str] = []
    out = []
    for method in methods:
        runs = []
        for run, folder in zip(method.runs, method.run_dirs, strict=True):
            if run.upper_bound or run.single_step or run.cumulative:  # compared already, or a bound itself
                runs.append(run)
                continue
            reasons = {b.folder: why_not(run, folder, b) for b in bounds}
            fitting = [b for b in bounds if reasons[b.folder] is None]
            if fitting:
                used.add(fitting[0].folder)
                run = replace(run, upper_bound=fitting[0].run.as_bound())
            else:
                why = "; ".join(f"`{f}`: {reason}" for f, reason in reasons.items())
                notes.append(f"`{folder}` ({method.label}) has no bound: no --bound fits it ({why}).")
            runs.append(run)
        out.append(replace(method, runs=runs))
    for bound in bounds:
        if bound.folder not in used:
            raise GencnerError(f"--bound {bound.folder} fits none of the runs; {notes[0] if notes else 'each already names its own bound'}")
    notes += [f"Bound given with --bound: `{b.folder}` ({b.family} family, setting {b.run.setting})." for b in bounds]
    return out, notes


def load_report_inputs(folders: Iterable[str | Path], bounds: Iterable[str | Path] = ()) -> ReportInputs:
    """report.loading's inputs, with each of `bounds` (single-step run folders) attached to the runs
    without a bound that it fits."""
    methods, bound_folders = load_folders(folders)
    given = [read_given_bound(b) for b in bounds]
    if not given:
        return report_inputs(methods, bound_folders)
    methods, notes = attach(methods, given)
    return report_inputs(methods, [*bound_folders, *(b.as_upper_folder() for b in given)], notes)
