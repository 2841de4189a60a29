"""An experiment: one method on one dataset and setting, over permutations and seeds, next to the
non-CL upper bound of the same setting. The upper bound is computed once per (dataset, setting,
permutation, seed, model, trainer) and reused by every later experiment that needs it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Sequence

from gencner.atomic import write_json
from gencner.config import to_container
from gencner.console import console, experiment_table, matrix_table
from gencner.metrics import gap, mean_std
from gencner.naming import config_digest
from gencner.runner import Runner


def experiment_name(cfg: Any) -> str:
    return str(cfg.name) if cfg.name else f"{cfg.dataset.name}-{cfg.setting.name}-{cfg.method.name}-{cfg.model.name}"


def experiment_dir(cfg: Any) -> Path:
    return Path(cfg.output_dir) / experiment_name(cfg)


def summary_table(summary: dict):
    """One run: its matrix; several: the mean ± std table."""
    return matrix_table(summary, title="final") if len(summary["runs"]) == 1 else experiment_table(summary)


def upper_bound_dir(cfg: Any) -> Path:
    """Shared by every method: the method group is left out of the key on purpose."""
    digest = config_digest(cfg, groups=("dataset", "setting", "model", "trainer"))
    name = f"{cfg.dataset.name}-{cfg.setting.name}-non-cl-{cfg.model.name}-p{cfg.permutation}-s{cfg.seed}-{digest}"
    return Path(cfg.output_dir) / "_upper" / name


def run_one(cfg: Any, folder: Path, with_upper: bool) -> dict:
    upper = None
    if with_upper and not cfg.setting.cumulative and not cfg.setting.single_step:
        upper_dir = upper_bound_dir(cfg)
        finished = upper_dir / "results.json"
        if finished.is_file() and json.loads(finished.read_text(encoding="utf-8")).get("status") == "complete":
            upper = json.loads(finished.read_text(encoding="utf-8"))
            console.print(f"upper bound: reusing {upper_dir}")
        else:
            console.print(f"[bold]upper bound (non-CL)[/] → {upper_dir}")
            upper = Runner(cfg, upper_dir, cumulative=True).run()
    console.print(f"[bold]{cfg.method.name}[/] → {folder}")
    return Runner(cfg, folder).run(upper)


def _stat(runs: Sequence[dict], key: str) -> tuple[list[float], list[float]]:
    values = [r[key] for r in runs if r.get(key)]
    return mean_std(values) if values else ([], [])


def aggregate(name: str, runs: Sequence[dict]) -> dict:
    """Mean and std (population, over permutations and seeds) of every per-step curve; the matrix is
    averaged by position in the stream (task j of a permutation = its j-th task)."""
    first = runs[0]
    out = {k: first.get(k) for k in ("method", "dataset", "setting", "model", "n_steps", "headline_test", "single_step")}
    out["experiment"] = name
    out["runs"] = [{"dir": r["run_dir"], "permutation": r["permutation"], "seed": r["seed"], "status": r["status"],
                    "tasks": r["tasks"], "macro_f1": r["macro_f1"]} for r in runs]
    out["tasks"] = first["tasks"] if len({tuple(r["tasks"]) for r in runs}) == 1 else [f"task {j + 1}" for j in range(len(first["tasks"]))]
    out["macro_f1"], out["macro_f1_std"] = _stat(runs, "macro_f1")
    out["micro_f1"], out["micro_f1_std"] = _stat(runs, "micro_f1")
    out["learning_accuracy"], out["learning_accuracy_std"] = _stat(runs, "learning_accuracy")
    rows = min(len(r["matrix"]) for r in runs)  # the steps every run has, as for the curves
    out["matrix"] = [mean_std([r["matrix"][k] for r in runs if len(r["matrix"]) > k])[0] for k in range(rows)]
    out["forgetting"] = _mean_forgetting(runs)
    uppers = [r["upper_bound"]["macro_f1"] for r in runs if r.get("upper_bound")]
    if uppers:
        means, stds = mean_std(uppers)
        out["upper_bound"] = {"macro_f1": means, "macro_f1_std": stds, "runs": [r["upper_bound"]["run"] for r in runs if r.get("upper_bound")]}
        out["gap"] = gap(means, out["macro_f1"])
    out["status"] = "complete" if all(r["status"] == "complete" for r in runs) else "partial"
    if len(runs) == 1:  # one run: its details (thresholds, pseudo-labels, timings, ...) at the top level
        out = {**first, **out}
    return out


def _mean_forgetting(runs: Sequence[dict]) -> dict:
    keys = ("mean", "bwt", "mean_backward_interference")
    out = {}
    for key in keys:
        values = [r["forgetting"][key] for r in runs if r["forgetting"].get(key) is not None]
        out[key] = sum(values) / len(values) if values else None
    out["backward_interference"] = runs[0]["forgetting"]["backward_interference"] if len(runs) == 1 else None
    out["per_task"] = runs[0]["forgetting"]["per_task"] if len(runs) == 1 else None
    return out


def run_experiment(cfg: Any, perms: Sequence[int], seeds: Sequence[int], with_upper: bool = True) -> dict:
    name = experiment_name(cfg)
    root = experiment_dir(cfg)
    if cfg.logger.group is None:  # one W&B group per experiment: its runs and their upper bounds
        cfg.logger.group = name
    started = time.perf_counter()
    results = []
    for perm in perms:
        for seed in seeds:
            cfg.permutation, cfg.seed = perm, seed
            folder = root / "runs" / f"p{perm}-s{seed}"
            results.append(run_one(cfg, folder, with_upper))
    summary = aggregate(name, results)
    summary["config"] = to_container(cfg)
    summary["seconds"] = time.perf_counter() - started
    write_json(root / "results.json", summary)
    console.print(summary_table(summary))
    console.print(f"results: {root / 'results.json'}")
    return summary
