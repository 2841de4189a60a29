"""A run stopped before its end has no results.json; `gencner report` and the notebooks read it from its
finished steps and its run.json (what the run is), with status partial."""

from __future__ import annotations

import json
import shutil

import pytest
import torch
from tests.grid.grid_support import STREAM

from gencner.config import load_config
from gencner.errors import GencnerError
from gencner.report.loading import load_method
from gencner.runner import Runner

pytestmark = pytest.mark.timeout(300)


def test_a_run_stopped_after_its_first_step_reads_as_that_step_partial(tmp_path):
    cfg = load_config([*STREAM, f"output_dir={tmp_path}", "method=finetune", "dataset.permutations=[[0,1]]"])
    folder = tmp_path / "run"
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        complete = Runner(cfg, folder).run()
    finally:
        torch.set_num_threads(previous)
    header = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert header["method"] == "finetune" and header["n_steps"] == 2 and header["tasks"] == ["ORG", "PERSON"]
    (folder / "results.json").unlink()  # as a run stopped after step 1 leaves its folder
    shutil.rmtree(folder / "steps" / "step-02")
    run = load_method(folder).runs[0]
    assert run.status == "partial" and run.matrix == complete["matrix"][:1] and run.macro_f1 == complete["macro_f1"][:1]
    (folder / "run.json").unlink()  # a folder written before run.json existed: the same error as before
    with pytest.raises(GencnerError, match="has no results.json"):
        load_method(folder)
