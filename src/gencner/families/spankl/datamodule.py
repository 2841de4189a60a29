"""A SpanKL step's data: the training sentences' gold cells of the step's label types and, with a teacher,
the teacher's logits on every span of the old types, computed once here, before the fit (docs/methods.md,
"Losses and the teacher": they stay fixed for the whole task); the dev sentences as they are (decoded to
score)."""

from __future__ import annotations

from collections.abc import Sequence

import lightning as L
import torch
from torch.utils.data import DataLoader

from gencner.data.schema import Sentence
from gencner.families.spankl.batching import attach_teacher
from gencner.families.spankl.model import SpanKLModel
from gencner.families.spankl.teacher import teacher_logits


def cut_report(sentences: Sequence[Sentence], model: SpanKLModel) -> dict:
    """Sentences cut by the word-piece limit and the words lost (the family-independent keys)."""
    sources = model.encode(sentences)
    cut = [(s, src) for s, src in zip(sentences, sources) if src.truncated]
    return {"sentences": len(cut), "words": sum(src.n_words - src.kept_words for _, src in cut), "examples": [s.origin for s, _ in cut[:3]]}


class SpanStepData(L.LightningDataModule):
    def __init__(
        self,
        model: SpanKLModel,
        train: Sequence[Sentence],
        label_types: Sequence[str],
        dev: Sequence[Sentence],
        teacher: SpanKLModel | None,
        batch_size: int,
        eval_batch_size: int,
        seed: int,
    ):
        super().__init__()
        self.model, self.dev = model, list(dev)
        self.batch_size, self.eval_batch_size, self.seed = batch_size, eval_batch_size, seed
        self.examples, self.targets = model.training_examples(list(train), label_types)
        if teacher is not None:  # the teacher pass: once per step, before the fit
            self.examples = attach_teacher(
                self.examples, teacher_logits(teacher, [e.source for e in self.examples], eval_batch_size, "cpu")
            )
        self._truncation = {
            "train": cut_report(train, model) | {"target_entities": self.targets.truncated, "targets": self.targets.to_dict()},
            "dev": cut_report(dev, model),
        }

    def truncation(self) -> dict:
        return self._truncation

    def train_dataloader(self) -> DataLoader:
        return DataLoader(
            self.examples,
            batch_size=self.batch_size,
            shuffle=True,
            collate_fn=self.model.collator(),
            generator=torch.Generator().manual_seed(self.seed),
        )

    def val_dataloader(self) -> DataLoader:
        return DataLoader(self.dev, batch_size=self.eval_batch_size, shuffle=False, collate_fn=list)
