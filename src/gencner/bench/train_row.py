"""A training row: `Runner.fit` itself, the function `gencner train` fits every step with (StepModule:
its losses, optimizer groups, schedule, precision, compile flag; the datamodule's batches: padded,
bucketed or token-budget), on a step-2 workload, timed by a callback between batches."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import lightning as L
import torch

from gencner.bench.flops import Sizes, training_flops
from gencner.bench.syncs import SyncCounter, peak_memory_gb, reset_peak_memory, synchronize
from gencner.bench.workload import NEW, OLD, TYPES
from gencner.cl.context import TaskContext
from gencner.config.schema import Config
from gencner.data.schema import Sentence
from gencner.data.streams import TaskStep
from gencner.data.targets import Example
from gencner.errors import GencnerError
from gencner.families.pointer.family import FAMILY
from gencner.families.pointer.model import NerModel
from gencner.runner import Runner
from gencner.trainer import run_device


class TimedBatches(L.Callback):
    """Lets `warmup` batches pass, counts host syncs over the next `probe` ones (GPU only), then times
    batches until `budget_s` has passed or the epoch ends, and stops the fit. The device is synchronised
    only where the timing starts and ends: inside it the host runs ahead as it does in training.
    `host_read` reads the loss after every batch, as the non-finite-loss guard used to."""

    def __init__(self, sizes: Sizes, device: torch.device, budget_s: float, warmup: int = 3, probe: int = 2, host_read: bool = False):
        self.sizes, self.device, self.budget_s = sizes, device, budget_s
        self.warmup, self.probe, self.host_read = warmup, probe, host_read
        self.syncs = SyncCounter(device)
        self.seen = self.sentences = 0
        self.tokens = self.flops = torch.zeros((), dtype=torch.float64)
        self.started: float | None = None
        self.result: dict[str, Any] = {}

    def on_train_batch_start(self, trainer, module, batch, batch_idx) -> None:
        if self.seen == self.warmup:
            self.syncs.start()
        if self.seen == self.warmup + self.probe:
            syncs = self.syncs.stop()
            self.result["host_syncs_per_batch"] = None if syncs is None else syncs / self.probe
            synchronize(self.device)
            reset_peak_memory(self.device)
            self.tokens = self.flops = torch.zeros((), dtype=torch.float64, device=self.device)
            self.started = time.perf_counter()

    def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx) -> None:
        if self.host_read:
            float(outputs["loss"] if isinstance(outputs, dict) else outputs)
        self.seen += 1
        if self.started is None:
            return
        self.sentences += len(batch["sources"])
        # accumulated on the device: reading them now would add the very host sync being measured
        self.tokens = self.tokens + batch["src_mask"].sum() + (batch["targets"] >= 0).sum()
        self.flops = self.flops + training_flops(self.sizes, batch)
        if time.perf_counter() - self.started > self.budget_s or batch_idx + 1 == trainer.num_training_batches:
            synchronize(self.device)
            seconds = time.perf_counter() - self.started
            self.result.update(
                seconds=seconds,
                sentences=self.sentences,
                batches=self.seen - self.warmup - self.probe,
                warmup_batches=self.warmup + self.probe,
                tokens=float(self.tokens),
                flops=float(self.flops),
                peak_memory_gb=peak_memory_gb(self.device),
            )
            self.started = None
            trainer.should_stop = True  # Lightning validates once more (untimed), then ends the fit


def bench_step(dev: Sequence[Sentence]) -> TaskStep:
    """Step 2 of a two-task stream: the teacher knows OLD, the step learns NEW."""
    return TaskStep(
        step=2,
        task=1,
        task_name="new",
        new_types=NEW,
        seen_types=TYPES,
        label_types=NEW,
        train=[],
        dev=list(dev),
        tests={},
        tasks_so_far=[("old", OLD), ("new", NEW)],
    )


def time_training(
    cfg: Config,
    model: NerModel,
    examples: Sequence[Example],
    dev: Sequence[Sentence],
    sizes: Sizes,
    budget_s: float,
    host_read: bool = False,
) -> dict[str, Any]:
    """One row: a fresh teacher (a frozen copy seeing OLD), the step's datamodule and `Runner.fit`."""
    device = torch.device(run_device(cfg.trainer))
    L.seed_everything(cfg.seed, verbose=False)
    model.net.to(device)
    teacher = model.frozen_copy(n_types=len(OLD))
    timer = TimedBatches(sizes, device, budget_s, host_read=host_read)
    with tempfile.TemporaryDirectory(prefix="gencner-bench-") as root:
        runner = Runner(cfg, Path(root), fit_callbacks=[timer])
        ctx = TaskContext(cfg, FAMILY, bench_step(dev), None, model, teacher, Path(root))
        runner.fit(ctx, FAMILY.datamodule(ctx, list(examples)))
    if "seconds" not in timer.result:
        raise GencnerError(
            f"the training row saw {timer.seen} batches, fewer than its {timer.warmup + timer.probe} "
            "warm-up batches and one timed one: give it more sentences"
        )
    return timer.result
