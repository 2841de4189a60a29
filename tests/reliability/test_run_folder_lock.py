"""One writer per run folder: a second `gencner train` of the same name while the first is running
stops at once with one line naming the folder and the process writing it (exit 2), and the first one
ends as if alone (its logs/metrics.csv has no duplicated rows; the two used to both train every step).
A lock left by a process that died is taken over with a message; a clean exit leaves no lock behind."""

from __future__ import annotations

import io
import json
import os
import subprocess
from contextlib import redirect_stderr

import pytest
from reliability_support import GENCNER, TRAIN, assert_ends_with_error, cli_env, wait_for

import gencner.runner  # noqa: F401  (imported up front: the second run must reach the lock at once)
from gencner.cli import main
from gencner.errors import ConfigError
from gencner.runlock import LOCK_NAME, run_folder_lock

CSV = [*TRAIN, "logger=csv"]


def test_a_second_train_of_the_same_run_stops_at_once_and_the_first_ends_alone(tmp_path):
    run = tmp_path / "run"
    log = tmp_path / "first.log"
    with open(log, "w", encoding="utf-8") as handle:
        first = subprocess.Popen(
            [str(GENCNER), "train", *CSV, f"output_dir={tmp_path}"], stdout=handle, stderr=subprocess.STDOUT, env=cli_env(), cwd=tmp_path
        )
    try:
        wait_for(run / LOCK_NAME, first, 120, log)
        with redirect_stderr(io.StringIO()) as second:
            code = main(["train", *CSV, f"output_dir={tmp_path}"])
        assert first.poll() is None, "the first run ended before the second one was started"
        assert_ends_with_error(code, second.getvalue(), "train", [f"{run} is being written by process {first.pid}", "choose another name="])
        assert first.wait(timeout=120) == 0, log.read_text(encoding="utf-8")[-3000:]
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    rows = (run / "logs" / "metrics.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) > 1 and len(rows) == len(set(rows))
    assert json.loads((run / "results.json").read_text(encoding="utf-8"))["status"] == "complete"
    assert not (run / LOCK_NAME).exists()


def test_a_live_lock_names_its_owner(tmp_path):
    with run_folder_lock(tmp_path) as stale:
        assert stale is None
        owner = json.loads((tmp_path / LOCK_NAME).read_text(encoding="utf-8"))
        assert owner["pid"] == os.getpid()
        with pytest.raises(ConfigError, match=f"{tmp_path} is being written by process {os.getpid()} on "):
            with run_folder_lock(tmp_path):
                pass
    assert not (tmp_path / LOCK_NAME).exists()


def test_a_lock_left_by_a_dead_process_is_taken_over_and_reported(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()  # its pid names a process that no longer runs
    (tmp_path / LOCK_NAME).write_text(json.dumps({"pid": dead.pid, "host": "there", "started": 0}), encoding="utf-8")
    with run_folder_lock(tmp_path) as stale:
        assert stale["pid"] == dead.pid
        assert json.loads((tmp_path / LOCK_NAME).read_text(encoding="utf-8"))["pid"] == os.getpid()
    assert not (tmp_path / LOCK_NAME).exists()
