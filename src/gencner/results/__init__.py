"""Typed results and the statistics over them.

  step_result        a step's result.json (StepResult; StepRecord: what a run keeps of each step)
  run_result         a run's results.json (RunResult; an upper-bound run's is one too)
  experiment_result  an experiment's results.json (ExperimentResult, aggregate over runs)
  summary            step results → RunResult
  stats              every mean, std and count over runs
  formatting         every number written as text (points, mean ± std, counts)

Each type has one JSON round trip: `from_json(x.to_json()) == x`, and to_json writes the layout the
files have always had, so readers of the JSON (W&B, notebooks, scripts) keep working."""

from gencner.results.experiment_result import BoundStats, ExperimentResult, RunEntry, aggregate, experiment_result, is_experiment
from gencner.results.run_result import Forgetting, RunHeader, RunResult, ScoresOnTestSet, UpperBoundRef, as_run_result
from gencner.results.stats import ComparisonRow, CurveStats, Stat
from gencner.results.step_result import StepRecord, StepResult, StepTest
from gencner.results.summary import summarise

__all__ = [
    "BoundStats",
    "ComparisonRow",
    "CurveStats",
    "ExperimentResult",
    "Forgetting",
    "RunEntry",
    "RunHeader",
    "RunResult",
    "ScoresOnTestSet",
    "Stat",
    "StepRecord",
    "StepResult",
    "StepTest",
    "UpperBoundRef",
    "aggregate",
    "as_run_result",
    "experiment_result",
    "is_experiment",
    "summarise",
]
