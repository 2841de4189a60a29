"""A run folder resumes only over what its finished steps were made of: a first attempt that stopped
before any step finished leaves nothing to mix, so the corrected command takes the folder; data files
edited after a step finished would put scores of two data sets in one matrix, so the resume stops with
one line naming the file (the run records each file's SHA-256 in data.json, beside config.json)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from reliability_support import TRAIN, assert_ends_with_error, train_in_process

from gencner.cli import main
from gencner.data.readers import write_conll
from gencner.data.synthetic import generate_synthetic

ONE_EPOCH = "trainer.max_epochs=1"


def test_a_folder_without_a_finished_step_takes_the_corrected_configuration(tmp_path, capsys):
    # the first attempt fails on a bad value once the data is read, after config.json is written
    code = main(["train", *TRAIN, ONE_EPOCH, "trainer.extra={bogus: 1}", f"output_dir={tmp_path}"])
    assert_ends_with_error(code, capsys.readouterr().err, "train", ["trainer.extra.bogus is not an argument"])
    run_dir = tmp_path / "run"
    assert (run_dir / "config.json").is_file() and not (run_dir / "steps").exists()

    results = train_in_process(tmp_path, ONE_EPOCH)  # was refused: "holds a run with a different configuration"
    assert results["status"] == "complete"
    assert json.loads((run_dir / "config.json").read_text(encoding="utf-8"))["trainer"]["extra"] == {}


def conll_dataset(folder: Path) -> list[str]:
    """The reliability runs' synthetic splits written as conll files, and the overrides that read them."""
    for split, sentences in generate_synthetic(13, train=120, dev=30, test=30).items():
        write_conll(folder / f"{split}.txt", sentences)
    return ["dataset=conll", *(f"dataset.{split}={folder / (split + '.txt')}" for split in ("train", "dev", "test"))]


def stopped_after_step_1(run_dir: Path) -> None:
    """The folder as a run stopped after its first step leaves it."""
    for later in ("step-02", "step-03"):
        shutil.rmtree(run_dir / "steps" / later)
    (run_dir / "results.json").unlink()


def test_a_resume_over_changed_data_stops_with_one_line_naming_the_file(tmp_path, capsys):
    data = conll_dataset(tmp_path)
    runs = tmp_path / "runs"
    train_in_process(runs, *data, ONE_EPOCH)
    run_dir = runs / "run"
    assert set(json.loads((run_dir / "data.json").read_text(encoding="utf-8"))) == {
        str(tmp_path / f"{s}.txt") for s in ("train", "dev", "test")
    }
    stopped_after_step_1(run_dir)
    test_file = tmp_path / "test.txt"
    original = test_file.read_bytes()
    test_file.write_bytes(original.replace(b"\tO\n", b"\tB-ORG\n", 1))  # one word more of a known type

    capsys.readouterr()
    code = main(["train", *TRAIN, *data, ONE_EPOCH, f"output_dir={runs}"])
    assert_ends_with_error(code, capsys.readouterr().err, "train", [f"{test_file} is not the data {run_dir}'s finished steps", "data.json"])
    assert not (run_dir / "steps" / "step-02").exists()  # step 2 was not scored on the new test set

    test_file.write_bytes(original)  # the data of step 1 again: the run resumes
    assert train_in_process(runs, *data, ONE_EPOCH)["status"] == "complete"
