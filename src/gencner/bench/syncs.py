"""Host syncs on a GPU, counted: CUDA's sync debug mode warns at every operation that makes the host wait
for the device (`.item()`, `float(tensor)`, a copy to the host, `nonzero`). Fewer syncs per batch let the
CPU queue the next kernels while the GPU runs, which is what a launch-bound batch-8 step needs. On a CPU
there is nothing to count (None)."""

from __future__ import annotations

import warnings

import torch


class SyncCounter:
    def __init__(self, device: torch.device):
        self.enabled = device.type == "cuda"
        self._catcher: warnings.catch_warnings | None = None
        self._log: list = []

    def start(self) -> None:
        if not self.enabled:
            return
        self._catcher = warnings.catch_warnings(record=True)
        self._log = self._catcher.__enter__()
        warnings.simplefilter("always")  # every occurrence, not once per call site
        torch.cuda.set_sync_debug_mode("warn")

    def stop(self) -> int | None:
        if not self.enabled or self._catcher is None:
            return None
        torch.cuda.set_sync_debug_mode("default")
        self._catcher.__exit__(None, None, None)
        self._catcher = None
        return sum("synchroniz" in str(w.message) for w in self._log)


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def peak_memory_gb(device: torch.device) -> float | None:
    return torch.cuda.max_memory_allocated(device) / 2**30 if device.type == "cuda" else None


def reset_peak_memory(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
