"""The tagger through the same loop as the other families: a tiny Split-All run writes the usual
results with one teacher pass per step that has a teacher (none for tagger-finetune), `gencner predict`
reads its saved model, the family's bound is its own, and what it cannot do is refused up front."""

import json
from unittest import mock

import pytest
from tagger_support import SMALL

from gencner.cli import main
from gencner.config import load_config
from gencner.errors import ConfigError
from gencner.experiment import upper_bound_config
from gencner.families import MARKER, load_model
from gencner.families.tagger import teacher
from gencner.run_identity import pretrained_dir, train_dir, upper_bound_dir
from gencner.runner import Runner

TYPES = ["ORG", "PERSON", "GPE", "DATE", "CARDINAL", "NORP"]


def config(tmp_path, *extra):
    return load_config([*SMALL, "trainer.max_epochs=1", "logger=none", f"output_dir={tmp_path}", *extra])


@pytest.fixture
def teacher_passes(monkeypatch):
    """The teacher pass, watched: each call's teacher and sources."""
    watched = mock.Mock(wraps=teacher.teacher_logits)
    monkeypatch.setattr(teacher, "teacher_logits", watched)
    return watched


@pytest.mark.parametrize("method, passes", [("extendner", 5), ("addner", 5), ("tagger-finetune", 0)])
def test_a_split_all_run_has_one_teacher_pass_per_step_with_a_teacher(tmp_path, teacher_passes, method, passes):
    cfg = config(tmp_path, f"method={method}")
    results = Runner(cfg, train_dir(cfg)).run()
    assert results["status"] == "complete" and [len(row) for row in results["matrix"]] == [1, 2, 3, 4, 5, 6]
    assert all(0.0 <= f <= 100.0 for row in results["matrix"] for f in row)
    assert [len(call.args[0].types) for call in teacher_passes.call_args_list] == list(range(1, passes + 1))  # one per step, previous types
    folder = train_dir(cfg) / "steps" / "step-06" / "model"
    assert json.loads((folder / MARKER).read_text()) == {"family": "tagger"}
    saved = load_model(folder)
    assert saved.types == TYPES and saved.config.layout == ("add" if method == "addner" else "extend")


def test_predict_reads_a_saved_tagger(tmp_path, capsys):
    cfg = config(tmp_path, "method=addner", "dataset.synthetic.train=30")
    Runner(cfg, train_dir(cfg)).run()
    text = tmp_path / "in.txt"
    text.write_text("Officials of Acme Corp met John Smith in Paris .\n\nA second line\n", encoding="utf-8")
    model = train_dir(cfg) / "steps" / "step-06" / "model"
    capsys.readouterr()
    assert main(["predict", "--model", str(model), "--input", str(text)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [row["tokens"][:1] for row in rows] == [["Officials"], [], ["A"]]
    for row in rows:
        words = [w for e in row["entities"] for w in range(e["start"], e["end"])]
        assert len(words) == len(set(words)) and all(e["type"] in TYPES and 0 < e["confidence"] <= 1 for e in row["entities"])


def test_the_bound_and_the_base_of_a_tagger_are_its_own(tmp_path):
    ext, add, span = (config(tmp_path, f"method={m}") for m in ("extendner", "addner", "spankl"))
    bound = upper_bound_config(ext)
    assert bound.method.family == "tagger" and bound.method.name == "tagger-non-cl"
    assert upper_bound_dir(bound) == upper_bound_dir(upper_bound_config(add))  # one bound for the family
    assert upper_bound_dir(bound) != upper_bound_dir(upper_bound_config(span))
    assert pretrained_dir(ext) != pretrained_dir(span)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["method=extendner", "method.pseudo_labels=true"], "pseudo_labels"),
        (["method=addner", "method.name=my-addner"], "a tagger method's name picks its tag head"),
        (["method=extendner", "dataset.flat=false"], "cannot hold overlapping entities"),
    ],
)
def test_what_a_tagger_cannot_do_is_refused_before_anything_runs(tmp_path, extra, message):
    with pytest.raises(ConfigError, match=message):
        Runner(config(tmp_path, *extra), tmp_path / "run")
