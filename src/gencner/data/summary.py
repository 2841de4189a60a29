"""A stream as plain data (for `gencner stream`, results files and dashboards)."""

from __future__ import annotations

from gencner.data.schema import ReadReport, entity_counts
from gencner.data.streams import Stream, TaskStep


def step_summary(step: TaskStep) -> dict:
    headline = next(iter(step.tests))
    return {
        "step": step.step,
        "task": step.task_name,
        "new_types": list(step.new_types),
        "seen_types": list(step.seen_types),
        "label_types": list(step.label_types),
        "train_sentences": len(step.train),
        "dev_sentences": len(step.dev),
        "test_sentences": len(step.tests[headline]),
        "train_entities": entity_counts(step.train),
        "dev_entities": entity_counts(step.dev),
        "test_entities": entity_counts(step.tests[headline]),
        "tests": {name: {"sentences": len(s), "entities": entity_counts(s)} for name, s in step.tests.items()},
    }


def stream_summary(stream: Stream, report: ReadReport | None = None) -> dict:
    empty = [s.step for s in stream.steps if not s.train]
    return {
        "dataset": stream.dataset,
        "setting": stream.setting,
        "permutation_index": stream.permutation,
        "permutation": [list(types) for _, types in stream.tasks],
        "task_names": [name for name, _ in stream.tasks],
        "steps": [step_summary(step) for step in stream.steps],
        "warnings": [f"step {k} has no training sentence" for k in empty],
        "reader": report.to_dict() if report is not None else {},
    }
