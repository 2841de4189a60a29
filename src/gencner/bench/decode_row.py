"""A decoding row: `predict_sentences`, the function pseudo-labelling, dev scoring's batches and
testing decode with (length-sorted batches, greedy constrained decoding with the KV cache, parsing into
triplets with confidences), timed over as many sentences as fill the time budget."""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import nullcontext
from typing import Any
from unittest import mock

import torch

from gencner.bench.flops import Sizes, decoding_flops
from gencner.bench.syncs import SyncCounter, peak_memory_gb, reset_peak_memory, synchronize
from gencner.config.schema import TrainerConfig
from gencner.data.sampling import length_batches
from gencner.data.schema import Sentence
from gencner.families.pointer import decoding
from gencner.families.pointer.inference import predict_sentences
from gencner.families.pointer.model import NerModel
from gencner.trainer import inference_bf16, run_device


def _encoded_lengths(model: NerModel, sentences: Sequence[Sentence]) -> list[int]:
    return [len(s.ids) for s in model.source_encoder().encode_many(sentences)]


def time_decoding(
    t: TrainerConfig, model: NerModel, sentences: Sequence[Sentence], sizes: Sizes, budget_s: float, host_read: bool = False
) -> dict[str, Any]:
    """`t` is the row's trainer config (eval batch size, precision, device). `host_read` reads the
    batch's completion after every decoding step, as greedy decoding used to."""
    device = torch.device(run_device(t))
    model.net.to(device)
    batch, bf16 = t.eval_batch_size, inference_bf16(t)
    with mock.patch.object(decoding, "CHECK_EVERY", 1) if host_read else nullcontext():
        warm = list(sentences[:batch])  # one batch: kernels chosen, memory pooled
        predict_sentences(model, warm, batch, True, None, bf16)
        syncs = SyncCounter(device)
        syncs.start()
        started = time.perf_counter()
        predict_sentences(model, warm, batch, True, None, bf16)  # the rate to size the timed call, and its syncs
        rate = len(warm) / max(time.perf_counter() - started, 1e-9)
        counted = syncs.stop()
        # as many sentences as the budget holds at that rate (4 batches at least), in one call: sorted
        # together, as a pseudo-labelling pass sorts a step's sentences
        chosen = list(sentences[: min(len(sentences), max(4 * batch, int(rate * budget_s)))])
        synchronize(device)
        reset_peak_memory(device)
        started = time.perf_counter()
        _, report = predict_sentences(model, chosen, batch, True, None, bf16)
        synchronize(device)
        seconds = time.perf_counter() - started
    lengths = _encoded_lengths(model, chosen)
    warm_batches = len(length_batches(_encoded_lengths(model, warm), batch))
    generated = model.decoding["max_length_base"]  # every row reaches it (run.py keeps EOS from winning)
    return {
        "seconds": seconds,
        "sentences": len(chosen),
        "batches": len(length_batches(lengths, batch)),
        "warmup_sentences": 2 * len(warm),
        "tokens": float(sum(lengths) + generated * len(chosen)),
        "flops": decoding_flops(sizes, lengths, generated),
        "peak_memory_gb": peak_memory_gb(device),
        "host_syncs_per_batch": None if counted is None else counted / warm_batches,
        "truncated_share": report.truncated_outputs / max(report.sentences, 1),
    }
