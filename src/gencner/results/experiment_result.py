"""An experiment's result: runs/<experiment>/results.json, one method over permutations and seeds.

Per-step curves are the mean and population std over the runs (gencner.results.stats), the matrix is
averaged by position in the stream (task j of a permutation = its j-th task). An experiment of one run
also carries that run's details (thresholds, pseudo-labels, timings, ...) at the top level, as before.

The file holds no run count per curve: reading it, a curve's count is the number of runs with a
Macro-F1 curve (every run of one setting has all of its curves, or none when it finished no step)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from gencner.results import stats
from gencner.results.fields import Fields, flat_json
from gencner.results.run_result import Forgetting, RunResult, as_run_result
from gencner.results.stats import CurveStats

FIRST_RUN_KEYS = ("method", "dataset", "setting", "model", "n_steps", "headline_test", "single_step")
CURVES = ("macro_f1", "micro_f1", "learning_accuracy")
# what experiment.write_summary adds once every run is aggregated
RUN_EXPERIMENT_KEYS = ("config", "permutations", "seeds", "seconds")
# the runs of a grid merged before all of them finished (gencner.grid): their labels, p<perm>-s<seed>
MISSING = "missing"
EXPERIMENT_KEYS = frozenset(
    (
        *FIRST_RUN_KEYS,
        *CURVES,
        *(f"{c}_std" for c in CURVES),
        *RUN_EXPERIMENT_KEYS,
        MISSING,
        "experiment",
        "runs",
        "tasks",
        "matrix",
        "forgetting",
        "upper_bound",
        "gap",
        "status",
    )
)


@dataclass(frozen=True)
class RunEntry:
    """What the experiment's results.json says of each of its runs."""

    dir: str | None
    permutation: int
    seed: int
    status: str
    tasks: list[str]
    macro_f1: list[float]

    @classmethod
    def of_run(cls, run: RunResult) -> RunEntry:
        return cls(run.run_dir, run.permutation, run.seed, run.status, run.tasks, run.macro_f1)

    def to_json(self) -> dict:
        return flat_json(self)

    @classmethod
    def from_json(cls, data: Mapping, source: str, where: str) -> RunEntry:
        fields = Fields(data, source, where)
        return cls(*(fields.required(key) for key in ("dir", "permutation", "seed", "status", "tasks", "macro_f1")))


@dataclass(frozen=True)
class BoundStats:
    """The non-CL bound runs the experiment's runs were compared with: their Macro-F1 over those runs."""

    macro_f1: CurveStats
    runs: list[str | None]
    last_step_only: bool = False  # bounds of the last step only (UpperBoundRef.last_step_only): one point each

    def to_json(self) -> dict:
        out = {"macro_f1": self.macro_f1.mean, "macro_f1_std": self.macro_f1.std, "runs": self.runs}
        return out | ({"last_step_only": True} if self.last_step_only else {})

    @classmethod
    def from_json(cls, data: Mapping, source: str) -> BoundStats:
        fields = Fields(data, source, "upper_bound")
        runs = fields.list_of("runs")
        curve = CurveStats(fields.list_of("macro_f1"), fields.list_of("macro_f1_std"), len(runs))
        return cls(curve, runs, bool(data.get("last_step_only", False)))


@dataclass(frozen=True)
class ExperimentResult:
    """`other`: keys this type does not read, as written (a one-run experiment: its run's details).
    `missing`: the runs of the experiment that had not finished when it was merged (a grid's cells
    merged before the grid's end); none in a finished experiment."""

    experiment: str
    method: str
    dataset: str
    setting: str
    model: str
    n_steps: int
    headline_test: str | None
    single_step: bool
    runs: list[RunEntry]
    tasks: list[str]
    macro_f1: CurveStats
    micro_f1: CurveStats
    learning_accuracy: CurveStats
    matrix: list[list[float]]
    forgetting: Forgetting
    upper_bound: BoundStats | None = None
    config: dict | None = None
    permutations: list[int] | None = None
    seeds: list[int] | None = None
    seconds: float | None = None
    missing: list[str] = field(default_factory=list)
    other: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return "complete" if all(r.status == "complete" for r in self.runs) and not self.missing else "partial"

    @property
    def gap(self) -> list[float] | None:
        """The bound's mean Macro-F1 − the experiment's, per step; None without a bound; none per step
        against bounds of the last step only (`final_gap`)."""
        if not self.upper_bound:
            return None
        return [] if self.upper_bound.last_step_only else stats.gap_of_means(self.upper_bound.macro_f1, self.macro_f1)

    @property
    def final_gap(self) -> float | None:
        """The bounds' mean last Macro-F1 − the experiment's mean last Macro-F1."""
        if not (self.upper_bound and self.upper_bound.macro_f1.mean and self.macro_f1.mean):
            return None
        return self.upper_bound.macro_f1.mean[-1] - self.macro_f1.mean[-1]

    def to_json(self) -> dict:
        out = {
            **self.other,
            **{key: getattr(self, key) for key in FIRST_RUN_KEYS},
            "experiment": self.experiment,
            "runs": [r.to_json() for r in self.runs],
            "tasks": self.tasks,
        }
        for name in CURVES:
            curve = getattr(self, name)
            out[name], out[f"{name}_std"] = curve.mean, curve.std
        out["matrix"], out["forgetting"] = self.matrix, self.forgetting.to_json()
        if self.upper_bound is not None:
            out["upper_bound"], out["gap"] = self.upper_bound.to_json(), self.gap
        if self.missing:
            out[MISSING] = self.missing
        out["status"] = self.status
        out.update({key: getattr(self, key) for key in RUN_EXPERIMENT_KEYS if getattr(self, key) is not None})
        return out

    @classmethod
    def from_json(cls, data: Mapping, source: str = "results.json") -> ExperimentResult:
        fields = Fields(data, source)
        runs = [RunEntry.from_json(entry, source, f"runs[{k}]") for k, entry in enumerate(fields.list_of("runs"))]
        with_curve = sum(1 for r in runs if r.macro_f1)

        def curve(name: str) -> CurveStats:  # files written before the learning accuracy: an empty curve
            mean = fields.list_of(name, default=[])
            return CurveStats(mean, fields.list_of(f"{name}_std", default=[]), with_curve if mean else 0)

        upper = fields.optional("upper_bound")
        first = {key: fields.required(key) for key in ("method", "dataset", "setting", "model", "n_steps")}
        return cls(
            experiment=fields.required("experiment"),
            **first,
            headline_test=fields.optional("headline_test"),
            single_step=bool(fields.optional("single_step", False)),
            runs=runs,
            tasks=fields.list_of("tasks"),
            **{name: curve(name) for name in CURVES},
            matrix=fields.list_of("matrix"),
            forgetting=Forgetting.from_json(fields.required("forgetting"), source),
            upper_bound=BoundStats.from_json(upper, source) if upper is not None else None,
            **{key: fields.optional(key) for key in RUN_EXPERIMENT_KEYS},
            missing=fields.list_of(MISSING, default=[]),
            other=fields.rest(EXPERIMENT_KEYS),
        )


def is_experiment(data: Mapping) -> bool:
    """An experiment's results.json (rather than a run's): it lists its runs."""
    return "runs" in data and "experiment" in data


def _mean_forgetting(runs: Sequence[RunResult]) -> Forgetting:
    means = {key: s.mean if s else None for key, s in stats.forgetting_stats(runs).items()}
    only = runs[0].forgetting if len(runs) == 1 else None  # per-task lists do not average across task orders
    return Forgetting(per_task=only.per_task if only else None, backward_interference=only.backward_interference if only else None, **means)


def _tasks(runs: Sequence[RunResult]) -> list[str]:
    """The task names when every run has the same order, else their positions."""
    first = runs[0].tasks
    return first if len({tuple(r.tasks) for r in runs}) == 1 else [f"task {j + 1}" for j in range(len(first))]


def experiment_result(name: str, runs: Sequence[RunResult | Mapping], missing: Sequence[str] = ()) -> ExperimentResult:
    """The experiment `name` over its runs (RunResults, or their results.json objects); `missing`: the
    labels of its runs that have not finished (the experiment is then partial)."""
    runs = [as_run_result(r) for r in runs]
    if not runs:
        raise ValueError(f"experiment {name!r} has no run to aggregate")
    first = runs[0]
    bound, bound_runs = stats.bound_stats(runs)
    result = ExperimentResult(
        experiment=name,
        **{key: getattr(first, key) for key in FIRST_RUN_KEYS},
        runs=[RunEntry.of_run(r) for r in runs],
        tasks=_tasks(runs),
        macro_f1=stats.macro_f1_stats(runs),
        micro_f1=stats.micro_f1_stats(runs),
        learning_accuracy=stats.learning_accuracy_stats(runs),
        matrix=stats.mean_matrix([r.matrix for r in runs]),
        forgetting=_mean_forgetting(runs),
        upper_bound=BoundStats(bound, bound_runs, any(r.upper_bound and r.upper_bound.last_step_only for r in runs)) if bound.n else None,
        missing=list(missing),
    )
    if len(runs) == 1:  # one run: its details (thresholds, pseudo-labels, timings, ...) at the top level
        return replace(result, other={k: v for k, v in first.to_json().items() if k not in EXPERIMENT_KEYS})
    return result


def aggregate(name: str, runs: Sequence[RunResult | Mapping], missing: Sequence[str] = ()) -> dict:
    """experiment_result as the results.json object experiment.write_summary completes and writes."""
    return experiment_result(name, runs, missing).to_json()
