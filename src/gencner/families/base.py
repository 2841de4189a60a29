"""The model-family interface: everything the continual-learning loop asks of a kind of NER model.

The runner, the task-level callbacks, the evaluation, the metrics and the reports see a model only
through `FamilyModel` and a family only through `ModelFamily`; a family is one package under
gencner/families/ implementing both, registered by name in gencner/families/__init__.py and chosen
by `method.family`. What a family does inside (pointer indices and a decoder, span matrices and
sigmoids) is its own business."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import lightning as L

from gencner.data.predictions import Prediction
from gencner.data.schema import Sentence
from gencner.data.streams import Task, TaskStep
from gencner.data.targets import Example

if TYPE_CHECKING:
    from gencner.config.schema import Config


class DecodeSummary(Protocol):
    """What decoding counted (truncated inputs, malformed outputs ...), as a JSON-ready dict."""

    def to_dict(self) -> dict: ...


class FamilyModel(Protocol):
    """A model of some family: it knows its types in learning order and can grow, freeze and decode."""

    types: list[str]
    max_source_tokens: int  # the longest input it reads (sub-word tokens); a longer one is cut, and counted

    def add_types(self, new_types: Sequence[str]) -> list[str]:
        """Learn room for a step's new types (appended after the old ones)."""

    def frozen_copy(self, n_types: int) -> FamilyModel:
        """The teacher: an independent copy in eval mode without gradients that sees its first n_types."""

    def to(self, device: str) -> None: ...

    def predict(
        self, sentences: Sequence[Sentence], batch_size: int, flat: bool, on_batch: Callable[[int], None] | None = None, bf16: bool = False
    ) -> tuple[list[list[Prediction]], DecodeSummary]:
        """Predictions per sentence in input order, each with its confidence; in a multi-process run
        every rank gets all of them."""


class StepInputs(Protocol):
    """What a family reads of the step it builds data and a LightningModule for (cl.context.TaskContext
    is one): declared here, so that the interface does not depend on the loop that drives it."""

    @property
    def cfg(self) -> Config: ...

    @property
    def step(self) -> TaskStep: ...

    @property
    def model(self) -> FamilyModel:
        """The student: old types and this step's new types."""

    @property
    def teacher(self) -> FamilyModel | None:
        """The frozen previous model, seeing only the old types (None at step 1 or without one)."""


class StepDataModule(Protocol):
    """A step's encoded data (a LightningDataModule) and what encoding it cut."""

    def truncation(self) -> dict: ...


class ModelFamily(ABC):
    """Builds, loads and saves a family's models, and makes a step's data and LightningModule."""

    name: str

    def check(self, cfg: Config) -> None:  # noqa: B027 (a hook: most families accept what the schema allows)
        """Raise ConfigError when `cfg` asks the family for something it cannot do."""

    def first_step_method(self, cfg: Config) -> dict:
        """What of `cfg.method` besides the family decides step 1, where there is no teacher yet: the
        methods with the same value share it (trainer.share_first_step). None by default: a pseudo-label,
        threshold or distillation key only acts once there is a teacher. A family whose step 1 depends on
        the method (the tagger's head layout) says so here."""
        return {}

    @abstractmethod
    def base_model(self, cfg: Config, train: Sequence[Sentence], cache_dir: Path) -> FamilyModel:
        """Step 1's starting point: a checkpoint, or a model built from the config and pretrained on
        unlabeled text (cached in `cache_dir`)."""

    @abstractmethod
    def load(self, path: Path, device: str = "cpu") -> FamilyModel: ...

    @abstractmethod
    def save(self, model: FamilyModel, path: Path) -> None: ...

    @abstractmethod
    def datamodule(self, ctx: StepInputs, examples: list[Example]) -> StepDataModule:
        """Encode the step's targets (and whatever the family's teacher contributes, once, before the fit)."""

    @abstractmethod
    def step_module(self, ctx: StepInputs, dev_tasks: Sequence[Task]) -> L.LightningModule:
        """The step's LightningModule: the loss with or without ctx.teacher, dev scoring over
        `dev_tasks` into `last_dev["score"]`; it exposes `student` (the trained network) and `teacher`
        (the frozen one, or None) for best-epoch selection and the frozen-teacher check."""
