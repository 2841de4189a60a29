"""Timed loops for the three workloads: a training step with teacher distillation, and greedy
constrained decoding (pseudo-labelling and evaluation are the same computation)."""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Callable, Sequence

import torch

from gencner.bench.workload import to, tokens_in
from gencner.cl.losses import cross_entropy, distillation
from gencner.data.batching import Collator, EncodedExample
from gencner.data.sampling import LengthBucketSampler
from gencner.model.decoding import greedy_decode
from gencner.model.pointer import PointerBart


@dataclass
class Mode:
    name: str
    batch_size: int
    bf16: bool
    bucketing: bool
    fused: bool = False
    compile: bool = False


@dataclass
class Timing:
    mode: str
    sentences: int = 0
    tokens: int = 0
    flops: float = 0.0
    seconds: float = 0.0
    peak_memory_gb: float | None = None
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        s = max(self.seconds, 1e-9)
        return {"mode": self.mode, "sentences_per_s": self.sentences / s, "tokens_per_s": self.tokens / s,
                "tflops": self.flops / s / 1e12, "seconds": self.seconds, "sentences": self.sentences,
                "peak_memory_gb": self.peak_memory_gb, **self.extra}


def batches(items: Sequence[EncodedExample], mode: Mode, collate: Collator, seed: int = 0) -> list[dict]:
    if mode.bucketing:
        sampler = LengthBucketSampler([len(it.source.ids) + len(it.target) for it in items], mode.batch_size, torch.Generator().manual_seed(seed))
        groups = list(sampler)
    else:
        order = torch.randperm(len(items), generator=torch.Generator().manual_seed(seed)).tolist()
        groups = [order[i : i + mode.batch_size] for i in range(0, len(order), mode.batch_size)]
    return [collate([items[j] for j in g]) for g in groups if len(g) == mode.batch_size or not mode.bucketing]


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _autocast(device: torch.device, bf16: bool):
    return torch.autocast(device.type, dtype=torch.bfloat16) if bf16 else nullcontext()


def train_step_fn(student: PointerBart, teacher: PointerBart, mode: Mode, device: torch.device) -> Callable[[dict], None]:
    params = [p for p in student.parameters() if p.requires_grad]
    fused = mode.fused and device.type == "cuda"
    optimizer = torch.optim.AdamW(params, lr=5e-5, weight_decay=0.01, fused=fused or None)
    forward_s = torch.compile(student, dynamic=True) if mode.compile else student
    forward_t = torch.compile(teacher, dynamic=True) if mode.compile else teacher

    def step(batch: dict) -> None:
        dec = student.decoder_input_ids(batch["targets"], batch["src_ids"], 2)
        inputs = (batch["src_ids"], batch["src_mask"], batch["word_mask"], dec)
        with _autocast(device, mode.bf16):
            logits = forward_s(*inputs)
            with torch.no_grad():
                teacher_logits = forward_t(*inputs)
            loss = cross_entropy(logits, batch["targets"]) + distillation(logits, teacher_logits, batch["kd_mask"])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()

    return step


def decode_fn(net: PointerBart, mode: Mode, device: torch.device, steps: int) -> Callable[[dict], None]:
    """Random weights rarely emit EOS, so every sentence decodes exactly `steps` indices: the length a
    trained model produces on this workload (5 triplets and EOS), at the same cost per index."""

    def step(batch: dict) -> None:
        limits = torch.full((batch["src_ids"].size(0),), steps, device=batch["src_ids"].device)
        with _autocast(device, mode.bf16):
            greedy_decode(net, batch["src_ids"], batch["src_mask"], batch["word_mask"], 2, limits)

    return step


def timed(step: Callable[[dict], None], prepared: list[dict], device: torch.device, mode: str,
          flops_of: Callable[[dict], float], warmup: int = 2, budget_s: float = 20.0) -> Timing:
    """Run `step` over the batches after `warmup` untimed ones, until the data or the time budget ends."""
    prepared = [to(b, device) for b in prepared]
    warmup = min(warmup, len(prepared) - 1)  # at least one timed batch
    for batch in prepared[:warmup]:
        step(batch)
    _sync(device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    timing = Timing(mode)
    started = time.perf_counter()
    for batch in prepared[warmup:]:
        step(batch)
        timing.sentences += batch["src_ids"].size(0)
        timing.tokens += tokens_in(batch)
        timing.flops += flops_of(batch)
        if time.perf_counter() - started > budget_s:
            break
    _sync(device)
    timing.seconds = time.perf_counter() - started
    if device.type == "cuda":
        timing.peak_memory_gb = torch.cuda.max_memory_allocated(device) / 2**30
    return timing
