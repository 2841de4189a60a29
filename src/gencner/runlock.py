"""One writer per run folder. Two `gencner train name=dup` at once would both train every step and
interleave their rows in logs/metrics.csv; the second one must stop at once instead.

The lock is `<run>/.lock`, held with flock(2) and holding the owner's pid, host and start time. The
kernel releases a flock when its process dies, however it dies, so whether a lock is live never
depends on guessing from a pid (which the system may have given to another process since); the pid is
there to name the owner. A clean exit removes the file, so a file found unlocked was left by a process
that died: it is taken over, and the caller says so.

Cells of a grid running side by side (gencner.grid) share folders: a non-CL bound that several runs
need, a pretrained base. For those a process can wait for the lock (`wait_s`) or look whether anyone
holds it (`lock_owner`) instead of stopping."""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gencner.errors import ConfigError
from gencner.stopping import stop_if_requested

LOCK_NAME = ".lock"


class FolderBusy(ConfigError):
    """A live process holds the folder's lock."""


def _owner(fd: int) -> dict:
    """What the lock file says about its owner ({} when empty or unreadable: a writer in progress)."""
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        owner = json.loads(os.read(fd, 4096).decode("utf-8"))
    except ValueError:
        return {}
    return owner if isinstance(owner, dict) else {}


def describe(owner: dict) -> str:
    if not owner:
        return "another process"
    since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(owner.get("started", 0)))
    return f"process {owner.get('pid', '?')} on {owner.get('host', '?')} (since {since})"


def _open_locked(path: Path, wait_s: float | None = None) -> int:
    """A descriptor of `path` holding its exclusive flock; FolderBusy when a live process holds it, or
    with `wait_s`, a look every `wait_s` seconds until it is free (a stop request ends the wait)."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)  # the umask applies, as to any file
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _owner(fd)
            os.close(fd)
            if wait_s is not None:
                stop_if_requested()
                time.sleep(wait_s)
                continue
            raise FolderBusy(
                f"{path.parent} is being written by {describe(owner)}; wait for it to finish, or choose another name= (the lock is {path})"
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # the previous owner removed the file between our open and our flock: lock the new one


@contextmanager
def lock_file(path: str | os.PathLike, wait_s: float | None = None) -> Iterator[dict | None]:
    """Hold the lock file `path` while inside; yields the owner recorded by a process that died holding
    it (None when it was free), for the caller to report the takeover. With `wait_s`, a lock held by
    a live process is waited for (a look every `wait_s` seconds) instead of being an error."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _open_locked(path, wait_s)
    try:
        stale = _owner(fd) or None
        record = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()})
        os.ftruncate(fd, 0)
        os.pwrite(fd, record.encode("utf-8"), 0)
        yield stale
    finally:
        path.unlink(missing_ok=True)  # while still holding the flock: nobody can lock this file meanwhile
        os.close(fd)


def run_folder_lock(folder: str | os.PathLike, wait_s: float | None = None):
    """`folder`'s lock (<folder>/.lock, the folder made if new), as `lock_file`."""
    return lock_file(Path(folder) / LOCK_NAME, wait_s)


def lock_owner(folder: str | os.PathLike) -> dict | None:
    """Who holds `folder`'s lock now ({} when its file does not say yet), or None when nobody does.
    The look takes a shared flock and lets it go at once: a writer starting at that very moment finds
    the folder busy, as it would find a second writer, so only callers that retry on FolderBusy may
    look at a folder they write (gencner.grid's wait for a shared bound)."""
    try:
        fd = os.open(Path(folder) / LOCK_NAME, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _owner(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
