"""`gencner bench [--out FILE] [--budget-s S] [--peak-tflops P] [--device cpu|cuda] [--compile] [key=value ...]`:
speed of the paper's configuration against gencner's GPU path, measured on the code `gencner train` runs;
prints a table and writes JSON. Overrides apply to every row (e.g. `model=base`, `trainer.deterministic=false`)."""

from __future__ import annotations

from pathlib import Path

from gencner.errors import GencnerError


def add_arguments(parser) -> None:
    parser.add_argument("--out", default="runs/bench/bench.json", help="where to write the JSON figures")
    parser.add_argument("--budget-s", type=float, default=20.0, help="seconds per measurement (after warm-up)")
    parser.add_argument("--peak-tflops", type=float, default=None, help="the device's bf16 dense peak, for the share of peak")
    parser.add_argument("--device", default=None, help="cuda or cpu (default: cuda when available)")
    parser.add_argument("--compile", action="store_true", help="also torch.compile gencner's modes (trainer.compile=true)")


def run(
    overrides: list[str],
    conf: str | None = None,
    out: str = "",
    budget_s: float = 20.0,
    peak_tflops: float | None = None,
    device: str | None = None,
    compile: bool = False,
) -> int:
    if device not in (None, "cpu", "cuda"):
        raise GencnerError(f"--device {device}: choose cpu or cuda (one GPU: the rows are single-device runs)")
    from gencner.atomic import write_json
    from gencner.bench.report import bench_table
    from gencner.bench.run import run_bench
    from gencner.console import console

    results = run_bench(device, budget_s, peak_tflops, compile, overrides)
    console.print(bench_table(results))
    write_json(Path(out), results)
    console.print(f"figures: {out}")
    return 0
