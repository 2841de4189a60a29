"""One writer per run folder. Two `gencner train name=dup` at once would both train every step and
interleave their rows in logs/metrics.csv; the second one must stop at once instead.

The lock is `<run>/.lock`, held with flock(2) and holding the owner's pid, host and start time. The
kernel releases a flock when its process dies, however it dies, so whether a lock is live never
depends on guessing from a pid (which the system may have given to another process since); the pid is
there to name the owner. A clean exit removes the file, so a file found unlocked was left by a process
that died: it is taken over, and the caller says so."""

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

LOCK_NAME = ".lock"


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


def _open_locked(path: Path) -> int:
    """A descriptor of `path` holding its exclusive flock; ConfigError when a live process holds it."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)  # the umask applies, as to any file
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _owner(fd)
            os.close(fd)
            raise ConfigError(
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
def run_folder_lock(folder: str | os.PathLike) -> Iterator[dict | None]:
    """Hold `folder`'s lock while inside; yields the owner recorded by a process that died holding it
    (None when the folder was free), for the caller to report the takeover."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    fd = _open_locked(path)
    try:
        stale = _owner(fd) or None
        record = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()})
        os.ftruncate(fd, 0)
        os.pwrite(fd, record.encode("utf-8"), 0)
        yield stale
    finally:
        path.unlink(missing_ok=True)  # while still holding the flock: nobody can lock this file meanwhile
        os.close(fd)
