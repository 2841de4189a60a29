"""What the runner and its task-level callbacks share while one step runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gencner.config.schema import Config
from gencner.data.schema import Corpus
from gencner.data.streams import TaskStep
from gencner.data.targets import Example
from gencner.errors import GencnerError
from gencner.families.base import FamilyModel, ModelFamily, StepDataModule


@dataclass
class TaskContext:
    cfg: Config  # the run's configuration (read-only)
    family: ModelFamily  # what the model is: builds the step's datamodule and LightningModule
    step: TaskStep
    corpus: Corpus | None  # full gold, used only for reporting pseudo-label quality
    model: FamilyModel  # the student (old types + this step's new types)
    teacher: FamilyModel | None  # frozen previous model, sees only the old types
    step_dir: Path
    examples: list[Example] = field(default_factory=list)  # the step's training targets (set_data)
    datamodule: StepDataModule | None = None
    record: dict = field(default_factory=dict)  # goes into the step's result.json
    predictions: dict = field(default_factory=dict)  # test name → triplets per sentence (not saved)

    def set_data(self, examples: list[Example], datamodule: StepDataModule) -> None:
        """The step's data is built once: a second builder would silently replace the first one's."""
        if self.datamodule is not None:
            raise GencnerError(f"step {self.step.step}: its data was already built; one task callback builds it")
        self.examples, self.datamodule = examples, datamodule
