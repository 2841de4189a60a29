"""The LightningModule of one continual-learning step: the student pointer BART, optionally a frozen
teacher (eval mode, no gradients, never in a checkpoint), loss = CE + λ·KD, dev scoring by decoding."""

from __future__ import annotations

from typing import Any, Sequence

import lightning as L
import torch

from gencner.cl.losses import cross_entropy, distillation
from gencner.data.batching import IGNORE, to_device
from gencner.data.streams import Task
from gencner.metrics import SpanF1, task_f1
from gencner.model.evaluation import restrict
from gencner.model.factory import NerModel
from gencner.model.inference import DecodeReport, decode_batch

NO_DECAY = ("bias", "layer_norm", "layernorm", "norm.weight")


class StepModule(L.LightningModule):
    def __init__(
        self,
        model: NerModel,
        optim: dict,
        dev_tasks: Sequence[Task],
        teacher: NerModel | None = None,
        kd: dict | None = None,
        flat: bool = True,
        log_prefix: str = "",
        compile_forward: bool = False,
    ):
        super().__init__()
        self.model = model  # a plain dataclass: not registered; its network is, as `student`
        self.student = model.net
        self.teacher = teacher.net if teacher is not None else None
        self.optim = dict(optim)
        self.kd = dict(kd or {})
        self.flat = flat
        self.dev_tasks = [(name, tuple(types)) for name, types in dev_tasks]
        self.dev_types = [t for _, types in self.dev_tasks for t in types]
        self.dev_metric = SpanF1(self.dev_types)
        self.dev_report = DecodeReport()
        self.prefix = log_prefix
        self.last_dev: dict[str, Any] = {}
        # compiled callables are kept out of the module tree (no duplicate parameters in state_dict)
        self._forward = {"student": torch.compile(self.student, dynamic=True) if compile_forward else self.student}
        if self.teacher is not None:
            self._forward["teacher"] = torch.compile(self.teacher, dynamic=True) if compile_forward else self.teacher

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
        if self.teacher is not None and self.kd.get("weight", 0) > 0:
            with torch.no_grad():
                teacher_logits = self._forward["teacher"](*inputs)
            mask = batch["kd_mask"] if self.kd.get("positions") == "pseudo" else batch["targets"] != IGNORE
            out["kd"] = distillation(logits, teacher_logits, mask, self.kd.get("temperature", 1.0))
            out["loss"] = out["ce"] + self.kd["weight"] * out["kd"]
        else:
            out["loss"] = out["ce"]
        return out

    def training_step(self, batch: dict, batch_idx: int) -> torch.Tensor:
        out = self.losses(batch)
        size = batch["src_ids"].size(0)
        for name, value in out.items():
            self.log(f"{self.prefix}train/{name}", value.detach(), prog_bar=name == "loss", batch_size=size)
        return out["loss"]

    def validation_step(self, batch: dict, batch_idx: int) -> None:
        wanted = set(self.dev_types)
        predictions = decode_batch(self.model, batch, self.flat, self.dev_report)
        self.dev_metric.update([[t.span for t in restrict(p, wanted)] for p in predictions], batch["gold"])

    def on_validation_epoch_end(self) -> None:
        result = self.dev_metric.compute()
        self.dev_metric.reset()
        per_task = [task_f1(result, types) for _, types in self.dev_tasks]
        score = sum(per_task) / len(per_task)
        self.last_dev = {"score": score, "micro_f1": result["micro"]["f1"], "per_task": per_task, "decode": self.dev_report.to_dict()}
        self.dev_report = DecodeReport()
        self.log(f"{self.prefix}val/score", score, prog_bar=True, sync_dist=False)
        self.log(f"{self.prefix}val/micro_f1", result["micro"]["f1"])
        # how many entities were scored: a check that every dev sentence counted exactly once
        self.log(f"{self.prefix}val/gold", float(result["micro"]["gold"]))

    def configure_optimizers(self):
        decay, no_decay = [], []
        for name, param in self.student.named_parameters():
            if param.requires_grad:
                (no_decay if any(k in name.lower() for k in NO_DECAY) else decay).append(param)
        groups = [{"params": decay, "weight_decay": self.optim["weight_decay"]}, {"params": no_decay, "weight_decay": 0.0}]
        fused = self.optim.get("fused", False) and torch.cuda.is_available()
        optimizer = torch.optim.AdamW(groups, lr=self.optim["lr"], fused=fused or None)
        total = max(int(self.trainer.estimated_stepping_batches), 1)
        warmup = int(self.optim["warmup_ratio"] * total)

        def factor(step: int) -> float:  # linear warm-up, then linear decay to 0
            if step < warmup:
                return (step + 1) / max(warmup, 1)
            return max(0.0, (total - step) / max(total - warmup, 1))

        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
        return {"optimizer": optimizer, "lr_scheduler": {"scheduler": scheduler, "interval": "step"}}
