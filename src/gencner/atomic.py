"""Atomic writes: write to a temporary sibling, then rename, so a reader never sees half a file
(a run killed mid-write leaves the previous version, or nothing). In a multi-process run only rank 0
writes; the other ranks hold the same results.

The temporary file or folder is created with the permissions any new file or folder gets (0666 or 0777
less the umask), not tempfile's owner-only 0600/0700, and so is what is written into a folder: the rename
keeps them, and results shared with a group must stay readable by it."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def _main_process() -> bool:
    import sys

    if "torch" not in sys.modules:  # no torch, no process group: a single process
        return True
    from gencner.distributed import is_main

    return is_main()


def _new_temporary(path: Path, create: Callable[[Path], Any]) -> tuple[Any, Path]:
    """`create(name)` for a fresh sibling `.<name>.<random>.tmp` of `path`; returns its result and the name."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return create(tmp), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name next to {path}")


def _ordinary_permissions(root: Path) -> None:
    """What was written into `root` gets the permissions of a new file or folder: some writers create
    their files owner-only (safetensors writes 0600). `root` was made by mkdir(0o777), so the umask is
    exactly the permission bits it lacks."""
    umask = 0o777 & ~root.stat().st_mode
    for path in root.rglob("*"):
        if path.is_symlink():
            continue
        executable = path.is_dir() or path.stat().st_mode & 0o111
        os.chmod(path, (0o777 if executable else 0o666) & ~umask)


def write_text(path: str | os.PathLike, text: str) -> None:
    if not _main_process():
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _new_temporary(path, lambda name: os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
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
    _, tmp = _new_temporary(path, lambda name: os.mkdir(name, 0o777))
    try:
        yield tmp
        _ordinary_permissions(tmp)
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
