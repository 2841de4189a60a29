"""A run's result: runs/<experiment>/runs/<p-s>/results.json (an upper-bound run's is the same type).

Every score of a test set is derived from its matrix (gencner.metrics.continual); the file holds them too,
for readers of the JSON (W&B, notebooks, scripts), and the headline test's at the top level. Reading a
file takes the matrices, counts and per-step records and derives the rest again, so that older files get
what was added since (the learning accuracy)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gencner.metrics import continual
from gencner.results.fields import Fields, flat_json
from gencner.results.step_result import StepRecord, StepResult


@dataclass(frozen=True)
class Forgetting:
    """Forgetting of the old tasks at the last step (formulas in gencner.metrics.continual). An
    experiment holds the means over its runs, and the per-task lists only when it has one run."""

    per_task: list[float] | None
    mean: float | None
    bwt: float | None
    backward_interference: list[float] | None
    mean_backward_interference: float | None

    @classmethod
    def of_matrix(cls, matrix: Sequence[Sequence[float]], single_step: bool = False) -> Forgetting:
        if single_step:  # one row holding every task: nothing learned before, nothing forgotten
            return cls([], None, None, [], None)
        return cls(
            continual.forgetting(matrix),
            continual.mean_forgetting(matrix),
            continual.bwt(matrix),
            continual.backward_interference(matrix),
            continual.mean_backward_interference(matrix),
        )

    def to_json(self) -> dict:
        return flat_json(self)

    @classmethod
    def from_json(cls, data: Mapping, source: str, where: str = "forgetting") -> Forgetting:
        fields = Fields(data, source, where)
        return cls(*(fields.optional(f.name) for f in dataclasses.fields(cls)))


@dataclass(frozen=True)
class ScoresOnTestSet:
    """A run's scores on one test set: the result matrix R (row k = after step k+1), the pooled Micro-F1
    per step, the final model's per-type scores and every step's. `single_step`: an offline run, whose
    one row holds every task."""

    matrix: list[list[float]]
    micro_f1: list[float]
    per_type: dict[str, Any]
    per_type_by_step: list[dict[str, Any]]
    single_step: bool = False

    @property
    def reference_macro_f1(self) -> list[float] | None:
        """Offline only: the Macro-F1 over the first k tasks of the stream order, the line a CL run's
        Macro-F1 at step k is compared with."""
        if not self.single_step:
            return None
        row = self.matrix[0] if self.matrix else []
        return [sum(row[: k + 1]) / (k + 1) for k in range(len(row))]

    @property
    def macro_f1(self) -> list[float]:
        if self.single_step:
            reference = self.reference_macro_f1
            return [reference[-1]] if reference else []
        return continual.macro_f1(self.matrix)

    @property
    def learning_accuracy(self) -> list[float] | None:
        """None offline: every task is learned at once."""
        return None if self.single_step else continual.learning_accuracy(self.matrix)

    @property
    def forgetting(self) -> Forgetting:
        return Forgetting.of_matrix(self.matrix, self.single_step)

    def to_json(self) -> dict:
        derived = {"reference_macro_f1": self.reference_macro_f1} if self.single_step else {"learning_accuracy": self.learning_accuracy}
        f = self.forgetting
        return {
            "matrix": self.matrix,
            "macro_f1": self.macro_f1,
            **derived,
            "backward_interference": f.backward_interference,
            "mean_backward_interference": f.mean_backward_interference,
            "forgetting": f.per_task,
            "mean_forgetting": f.mean,
            "bwt": f.bwt,
            "micro_f1": self.micro_f1,
            "per_type": self.per_type,
            "per_type_by_step": self.per_type_by_step,
        }

    @classmethod
    def from_json(cls, data: Mapping, single_step: bool, source: str, where: str) -> ScoresOnTestSet:
        fields = Fields(data, source, where)
        matrix = fields.list_of("matrix")
        if not all(isinstance(row, list) for row in matrix) or (single_step and len(matrix) > 1):
            raise fields.error("'matrix' is not a list of rows" + (" (one row offline)" if single_step else ""))
        if not single_step:
            try:
                continual.validate_matrix(matrix)
            except (TypeError, ValueError) as exc:
                raise fields.error(str(exc)) from None
        return cls(
            matrix=[list(row) for row in matrix],
            micro_f1=fields.list_of("micro_f1", length=len(matrix)),
            per_type=dict(fields.optional("per_type", {})),
            per_type_by_step=fields.list_of("per_type_by_step", default=[]),
            single_step=single_step,
        )

    @classmethod
    def of_steps(cls, steps: Sequence[StepResult], test: str, single_step: bool) -> ScoresOnTestSet:
        scored = [s.tests[test] for s in steps]
        rows = [list(t.row) for t in scored]
        return cls(
            matrix=rows[:1] if single_step else rows,
            micro_f1=[t.micro_f1 for t in scored],
            per_type=scored[-1].per_type,
            per_type_by_step=[t.per_type for t in scored],
            single_step=single_step,
        )


NO_SCORES = ScoresOnTestSet(matrix=[], micro_f1=[], per_type={}, per_type_by_step=[])


@dataclass(frozen=True)
class UpperBoundRef:
    """The non-CL bound run a CL run was compared with: its curves and its folder."""

    macro_f1: list[float]
    micro_f1: list[float] | None = None
    run: str | None = None
    # trained once on every task (setting.upper_bound=last-step): its one point is the bound of the CL
    # run's last step, so there is no gap per step, only the final one
    last_step_only: bool = False

    def to_json(self) -> dict:
        out = {"macro_f1": self.macro_f1, "micro_f1": self.micro_f1, "run": self.run}
        return out | ({"last_step_only": True} if self.last_step_only else {})

    @classmethod
    def from_json(cls, data: Mapping, source: str) -> UpperBoundRef:
        fields = Fields(data, source, "upper_bound")
        last = bool(data.get("last_step_only", False))
        return cls(fields.list_of("macro_f1"), fields.optional("micro_f1"), fields.optional("run"), last)


HEADER_KEYS = (
    "run_dir",
    "method",
    "dataset",
    "setting",
    "cumulative",
    "permutation",
    "seed",
    "model",
    "tasks",
    "task_types",
    "n_steps",
    "single_step",
)
OPTIONAL_HEADER_KEYS = ("run_dir", "cumulative", "single_step", "task_types")  # older headers lack some
PER_STEP_KEYS = ("thresholds", "pseudo", "dev", "timings")
DERIVED_KEYS = ("status", "matrix", "macro_f1", "reference_macro_f1", "learning_accuracy", "micro_f1", "forgetting", "gap")
RUN_KEYS = frozenset((*HEADER_KEYS, *PER_STEP_KEYS, *DERIVED_KEYS, "headline_test", "tests", "steps", "upper_bound"))


@dataclass(frozen=True)
class RunHeader:
    """What a run is, as the runner describes it before its first step: the head of its results.json."""

    run_dir: str
    method: str
    dataset: str
    setting: str
    cumulative: bool
    permutation: int
    seed: int
    model: str
    tasks: list[str]
    task_types: list[list[str]]
    n_steps: int
    single_step: bool

    def to_json(self) -> dict:
        return {key: getattr(self, key) for key in HEADER_KEYS}


@dataclass(frozen=True)
class RunResult:
    """One run of a stream: what it is (the runner's header), its scores per test set, what each step
    did, and the bound it was compared with. `other`: keys this type does not read, kept as written."""

    method: str
    dataset: str
    setting: str
    permutation: int
    seed: int
    model: str
    tasks: list[str]
    n_steps: int
    tests: dict[str, ScoresOnTestSet]
    headline_test: str | None
    steps: list[StepRecord]
    run_dir: str | None = None
    cumulative: bool = False
    single_step: bool = False
    task_types: list[list[str]] | None = None
    upper_bound: UpperBoundRef | None = None
    other: dict[str, Any] = field(default_factory=dict)

    @property
    def headline(self) -> ScoresOnTestSet:
        """The scores every table shows: those of the first test set."""
        return self.tests[self.headline_test] if self.headline_test is not None else NO_SCORES

    @property
    def status(self) -> str:
        return "complete" if len(self.steps) == self.n_steps else "partial"

    # the headline test's scores, which results.json also holds at its top level
    matrix = property(lambda self: self.headline.matrix)
    macro_f1 = property(lambda self: self.headline.macro_f1)
    micro_f1 = property(lambda self: self.headline.micro_f1)
    learning_accuracy = property(lambda self: self.headline.learning_accuracy)
    reference_macro_f1 = property(lambda self: self.headline.reference_macro_f1)
    forgetting = property(lambda self: self.headline.forgetting)

    @property
    def gap(self) -> list[float] | None:
        """Non-CL − this run's Macro-F1 per step (the steps both have); None without a bound."""
        if not self.upper_bound:
            return None
        return [] if self.upper_bound.last_step_only else continual.gap(self.upper_bound.macro_f1, self.macro_f1)

    @property
    def final_macro_f1(self) -> float | None:
        return self.macro_f1[-1] if self.macro_f1 else None

    @property
    def final_learned(self) -> float | None:
        """The last step's learning accuracy: the Macro-F1 had no task's F1 changed since it was learned."""
        return self.learning_accuracy[-1] if self.learning_accuracy else None

    @property
    def final_forgotten(self) -> float | None:
        """What forgetting cost at the last step: learned − Macro-F1."""
        return None if self.final_learned is None else self.final_learned - self.final_macro_f1

    @property
    def final_gap(self) -> float | None:
        """The bound's last Macro-F1 − this run's: a partial run is compared with where its bound ended."""
        if not (self.upper_bound and self.upper_bound.macro_f1 and self.macro_f1):
            return None
        return self.upper_bound.macro_f1[-1] - self.macro_f1[-1]

    @property
    def final_learning_part(self) -> float | None:
        """What was never learned at the last step: the bound's last Macro-F1 − learned. With
        final_forgotten it adds up to final_gap."""
        if self.final_learned is None or not (self.upper_bound and self.upper_bound.macro_f1):
            return None
        return self.upper_bound.macro_f1[-1] - self.final_learned

    def as_bound(self) -> UpperBoundRef:
        """What a CL run compared with this (bound) run records of it."""
        return UpperBoundRef(self.macro_f1, self.micro_f1, self.run_dir, bool(self.single_step))

    def header_json(self) -> dict:
        header = {key: getattr(self, key) for key in HEADER_KEYS}
        return {**header, **self.other}

    def to_json(self) -> dict:
        h = self.headline
        out = {
            **self.header_json(),
            "status": self.status,
            "headline_test": self.headline_test,
            "matrix": h.matrix,
            "macro_f1": h.macro_f1,
            "reference_macro_f1": h.reference_macro_f1,
            "learning_accuracy": h.learning_accuracy,
            "micro_f1": h.micro_f1,
            "forgetting": h.forgetting.to_json(),
            "tests": {t: s.to_json() for t, s in self.tests.items()},
        }
        out.update({key: [getattr(s, key) for s in self.steps] for key in PER_STEP_KEYS})
        out["steps"] = [s.info_json() for s in self.steps]
        if self.upper_bound is not None:
            out["upper_bound"], out["gap"] = self.upper_bound.to_json(), self.gap
        return out

    @classmethod
    def from_header(cls, header: Mapping, source: str = "run header", **scores: Any) -> RunResult:
        """The runner's header (HEADER_KEYS; others are kept in `other`) and the keyword fields after it."""
        fields = Fields(header, source)
        named = {key: fields.required(key) for key in HEADER_KEYS if key not in OPTIONAL_HEADER_KEYS}
        return cls(
            **named,
            run_dir=fields.optional("run_dir"),
            cumulative=bool(fields.optional("cumulative", False)),
            single_step=bool(fields.optional("single_step", False)),
            task_types=fields.optional("task_types"),
            other=fields.rest(RUN_KEYS),
            **scores,
        )

    @classmethod
    def from_json(cls, data: Mapping, source: str = "results.json") -> RunResult:
        fields = Fields(data, source)
        single = bool(fields.optional("single_step", False))
        tests = {
            name: ScoresOnTestSet.from_json(value, single, source, f"tests.{name}") for name, value in fields.child("tests").data.items()
        }
        headline = fields.optional("headline_test", next(iter(tests), None))
        if headline is not None and headline not in tests:
            raise fields.error(f"headline_test {headline!r} is not one of its tests ({', '.join(tests) or 'none'})")
        steps = _step_records(fields)
        if any(len(scores.matrix) != len(steps) for scores in tests.values()):
            raise fields.error(f"{len(steps)} steps, but a test's matrix has another number of rows (one per step)")
        upper = fields.optional("upper_bound")
        return cls.from_header(
            data,
            source,
            tests=tests,
            headline_test=headline,
            steps=steps,
            upper_bound=UpperBoundRef.from_json(upper, source) if upper is not None else None,
        )


def _step_records(fields: Fields) -> list[StepRecord]:
    infos = fields.list_of("steps")
    per_step = {key: fields.list_of(key, length=len(infos), default=[None] * len(infos)) for key in PER_STEP_KEYS}
    records = []
    for k, info in enumerate(infos):
        step = Fields(info, fields.source, f"steps[{k}]")
        records.append(
            StepRecord(
                step.required("step"),
                step.required("task"),
                list(step.required("new_types")),
                list(step.required("seen_types")),
                per_step["thresholds"][k] or {},
                per_step["pseudo"][k],
                per_step["dev"][k],
                per_step["timings"][k],
            )
        )
    return records


def as_run_result(value: RunResult | Mapping, source: str = "results.json") -> RunResult:
    """A run's result, typed: as it is, or read from its results.json object."""
    return value if isinstance(value, RunResult) else RunResult.from_json(value, source)
