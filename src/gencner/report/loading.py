"""Run and experiment folders → the dicts the report draws from.

A folder holds a results.json written either by `experiment.aggregate` (an experiment: it has "runs")
or by `cl/results.summarise` (one run). Either way it is loaded as a *method*:

    {"label": legend name, "method": method name, "name": experiment or run name, "folder": str,
     "kind": "experiment" | "run", "results": the folder's results.json, "runs": [each run's results.json]}

The non-CL upper bound is not loaded from its own folders: every CL run's results.json names the upper
run it was compared with and carries its Macro-F1 curve, which is all the report needs. A folder holding
an upper-bound run itself (method "non-cl") is added to the bound instead of being a method."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

from gencner.errors import DataError, GencnerError
from gencner.jsonfile import read_json

UPPER_METHOD = "non-cl"
UPPER_LABEL = "Non-CL (upper bound)"


def read_results(folder: Path) -> dict:
    path = Path(folder) / "results.json"
    if not path.is_file():
        raise GencnerError(f"{folder} has no results.json; give a run folder (runs/<name>/runs/p0-s1) or an experiment folder (runs/<name>)")
    results = read_json(path)
    if not isinstance(results, dict):
        raise DataError(path, None, f"expected a JSON object, found {type(results).__name__}")
    return results


def is_experiment(results: dict) -> bool:
    return "runs" in results and "experiment" in results


def run_folder(experiment_dir: Path, recorded: str) -> Path:
    """The recorded path, or the same run under this experiment folder when the folder was moved."""
    path = Path(recorded)
    return path if (path / "results.json").is_file() else Path(experiment_dir) / "runs" / path.name


def load_method(folder: str | Path) -> dict:
    folder = Path(folder)
    results = read_results(folder)
    if is_experiment(results):
        runs = [read_results(run_folder(folder, entry["dir"])) for entry in results["runs"]]
        kind, name = "experiment", results["experiment"]
    else:
        runs, kind, name = [results], "run", folder.name
    method = results.get("method") or name
    return {"label": method, "method": method, "name": name, "folder": str(folder), "kind": kind, "results": results, "runs": runs}


def unique_labels(methods: list[dict]) -> None:
    """Two folders of the same method (another config, say) are told apart by their name."""
    counts: dict[str, int] = {}
    for m in methods:
        counts[m["method"]] = counts.get(m["method"], 0) + 1
    for m in methods:
        m["label"] = m["method"] if counts[m["method"]] == 1 else f"{m['method']} ({m['name']})"


def upper_bound(methods: Sequence[dict], upper_folders: Sequence[dict] = ()) -> dict | None:
    """The non-CL curves, once per upper run (experiments of several methods share them):
    {"label", "runs": [upper run path, ...], "macro_f1": [curve per run]} or None when there is none."""
    curves: dict[str, list[float]] = {}
    for m in upper_folders:
        for run in m["runs"]:
            curves[str(run.get("run_dir") or m["folder"])] = run["macro_f1"]
    for m in methods:
        for run in m["runs"]:
            upper = run.get("upper_bound")
            if upper and upper.get("macro_f1"):
                curves.setdefault(str(upper.get("run") or f"{run.get('run_dir')} (upper)"), upper["macro_f1"])
    if not curves:
        return None
    paths = sorted(curves)
    return {"label": UPPER_LABEL, "runs": paths, "macro_f1": [curves[p] for p in paths]}


def load_report_inputs(folders: Iterable[str | Path]) -> dict:
    """{"methods": [method dicts], "upper": upper_bound(...) or None} for the given folders, in order."""
    loaded = [load_method(f) for f in folders]
    if not loaded:
        raise GencnerError("give at least one run or experiment folder")
    methods = [m for m in loaded if m["method"] != UPPER_METHOD]
    unique_labels(methods)
    return {"methods": methods, "upper": upper_bound(methods, [m for m in loaded if m["method"] == UPPER_METHOD])}


def find_result_folders(root: str | Path) -> list[Path]:
    """The experiment folders under `root` (runs/ by default): each child with a results.json, except
    the shared caches (_upper, _pretrained)."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if not p.name.startswith("_") and (p / "results.json").is_file())
