"""`gencner bench`: the paper's configuration (fp32, batch 8, eager, padded batches in random order)
against gencner's path at batch 8 and in throughput mode, for a training step with distillation and for
greedy constrained decoding (pseudo-labelling and evaluation), on a model built by the same `build_model` as
`model=large` (BART-large's shape, random weights). Every row runs the code `gencner train` runs:
`Runner.fit` for training (train_row.py), `predict_sentences` for decoding (decode_row.py). On a CPU it
runs `model=small` as a smoke test: compare its ratios, not its absolute numbers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch

from gencner.bench.decode_row import time_decoding
from gencner.bench.estimate import protocol_estimate
from gencner.bench.flops import Sizes
from gencner.bench.rows import Row, decode_rows, row_overrides, train_rows
from gencner.bench.train_row import time_training
from gencner.bench.workload import NEW, TYPE_NAMES, TYPES, lexicon, pieces_per_word, sentences, step_examples
from gencner.config import load_config
from gencner.config.schema import Config
from gencner.families.pointer.model import NerModel, build_model

# Training sentences: enough that the throughput row's epoch outlasts a 10-20 s budget on an H100
# (2,281 sentences/s at batch 256); the CPU smoke run needs a few hundred.
SENTENCES = {"gpu": 24_000, "cpu": 600}
DEV = 16  # the one validation Lightning runs after the timed batches


def build_bench_model(cfg: Config, words: Sequence[str]) -> NerModel:
    model = build_model(cfg.model, words, TYPE_NAMES, cfg.seed)
    model.add_types(TYPES)
    return model


def forbid_eos(model: NerModel) -> NerModel:
    """EOS scores -10^4 at every decoder step, so it never wins: every output runs to its length limit."""
    net = model.net
    scores = net.scores

    def without_eos(hidden, keys, word_mask):
        logits = scores(hidden, keys, word_mask)
        logits[..., word_mask.size(1)] = -1e4
        return logits

    net.scores = without_eos  # an instance attribute: greedy decoding and forward both call net.scores
    return model


@contextmanager
def eos_kept_from_winning(model: NerModel) -> Iterator[None]:
    """Every row decodes to the 16-index limit, as a trained model does on this workload (5 triplets
    and EOS) and as the reference measured 16 new tokens. Random weights would emit EOS at once (it is
    also the start token, whose embedding dominates the first decoder state), and even with EOS's
    embedding at zero over a third of the rows stop early; so EOS's score is set to -10^4 (one element
    written per step, nothing else changes). The decode rows report the share that reached the limit."""
    forbid_eos(model)
    try:
        yield
    finally:
        del model.net.scores


def figures(row: Row, measured: dict) -> dict:
    s = max(measured["seconds"], 1e-9)
    return {
        "mode": row.name,
        "sentences_per_s": measured["sentences"] / s,
        "tokens_per_s": measured["tokens"] / s,
        "tflops": measured["flops"] / s / 1e12,
        "overrides": list(row.overrides),
        "host_read": row.host_read,
        **measured,
    }


def description(cfg: Config, model: NerModel, train: Sequence, examples: Sequence) -> dict[str, Any]:
    c = model.net.backbone.config
    sources = [len(s.ids) for s in model.source_encoder().encode_many(train)]
    return {
        "model": {
            "name": cfg.model.name,
            "d_model": c.d_model,
            "layers": c.encoder_layers,
            "heads": c.encoder_attention_heads,
            "ffn": c.encoder_ffn_dim,
            "vocab": c.vocab_size,
            "parameters": sum(p.numel() for p in model.net.parameters()),
        },
        "workload": {
            "sentences": len(train),
            "mean_source": sum(sources) / len(train),
            "mean_target": sum(3 * len(e.targets) + 1 for e in examples) / len(train),
        },
    }


def add_ratios(results: dict, peak_tflops: float | None) -> None:
    """Each row against its kind's paper row; TFLOP/s against the device's bf16 dense peak when known."""
    for kind in ("train", "decode"):
        base = results[kind][0]["sentences_per_s"]
        for r in results[kind]:
            r["ratio_to_paper"] = r["sentences_per_s"] / base if base else None
    if peak_tflops:
        results["peak_tflops"] = peak_tflops
        for r in results["train"] + results["decode"]:
            r["share_of_peak"] = r["tflops"] / peak_tflops


def run_bench(
    device_name: str | None = None,
    budget_s: float = 20.0,
    peak_tflops: float | None = None,
    compile_model: bool = False,
    overrides: Sequence[str] = (),
    n_sentences: int | None = None,
) -> dict[str, Any]:
    gpu = (device_name or ("cuda" if torch.cuda.is_available() else "cpu")).startswith("cuda")
    threads = torch.get_num_threads()
    if not gpu:
        # One thread on a CPU: with more threads than free cores every matrix product waits for a busy
        # core (on a loaded 2-core box batch-256 decoding ran 10× slower with two), and the ratios would
        # measure the neighbours.
        torch.set_num_threads(1)
    try:
        return _run_bench(gpu, budget_s, peak_tflops, compile_model, overrides, n_sentences)
    finally:
        torch.set_num_threads(threads)


def _run_bench(
    gpu: bool, budget_s: float, peak_tflops: float | None, compile_model: bool, overrides: Sequence[str], n_sentences: int | None
) -> dict[str, Any]:
    plan = {
        "train": [(r, load_config(row_overrides(r, gpu, list(overrides)))) for r in train_rows(gpu, compile_model)],
        "decode": [(r, load_config(row_overrides(r, gpu, list(overrides)))) for r in decode_rows(gpu)],
    }
    cfg = plan["train"][0][1]
    words = lexicon(cfg.model.vocab_size, cfg.seed)
    model = build_bench_model(cfg, words)
    n = n_sentences or SENTENCES["gpu" if gpu else "cpu"]
    pool = sentences(n + DEV, words, pieces_per_word(model.tokenizer, words), seed=cfg.seed)
    train, dev = pool[:n], [s.restrict(NEW) for s in pool[n:]]  # dev gold: the step's types, as a stream's
    examples = step_examples(train)
    sizes = Sizes.of(model.net.backbone)
    device = torch.cuda.get_device_name() if gpu else "cpu"
    results: dict[str, Any] = {"device": device, **description(cfg, model, train, examples), "train": [], "decode": []}
    for row, row_cfg in plan["train"]:
        results["train"].append(figures(row, time_training(row_cfg, model, examples, dev, sizes, budget_s, row.host_read)))
    with eos_kept_from_winning(model):
        for row, row_cfg in plan["decode"]:
            results["decode"].append(figures(row, time_decoding(row_cfg.trainer, model, train, sizes, budget_s, row.host_read)))
    add_ratios(results, peak_tflops or (790.0 if any(name in device for name in ("H100", "H200")) else None))
    results["estimate"] = protocol_estimate(results)
    return results
