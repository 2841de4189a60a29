"""The benchmark's whole-protocol estimate. (Its rows are run by tests/bench/test_gpu_check.py, which
rehearses the device check on a CPU.)"""

import pytest

from gencner.bench.estimate import protocol_estimate


def test_the_protocol_estimate_adds_training_and_decoding():
    rows = [{"mode": m, "sentences_per_s": 100.0} for m in ("a", "b", "c")]
    estimate = protocol_estimate({"train": rows, "decode": rows})
    first = estimate["a"]
    # 6 steps × 10 epochs × 9,987 sentences at 100/s; decoding 5×9,987 + 60×1,421 + 6×8,262 at 100/s
    assert first["train_minutes"] == pytest.approx(6 * 10 * 9987 / 100 / 60)
    assert first["decode_minutes"] == pytest.approx((5 * 9987 + 60 * 1421 + 6 * 8262) / 100 / 60)
