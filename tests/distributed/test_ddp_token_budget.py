"""Token-budget batches under DDP (gloo, two CPU processes, a real `trainer.fit` built by make_trainer):
each rank runs the same number of batches and every training sentence is seen exactly once per epoch."""

import json
import os

import lightning as L
import torch
from tests.conftest import TINY_MODEL

from gencner.cl.pseudo import merged_example
from gencner.config import load_config
from gencner.config.schema import MethodConfig, TrainerConfig
from gencner.data.synthetic import generate_synthetic
from gencner.families.pointer.datamodule import StepDataModule
from gencner.families.pointer.model import build_model
from gencner.families.pointer.module import StepModule
from gencner.trainer import make_trainer

TYPES = ["ORG", "PERSON", "GPE"]
SMALL = [
    *TINY_MODEL,
    "model.vocab_size=400",
    "model.denoise_epochs=0",
    "model.encoder_layers=1",
    "model.decoder_layers=1",
]
TRAINER = [
    "trainer=cpu",
    "trainer.strategy=ddp_spawn",
    "trainer.devices=2",
    "trainer.max_epochs=2",
    "trainer.token_budget=240",
    "trainer.progress=false",
    "trainer.deterministic=false",
    "logger=none",
]


class Positions(L.Callback):
    """Writes the training positions of every batch, per rank and epoch (the ranks are other processes)."""

    def __init__(self, folder: str):
        self.folder = folder

    def on_train_batch_start(self, trainer, module, batch, batch_idx) -> None:
        path = os.path.join(self.folder, f"rank{trainer.global_rank}-epoch{trainer.current_epoch}.jsonl")
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(batch["positions"].tolist()) + "\n")


def test_token_budget_batches_under_ddp_are_equal_per_rank_and_cover_each_sentence_once(tmp_path):
    torch.set_num_threads(1)
    cfg = load_config([*SMALL, *TRAINER])
    corpus = generate_synthetic(seed=3, train=53, dev=6, test=2)
    train = [s.restrict(TYPES) for s in corpus["train"]]
    model = build_model(cfg.model, [w for s in train for w in s.tokens], {}, seed=0)
    model.add_types(TYPES)
    dm = StepDataModule(
        model,
        [merged_example(s, (), "sorted") for s in train],
        [s.restrict(TYPES) for s in corpus["dev"]],
        cfg.trainer.batch_size,
        8,
        seed=1,
        token_budget=cfg.trainer.token_budget,
    )
    module = StepModule(model, TrainerConfig(lr=1e-3, weight_decay=0.0, warmup_ratio=0.1), MethodConfig(), [(t, (t,)) for t in TYPES])
    make_trainer(cfg.trainer, tmp_path, [Positions(str(tmp_path))], []).fit(module, dm)
    for epoch in (0, 1):
        ranks = []
        for rank in (0, 1):
            lines = (tmp_path / f"rank{rank}-epoch{epoch}.jsonl").read_text(encoding="utf-8").splitlines()
            ranks.append([json.loads(line) for line in lines])
        assert len(ranks[0]) == len(ranks[1]) > 1
        seen = sorted(p for batches in ranks for batch in batches for p in batch)
        assert seen == list(range(len(train)))  # once each: no padded repeats, nothing dropped
