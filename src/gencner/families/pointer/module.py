"""The LightningModule of one continual-learning step: the student pointer BART, optionally a frozen
teacher (eval mode, no gradients, never in a checkpoint), loss = CE + λ·KD, dev scoring by decoding."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import lightning as L
import torch

from gencner.cl.dev_scoring import DevScores, log_dev
from gencner.config.schema import MethodConfig, TrainerConfig
from gencner.data.predictions import DecodeReport
from gencner.data.streams import Task
from gencner.families.pointer.batching import IGNORE, to_device
from gencner.families.pointer.inference import decode_batch
from gencner.families.pointer.losses import cross_entropy, distillation
from gencner.families.pointer.model import NerModel

NO_DECAY = ("bias", "layer_norm", "layernorm", "norm.weight")


class StepModule(L.LightningModule):
    def __init__(
        self,
        model: NerModel,
        trainer: TrainerConfig,
        method: MethodConfig,
        dev_tasks: Sequence[Task],
        teacher: NerModel | None = None,
        flat: bool = True,
        log_prefix: str = "",
    ):
        super().__init__()
        self.model = model  # a plain dataclass: not registered; its network is, as `student`
        self.student = model.net
        self.teacher = teacher.net if teacher is not None else None
        self.train_cfg = trainer
        self.method = method
        # no teacher (step 1, a method without one) or no distillation: the loss is the cross-entropy
        self.kd_weight = method.kd_weight if method.distill and teacher is not None else 0.0
        self.flat = flat
        self.dev = DevScores(dev_tasks)
        self.dev_report = DecodeReport()
        self.prefix = log_prefix
        self.last_dev: dict[str, Any] = {}
        # compiled callables are kept out of the module tree (no duplicate parameters in state_dict)
        self._forward = {"student": torch.compile(self.student, dynamic=True) if trainer.compile else self.student}
        if self.teacher is not None:
            self._forward["teacher"] = torch.compile(self.teacher, dynamic=True) if trainer.compile else self.teacher

    def on_train_start(self) -> None:
        # Lightning 2.6 no longer puts the model in train mode when a fit starts, and a BART from
        # from_pretrained() or from a saved step comes back in eval mode: without this, dropout would be
        # off for every step after the first (and a resumed run would differ from an uninterrupted one).
        self.train()

    def train(self, mode: bool = True):
        """Train mode for the student; the teacher stays in eval mode whatever is asked."""
        super().train(mode)
        if self.teacher is not None:
            self.teacher.eval()
        return self

    def transfer_batch_to_device(self, batch: dict, device: torch.device, dataloader_idx: int) -> dict:
        return to_device(batch, device)

    def on_save_checkpoint(self, checkpoint: dict) -> None:
        checkpoint["state_dict"] = {k: v for k, v in checkpoint["state_dict"].items() if not k.startswith("teacher.")}

    def losses(self, batch: dict) -> dict[str, torch.Tensor]:
        dec_ids = self.student.decoder_input_ids(batch["targets"], batch["src_ids"], self.model.start_id)
        inputs = (batch["src_ids"], batch["src_mask"], batch["word_mask"], dec_ids)
        logits = self._forward["student"](*inputs)
        out = {"ce": cross_entropy(logits, batch["targets"], batch.get("ce_mask"))}
        if self.kd_weight > 0 and self.method.below_threshold == "teacher-pass":
            out["kd"] = self._teacher_pass(batch)
            out["loss"] = out["ce"] + self.kd_weight * out["kd"]
        elif self.kd_weight > 0:
            with torch.no_grad():
                teacher_logits = self._forward["teacher"](*inputs)
            mask = batch["kd_mask"] if self.method.kd_positions == "pseudo" else batch["targets"] != IGNORE
            out["kd"] = distillation(logits, teacher_logits, mask, self.method.kd_temperature, self._kd_without(batch))
            out["loss"] = out["ce"] + self.kd_weight * out["kd"]
        else:
            out["loss"] = out["ce"]
        return out

    def _teacher_pass(self, batch: dict) -> torch.Tensor:
        """KL at every index of the teacher's own sequence, both models teacher-forced on it (a second
        student pass: the CE's target left the unsure triplets out). A batch without one adds 0."""
        replay = batch.get("teacher_targets")
        if replay is None:
            return torch.zeros((), device=batch["src_ids"].device)
        dec_ids = self.student.decoder_input_ids(replay, batch["src_ids"], self.model.start_id)
        inputs = (batch["src_ids"], batch["src_mask"], batch["word_mask"], dec_ids)
        logits = self._forward["student"](*inputs)
        with torch.no_grad():
            teacher_logits = self._forward["teacher"](*inputs)
        return distillation(logits, teacher_logits, replay != IGNORE, self.method.kd_temperature, self._kd_without(batch))

    def _kd_without(self, batch: dict) -> int | None:
        """EOS's column in the batch layout (right after the source positions) when method.kd_eos is off."""
        return None if self.method.kd_eos else batch["src_ids"].size(1)

    def training_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        out = self.losses(batch)
        size = batch["src_ids"].size(0)
        for name, value in out.items():
            self.log(f"{self.prefix}train/{name}", value.detach(), prog_bar=name == "loss", batch_size=size)
        return out["loss"]

    def validation_step(self, batch: dict, batch_idx: int) -> None:
        self.dev.update(decode_batch(self.model, batch, self.flat, self.dev_report), batch["gold"])

    def on_validation_epoch_end(self) -> None:
        self.last_dev = log_dev(self, self.prefix, self.dev.compute()) | {"decode": self.dev_report.to_dict()}
        self.dev_report = DecodeReport()

    def configure_optimizers(self):
        decay, no_decay = [], []
        for name, param in self.student.named_parameters():
            if param.requires_grad:
                (no_decay if any(k in name.lower() for k in NO_DECAY) else decay).append(param)
        groups = [{"params": decay, "weight_decay": self.train_cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
        # the fused kernel: one launch for every parameter on a GPU; elsewhere torch's default
        fused = all(p.is_cuda for group in groups for p in group["params"]) or None
        optimizer = torch.optim.AdamW(groups, lr=self.train_cfg.lr, fused=fused)
        total = max(int(self.trainer.estimated_stepping_batches), 1)
        warmup = int(self.train_cfg.warmup_ratio * total)

        def factor(step: int) -> float:  # linear warm-up, then linear decay to 0
            if step < warmup:
                return (step + 1) / max(warmup, 1)
            return max(0.0, (total - step) / max(total - warmup, 1))

        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}
