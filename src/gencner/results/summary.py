"""A run's step results → its RunResult (results.json), partial or complete."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gencner.results.run_result import RunHeader, RunResult, ScoresOnTestSet, as_run_result
from gencner.results.step_result import StepResult


def summarise(steps: Sequence[StepResult | Mapping], header: RunHeader | Mapping, upper: RunResult | Mapping | None = None) -> RunResult:
    """The run after its finished `steps` (StepResults or their result.json objects, in order); `header`:
    the runner's description of the run (or its JSON object); `upper`: the bound run's result, when known."""
    header = header.to_json() if isinstance(header, RunHeader) else header
    parsed = [s if isinstance(s, StepResult) else StepResult.from_json(s, f"step {k + 1} result") for k, s in enumerate(steps)]
    single = bool(header.get("single_step"))
    tests = list(parsed[0].tests) if parsed else []
    scores = {t: ScoresOnTestSet.of_steps(parsed, t, single) for t in tests}
    bound = as_run_result(upper, "upper bound results").as_bound() if upper is not None else None
    return RunResult.from_header(
        header, tests=scores, headline_test=tests[0] if tests else None, steps=[s.record() for s in parsed], upper_bound=bound
    )
