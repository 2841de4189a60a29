"""The device check (`make gpu-check`), rehearsed on a CPU with small shapes: it runs `gencner bench` and
a two-step `gencner train` and writes every figure to gpu-check.json. On the way it shows the
benchmark times the code that trains: its training rows call StepModule.training_step for every batch
they count, its decoding rows send every sentence they count through decode_batch, by way of
predict_sentences (the function pseudo-labelling and testing call)."""

import json

import pytest
from tests.conftest import TINY_MODEL

TINY = [
    *TINY_MODEL,
    "model.vocab_size=500",
    "model.encoder_layers=1",
    "model.decoder_layers=1",
]
TRAIN = [
    "model=tiny",
    "model.denoise_epochs=0",
    *TINY,
    "trainer=fast",
    "trainer.accelerator=cpu",
    "trainer.precision=32-true",
    "trainer.max_epochs=1",
    "trainer.eval_batch_size=32",
    "dataset.synthetic.train=64",
    "dataset.synthetic.dev=12",
    "dataset.synthetic.test=12",
]


@pytest.fixture
def calls(monkeypatch):
    """Counts the training steps and the decoded sentences of the real functions."""
    import gencner.families.pointer.inference as inference
    from gencner.families.pointer.module import StepModule

    counted = {"training_step": 0, "decoded": 0, "decode_calls": []}
    training_step, decode_batch = StepModule.training_step, inference.decode_batch

    def counting_step(self, batch, batch_idx):
        counted["training_step"] += 1
        return training_step(self, batch, batch_idx)

    def counting_decode(model, batch, flat, report):
        counted["decoded"] += len(batch["sources"])
        return decode_batch(model, batch, flat, report)

    monkeypatch.setattr(StepModule, "training_step", counting_step)
    monkeypatch.setattr(inference, "decode_batch", counting_decode)
    return counted


def test_the_rehearsal_runs_bench_and_two_cl_steps_and_the_bench_times_the_training_code(calls, tmp_path, monkeypatch):
    from gencner.bench import decode_row, gpu_check, train_row
    from gencner.families.pointer import inference
    from gencner.runner import Runner

    # the rows call what a CL step calls: Runner.fit, and predict_sentences, which the pointer model's
    # predict (pseudo-labelling and tests) runs; the counting below sees both paths
    assert train_row.Runner is Runner
    assert decode_row.predict_sentences is inference.predict_sentences

    bench_calls = {}
    real_end_to_end = gpu_check.end_to_end

    def end_to_end(out, overrides):  # the counts of the bench alone, before training adds its own
        bench_calls.update(calls)
        return real_end_to_end(out, overrides)

    monkeypatch.setattr(gpu_check, "end_to_end", end_to_end)
    report = gpu_check.run_check(tmp_path, tmp_path / "no-wheels", 0.2, [*TINY, "trainer.deterministic=false"], TRAIN)
    assert json.loads((tmp_path / "gpu-check.json").read_text()) == json.loads(json.dumps(report, default=str))
    assert report["environment"]["device"] == "cpu" and report["environment"]["installed_from_wheels"] == []
    assert list(report["phases_s"]) == ["install", "bench", "train"]

    results = report["bench"]
    assert results["model"]["name"] == "small" and results["model"]["d_model"] == 32
    assert 35 < results["workload"]["mean_source"] < 45  # the reference shape: 40 source pieces
    for kind in ("train", "decode"):
        rows = results[kind]
        assert [r["mode"].split(":")[0] for r in rows] == ["paper", "ours", "ours", "ours"]
        assert all(r["sentences_per_s"] > 0 and r["tokens_per_s"] > 0 and r["tflops"] > 0 for r in rows)
        assert rows[0]["ratio_to_paper"] == pytest.approx(1.0)
        assert all(r["host_syncs_per_batch"] is None for r in rows)  # nothing to count on a CPU
    train = results["train"]
    assert "trainer=paper" in train[0]["overrides"] and any(o.startswith("trainer.token_budget=") for o in train[2]["overrides"])
    assert bench_calls["training_step"] == sum(r["warmup_batches"] + r["batches"] for r in train)
    decode = results["decode"]
    assert bench_calls["decoded"] == sum(r["warmup_sentences"] + r["sentences"] for r in decode)
    assert all(r["truncated_share"] == 1.0 for r in decode)  # every row decoded the 16 indices it was timed for
    assert len(results["estimate"]) == 3

    run = report["train"]
    assert run["exit_code"] == 0 and [s["step"] for s in run["steps"]] == [1, 2]
    assert run["steps"][1]["pseudo_seconds"] is not None  # step 2 pseudo-labelled with the teacher
    assert all(s["timings"]["fit_s"] > 0 for s in run["steps"]) and len(run["macro_f1"]) == 2


def test_a_missing_package_without_wheels_names_the_pip_download_line(tmp_path, monkeypatch):
    from gencner.bench import gpu_check

    monkeypatch.setattr(gpu_check, "absent", lambda modules: ["omegaconf"] if "omegaconf" in modules else [])
    with pytest.raises(SystemExit, match=r"pip download --dest .*no-wheels omegaconf"):
        gpu_check.install_missing(tmp_path / "no-wheels")
