"""`make gpu-check`: the device check, sized for at most 8 minutes on one H100 or H200.

  1. installs what the check imports and a bare CUDA image (torch, transformers, lightning) lacks, from
     a folder of wheels carried along (no network there: `pip install --no-index --find-links DIR`);
  2. runs `gencner bench` (every training and decoding row, BART-large's shape, random weights);
  3. runs `gencner train` end to end: two CL steps (pseudo-labels, distillation, tests) with
     trainer=fast on a model built from model=large, on the synthetic corpus;
and writes every figure to OUT/gpu-check.json, after each phase (a run cut short keeps what it had).
Without a GPU it runs the same phases on small shapes: the rehearsal the test suite runs.

This module imports only the standard library before phase 1, so that it can install what the rest
of gencner needs."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

# What gencner's bench and train import beyond the image's torch, transformers and lightning (module →
# distribution). datasets and wandb are not among them: hub data and W&B logging are off in the check,
# and datasets' pyarrow alone would not fit into the 64 MiB that travel to a device machine.
NEEDED = {
    "omegaconf": "omegaconf",
    "rich": "rich",
    "yaml": "PyYAML",
    "torchmetrics": "torchmetrics",
    "tokenizers": "tokenizers",
    "safetensors": "safetensors",
    "numpy": "numpy",
}
IMAGE = ("torch", "transformers", "lightning")
WHEELS = "build/wheels"

# The end-to-end run: two tasks of three types each (step 2 pseudo-labels and distils), two epochs.
TWO_STEPS = [
    "dataset=synthetic",
    "dataset.tasks=[[ORG,PERSON,GPE],[DATE,CARDINAL,NORP]]",
    "dataset.task_names=[first,second]",
    "dataset.permutations=[[0,1]]",
    "setting=split-all",
    "method=gencner",
    "logger=none",
    "trainer.max_epochs=2",
    "name=gpu-check-train",
]
GPU_TRAIN = ["model=large", "trainer=fast", "dataset.synthetic.train=2000", "dataset.synthetic.dev=200", "dataset.synthetic.test=400"]
CPU_TRAIN = [
    "model=tiny",
    "model.denoise_epochs=0",
    "trainer=fast",
    "trainer.accelerator=cpu",
    "trainer.precision=32-true",
    "trainer.eval_batch_size=64",
    "dataset.synthetic.train=240",
    "dataset.synthetic.dev=40",
    "dataset.synthetic.test=60",
]


def absent(modules: Sequence[str]) -> list[str]:
    return [m for m in modules if importlib.util.find_spec(m) is None]


def install_missing(wheels: Path) -> list[str]:
    """The distributions installed (none when everything is there already)."""
    missing_image = absent(IMAGE)
    if missing_image:
        raise SystemExit(f"gpu-check: {', '.join(missing_image)} missing: run it in an image with torch, transformers and lightning")
    wanted = [NEEDED[m] for m in absent(list(NEEDED))]
    if not wanted:
        return []
    if not wheels.is_dir():
        raise SystemExit(
            f"gpu-check: {', '.join(wanted)} missing and no wheel folder {wheels}; fill it where there is "
            f"network: pip download --dest {wheels} {' '.join(wanted)}"
        )
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", str(wheels), *wanted], check=True)
    importlib.invalidate_caches()
    return wanted


def environment(installed: list[str]) -> dict:
    import lightning
    import torch
    import transformers

    gpu = torch.cuda.is_available()
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "transformers": transformers.__version__,
        "lightning": lightning.__version__,
        "device": torch.cuda.get_device_name() if gpu else "cpu",
        "installed_from_wheels": installed,
    }


def end_to_end(runs: Path, overrides: Sequence[str]) -> dict:
    """`gencner train` through its CLI entry, and what its run folder says about where the time went."""
    from gencner.cli import main

    shutil.rmtree(runs, ignore_errors=True)  # a fresh run every time (a rerun would resume)
    started = time.perf_counter()
    code = main(["train", *TWO_STEPS, f"output_dir={runs}", *overrides])
    total = time.perf_counter() - started
    run = runs / "gpu-check-train"
    results = json.loads((run / "results.json").read_text(encoding="utf-8")) if code == 0 else {}
    steps = []
    for folder in sorted((run / "steps").glob("step-*")):
        record = json.loads((folder / "result.json").read_text(encoding="utf-8"))
        steps.append(
            {
                "step": record["step"],
                "timings": record.get("timings"),
                "dev_history": record.get("dev", {}).get("history"),
                "pseudo_seconds": (record.get("pseudo") or {}).get("seconds"),
            }
        )
    return {"exit_code": code, "total_s": total, "overrides": [*TWO_STEPS, *overrides], "steps": steps, "macro_f1": results.get("macro_f1")}


def bench(out: Path, gpu: bool, budget_s: float, overrides: Sequence[str]) -> dict:
    """`gencner bench` through its CLI entry; its figures are what it wrote."""
    from gencner.cli import main

    path = out / "bench.json"
    code = main(["bench", "--device", "cuda" if gpu else "cpu", "--budget-s", str(budget_s), "--out", str(path), *overrides])
    return json.loads(path.read_text(encoding="utf-8")) if code == 0 else {"exit_code": code}


def run_check(
    out: Path,
    wheels: Path,
    budget_s: float,
    bench_overrides: Sequence[str] = (),
    train_overrides: Sequence[str] | None = None,
    runs: Path | None = None,
) -> dict:
    """Figures go to `out` (two small JSON files: what a device machine sends back); the training run,
    its step models included, to `runs` (default: out/runs)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "gpu-check.json"
    report: dict = {"phases_s": {}}
    started = time.perf_counter()

    def save(phase: str) -> None:
        report["phases_s"][phase] = time.perf_counter() - started
        path.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")

    report["environment"] = environment(install_missing(wheels))
    save("install")
    gpu = report["environment"]["device"] != "cpu"
    report["bench"] = bench(out, gpu, budget_s, bench_overrides)
    save("bench")
    default = GPU_TRAIN if gpu else CPU_TRAIN
    report["train"] = end_to_end(runs or out / "runs", default if train_overrides is None else train_overrides)
    save("train")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gencner.bench.gpu_check", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="runs/gpu-check", help="folder of gpu-check.json and bench.json")
    parser.add_argument("--runs", default="runs/gpu-check-runs", help="output_dir of the training run (models are large)")
    parser.add_argument("--wheels", default=WHEELS, help="wheels of what the image lacks (pip download --dest DIR ...)")
    parser.add_argument("--budget-s", type=float, default=8.0, help="seconds per bench measurement after warm-up")
    args = parser.parse_args(argv)
    report = run_check(Path(args.out), Path(args.wheels), args.budget_s, runs=Path(args.runs))
    failed = "exit_code" in report["bench"] or report["train"]["exit_code"] != 0
    print(json.dumps({"phases_s": report["phases_s"], "failed": failed, "figures": str(Path(args.out) / "gpu-check.json")}))
    return int(failed)


if __name__ == "__main__":
    sys.exit(main())
