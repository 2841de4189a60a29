"""A NaN or infinite training loss stops the step with a GencnerError naming the step, epoch and batch
(NonFiniteLossGuard), in a real fit of a tiny model; the step's results are not written."""

from __future__ import annotations

import re

import pytest
from reliability_support import SMALL_DATA, THREE_TASKS, TINY

from gencner.config import load_config
from gencner.errors import GencnerError

FIT = [*TINY, *SMALL_DATA, *THREE_TASKS, "logger=none", "trainer.progress=false", "method=finetune"]
# 120 training sentences in three Split tasks: 40 per step, three batches of 16 per epoch.
MESSAGE = re.compile(r"^non-finite loss \((nan|inf|-inf)\) at step (\d+), epoch (\d+), batch (\d+); lower trainer\.lr")


def run(tmp_path, *overrides: str):
    from gencner.runner import Runner

    cfg = load_config([*FIT, f"output_dir={tmp_path}", *overrides])
    run_dir = tmp_path / "run"
    with pytest.raises(GencnerError) as caught:
        Runner(cfg, run_dir).run()
    found = MESSAGE.match(str(caught.value))
    assert found, str(caught.value)
    assert not (run_dir / "steps" / "step-01" / "result.json").exists()
    return found.group(1), int(found.group(2)), int(found.group(3)), int(found.group(4))


def test_an_exploding_learning_rate_stops_the_step_at_the_first_non_finite_batch(tmp_path):
    value, step, epoch, batch = run(tmp_path, "trainer.lr=1e30", "trainer.max_epochs=2", "trainer.warmup_ratio=0")
    assert value == "nan" and step == 1 and epoch == 0
    assert batch >= 1  # the first batch is computed with the initial, finite weights


@pytest.mark.parametrize("value, epoch, batch", [("nan", 1, 2), ("inf", 0, 0), ("-inf", 1, 0)])
def test_a_non_finite_loss_is_reported_with_its_step_epoch_and_batch(tmp_path, monkeypatch, value, epoch, batch):
    from gencner.families.pointer.module import StepModule

    real_step = StepModule.training_step

    def training_step(self, batch_data, batch_idx):
        loss = real_step(self, batch_data, batch_idx)
        if self.trainer.current_epoch == epoch and batch_idx == batch:
            return loss * float(value)
        return loss

    monkeypatch.setattr(StepModule, "training_step", training_step)
    assert run(tmp_path, "trainer.max_epochs=2") == (value, 1, epoch, batch)
