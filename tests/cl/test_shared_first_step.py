"""trainer.share_first_step: step 1 has no teacher, so the methods of a family train it alike; the
first run leaves it in runs/_first_step/ and the next starts from the copy, with results unchanged."""

from __future__ import annotations

import json

import pytest
import torch
from tests.grid.grid_support import STREAM, without_timings

from gencner.cli import main
from gencner.config import load_config, to_container
from gencner.errors import ConfigError
from gencner.families import family_of
from gencner.run_identity import first_step_dir, result_config

pytestmark = pytest.mark.timeout(300)

RUN = [*STREAM, "dataset.permutations=[[0,1]]"]


def first_step_of(*overrides: str):
    cfg = load_config([*RUN, *overrides])
    return first_step_dir(cfg, family_of(cfg.method.family).first_step_method(cfg))


@pytest.fixture
def one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # the same numbers from a run trained here and one that reused its step 1
    yield
    torch.set_num_threads(previous)


def read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_a_second_method_starts_from_the_first_ones_step_1_and_ends_as_if_it_had_trained_it(tmp_path, capsys, one_thread):
    def train(method: str, name: str, *extra: str) -> None:
        assert main(["train", *RUN, f"method={method}", f"name={name}", f"output_dir={tmp_path}", *extra]) == 0

    # the pointer method that differs most from fine-tuning once there is a teacher trains and leaves step 1
    train("gencner-teacher-pass", "first", "trainer.share_first_step=true")
    (folder,) = [p for p in (tmp_path / "_first_step").iterdir() if p.is_dir()]  # beside it: its lock file
    assert read(folder / "first_step.json") == {"trained_by": str(tmp_path / "first")}
    capsys.readouterr()

    train("finetune", "shared", "trainer.share_first_step=true")
    said = " ".join(capsys.readouterr().err.split())
    assert f"the family's shared step, trained by {tmp_path / 'first'}" in said
    step_1 = (tmp_path / "first" / "steps" / "step-01" / "result.json").read_text(encoding="utf-8")
    assert (tmp_path / "shared" / "steps" / "step-01" / "result.json").read_text(encoding="utf-8") == step_1
    assert read(tmp_path / "shared" / "first_step.json")["trained_by"] == str(tmp_path / "first")

    train("finetune", "alone")  # the same method, training its own step 1
    shared_run, alone = read(tmp_path / "shared" / "results.json"), read(tmp_path / "alone" / "results.json")
    for results in (shared_run, alone):
        results.pop("run_dir")
    assert without_timings(shared_run) == without_timings(alone)
    assert not (tmp_path / "alone" / "first_step.json").exists()

    # a shared step trained on data files that differ from the run's (edited since) is not reused
    (folder / "data.json").write_text(json.dumps({"train.txt": "an older digest"}))
    capsys.readouterr()
    train("finetune", "edited", "trainer.share_first_step=true")
    assert "shared step" not in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "edited" / "first_step.json").exists()


def test_which_runs_share_a_step_1():
    pointer = first_step_of("method=gencner")
    assert first_step_of("method=finetune") == pointer  # the pointer family: no method key acts in step 1
    assert first_step_of("method=gencner", "seed=2") != pointer
    assert first_step_of("method=gencner", "dataset.permutations=[[1,0]]") != pointer
    assert first_step_of("method=gencner", "trainer.lr=1e-3") != pointer
    assert first_step_of("method=spankl") != pointer  # another family
    # the tagger's method name picks the head step 1 trains: ExtendNER's is tagger-finetune's, not AddNER's
    extend = first_step_of("method=extendner")
    assert first_step_of("method=tagger-finetune") == extend
    assert first_step_of("method=addner") != extend


def test_sharing_is_not_part_of_a_runs_identity_and_needs_a_single_device():
    on, off = load_config([*RUN, "trainer.share_first_step=true"]), load_config(RUN)
    assert result_config(to_container(on)) == result_config(to_container(off))  # a run folder resumes either way
    with pytest.raises(ConfigError, match="trainer.share_first_step=true shares step 1 between single-device runs"):
        load_config([*RUN, "trainer.share_first_step=true", "trainer.devices=2"])
