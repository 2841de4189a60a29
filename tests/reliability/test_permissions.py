"""What a run writes gets the permissions the umask gives new files and folders, so that a group can read
shared results: the atomic writes used to leave results.json, result.json, scores.csv, the model folders
and (through safetensors) the weight files owner-only, 0600/0700."""

from __future__ import annotations

import io
import os
import stat
from contextlib import contextmanager, redirect_stderr

from reliability_support import TRAIN

from gencner.cli import main


@contextmanager
def umask(mask: int):
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def test_every_file_and_folder_of_a_run_has_the_permissions_the_umask_gives(tmp_path):
    with umask(0o027), redirect_stderr(io.StringIO()) as stderr:
        code = main(["train", *TRAIN, "setting=offline", "logger=csv", f"output_dir={tmp_path}"])
    assert code == 0, stderr.getvalue()[-3000:]
    run = tmp_path / "run"
    modes = {p.relative_to(run).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [run, *run.rglob("*")]}
    for name in (
        "results.json",
        "steps/step-01/result.json",
        "steps/step-01/scores.csv",
        "steps/step-01/model/model.safetensors",
        "steps/step-01/model/pointer_head.safetensors",
        "logs/metrics.csv",
    ):
        assert modes[name] == 0o640, (name, oct(modes[name]))
    wrong = {name: oct(mode) for name, mode in modes.items() if mode != (0o750 if (run / name).is_dir() else 0o640)}
    assert wrong == {}
