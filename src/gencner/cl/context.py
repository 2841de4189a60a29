"""What the runner and its task-level callbacks share while one step runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gencner.data.batching import Example
from gencner.data.schema import Corpus
from gencner.data.streams import TaskStep
from gencner.model.factory import NerModel


@dataclass
class TaskContext:
    cfg: Any  # the run's Config
    step: TaskStep
    corpus: Corpus  # full gold, used only for reporting pseudo-label quality
    model: NerModel  # the student (old types + this step's new types)
    teacher: NerModel | None  # frozen previous model, sees only the old types
    step_dir: Path
    examples: list[Example] = field(default_factory=list)  # training targets; callbacks may rebuild them
    datamodule: Any = None
    record: dict = field(default_factory=dict)  # goes into the step's result.json
    predictions: dict = field(default_factory=dict)  # test name → triplets per sentence (not saved)
