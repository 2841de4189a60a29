"""`gencner bench` on a CPU: a smoke run of every measurement with a very small shape (ratios only)."""

import json

import pytest

from gencner.bench import run as bench_run
from gencner.bench.estimate import protocol_estimate
from gencner.cli import main


@pytest.fixture
def small_shape(monkeypatch):
    monkeypatch.setitem(bench_run.CPU_SHAPE, "d_model", 32)
    monkeypatch.setitem(bench_run.CPU_SHAPE, "ffn", 64)
    monkeypatch.setitem(bench_run.CPU_SHAPE, "heads", 2)
    monkeypatch.setitem(bench_run.CPU_SHAPE, "vocab", 500)


def test_bench_measures_every_mode_and_writes_json(small_shape, tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["bench", "--budget-s", "0.2", "--device", "cpu", "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert results["device"] == "cpu"
    for kind in ("train", "decode"):
        rows = results[kind]
        assert [r["mode"].split(":")[0] for r in rows] == ["paper", "ours", "ours"]
        assert all(r["sentences_per_s"] > 0 and r["tokens_per_s"] > 0 and r["tflops"] > 0 for r in rows)
        assert rows[0]["ratio_to_paper"] == pytest.approx(1.0)
    assert len(results["estimate"]) == 3
    assert all(e["total_minutes"] > 0 for e in results["estimate"].values())


def test_the_protocol_estimate_adds_training_and_decoding():
    rows = [{"mode": m, "sentences_per_s": 100.0} for m in ("a", "b", "c")]
    estimate = protocol_estimate({"train": rows, "decode": rows})
    first = estimate["a"]
    # 6 steps × 10 epochs × 9,987 sentences at 100/s; decoding 5×9,987 + 60×1,421 + 6×8,262 at 100/s
    assert first["train_minutes"] == pytest.approx(6 * 10 * 9987 / 100 / 60)
    assert first["decode_minutes"] == pytest.approx((5 * 9987 + 60 * 1421 + 6 * 8262) / 100 / 60)
