"""What the benchmark measures: each row is a configuration of `gencner train` (config overrides on top
of the benchmark's base), so a row times exactly what that configuration trains and decodes with.

The paper's configuration is the reference row: fp32, batch 8, eager, padded batches in random order
(trainer=paper). Two rows put back one host read per batch (training) or per decoding step, as the code
did before they were removed, so that what removing them gained is measured in the same run."""

from __future__ import annotations

from dataclasses import dataclass

# Every row: no logger or progress display; a teacher (method=gencner distils at the pseudo triplets);
# decoding stops at 16 indices, the length a trained model emits on this workload (5 triplets and EOS).
BASE = [
    "logger=none",
    "trainer.progress=false",
    "method=gencner",
    "model.denoise_epochs=0",
    "model.max_length_base=16",
    "model.max_length_ratio=0",
]
MODEL = {"gpu": ["model=large"], "cpu": ["model=small"]}  # BART-large's shape; something a CPU finishes
# On a CPU every row runs in fp32: bf16 autocast is a GPU path (on a CPU it only emulates it, slowly).
CPU = ["trainer.accelerator=cpu", "trainer.precision=32-true"]
TOKENS_PER_SENTENCE = 56  # 40 source pieces + 16 target indices


@dataclass(frozen=True)
class Row:
    name: str
    overrides: tuple[str, ...]
    host_read: bool = False  # a host read per batch / per decoding step (as the code did before these reads were removed)


def train_rows(gpu: bool, compile_model: bool) -> list[Row]:
    ours = ("trainer=fast", *(("trainer.compile=true",) if compile_model else ()))
    budget = (256 if gpu else 64) * TOKENS_PER_SENTENCE
    return [
        Row("paper: fp32, batch 8, eager, padded, random order", ("trainer=paper",)),
        Row("ours: batch 8 (trainer=fast)", ours),
        Row(f"ours: throughput, {budget:,} tokens a batch", (*ours, f"trainer.token_budget={budget}")),
        Row("ours: batch 8, loss read every batch (old: per-step host read)", ours, host_read=True),
    ]


def decode_rows(gpu: bool) -> list[Row]:
    large = 1024 if gpu else 256
    throughput = ("trainer=fast", f"trainer.eval_batch_size={large}")
    return [
        Row("paper: fp32, batch 8", ("trainer=paper", "trainer.eval_batch_size=8")),
        Row("ours: batch 8", ("trainer=fast", "trainer.eval_batch_size=8")),
        Row(f"ours: throughput, batch {large:,} (trainer=fast)", throughput),
        Row(f"ours: batch {large:,}, done read every step (old: per-step host read)", throughput, host_read=True),
    ]


def row_overrides(row: Row, gpu: bool, user: list[str]) -> list[str]:
    return [*BASE, *MODEL["gpu" if gpu else "cpu"], *row.overrides, *([] if gpu else CPU), *user]
