"""What one step's data builder and fit read: the step's inputs, built by the runner once the step's
student and teacher exist."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gencner.config.schema import Config
from gencner.data.schema import Corpus
from gencner.data.streams import TaskStep
from gencner.families.base import FamilyModel, ModelFamily


@dataclass(frozen=True)
class TaskContext:
    cfg: Config  # the run's configuration (read-only)
    family: ModelFamily  # what the model is: builds the step's datamodule and LightningModule
    step: TaskStep
    corpus: Corpus | None  # full gold, used only for reporting pseudo-label quality
    model: FamilyModel  # the student (old types + this step's new types)
    teacher: FamilyModel | None  # frozen previous model, sees only the old types
    step_dir: Path
