"""`gencner train --until-step N` stops once step N is finished, as a stop between steps would: no
results.json, the finished steps kept, and the same command without it goes on from there."""

from __future__ import annotations

import json

import pytest
import torch
from tests.grid.grid_support import STREAM

from gencner.cli import main

pytestmark = pytest.mark.timeout(300)

RUN = [*STREAM, "method=finetune", "dataset.permutations=[[0,1]]", "name=probe"]


def test_a_run_stopped_at_its_first_step_goes_on_from_it_without_training_it_again(tmp_path, capsys):
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        assert main(["train", "--until-step", "1", *RUN, f"output_dir={tmp_path}"]) == 0
        folder = tmp_path / "probe"
        assert "stopped after step 1 of 2 as asked" in " ".join(capsys.readouterr().err.split())
        assert not (folder / "results.json").exists()
        assert [p.name for p in sorted((folder / "steps").iterdir())] == ["step-01"]
        step_1 = (folder / "steps" / "step-01" / "result.json").read_text(encoding="utf-8")

        assert main(["train", *RUN, f"output_dir={tmp_path}"]) == 0
    finally:
        torch.set_num_threads(previous)
    assert "after step 1" in " ".join(capsys.readouterr().err.split())  # "resuming <folder> after step 1"
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert results["status"] == "complete" and len(results["matrix"]) == 2
    # step 1 was read back, not trained again
    assert (folder / "steps" / "step-01" / "result.json").read_text(encoding="utf-8") == step_1
    tests = json.loads(step_1)["tests"]
    assert results["matrix"][0] == pytest.approx([next(iter(tests.values()))["per_type"]["ORG"]["f1"]])


def test_a_step_number_below_one_is_refused_before_anything_runs(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--until-step", "0", *RUN, f"output_dir={tmp_path}"])
    assert exit_info.value.code == 2
    assert "a step number starts at 1" in capsys.readouterr().err
    assert not (tmp_path / "probe").exists()
