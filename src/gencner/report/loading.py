"""Run and experiment folders → what the report draws from.

A folder holds a results.json written either by an experiment (an ExperimentResult: it lists its runs)
or by one run (a RunResult). Either way it is loaded as a `Method`: its label, its results, and the
RunResult of every run it stands for.

The non-CL upper bound is not loaded from its own folders: every CL run's results.json names the upper
run it was compared with and carries its Macro-F1 curve, which is all the report needs. A folder holding
an upper-bound run itself (method "non-cl") is added to the bound instead of being a method."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from gencner.cl.results import partial_results
from gencner.errors import DataError, GencnerError
from gencner.jsonfile import read_json
from gencner.results import ExperimentResult, RunResult, is_experiment, stats
from gencner.results.stats import CurveStats
from gencner.run_identity import BOUND_METHOD, is_bound_method

UPPER_LABEL = "Non-CL (upper bound)"


@dataclass(frozen=True)
class Method:
    """One row of the report: an experiment folder (kind "experiment") or a single run folder ("run")."""

    label: str  # the legend name: the method, or "method (name)" when two folders share a method
    method: str
    name: str  # the experiment's name, or the run folder's
    folder: str
    kind: str
    results: ExperimentResult | RunResult
    runs: list[RunResult]
    run_dirs: list[Path] = field(default_factory=list)  # the folder each of `runs` was read from


@dataclass(frozen=True)
class UpperBound:
    """The non-CL bound runs of a report, once each: their folders and Macro-F1 curves, in the same order."""

    label: str
    runs: list[str]
    curves: list[list[float]]
    # trained once on every task (an offline run, setting.upper_bound=last-step): its one point is the
    # bound of the methods' last step, not of their first
    last_step_only: bool = False

    @property
    def stats(self) -> CurveStats:
        return stats.curve_stats(self.curves)

    def mean_curve(self, n_steps: int) -> list[float | None]:
        """The mean Macro-F1 at each of `n_steps` steps; a last-step-only bound has its point at the last."""
        mean = self.stats.mean
        return [None] * (n_steps - len(mean)) + list(mean) if self.last_step_only else list(mean)


def read_results(folder: Path) -> ExperimentResult | RunResult:
    """A folder's results.json; a run folder stopped before its end: its finished steps (status partial)."""
    path = Path(folder) / "results.json"
    if not path.is_file():
        partial = partial_results(Path(folder))
        if partial is not None:
            return partial
        raise GencnerError(
            f"{folder} has no results.json; give a run folder (runs/<name>/runs/p0-s1) or an experiment folder (runs/<name>)"
        )
    data = read_json(path)
    if not isinstance(data, dict):
        raise DataError(path, None, f"expected a JSON object, found {type(data).__name__}")
    return ExperimentResult.from_json(data, str(path)) if is_experiment(data) else RunResult.from_json(data, str(path))


def read_run(folder: Path) -> RunResult:
    results = read_results(folder)
    if not isinstance(results, RunResult):
        raise DataError(Path(folder) / "results.json", None, "holds an experiment, expected one run's results")
    return results


def run_folder(experiment_dir: Path, recorded: str | None) -> Path:
    """The recorded path, or the same run under this experiment folder when the folder was moved."""
    path = Path(recorded or "")
    return path if (path / "results.json").is_file() else Path(experiment_dir) / "runs" / path.name


def load_method(folder: str | Path) -> Method:
    folder = Path(folder)
    results = read_results(folder)
    if isinstance(results, ExperimentResult):
        run_dirs = [run_folder(folder, entry.dir) for entry in results.runs]
        runs = [read_run(path) for path in run_dirs]
        kind, name = "experiment", results.experiment
    else:
        runs, run_dirs, kind, name = [results], [folder], "run", folder.name
    method = results.method or name
    return Method(label=method, method=method, name=name, folder=str(folder), kind=kind, results=results, runs=runs, run_dirs=run_dirs)


def unique_labels(methods: Sequence[Method]) -> list[Method]:
    """Two folders of the same method (another config, say) are told apart by their name."""
    counts: dict[str, int] = {}
    for m in methods:
        counts[m.method] = counts.get(m.method, 0) + 1
    return [m if counts[m.method] == 1 else replace(m, label=f"{m.method} ({m.name})") for m in methods]


def _bound_method(run_path: str) -> str:
    """The method of a bound run (which family's bound it is), from its results.json when it is there."""
    path = Path(run_path) / "results.json"
    return read_run(Path(run_path)).method if path.is_file() else BOUND_METHOD


def upper_bounds(methods: Sequence[Method], upper_folders: Sequence[Method] = ()) -> list[UpperBound]:
    """The non-CL curves, once per bound run (experiments of several methods share them), one bound per
    bound method: a pointer BART's bound and a span scorer's are different bounds, never pooled."""
    # (bound method, trained once on every task) → path → Macro-F1 curve: a bound of the last step only
    # is another row than a per-step bound of the same family, never pooled with it
    curves: dict[tuple[str, bool], dict[str, list[float]]] = {}
    for m in upper_folders:
        for run in m.runs:
            curves.setdefault((m.method, bool(run.single_step)), {})[str(run.run_dir or m.folder)] = run.macro_f1
    seen = {path for group in curves.values() for path in group}
    for m in methods:
        for run in m.runs:
            if run.upper_bound and run.upper_bound.macro_f1:
                path = str(run.upper_bound.run or f"{run.run_dir} (upper)")
                if path not in seen:  # methods of one experiment share their bound: read its method once
                    seen.add(path)
                    curves.setdefault((_bound_method(path), run.upper_bound.last_step_only), {})[path] = run.upper_bound.macro_f1
    out = []
    for method, last_step in sorted(curves, key=lambda key: (key[0] != BOUND_METHOD, key)):
        paths = sorted(curves[method, last_step])
        # beside another bound every bound names its method; alone it needs no name
        name = f"{method}, last step" if any(m == method and not last for m, last in curves) and last_step else method
        label = UPPER_LABEL if len(curves) == 1 and method == BOUND_METHOD else f"{UPPER_LABEL}, {name}"
        out.append(UpperBound(label, paths, [curves[method, last_step][p] for p in paths], last_step))
    return out


@dataclass(frozen=True)
class ReportInputs:
    methods: list[Method]
    upper: UpperBound | None  # the first bound (figures draw one); `uppers` holds every family's
    uppers: list[UpperBound] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the report should say about the bounds given


def load_folders(folders: Iterable[str | Path]) -> tuple[list[Method], list[Method]]:
    """The given folders as the report's methods, in order, and as bound folders (a bound run itself)."""
    loaded = [load_method(f) for f in folders]
    if not loaded:
        raise GencnerError("give at least one run or experiment folder")
    methods = unique_labels([m for m in loaded if not is_bound_method(m.method)])
    return methods, [m for m in loaded if is_bound_method(m.method)]


def report_inputs(methods: list[Method], bound_folders: Sequence[Method], notes: Sequence[str] = ()) -> ReportInputs:
    uppers = upper_bounds(methods, bound_folders)
    return ReportInputs(methods, uppers[0] if uppers else None, uppers, list(notes))


def load_report_inputs(folders: Iterable[str | Path]) -> ReportInputs:
    """The methods of the given folders, in order, and their bound (report.given_bounds: with bounds given
    for runs made without one)."""
    return report_inputs(*load_folders(folders))


def find_result_folders(root: str | Path) -> list[Path]:
    """The experiment folders under `root` (runs/ by default): each child with a results.json, except
    the shared caches (_upper, _pretrained)."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if not p.name.startswith("_") and (p / "results.json").is_file())
