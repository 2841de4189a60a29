"""A fresh Lightning Trainer per step (a second fit on a used Trainer silently trains nothing)."""

from __future__ import annotations

import inspect
import logging
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import lightning as L
import torch
from omegaconf import OmegaConf

from gencner.config.schema import TrainerConfig
from gencner.console import console
from gencner.errors import ConfigError
from gencner.stopping import stop_if_requested


def run_device(t: TrainerConfig) -> str:
    if t.accelerator in ("gpu", "cuda") or (t.accelerator == "auto" and torch.cuda.is_available()):
        return "cuda"
    return "cpu"


def inference_bf16(t: TrainerConfig) -> bool:
    """Decode (pseudo-labels, tests) in bf16 when training does and a GPU is used."""
    return str(t.precision).startswith("bf16") and run_device(t) == "cuda"


def quiet_lightning() -> None:
    """Keep the console for gencner's own progress and tables: Lightning's start-up banners, tips and
    the expected warnings (a teacher in eval mode, a custom batch transfer) are noise in a CL run."""
    for name in ("lightning.pytorch", "lightning.fabric", "lightning", "pytorch_lightning"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for pattern in (
        ".*does not have many workers.*",
        ".*overridden `transfer_batch_to_device`.*",
        ".*in eval mode at the start of training.*",
        ".*LeafSpec.*",
        ".*litlogger.*",
        ".*smaller than the logging interval.*",
        ".*is an invalid version and will not be supported.*",
    ):
        warnings.filterwarnings("ignore", message=pattern)


class EpochLines(L.Callback):
    """Where no progress bar can be drawn (a log file), one line per epoch: the loss, the dev score and
    the time so far, so that a run followed with `tail -f` is never silent for a whole step."""

    def __init__(self) -> None:
        self.started = 0.0

    def on_train_start(self, trainer, module) -> None:
        self.started = time.perf_counter()

    def on_train_epoch_end(self, trainer, module) -> None:  # after the epoch's validation
        if not trainer.is_global_zero:
            return
        metrics = trainer.callback_metrics
        shown = [
            f"{key.rsplit('/', 2)[-2]} {key.rsplit('/', 1)[-1]} {float(value):.4f}"
            for key, value in metrics.items()
            if key.endswith(("train/loss", "val/score"))
        ]
        step = getattr(module, "prefix", "").strip("/")  # the module's metric prefix: "s3" for step 3
        step = f"step {step[1:]}" if step[:1] == "s" and step[1:].isdigit() else step
        console.print(
            f"{step} · epoch {trainer.current_epoch + 1}/{trainer.max_epochs}: "
            f"{', '.join(shown)} ({time.perf_counter() - self.started:.0f} s)",
            highlight=False,
        )


class StopAtSafePoints(L.Callback):
    """Between two batches nothing is half-done: a Ctrl-C or SIGTERM recorded by gencner.stopping ends
    the fit there (Lightning tears the fit down and lets StopRequested through to the CLI)."""

    def on_train_batch_start(self, trainer, module, batch, batch_idx) -> None:
        stop_if_requested()

    def on_validation_batch_start(self, trainer, module, batch, batch_idx, dataloader_idx: int = 0) -> None:
        stop_if_requested()


def make_trainer(t: TrainerConfig, root: Path, callbacks: Sequence[L.Callback], loggers: Sequence[Any]) -> L.Trainer:
    quiet_lightning()
    return L.Trainer(**trainer_arguments(t, root, callbacks, loggers))


def trainer_arguments(t: TrainerConfig, root: Path, callbacks: Sequence[L.Callback], loggers: Sequence[Any]) -> dict[str, Any]:
    """The step's Trainer keyword arguments: gencner's own (from the trainer.* keys, or fixed), then
    those of trainer.extra, which may add any other argument but never replace one of these."""
    show_progress = bool(t.progress) and console.is_terminal
    bars = [L.pytorch.callbacks.RichProgressBar(leave=False)] if show_progress else [EpochLines()] if t.progress else []
    own = dict(
        accelerator=t.accelerator,
        devices=_plain(t.devices),
        strategy=t.strategy,
        precision=t.precision,
        max_epochs=t.max_epochs,
        gradient_clip_val=t.gradient_clip or None,
        deterministic=t.deterministic,
        enable_checkpointing=False,
        num_sanity_val_steps=0,
        logger=list(loggers) or False,
        callbacks=[StopAtSafePoints(), *callbacks, *bars],
        default_root_dir=str(root),
        enable_model_summary=False,
        enable_progress_bar=show_progress,
        log_every_n_steps=10,
        use_distributed_sampler=False,  # the datamodule shards itself (validation without padded repeats)
    )
    return own | extra_arguments(_plain(t.extra) or {}, own)


def extra_arguments(extra: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """trainer.extra, checked against Lightning's Trainer: a name it does not take, or one gencner sets
    (whose value would otherwise silently win or lose), is a one-line ConfigError."""
    accepted = set(inspect.signature(L.Trainer.__init__).parameters) - {"self"}
    for key in extra:
        if key in own:
            raise ConfigError(
                f"trainer.extra.{key}: gencner sets this Trainer argument itself; set it through its trainer.* key "
                f"if it has one (gencner config lists them), or leave it out of trainer.extra"
            )
        if key not in accepted:
            raise ConfigError(
                f"trainer.extra.{key} is not an argument of Lightning's Trainer; the others are: {', '.join(sorted(accepted - set(own)))}"
            )
    return dict(extra)


def _plain(value: Any) -> Any:
    """OmegaConf lists and mappings as Python ones (Lightning type-checks `devices`)."""
    return OmegaConf.to_container(value, resolve=True) if OmegaConf.is_config(value) else value
