"""On a small three-task stream GenCNER keeps old types that fine-tuning forgets."""

import json

import pytest
import torch

from gencner.cli import main

STREAM = [
    "dataset.tasks=[[ORG],[PERSON],[GPE]]",
    "dataset.task_names=[ORG,PERSON,GPE]",
    "dataset.permutations=[[0,1,2]]",
    "dataset.synthetic.train=900",
    "dataset.synthetic.dev=90",
    "dataset.synthetic.test=90",
    "model.denoise_epochs=0",
    "trainer.max_epochs=8",
]


@pytest.mark.slow
def test_gencner_beats_finetune_at_the_last_step(tmp_path):
    torch.set_num_threads(1)  # the same numbers whatever the machine's load
    last = {}
    for method in ("finetune", "gencner"):
        code = main(["train", *STREAM, f"method={method}", f"output_dir={tmp_path}", f"name={method}"])
        assert code == 0
        results = json.loads((tmp_path / method / "results.json").read_text())
        assert results["status"] == "complete" and len(results["matrix"]) == 3
        last[method] = results
    finetune, gencner = last["finetune"], last["gencner"]
    # fine-tuning never sees an old type again: it stops predicting them
    assert max(finetune["matrix"][-1][:2]) < 0.1
    assert gencner["macro_f1"][-1] > finetune["macro_f1"][-1] + 0.08
    assert sum(gencner["matrix"][-1][:2]) > sum(finetune["matrix"][-1][:2]) + 0.2
    # pseudo-labels were made and thresholded from step 2 on
    assert set(gencner["thresholds"][1]) == {"ORG"} and set(gencner["thresholds"][2]) == {"ORG", "PERSON"}
