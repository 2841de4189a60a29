"""`gencner train key=value ...`: train one stream (one method, permutation and seed) into runs/<name>/.
With setting=offline this is a single ordinary training run. `--until-step N` stops once step N is
finished (a probe of the first steps, or a long stream cut into sessions); the same command without it,
or with a later N, goes on from there."""

from __future__ import annotations

import argparse

from gencner.config import load_config
from gencner.console import console, matrix_table
from gencner.run_identity import train_dir


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: a step number starts at 1")
    return value


def add_arguments(parser) -> None:
    parser.add_argument(
        "--until-step",
        type=positive,
        default=None,
        metavar="N",
        help="stop once step N is finished; the same command without it goes on from there (default: every step)",
    )


def run(overrides: list[str], conf: str | None = None, until_step: int | None = None) -> int:
    cfg = load_config(overrides, conf)
    from gencner.runner import Runner  # heavy (torch, Lightning): only when running

    run_dir = train_dir(cfg)
    console.print(f"[bold]gencner train[/] → {run_dir}")
    results = Runner(cfg, run_dir).run(until_step=until_step)
    if results is None:  # stopped at --until-step: the steps' tables are printed, there is no final one
        console.print("the same command without --until-step goes on from there")
        return 0
    console.print(matrix_table(results, title="final"))
    console.print(f"results: {run_dir / 'results.json'}")
    return 0
