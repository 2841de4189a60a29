"""The LightningModule of a SpanKL step: L = L_new (BCE on the new types' columns, every span) + L_KD
(Bernoulli KL to the teacher's stored logits on the old columns, every span) when the step has a teacher; a
fresh AdamW with the encoder's and the heads' learning rates and the cosine schedule (docs/methods.md,
"Optimisation"); dev scoring by decoding, as every family's step module scores (cl/dev_scoring.py)."""

from __future__ import annotations

from collections.abc import Sequence

import lightning as L
import torch

from gencner.cl.dev_scoring import DevScores, log_dev
from gencner.data.streams import Task
from gencner.families.spankl.decoding import decode
from gencner.families.spankl.losses import step_loss
from gencner.families.spankl.model import SpanKLModel
from gencner.families.spankl.optim import build_optimizer, build_scheduler


class SpanStepModule(L.LightningModule):
    def __init__(
        self,
        model: SpanKLModel,
        label_types: Sequence[str],
        dev_tasks: Sequence[Task],
        flat: bool,
        warmup_ratio: float,
        log_prefix: str = "",
    ):
        super().__init__()
        self.model = model  # a plain dataclass: not registered; its network is, as `student`
        self.student = model.net
        # the teacher took part before the fit (its logits are in the batches): nothing of it trains here
        self.teacher = None
        self.gold_columns = model.columns_of(label_types)
        self.flat, self.prefix, self.warmup_ratio = flat, log_prefix, warmup_ratio
        self.dev = DevScores(dev_tasks)
        self.last_dev: dict = {}

    def on_train_start(self) -> None:
        self.train()  # Lightning 2.6 does not put a loaded model in train mode (see the pointer module)

    new_loss_name = "bce"  # what the new types' loss is logged as

    def step_loss(self, batch: dict):
        """The batch's loss: total, its new-type part and its distillation part (None without a teacher)."""
        return step_loss(self.model.logits(batch), batch, self.gold_columns)

    def training_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        loss = self.step_loss(batch)
        size = batch["input_ids"].size(0)
        self.log(f"{self.prefix}train/loss", loss.total.detach(), prog_bar=True, batch_size=size)
        self.log(f"{self.prefix}train/{self.new_loss_name}", loss.new.detach(), batch_size=size)
        if loss.distillation is not None:
            self.log(f"{self.prefix}train/kd", loss.distillation.detach(), batch_size=size)
        return loss.total

    def validation_step(self, batch: list, batch_idx: int) -> None:
        self.dev.update(decode(self.model, batch, len(batch), self.flat), [s.spans for s in batch])

    def on_validation_epoch_end(self) -> None:
        self.last_dev = log_dev(self, self.prefix, self.dev.compute())

    def transfer_batch_to_device(self, batch, device, dataloader_idx: int):
        # a dev batch is a list of sentences (decoded as they are); a training batch's tensors move in logits()
        return batch

    def configure_optimizers(self):
        optimizer = build_optimizer(self.student, self.model.config)
        total = int(self.trainer.estimated_stepping_batches)
        warmup = self.model.config.warmup_steps
        scheduler = build_scheduler(optimizer, total, int(self.warmup_ratio * total) if warmup is None else warmup)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}
