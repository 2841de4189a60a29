"""Constants and helpers of the reliability tests: tiny-model overrides, the `gencner` console script run
as a user runs it, polling for files a subprocess writes, and the numbers two runs are compared on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import TINY_MODEL

GENCNER = Path(sys.executable).parent / "gencner"

TINY = [
    *TINY_MODEL,
    "model.vocab_size=400",
    "model.denoise_epochs=0",
]
SMALL_DATA = ["dataset.synthetic.train=120", "dataset.synthetic.dev=30", "dataset.synthetic.test=30"]
THREE_TASKS = [
    "dataset.tasks=[[ORG],[PERSON],[GPE]]",
    "dataset.task_names=[ORG,PERSON,GPE]",
    "dataset.permutations=[[0,1,2]]",
]
# Four epochs at a high rate: each step trains for about a second (long enough to be interrupted in the
# middle) and the last step scores above zero, so that equal matrices are not equal by being all zeros.
TRAIN = [*TINY, *SMALL_DATA, *THREE_TASKS, "trainer.max_epochs=4", "trainer.lr=1e-2", "logger=none", "trainer.progress=false", "name=run"]


def cli_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "GENCNER_CONF"}
    env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", COLUMNS="120", PYTHONUNBUFFERED="1")
    return env


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([str(GENCNER), *args], capture_output=True, text=True, env=cli_env(), cwd=cwd, timeout=timeout)


FULL_DEVICE = Path("/dev/full")  # Linux: every write to it fails with "No space left on device"


def run_cli_onto_full_device(*args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """The CLI with stdout on /dev/full, buffered as it is for a user (with cli_env's PYTHONUNBUFFERED
    every write would fail at once, hiding a failure left to the flush at interpreter exit)."""
    env = {k: v for k, v in cli_env().items() if k != "PYTHONUNBUFFERED"}
    with open(FULL_DEVICE, "w", encoding="utf-8") as full:
        return subprocess.run([str(GENCNER), *args], stdout=full, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd, timeout=timeout)


def wait_for(path: Path, process: subprocess.Popen, timeout: float, log: Path | None = None) -> None:
    """Poll for `path`; fail early (with the process's stderr) if the process ends or time runs out."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if process.poll() is not None:
            detail = log.read_text(encoding="utf-8", errors="replace")[-3000:] if log else ""
            pytest.fail(f"the process ended (exit code {process.returncode}) before {path} appeared:\n{detail}")
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail(f"{path} did not appear within {timeout} s")
        time.sleep(0.02)


def train_in_process(output_dir: Path, *extra: str) -> dict:
    """`gencner train` through the CLI entry point, in this process; returns results.json."""
    from gencner.cli import main

    code = main(["train", *TRAIN, f"output_dir={output_dir}", *extra])
    assert code == 0
    return json.loads((output_dir / "run" / "results.json").read_text(encoding="utf-8"))


def scored_counts(results: dict) -> dict:
    """Per test set, per step and per type: (tp, fp, fn); the numbers every metric is derived from."""
    return {
        test: [{kind: (s["tp"], s["fp"], s["fn"]) for kind, s in step.items()} for step in scored["per_type_by_step"]]
        for test, scored in results["tests"].items()
    }


def leftovers(folder: Path) -> list[str]:
    """Temporary files and folders of gencner.atomic (".name.XXXX.tmp", ".name.old") under `folder`."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob(".*") if p.name.endswith((".tmp", ".old")))


def assert_one_line_error(code: int, stdout: str, stderr: str, command: str, fragments: list[str]) -> str:
    """The CLI's contract for a user error: exit code 2, nothing on stdout, exactly one line on stderr,
    `gencner <command>: error: ...` holding every fragment, and no traceback. Returns the line."""
    assert code == 2, (code, stderr)
    assert stdout == ""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return assert_error_line(lines[0], command, fragments)


def assert_ends_with_error(code: int, stderr: str, command: str, fragments: list[str]) -> str:
    """A user error found once a run has printed its stream table: exit code 2, no traceback, and the
    error is the last line and the only one. Returns the line."""
    assert code == 2, (code, stderr[-3000:])
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert sum(": error: " in line for line in lines) == 1, stderr[-3000:]
    return assert_error_line(lines[-1], command, fragments)


def assert_error_line(line: str, command: str, fragments: list[str]) -> str:
    assert line.startswith(f"gencner {command}: error: "), line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line
