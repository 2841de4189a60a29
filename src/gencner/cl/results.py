"""A run folder's step results: steps/step-NN/result.json and scores.csv, written when a step is tested,
read back on resume. What the run's results.json holds is built from them by gencner.results.summarise,
with the run's header (run.json, written before its first step): a run stopped before its end has no
results.json, and `partial_results` reads what its finished steps say.

A step's result.json holds, for each test set, the per-type counts over the seen types and its matrix
row (per-task F1 of tasks 1..k in stream order); every other score is derived from those rows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from gencner.atomic import write_json, write_text
from gencner.errors import DataError
from gencner.jsonfile import read_json
from gencner.results import RunResult, StepResult, summarise
from gencner.results.formatting import fraction

__all__ = ["RUN_HEADER", "finished_steps", "parse_step_result", "partial_results", "scores_csv", "step_dir", "summarise", "write_step"]


RUN_HEADER = "run.json"  # the runner's RunHeader: what the run is (method, stream, seed ...)


def step_dir(run_dir: Path, step: int) -> Path:
    return run_dir / "steps" / f"step-{step:02d}"


def finished_steps(run_dir: Path) -> tuple[list[StepResult], str | None]:
    """The finished steps, read once, in order, up to the first unfinished one; and, when that one has a
    result.json that cannot be used (cut short by a crash or a full disk, edited by hand), why: the step
    is then trained again instead of the rerun failing on it."""
    out: list[StepResult] = []
    for k in range(1, 10_000):
        path = step_dir(run_dir, k) / "result.json"
        if not path.is_file():
            return out, None
        try:
            result = read_json(path)
        except DataError as exc:
            return out, f"{exc}; step {k} is trained again"
        parsed = parse_step_result(result, k)
        if isinstance(parsed, str):
            return out, f"{path}: {parsed}; step {k} is trained again"
        out.append(parsed)
    return out, None


def parse_step_result(result: object, step: int) -> StepResult | str:
    """`result` as the StepResult of `step` that write_step() writes, or why it is not one."""
    try:
        parsed = StepResult.from_json(result)  # type: ignore[arg-type]
    except DataError as exc:
        return exc.problem
    return parsed if parsed.step == step else f"holds step {parsed.step!r}, not {step}"


def scores_csv(step: StepResult) -> str:
    """One row per test set and type: tp, fp, fn, precision, recall, F1."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["step", "test", "type", "tp", "fp", "fn", "precision", "recall", "f1"])
    for test, scored in step.tests.items():
        for kind, s in [*scored.per_type.items(), ("micro", scored.micro)]:
            scores = (fraction(s[key]) for key in ("precision", "recall", "f1"))
            writer.writerow([step.step, test, kind, s["tp"], s["fp"], s["fn"], *scores])
    return buffer.getvalue()


def write_step(run_dir: Path, record: dict) -> StepResult:
    """Writes a tested step's `record` (its result.json object); the step as the rest of the run reads it."""
    step = StepResult.from_json(record, f"step {record.get('step')} result")
    folder = step_dir(run_dir, step.step)
    write_text(folder / "scores.csv", scores_csv(step))
    write_json(folder / "result.json", record)  # last: its presence marks the step finished
    return step


def partial_results(run_dir: Path) -> RunResult | None:
    """The results of a run folder without results.json (stopped before its end) after its finished
    steps, status partial (complete when every step finished and only results.json was not written);
    None when it has no header or no finished step."""
    header = run_dir / RUN_HEADER
    done, _ = finished_steps(run_dir)
    if not header.is_file() or not done:
        return None
    data = read_json(header)
    if not isinstance(data, dict):
        raise DataError(header, None, f"expected a JSON object, found {type(data).__name__}")
    return summarise(done, data)
