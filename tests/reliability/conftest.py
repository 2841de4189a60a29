"""Fixtures of the reliability tests (helpers and constants are in reliability_support.py)."""

from __future__ import annotations

import pytest
import torch
from reliability_support import train_in_process


@pytest.fixture(autouse=True, scope="session")
def one_torch_thread():
    """One thread in-process, and (cli_env) in every subprocess: tiny models run fastest that way on a
    shared CPU, and runs compared for exact equality must reduce in the same order."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def reference_run(tmp_path_factory) -> dict:
    """An uninterrupted tiny run (seed 1) in its own folder: what a resumed run and a repeated run must equal."""
    return train_in_process(tmp_path_factory.mktemp("reference"))
