"""`gencner bench`: the paper's configuration (fp32, batch 8, eager, padded batches in random order)
against gencner's path at batch 8 and in throughput mode, for a training step with distillation and for
greedy constrained decoding (pseudo-labelling and evaluation), on a BART-large-shaped model with random
weights. On a CPU it runs a small shape as a smoke test: compare its ratios, not its absolute numbers."""

from __future__ import annotations

import copy
from typing import Any

import torch

from gencner.bench.estimate import protocol_estimate
from gencner.bench.flops import Sizes, decoding_flops, training_flops
from gencner.bench.measure import Mode, batches, decode_fn, timed, train_step_fn
from gencner.bench.workload import Shape, make_examples
from gencner.data.batching import Collator
from gencner.data.encoding import OutputSpace
from gencner.model.pointer import PointerBart

# Shapes: BART-large on a GPU; something a CPU finishes in a minute otherwise.
GPU_SHAPE = dict(d_model=1024, layers=12, heads=16, ffn=4096, vocab=50265)
CPU_SHAPE = dict(d_model=256, layers=2, heads=4, ffn=1024, vocab=8000)


def build_net(shape: dict, n_types: int, device: torch.device, seed: int = 0) -> PointerBart:
    from transformers import BartConfig, BartModel

    torch.manual_seed(seed)
    config = BartConfig(vocab_size=shape["vocab"] + n_types, d_model=shape["d_model"], encoder_layers=shape["layers"],
                        decoder_layers=shape["layers"], encoder_attention_heads=shape["heads"], decoder_attention_heads=shape["heads"],
                        encoder_ffn_dim=shape["ffn"], decoder_ffn_dim=shape["ffn"], max_position_embeddings=1024)
    types = list(range(shape["vocab"], shape["vocab"] + n_types))
    return PointerBart(BartModel(config), types, 1000, 2).to(device)


def modes(gpu: bool, throughput_batch: int) -> dict[str, list[Mode]]:
    return {
        "train": [Mode("paper: fp32, batch 8, eager, padded", 8, False, False),
                  Mode("ours: batch 8", 8, gpu, True, fused=True),
                  Mode(f"ours: throughput, batch {throughput_batch}", throughput_batch, gpu, True, fused=True)],
        "decode": [Mode("paper: fp32, batch 8", 8, False, False),
                   Mode("ours: batch 8", 8, gpu, True),
                   Mode("ours: throughput, batch 1024" if gpu else "ours: throughput, batch 256", 1024 if gpu else 256, gpu, True)],
    }


def run_bench(device_name: str | None = None, budget_s: float = 20.0, peak_tflops: float | None = None, compile_model: bool = False) -> dict[str, Any]:
    device = torch.device(device_name or ("cuda" if torch.cuda.is_available() else "cpu"))
    gpu = device.type == "cuda"
    shape = GPU_SHAPE if gpu else CPU_SHAPE
    work = Shape()
    student = build_net(shape, work.n_types, device)
    teacher = copy.deepcopy(student).eval().requires_grad_(False)
    sizes = Sizes.of(student.bart)
    space = OutputSpace(1000, work.n_types)
    collate = Collator(1, space)
    n = 6000 if gpu else 400
    items = make_examples(n, shape["vocab"], space, work)
    generated = work.mean_triplets * 3 + 1
    results: dict[str, Any] = {"device": torch.cuda.get_device_name(device) if gpu else "cpu", "shape": shape,
                               "workload": {"mean_source": work.mean_source, "mean_target": generated}, "train": [], "decode": []}
    plan = modes(gpu, 256 if gpu else 64)
    for mode in plan["train"]:
        mode.compile = compile_model and mode.name.startswith("ours")
        step = train_step_fn(student, teacher, mode, device)
        t = timed(step, batches(items, mode, collate), device, mode.name, lambda b: training_flops(sizes, b), budget_s=budget_s)
        results["train"].append(t.to_dict())
    student.eval()
    for mode in plan["decode"]:
        ordered = sorted(items, key=lambda it: len(it.source.ids)) if mode.bucketing else items
        prepared = [collate(ordered[i : i + mode.batch_size]) for i in range(0, len(ordered), mode.batch_size)]
        t = timed(decode_fn(student, mode, device, int(generated)), prepared, device, mode.name, lambda b: decoding_flops(sizes, b, generated), budget_s=budget_s)
        results["decode"].append(t.to_dict())
    for kind in ("train", "decode"):
        base = results[kind][0]["sentences_per_s"]
        for row in results[kind]:
            row["ratio_to_paper"] = row["sentences_per_s"] / base if base else None
    peak = peak_tflops or (790.0 if gpu and "H100" in results["device"] else None)
    if peak:
        results["peak_tflops"] = peak
        for row in results["train"] + results["decode"]:
            row["share_of_peak"] = row["tflops"] / peak
    results["estimate"] = protocol_estimate(results)
    return results
