"""SpanKL through the same loop as GenCNER: a tiny Split-All run writes the same results, the teacher's
logits are computed once per step with a teacher (none for spankl-finetune), a rerun resumes, and
`gencner predict` reads its saved models."""

import json

import pytest
from tests.conftest import TINY_MODEL

from gencner.cli import main
from gencner.config import load_config
from gencner.experiment import upper_bound_config
from gencner.families import MARKER, load_model
from gencner.families.spankl import datamodule
from gencner.run_identity import pretrained_dir, train_dir, upper_bound_dir
from gencner.runner import Runner

SMALL = [
    *TINY_MODEL,
    "model.vocab_size=300",
    "model.encoder_layers=1",
    "model.denoise_epochs=0",
    "model.span.max_span_width=4",
    "model.span.head_size=8",
    "dataset.synthetic.train=60",
    "dataset.synthetic.dev=30",
    "dataset.synthetic.test=30",
    "trainer.max_epochs=1",
    "logger=none",
]


def config(tmp_path, *extra):
    return load_config([*SMALL, f"output_dir={tmp_path}", *extra])


@pytest.fixture
def teacher_passes(monkeypatch):
    calls = []
    real = datamodule.teacher_logits

    def counting(teacher, sources, *args, **kwargs):
        calls.append(len(sources))
        return real(teacher, sources, *args, **kwargs)

    monkeypatch.setattr(datamodule, "teacher_logits", counting)
    return calls


@pytest.mark.parametrize("method, passes", [("spankl", 5), ("spankl-finetune", 0)])
def test_a_split_all_run_has_one_teacher_pass_per_step_with_a_teacher(tmp_path, teacher_passes, method, passes):
    cfg = config(tmp_path, f"method={method}")
    results = Runner(cfg, train_dir(cfg)).run()
    assert results["status"] == "complete" and len(results["matrix"]) == 6
    assert [len(row) for row in results["matrix"]] == [1, 2, 3, 4, 5, 6]
    assert all(0.0 <= f <= 100.0 for row in results["matrix"] for f in row)
    assert len(teacher_passes) == passes
    folder = train_dir(cfg) / "steps" / "step-06" / "model"
    assert json.loads((folder / MARKER).read_text()) == {"family": "spankl"}
    assert load_model(folder).types == ["ORG", "PERSON", "GPE", "DATE", "CARDINAL", "NORP"]


def test_a_rerun_resumes_and_predict_reads_the_saved_model(tmp_path, monkeypatch, capsys):
    cfg = config(tmp_path, "method=spankl")
    first = Runner(cfg, train_dir(cfg)).run()
    monkeypatch.setattr(Runner, "fit", lambda *args: pytest.fail("a finished step was trained again"))
    assert Runner(cfg, train_dir(cfg)).run()["matrix"] == first["matrix"]
    text = tmp_path / "in.txt"
    text.write_text("Officials of Acme Corp met John Smith in Paris .\n", encoding="utf-8")
    model = train_dir(cfg) / "steps" / "step-06" / "model"
    assert main(["predict", "--model", str(model), "--input", str(text)]) == 0
    (line,) = capsys.readouterr().out.strip().splitlines()[-1:]
    assert json.loads(line)["tokens"][0] == "Officials"


def test_the_bound_and_the_base_of_a_span_scorer_are_its_own(tmp_path):
    span, pointer = config(tmp_path, "method=spankl"), config(tmp_path, "method=gencner")
    assert upper_bound_config(span).method.family == "spankl" and upper_bound_config(span).method.name == "spankl-non-cl"
    assert upper_bound_dir(upper_bound_config(span)) != upper_bound_dir(upper_bound_config(pointer))
    assert pretrained_dir(span) != pretrained_dir(pointer)


def test_pseudo_labels_with_a_span_scorer_are_refused_before_anything_runs(tmp_path):
    from gencner.errors import ConfigError

    cfg = config(tmp_path, "method=spankl", "method.pseudo_labels=true")
    with pytest.raises(ConfigError, match="pseudo_labels"):
        Runner(cfg, tmp_path / "run")


def test_a_comparison_of_both_families_keeps_their_bounds_apart(tmp_path):
    from gencner.comparison import compare
    from gencner.grid.launch import launch
    from gencner.run_identity import experiment_dir

    cfgs = [config(tmp_path, f"method={m}") for m in ("finetune", "spankl")]
    assert launch(cfgs, [0], [1]) == 0
    rows = {row.label: row for row in compare([experiment_dir(cfg) for cfg in cfgs])}
    assert set(rows) == {"finetune", "spankl", "Non-CL (upper bound), non-cl", "Non-CL (upper bound), spankl-non-cl"}
    bounds = [rows["Non-CL (upper bound), non-cl"], rows["Non-CL (upper bound), spankl-non-cl"]]
    assert all(b.final.n == 1 and b.final.std == 0 for b in bounds)  # one run each: never pooled into one row
