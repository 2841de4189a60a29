"""A JSON file of a run that was cut short or emptied (a copy interrupted, a disk that filled) is never a
JSONDecodeError traceback: a damaged step result.json makes the rerun train that step again, with a
warning naming the file, and end with the matrix of an uninterrupted run; a damaged results.json given to
`gencner report`, or a damaged config.json of a run, is one line naming the file and the line (exit 2)
and what to delete to go on. A damaged model needed to resume names the step folder to delete (that step
is then trained again); one no longer needed (every step finished) is not read, and a bound's damaged
results.json is written again from its finished steps."""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stderr
from pathlib import Path

import pytest
from reliability_support import TRAIN, assert_ends_with_error, assert_one_line_error, scored_counts

from gencner.cli import main


def cut_short(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def emptied(path: Path) -> None:
    path.write_bytes(b"")


@pytest.fixture
def finished_copy(tmp_path, reference_run) -> Path:
    """A copy of the uninterrupted reference run, under tmp_path/run."""
    return Path(shutil.copytree(reference_run["run_dir"], tmp_path / "run"))


def train(folder: Path) -> tuple[int, str]:
    with redirect_stderr(io.StringIO()) as stderr:
        code = main(["train", *TRAIN, f"output_dir={folder}"])
    return code, stderr.getvalue()


@pytest.mark.parametrize("damage, problem", [(cut_short, "not valid JSON"), (emptied, "empty")], ids=["cut short", "empty"])
def test_a_damaged_step_result_is_trained_again_with_a_warning(finished_copy, reference_run, damage, problem):
    damaged = finished_copy / "steps" / "step-03" / "result.json"
    damage(damaged)
    (finished_copy / "results.json").unlink()
    before = {k: (finished_copy / "steps" / k / "result.json").read_bytes() for k in ("step-01", "step-02")}

    code, stderr = train(finished_copy.parent)

    assert code == 0, stderr[-3000:]
    assert "Traceback" not in stderr
    flat = " ".join(stderr.split())  # however the console wrapped it
    assert f"warning: {damaged}" in flat and problem in flat and "step 3 is trained again" in flat, flat[-2000:]
    assert "resuming" in flat and "after step 2" in flat
    assert {k: (finished_copy / "steps" / k / "result.json").read_bytes() for k in before} == before
    assert json.loads(damaged.read_text(encoding="utf-8"))["step"] == 3
    results = json.loads((finished_copy / "results.json").read_text(encoding="utf-8"))
    assert results["matrix"] == reference_run["matrix"]
    assert scored_counts(results) == scored_counts(reference_run)


def test_a_half_written_results_json_is_one_line_for_report(finished_copy, capsys):
    path = finished_copy / "results.json"
    cut_short(path)
    line = path.read_text(encoding="utf-8").count("\n") + 1  # where the text stops
    code = main(["report", str(finished_copy)])
    captured = capsys.readouterr()
    assert_one_line_error(code, captured.out, captured.err, "report", [f"{path}:{line}: not valid JSON", "cut short"])
    assert not (finished_copy / "report").exists()


def test_a_damaged_config_json_of_a_run_is_one_line_naming_it(finished_copy):
    path = finished_copy / "config.json"
    cut_short(path)
    code, stderr = train(finished_copy.parent)
    assert_ends_with_error(code, stderr, "train", [f"{path}:", "not valid JSON"])


def test_a_damaged_model_of_the_last_step_does_not_fail_the_rerun_of_a_finished_run(finished_copy, reference_run):
    cut_short(finished_copy / "steps" / "step-03" / "model" / "model.safetensors")
    (finished_copy / "results.json").unlink()  # only results.json is left to write: no model is needed for it
    code, stderr = train(finished_copy.parent)
    assert code == 0, stderr[-3000:]
    assert json.loads((finished_copy / "results.json").read_text(encoding="utf-8"))["matrix"] == reference_run["matrix"]


def test_a_damaged_model_needed_to_resume_names_the_step_folder_to_delete(finished_copy, reference_run):
    shutil.rmtree(finished_copy / "steps" / "step-03")  # as a run stopped after step 2 leaves it
    (finished_copy / "results.json").unlink()
    step_2 = finished_copy / "steps" / "step-02"
    cut_short(step_2 / "model" / "model.safetensors")
    code, stderr = train(finished_copy.parent)
    assert_ends_with_error(code, stderr, "train", [f"{step_2 / 'model'}", f"; delete {step_2} to train step 2 again"])

    shutil.rmtree(step_2)  # as the line says
    code, stderr = train(finished_copy.parent)
    assert code == 0, stderr[-3000:]
    assert json.loads((finished_copy / "results.json").read_text(encoding="utf-8"))["matrix"] == reference_run["matrix"]


def test_a_damaged_run_record_says_what_to_delete_and_deleting_it_resumes(finished_copy, reference_run):
    # a grid run's tracked.json: tests/grid/test_bound_beside.py
    remedy = "delete it to resume the finished steps under this command's configuration"
    path = finished_copy / "config.json"
    cut_short(path)
    code, stderr = train(finished_copy.parent)
    assert_ends_with_error(code, stderr, "train", [f"{path}:", "not valid JSON", remedy])

    path.unlink()  # as the line says
    code, stderr = train(finished_copy.parent)
    assert code == 0, stderr[-3000:]
    assert json.loads((finished_copy / "results.json").read_text(encoding="utf-8"))["matrix"] == reference_run["matrix"]


def test_a_damaged_results_json_of_a_bound_is_written_again_from_its_steps(tmp_path, capsys):
    command = ["experiment", *TRAIN, "trainer.max_epochs=1", "dataset.tasks=[[ORG],[PERSON]]", "dataset.task_names=[ORG,PERSON]"]
    command += ["dataset.permutations=[[0,1]]", f"output_dir={tmp_path}"]
    assert main(command) == 0, capsys.readouterr().err[-3000:]
    (bound,) = (tmp_path / "_upper").iterdir()
    expected = json.loads((bound / "results.json").read_text(encoding="utf-8"))["matrix"]
    emptied(bound / "results.json")

    capsys.readouterr()
    code = main(command)
    flat = " ".join(capsys.readouterr().err.split())
    assert code == 0, flat[-3000:]
    assert f"warning: {bound / 'results.json'}: empty" in flat and "written again from the bound's finished steps" in flat
    assert json.loads((bound / "results.json").read_text(encoding="utf-8"))["matrix"] == expected
