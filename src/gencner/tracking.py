"""Where a run's metrics go besides runs/: nowhere, a CSV file, or Weights & Biases.

One tracker per run (a CL run, or its upper bound), shared by every step's Trainer:
  - Lightning's per-step curves arrive namespaced `s{k}/...` (the module's log prefix);
  - after each step the tracker logs the cross-step metrics on their own axis `cl/step`: Macro-F1,
    Micro-F1, per-task F1, the learning accuracy, forgetting, the upper bound's Macro-F1 as a reference
    series and the gap, thresholds and pseudo-label counts/precision/recall per type;
  - at the end: the matrix as a table and the final numbers in the run summary.
W&B is offline unless logger.mode=online, so nothing needs an account or a network."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gencner.atomic import write_text
from gencner.results import RunResult


def step_metrics(results: RunResult) -> dict[str, float]:
    """The cross-step metrics of the last finished step of a (partial) run."""
    k = len(results.matrix)
    if k == 0:
        return {}
    i = k - 1
    out: dict[str, float] = {"cl/step": k, "cl/macro_f1": results.macro_f1[i], "cl/micro_f1": results.micro_f1[i]}
    for task, f1 in zip(results.tasks, results.matrix[i], strict=False):  # row i holds the tasks learned so far
        out[f"cl/task_f1/{task}"] = f1
    if results.learning_accuracy:
        out["cl/learning_accuracy"] = results.learning_accuracy[i]
    if results.forgetting.mean is not None:
        out["cl/forgetting"] = results.forgetting.mean
    upper, gap = results.upper_bound, results.gap
    if upper is not None and i < len(gap):
        out["cl/upper_macro_f1"] = upper.macro_f1[i]
        out["cl/gap"] = gap[i]
    step = results.steps[i]
    for kind, tau in step.thresholds.items():
        out[f"cl/threshold/{kind}"] = tau
    pseudo = step.pseudo or {}
    for kind, counts in pseudo.get("counts", {}).items():
        for group in ("kept", "distilled", "dropped"):  # what became of the teacher's triplets (older runs: kept only)
            if group in counts:
                out[f"cl/pseudo_{group}/{kind}"] = counts[group]
    for kind, quality in pseudo.get("quality_kept", {}).items():
        for field in ("precision", "recall"):
            if quality.get(field) is not None:
                out[f"cl/pseudo_{field}/{kind}"] = quality[field]
    return out


def final_metrics(results: RunResult) -> dict[str, float]:
    """The run summary: the last step's scores (those that exist)."""
    summary = {
        "final/macro_f1": results.final_macro_f1,
        "final/micro_f1": results.micro_f1[-1] if results.micro_f1 else None,
        "final/learning_accuracy": results.final_learned,
        "final/forgetting": results.forgetting.mean,
        "final/bwt": results.forgetting.bwt,
    }
    if results.gap:
        summary["final/gap"] = results.gap[-1]
        summary["final/upper_macro_f1"] = results.upper_bound.macro_f1[-1]
    return {k: v for k, v in summary.items() if v is not None}


class Tracker:
    """No tracking beyond runs/ (logger=none)."""

    def loggers(self) -> list:
        return []

    def log_step(self, results: RunResult) -> None:
        pass

    def finish(self, results: RunResult) -> None:
        pass


def keep_earlier_logs(logs: Path) -> Path | None:
    """Lightning's CSV logger deletes the metrics.csv it finds in its folder; a resumed run's earlier
    curves are moved to logs-1/ (then logs-2/, ...) first, so that a resume loses none of them. Returns
    where they went."""
    if not logs.is_dir() or not any(logs.iterdir()):
        return None
    k = 1
    while (kept := logs.with_name(f"{logs.name}-{k}")).exists():
        k += 1
    logs.rename(kept)
    return kept


class CsvTracker(Tracker):
    """Lightning's per-step curves in <run>/logs/metrics.csv (cross-step numbers are in results.json)."""

    def __init__(self, run_dir: Path):
        from lightning.pytorch.loggers import CSVLogger

        from gencner.distributed import launched_as_main

        if launched_as_main():  # the folder's owner; the other ranks write no logs
            keep_earlier_logs(run_dir / "logs")
        self.logger = CSVLogger(save_dir=str(run_dir), name="logs", version="")

    def loggers(self) -> list:
        return [self.logger]


class WandbTracker(Tracker):
    def __init__(self, lcfg: Any, run_dir: Path, name: str, job_type: str, config: dict):
        from lightning.pytorch.loggers import WandbLogger

        run_dir.mkdir(parents=True, exist_ok=True)
        id_file = run_dir / "wandb-run-id"  # a resumed run continues the same W&B run
        run_id = id_file.read_text().strip() if id_file.is_file() else None
        mode = lcfg.mode
        os.environ.setdefault("WANDB_SILENT", "true")
        self.logger = WandbLogger(
            project=lcfg.project,
            entity=lcfg.entity,
            group=lcfg.group,
            tags=list(lcfg.tags),
            name=name,
            id=run_id,
            resume="allow",
            job_type=job_type,
            mode=mode,
            offline=mode == "offline",
            save_dir=str(run_dir),
            config=config,
        )
        self.run = self.logger.experiment
        if run_id is None:
            write_text(id_file, self.run.id)
        self.defined: set[str] = set()

    def loggers(self) -> list:
        return [self.logger]

    def _define(self, names: Sequence[str]) -> None:
        # Exact names, not a "cl/*" glob: Lightning already defines "*" against trainer/global_step and
        # two matching globs resolve in arbitrary order.
        if "cl/step" not in self.defined:
            self.run.define_metric("cl/step")
            self.defined.add("cl/step")
        for name in names:
            if name not in self.defined:
                self.run.define_metric(name, step_metric="cl/step")
                self.defined.add(name)

    def log_step(self, results: RunResult) -> None:
        metrics = step_metrics(results)
        self._define([m for m in metrics if m != "cl/step"])
        self.run.log(metrics)

    def finish(self, results: RunResult) -> None:
        import wandb

        columns = ["after step", *results.tasks, "Micro-F1", "Macro-F1"]
        rows = []
        for k, row in enumerate(results.matrix):
            padded = list(row) + [None] * (len(results.tasks) - len(row))
            rows.append([k + 1, *padded, results.micro_f1[k], results.macro_f1[k]])
        self.run.log({"cl/matrix": wandb.Table(columns=columns, data=rows)})
        self.run.summary.update(final_metrics(results))
        self.run.finish()


def make_tracker(cfg: Any, run_dir: Path, name: str, job_type: str, config: dict) -> Tracker:
    kind = cfg.logger.name
    if kind == "wandb":
        return WandbTracker(cfg.logger, run_dir, name, job_type, config)
    if kind == "csv":
        return CsvTracker(run_dir)
    return Tracker()
