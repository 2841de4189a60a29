"""A step's result: steps/step-NN/result.json, written by the runner once the step is tested.

    {"step", "task", "new_types", "seen_types",
     "tests": {name: {"row": matrix row, "micro": {..., "f1"}, "per_type": {type: counts}, ...}},
     "thresholds", "pseudo", "dev", "truncation", "timings", ...}

`StepRecord` is what a run's results.json keeps of each step besides its scores."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gencner.results.fields import Fields

INFO_KEYS = ("step", "task", "new_types", "seen_types")
TEST_KEYS = ("row", "micro", "per_type")


@dataclass(frozen=True)
class StepTest:
    """One test set's scores after a step: its matrix row (per-task F1 of tasks 1..k in stream order),
    the pooled counts over the seen types ("micro") and the counts per type."""

    row: list[float]
    micro: dict[str, Any]
    per_type: dict[str, dict[str, Any]]
    other: dict[str, Any] = field(default_factory=dict)  # decoding report, sentence count, ...

    @property
    def micro_f1(self) -> float:
        return self.micro["f1"]

    def to_json(self) -> dict:
        return {"row": self.row, "micro": self.micro, "per_type": self.per_type, **self.other}

    @classmethod
    def from_json(cls, data: Mapping, source: str = "result.json", where: str = "") -> StepTest:
        fields = Fields(data, source, where, hint="")
        micro = fields.child("micro")
        micro.required("f1")
        return cls(
            row=fields.list_of("row"), micro=dict(micro.data), per_type=dict(fields.child("per_type").data), other=fields.rest(TEST_KEYS)
        )


@dataclass(frozen=True)
class StepRecord:
    """A step's task and what the method did in it: thresholds per type (empty when the method keeps no
    pseudo-labels), the pseudo-label record (counts, precision and recall; None at step 1 or without
    pseudo-labels), the best-epoch selection and the timings."""

    step: int
    task: str
    new_types: list[str]
    seen_types: list[str]
    thresholds: dict[str, float] = field(default_factory=dict)
    pseudo: dict | None = None
    dev: dict | None = None
    timings: dict | None = None

    def info_json(self) -> dict:
        return {"step": self.step, "task": self.task, "new_types": self.new_types, "seen_types": self.seen_types}


@dataclass(frozen=True)
class StepResult:
    """steps/step-NN/result.json. Keys other than the step's task and tests are kept as written."""

    step: int
    task: str
    new_types: list[str]
    seen_types: list[str]
    tests: dict[str, StepTest]
    other: dict[str, Any] = field(default_factory=dict)  # thresholds, pseudo, dev, truncation, timings, ...

    def record(self) -> StepRecord:
        get = self.other.get
        return StepRecord(
            self.step, self.task, self.new_types, self.seen_types, get("thresholds") or {}, get("pseudo"), get("dev"), get("timings")
        )

    def to_json(self) -> dict:
        return {**self.record().info_json(), "tests": {name: t.to_json() for name, t in self.tests.items()}, **self.other}

    @classmethod
    def from_json(cls, data: Mapping, source: str = "result.json") -> StepResult:
        fields = Fields(data, source, hint="")
        missing = [key for key in (*INFO_KEYS, "tests") if key not in fields.data]
        if missing:
            raise fields.error(f"no {', '.join(missing)}")
        tests = fields.child("tests")
        if not tests.data:
            raise fields.error("no scored test set (each needs row, micro and per_type)")
        scored = {name: StepTest.from_json(value, source, f"tests.{name}") for name, value in tests.data.items()}
        return cls(
            step=fields.data["step"],
            task=fields.data["task"],
            new_types=list(fields.data["new_types"]),
            seen_types=list(fields.data["seen_types"]),
            tests=scored,
            other=fields.rest((*INFO_KEYS, "tests")),
        )
