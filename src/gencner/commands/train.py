"""`gencner train key=value ...`: train one stream (one method, permutation and seed) into runs/<name>/.
With setting=offline this is a single ordinary training run."""

from __future__ import annotations

from gencner.config import load_config
from gencner.console import console, matrix_table
from gencner.run_identity import train_dir


def run(overrides: list[str], conf: str | None = None) -> int:
    cfg = load_config(overrides, conf)
    from gencner.runner import Runner  # heavy (torch, Lightning): only when running

    run_dir = train_dir(cfg)
    console.print(f"[bold]gencner train[/] → {run_dir}")
    results = Runner(cfg, run_dir).run()
    console.print(matrix_table(results, title="final"))
    console.print(f"results: {run_dir / 'results.json'}")
    return 0
