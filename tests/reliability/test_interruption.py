"""Stopping `gencner train` mid-step: SIGTERM and SIGINT stop cleanly and keep finished steps; after a
SIGKILL the same command takes over the lock the killed run left, resumes after the last finished step
and must end with the matrix of an uninterrupted run of the same seed. Atomic writes never leave half a
file or folder behind."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
from contextlib import contextmanager, redirect_stderr
from pathlib import Path

import pytest
from reliability_support import GENCNER, TRAIN, cli_env, leftovers, scored_counts, wait_for

from gencner import atomic
from gencner.cli import main
from gencner.runlock import LOCK_NAME

# Seconds after step k's result.json appears: past step k+1's pseudo-labelling (a few hundredths of a
# second), well inside its fit (about a second).
INTO_NEXT_STEP = 0.25
STARTUP = 120  # importing torch and Lightning on a busy machine


@contextmanager
def train_process(output_dir: Path, log_name: str):
    """`gencner train` in a subprocess, its output in a log file; killed on the way out if still running
    (a failed assertion must not leave a training behind)."""
    log = output_dir / log_name
    with open(log, "w", encoding="utf-8") as handle:
        process = subprocess.Popen(
            [str(GENCNER), "train", *TRAIN, f"output_dir={output_dir}"],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=cli_env(),
            cwd=output_dir,
        )
    try:
        yield process, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def let_next_step_start(process: subprocess.Popen, step: int) -> None:
    try:
        process.wait(timeout=INTO_NEXT_STEP)
    except subprocess.TimeoutExpired:
        return
    pytest.fail(f"the run ended (exit code {process.returncode}) before it could be stopped in step {step}")


@contextmanager
def working_directory(folder: Path):
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


@contextmanager
def capture_stderr():
    """gencner's console writes to whatever sys.stderr is when it prints."""
    buffer = io.StringIO()
    with redirect_stderr(buffer):
        yield buffer


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_during_step_2_stops_cleanly_and_keeps_step_1(tmp_path, stop):
    from gencner.families.pointer.io import load_model

    run = tmp_path / "run"
    with train_process(tmp_path, "train.log") as (process, log):
        wait_for(run / "steps" / "step-01" / "result.json", process, STARTUP, log)
        step_1 = digests(run / "steps" / "step-01")
        let_next_step_start(process, 2)
        assert not (run / "steps" / "step-02" / "result.json").exists()
        process.send_signal(stop)
        code = process.wait(timeout=60)
    output = log.read_text(encoding="utf-8")

    assert code == 128 + stop, output
    assert f"stopped by {stop.name}; finished steps are kept" in output.strip().splitlines()[-1]
    assert "Traceback" not in output
    assert digests(run / "steps" / "step-01") == step_1
    assert json.loads((run / "steps" / "step-01" / "result.json").read_text(encoding="utf-8"))["step"] == 1
    assert load_model(run / "steps" / "step-01" / "model").types == ["ORG"]
    assert not (run / "steps" / "step-02" / "result.json").exists()
    assert not (run / "results.json").exists()
    assert leftovers(tmp_path) == []


@pytest.fixture(scope="module")
def killed_and_resumed(tmp_path_factory) -> dict:
    """A run killed (SIGKILL) while step 3 trains, with the step-2 model as its teacher, then the same
    command run again to the end."""
    folder = tmp_path_factory.mktemp("killed")
    run = folder / "run"
    with train_process(folder, "killed.log") as (process, log):
        wait_for(run / "steps" / "step-02" / "result.json", process, STARTUP, log)
        done = {name: digests(run / "steps" / name) for name in ("step-01", "step-02")}
        let_next_step_start(process, 3)
        process.kill()
        code = process.wait(timeout=30)
    finished = sorted(p.parent.name for p in (run / "steps").glob("step-*/result.json"))
    partial = (run / "results.json").exists()
    # The rerun goes through the CLI entry point in this process: a fresh interpreter would spend most of
    # its time importing torch and Lightning, and the kill above already ran the command in one.
    with working_directory(folder), capture_stderr() as rerun_output:
        code_of_rerun = main(["train", *TRAIN, f"output_dir={folder}"])
    assert code_of_rerun == 0, rerun_output.getvalue()[-3000:]
    return {
        "run": run,
        "kill_code": code,
        "pid": process.pid,
        "finished": finished,
        "results_after_kill": partial,
        "done": done,
        "rerun_output": rerun_output.getvalue(),
        "results": json.loads((run / "results.json").read_text(encoding="utf-8")),
    }


def test_a_killed_run_resumes_after_its_last_finished_step(killed_and_resumed):
    k = killed_and_resumed
    assert k["kill_code"] == -signal.SIGKILL
    assert k["finished"] == ["step-01", "step-02"], k["finished"]  # killed while step 3 was running
    assert not k["results_after_kill"]
    resuming = f"resuming {k['run']} after step {len(k['finished'])}"
    assert "".join(resuming.split()) in "".join(k["rerun_output"].split())  # however the console wrapped it
    takeover = f"warning: {k['run']}: taking over the lock of process {k['pid']} on "  # the killed run's lock
    assert "".join(takeover.split()) in "".join(k["rerun_output"].split())
    assert not (k["run"] / LOCK_NAME).exists()
    for name, before in k["done"].items():  # finished steps are not redone
        assert digests(k["run"] / "steps" / name) == before, name
    assert k["results"]["status"] == "complete" and len(k["results"]["matrix"]) == 3
    assert sorted(p.parent.name for p in (k["run"] / "steps").glob("step-*/result.json")) == ["step-01", "step-02", "step-03"]


def test_a_resumed_run_ends_with_the_matrix_of_an_uninterrupted_run(killed_and_resumed, reference_run):
    resumed = killed_and_resumed["results"]
    assert resumed["matrix"] == reference_run["matrix"]
    assert scored_counts(resumed) == scored_counts(reference_run)


# ---- atomic writes ----------------------------------------------------------------------------------


class Boom(Exception):
    pass


def test_a_failure_inside_folder_keeps_the_old_folder_and_leaves_no_temporary_folder(tmp_path):
    target = tmp_path / "model"
    with atomic.folder(target) as tmp:
        (tmp / "weights").write_text("old", encoding="utf-8")
    with pytest.raises(Boom):
        with atomic.folder(target) as tmp:
            (tmp / "weights").write_text("new, half written", encoding="utf-8")
            (tmp / "extra").write_text("x", encoding="utf-8")
            raise Boom
    assert digests(target) == {"weights": hashlib.sha256(b"old").hexdigest()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_an_interrupt_inside_folder_is_cleaned_up_too(tmp_path):
    target = tmp_path / "model"
    with pytest.raises(KeyboardInterrupt):
        with atomic.folder(target) as tmp:
            (tmp / "weights").write_text("partial", encoding="utf-8")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_folder_replaces_a_previous_folder_as_a_whole(tmp_path):
    target = tmp_path / "model"
    with atomic.folder(target) as tmp:
        (tmp / "a").write_text("1", encoding="utf-8")
    with atomic.folder(target) as tmp:
        (tmp / "b").write_text("2", encoding="utf-8")
    assert sorted(p.name for p in target.iterdir()) == ["b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


class FailingHandle:
    """Stands in for the temporary file: writes half the text, then fails like a full disk."""

    def __init__(self, handle):
        self.handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()
        return False

    def write(self, text):
        self.handle.write(text[: len(text) // 2])
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize(
    "write",
    [lambda p: atomic.write_text(p, "new " * 1000), lambda p: atomic.write_json(p, {"new": list(range(1000))})],
    ids=["write_text", "write_json"],
)
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch, write):
    path = tmp_path / "result.json"
    atomic.write_json(path, {"old": True})
    real_fdopen = atomic.os.fdopen
    monkeypatch.setattr(atomic.os, "fdopen", lambda fd, *a, **k: FailingHandle(real_fdopen(fd, *a, **k)))
    with pytest.raises(OSError, match="No space left"):
        write(path)
    assert json.loads(path.read_text(encoding="utf-8")) == {"old": True}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]


def test_write_json_refuses_nan_before_touching_the_file(tmp_path):
    path = tmp_path / "result.json"
    atomic.write_json(path, {"old": True})
    with pytest.raises(ValueError):
        atomic.write_json(path, {"f1": float("nan")})
    assert json.loads(path.read_text(encoding="utf-8")) == {"old": True}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json"]
