"""Testing a finished step: decode each test set of the setting, score it over the seen types, and turn
the per-type counts into the step's row of the result matrix."""

from __future__ import annotations

from pathlib import Path

from gencner.atomic import write_text
from gencner.config.schema import TrainerConfig
from gencner.console import progress_bar
from gencner.data.predictions import Prediction
from gencner.data.schema import Sentence
from gencner.data.streams import TaskStep
from gencner.families.base import FamilyModel
from gencner.metrics import matrix_row
from gencner.metrics.scoring import score
from gencner.trainer import inference_bf16


def evaluate_step(step: TaskStep, model: FamilyModel, t: TrainerConfig, flat: bool, device: str) -> tuple[dict, dict[str, list]]:
    """The step's test record (what its result.json holds of the tests) and, per test set, the
    predictions of each sentence (not saved: the decoded sample shows a few)."""
    model.to(device)
    predicted: dict[str, list] = {}
    record = {
        "step": step.step,
        "task": step.task_name,
        "new_types": list(step.new_types),
        "seen_types": list(step.seen_types),
        "tests": {},
    }
    for name, sentences in step.tests.items():
        with progress_bar(f"step {step.step}: testing ({name})", len(sentences)) as advance:
            predictions, report = model.predict(sentences, t.eval_batch_size, flat, advance, inference_bf16(t))
        scored = score(predictions, sentences, step.seen_types)
        scored["row"] = matrix_row(scored, [types for _, types in step.tasks_so_far])
        scored["decode"] = report.to_dict()
        scored["sentences"] = len(sentences)
        record["tests"][name] = scored
        predicted[name] = predictions
    return record, predicted


def describe_triplet(sentence: Sentence, t: Prediction | None, span=None) -> str:
    span = t.span if t is not None else span
    text = f'({span.start}, {span.end - 1}, {span.type}) "{sentence.mention(span)}"'
    return text + (f" conf {t.confidence:.3f}" if t is not None else "")


def write_decoded_sample(step: TaskStep, predicted: dict[str, list], path: Path, n: int = 12) -> None:
    """Words, gold triplets and predicted triplets (word indices, end inclusive) of the first test
    sentences, so that an encoding or linearisation bug is visible at a glance."""
    name, sentences = next(iter(step.tests.items()))
    predictions = predicted.get(name, [])
    lines = [f"step {step.step} · test {name} · seen types {', '.join(step.seen_types)}", ""]
    for sentence, predicted in list(zip(sentences, predictions))[:n]:
        lines.append(f"[{sentence.origin}] " + " ".join(f"{i}:{w}" for i, w in enumerate(sentence.tokens)))
        lines.append("  gold:      " + ("; ".join(describe_triplet(sentence, None, s) for s in sentence.spans) or "-"))
        lines.append("  predicted: " + ("; ".join(describe_triplet(sentence, t) for t in predicted) or "-"))
        marks = {s for s in sentence.spans} ^ {t.span for t in predicted}
        lines.append("  " + ("ok" if not marks else f"{len(marks)} difference(s)"))
        lines.append("")
    write_text(path, "\n".join(lines))
