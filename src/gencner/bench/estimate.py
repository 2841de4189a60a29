"""A whole-protocol estimate from measured parts: OntoNotes-sized Split-All on one device.

6 steps × 10 epochs over ~10k training sentences (distillation from step 2 on; step 1's cost is
counted at the distillation rate too, an upper bound), pseudo-labelling of each step's ~10k training
sentences (steps 2..6), dev decoding after every epoch (8,528 / 6 sentences), and decoding the 8,262
test sentences after every step."""

from __future__ import annotations

STEPS, EPOCHS, TRAIN_PER_STEP, DEV_PER_STEP, TEST = 6, 10, 59_924 // 6, 8_528 // 6, 8_262


# (training mode, decoding mode) per estimate: the paper decodes at its training batch; gencner trains at
# batch 8 (paper-faithful results) or in throughput mode, and always decodes at large batch.
PAIRS = ((0, 0), (1, 2), (2, 2))


def protocol_estimate(results: dict) -> dict:
    out = {}
    for i, j in PAIRS:
        train, decode = results["train"][i], results["decode"][j]
        train_s = STEPS * EPOCHS * TRAIN_PER_STEP / train["sentences_per_s"]
        decoded = (STEPS - 1) * TRAIN_PER_STEP + STEPS * EPOCHS * DEV_PER_STEP + STEPS * TEST
        decode_s = decoded / decode["sentences_per_s"]
        out[train["mode"]] = {"train_minutes": train_s / 60, "decode_minutes": decode_s / 60, "total_minutes": (train_s + decode_s) / 60}
    return out
