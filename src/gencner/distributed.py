"""Multi-process runs (Lightning's `trainer.strategy=ddp trainer.devices=N`): every rank runs the whole
runner; decoding is split across ranks and gathered, files are written by rank 0 only.

Lightning's default samplers pad validation shards with repeated sentences, which would count their
entities twice; gencner shards evaluation itself, without padding, and metric states are summed."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import torch.distributed as dist


def active() -> bool:
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def rank() -> int:
    return dist.get_rank() if active() else 0


def world_size() -> int:
    return dist.get_world_size() if active() else 1


def is_main() -> bool:
    return rank() == 0


def shard(n: int) -> list[int]:
    """This rank's positions out of range(n): every `world`-th, no padding."""
    return list(range(rank(), n, world_size()))


def gather_by_position(positions: Sequence[int], values: Sequence[Any], n: int) -> list[Any]:
    """Every rank's (position, value) pairs, merged into one list of length n in position order."""
    pairs = list(zip(positions, values))
    if active():
        everyone: list[Any] = [None] * world_size()
        dist.all_gather_object(everyone, pairs)
        pairs = [pair for part in everyone for pair in part]
    merged: list[Any] = [None] * n
    for position, value in pairs:
        merged[position] = value
    missing = [i for i, v in enumerate(merged) if v is None]
    if missing:
        raise RuntimeError(f"decoding lost {len(missing)} of {n} sentences across ranks (first: {missing[:5]})")
    return merged


def launched_as_main() -> bool:
    """Rank 0, also before any process group exists: a launcher (torchrun, Lightning's ddp launcher)
    starts the other ranks with RANK, LOCAL_RANK or NODE_RANK set, and each of them runs the whole
    command, so this is the process that owns the run folder."""
    return is_main() and all(os.environ.get(name, "0") == "0" for name in ("RANK", "LOCAL_RANK", "NODE_RANK"))
