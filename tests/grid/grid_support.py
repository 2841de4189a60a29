"""The small grid the launcher tests run, and what two runs of it are compared on."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import TINY_MODEL

# two tasks, two task orders, a tiny model trained for two epochs: a cell takes a few seconds
STREAM = [
    "dataset.tasks=[[ORG],[PERSON]]",
    "dataset.task_names=[ORG,PERSON]",
    "dataset.permutations=[[0,1],[1,0]]",
    "dataset.synthetic.train=160",
    "dataset.synthetic.dev=20",
    "dataset.synthetic.test=20",
    *TINY_MODEL,
    "model.vocab_size=300",
    "model.encoder_layers=1",
    "model.decoder_layers=1",
    "model.denoise_epochs=0",
    "trainer.max_epochs=2",
    "trainer.lr=3e-3",
    "trainer.progress=false",
    "logger=none",
]
METHOD = "finetune"
EXPERIMENT = f"synthetic-split-all-{METHOD}-tiny"
# what a grid run is compared on besides its files: how long things took
TIMINGS = ("seconds", "timings")


def experiment_args(out: Path, perms: str = "0 1", seeds: str = "1 2", *extra: str) -> list[str]:
    """`gencner experiment` of the small grid into `out` (one torch thread per process: the
    sequential reference runs on one, so every launcher's cells compute the same numbers)."""
    return ["experiment", "--methods", METHOD, "--perms", *perms.split(), "--seeds", *seeds.split(), *STREAM, f"output_dir={out}", *extra]


def without_timings(data):
    if isinstance(data, dict):
        return {k: without_timings(v) for k, v in data.items() if k not in TIMINGS}
    if isinstance(data, list):
        return [without_timings(v) for v in data]
    return data


def results_of(out: Path) -> dict[str, object]:
    """Every results.json under `out` (the experiment's, its runs', the bounds'), by path relative to
    `out`, with `out` itself written as OUT and without timings; and every saved model's weights, by
    their SHA-256 (gencner.json records it): the cells computed the same thing only if these match."""
    files = {}
    for path in sorted(out.rglob("results.json")):
        if "_grid" in path.parts:
            continue
        text = path.read_text(encoding="utf-8").replace(str(out), "OUT")
        files[str(path.relative_to(out))] = without_timings(json.loads(text))
    for meta in sorted(out.rglob("model/gencner.json")):
        files[str(meta.relative_to(out))] = json.loads(meta.read_text(encoding="utf-8"))["sha256"]
    return files


def cell_results(out: Path, cell: str) -> dict[str, object]:
    """results_of restricted to one run cell (p<perm>-s<seed>) or one bound (its folder's name)."""
    return {path: value for path, value in results_of(out).items() if f"/{cell}/" in f"/{path}"}
