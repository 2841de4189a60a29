"""Where stderr is a log file rather than a terminal, a run still reports its progress: one line per
epoch (loss, dev score, time) and one line per pseudo-labelling or test pass."""

from __future__ import annotations

import lightning as L
import torch

from gencner.console import console, progress_bar
from gencner.trainer import EpochLines, quiet_lightning


class _Tiny(L.LightningModule):
    prefix = "s2/"

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Linear(1, 1)

    def training_step(self, batch, batch_idx):
        loss = self.w(batch[0]).pow(2).mean()
        self.log("s2/train/loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        self.log("s2/val/score", 0.5 + 0.1 * self.current_epoch)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


def _loader():
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.ones(4, 1)), batch_size=2)


def test_one_line_per_epoch_names_step_loss_and_dev_score():
    assert not console.is_terminal  # pytest captures stderr
    quiet_lightning()
    trainer = L.Trainer(
        max_epochs=2,
        callbacks=[EpochLines()],
        enable_progress_bar=False,
        logger=False,
        enable_checkpointing=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
    )
    with console.capture() as captured:
        trainer.fit(_Tiny(), _loader(), _loader())
    lines = [line for line in captured.get().splitlines() if "epoch" in line]
    assert [line.split(":")[0] for line in lines] == ["step 2 · epoch 1/2", "step 2 · epoch 2/2"]
    assert "val score 0.5000" in lines[0] and "val score 0.6000" in lines[1]  # this epoch's score, not the last
    assert all("train loss" in line for line in lines)


def test_a_progress_bar_in_a_log_says_how_many_and_how_long():
    with console.capture() as captured:
        with progress_bar("step 3: pseudo-labelling", 1234) as advance:
            advance(1234)
    text = captured.get()
    assert text.startswith("step 3: pseudo-labelling: 1,234 sentences in ") and text.rstrip().endswith(" s")
