"""`gencner train setting=offline` on a small synthetic corpus learns to tag it, and leaves a complete run
folder: results.json, the step's per-type scores, a decoded sample and a loadable model."""

from __future__ import annotations

import json
import re
import time

import pytest

from gencner.cli import main
from gencner.config import load_config
from gencner.data.corpus import load_corpus
from gencner.families.pointer.inference import predict_sentences
from gencner.families.pointer.io import load_model

pytestmark = pytest.mark.slow

RUN = "learns"
# 600 training sentences × 8 epochs reach a test micro-F1 of about 0.8 (seeds 1–3: 0.80, 0.79, 0.80)
# in well under a minute on one core; the bar below leaves a wide margin.
OVERRIDES = [
    "setting=offline",
    "model=tiny",
    "model.denoise_epochs=0",
    "dataset.synthetic.train=600",
    "dataset.synthetic.dev=100",
    "dataset.synthetic.test=150",
    "trainer.max_epochs=8",
    "trainer.progress=false",
    "logger=none",
    f"name={RUN}",
]
F1_BAR = 0.6


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    overrides = [*OVERRIDES, f"output_dir={out}"]
    started = time.perf_counter()
    code = main(["train", *overrides])
    seconds = time.perf_counter() - started
    return {"code": code, "dir": out / RUN, "seconds": seconds, "cfg": load_config(overrides)}


def test_offline_training_reaches_the_f1_bar(run, capsys):
    with capsys.disabled():
        print(f"\n[gencner train, offline, 600 sentences × 8 epochs: {run['seconds']:.1f} s wall]")
    assert run["code"] == 0
    results = json.loads((run["dir"] / "results.json").read_text(encoding="utf-8"))
    assert results["status"] == "complete" and results["single_step"] and results["n_steps"] == 1
    micro = results["tests"]["all"]["micro_f1"][-1]
    assert results["micro_f1"] == [micro]
    assert micro >= F1_BAR, f"test micro-F1 {micro:.3f} < {F1_BAR}"
    assert 0 < results["macro_f1"][-1] <= 1


def test_run_folder_holds_per_type_scores_a_decoded_sample_and_a_model(run):
    step = run["dir"] / "steps" / "step-01"
    cfg = run["cfg"]
    types = [t for task in cfg.dataset.tasks for t in task]

    result = json.loads((step / "result.json").read_text(encoding="utf-8"))
    scored = result["tests"]["all"]
    assert set(scored["per_type"]) == set(types)
    for counts in scored["per_type"].values():
        assert {"precision", "recall", "f1", "tp", "fp", "fn"} <= set(counts)
        assert counts["gold"] > 0 and 0 <= counts["f1"] <= 1
    micro = scored["micro"]
    assert micro["f1"] == pytest.approx(2 * micro["tp"] / (micro["gold"] + micro["pred"]))
    assert scored["macro_f1"] == pytest.approx(sum(scored["row"]) / len(scored["row"]))

    test = load_corpus(cfg.dataset).test
    lines = (step / "decoded_sample.txt").read_text(encoding="utf-8").splitlines()
    words = [line for line in lines if line.startswith("[")]
    gold = [line for line in lines if line.startswith("  gold:")]
    predicted = [line for line in lines if line.startswith("  predicted:")]
    assert len(words) == len(gold) == len(predicted) > 0
    for line, sentence in zip(words, test):
        assert line.split("] ", 1)[1] == " ".join(f"{i}:{w}" for i, w in enumerate(sentence.tokens))
    assert any(re.search(r"\(\d+, \d+, \w+\) \".+\" conf \d\.\d{3}", line) for line in predicted)

    model = load_model(step / "model")
    assert sorted(model.types) == sorted(types)
    _, report = predict_sentences(model, test[:20])
    assert report.triplets > 0 and not report.malformed


def test_results_json_holds_per_type_scores(run):
    results = json.loads((run["dir"] / "results.json").read_text(encoding="utf-8"))
    per_type = results["tests"]["all"]["per_type"]
    assert {"precision", "recall", "f1"} <= set(next(iter(per_type.values())))
