"""The launcher tests: no user configuration folder, and one sequential run of the small grid that the
parallel and SLURM runs are compared with."""

from __future__ import annotations

import pytest
import torch
from grid_support import experiment_args

from gencner.cli import main


@pytest.fixture(autouse=True)
def no_user_conf(monkeypatch):
    monkeypatch.delenv("GENCNER_CONF", raising=False)


@pytest.fixture(scope="session")
def sequential(tmp_path_factory):
    """The small grid (2 task orders × 2 seeds, their non-CL bounds) run by the default launcher, on
    one torch thread; its output folder."""
    out = tmp_path_factory.mktemp("sequential") / "runs"
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        assert main(experiment_args(out)) == 0
    finally:
        torch.set_num_threads(previous)
    return out
