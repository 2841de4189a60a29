"""Atomic writes: write to a temporary sibling, then rename, so a reader never sees half a file
(a run killed mid-write leaves the previous version, or nothing). In a multi-process run only rank 0
writes; the other ranks hold the same results."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator


def _main_process() -> bool:
    import sys

    if "torch" not in sys.modules:  # no torch, no process group: a single process
        return True
    from gencner.distributed import is_main

    return is_main()


def write_text(path: str | os.PathLike, text: str) -> None:
    if not _main_process():
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: str | os.PathLike, data: Any) -> None:
    write_text(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


@contextmanager
def folder(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary folder; on success it replaces `path` as a whole."""
    if not _main_process():
        with tempfile.TemporaryDirectory() as scratch:
            yield Path(scratch)
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        yield tmp
        old = path.with_name(f".{path.name}.old")
        if path.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def remove_stale_temporaries(root: str | os.PathLike) -> int:
    """Delete the `.<name>.*.tmp` files and folders (and `.<name>.old` folders) that a killed process left
    under `root`; returns how many. Only names these helpers create are touched."""
    count = 0
    root = Path(root)
    if not root.is_dir():
        return 0
    for path in list(root.rglob(".*.tmp")) + list(root.rglob(".*.old")):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        count += 1
    return count
