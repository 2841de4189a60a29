"""Ctrl-C and SIGTERM as a request to stop, honoured at safe points.

Python's default (a KeyboardInterrupt raised by the handler) lands wherever the interpreter happens to
be, a finaliser included, where it is printed as "Exception ignored in ..." and lost: the run went on
and exited 0. So the handler only records the signal, and the loops that take time call
`stop_if_requested()` where nothing is half-done: before each training and validation batch
(trainer.StopAtSafePoints), before each decoding batch (pseudo-labels, tests, `gencner predict`), before
each optimiser step of the denoising pretraining, and between the runner's steps. StopRequested then
unwinds to the CLI, which prints one line and exits with 128 + the signal's number.

A second signal does not wait for a safe point: it raises KeyboardInterrupt at once (atomic writes still
leave no half-written file, and the recorded first signal still decides the exit code)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

_requested: int | None = None  # the first stop signal received since `install`


class StopRequested(BaseException):
    """Raised at a safe point after a stop signal. Not an Exception (like KeyboardInterrupt), so that no
    `except Exception` on the way up can swallow it."""

    def __init__(self, signal_number: int):
        super().__init__(signal.Signals(signal_number).name)
        self.signal_number = signal_number


def _record(number: int, frame) -> None:
    global _requested
    if _requested is not None:  # asked twice: the user does not want to wait for a safe point
        raise KeyboardInterrupt
    _requested = number


def install() -> dict:
    """Route SIGINT and SIGTERM to the request flag (cleared); returns the previous handlers for
    `restore`. Outside the main thread (a notebook worker) no handler can be set and nothing changes."""
    global _requested
    _requested = None
    previous = {}
    for number in STOP_SIGNALS:
        try:
            previous[number] = signal.signal(number, _record)
        except ValueError:
            break
    return previous


def restore(previous: dict) -> None:
    """Put the handlers back and forget the request (the CLI's main() may be called again in-process).
    A second signal raises KeyboardInterrupt wherever it lands, here too: it only hurries the stop
    already under way, so it must neither escape as a traceback nor leave a handler unrestored."""
    global _requested
    while True:
        try:
            for number, handler in previous.items():
                signal.signal(number, handler)
            _requested = None
            return
        except KeyboardInterrupt:
            continue  # put them all back again


def requested() -> int | None:
    """The number of the stop signal received, or None."""
    return _requested


def stop_if_requested() -> None:
    if _requested is not None:
        raise StopRequested(_requested)


@contextmanager
def stops_at_optimizer_steps() -> Iterator[None]:
    """Make every optimiser step a safe point while inside: for loops gencner does not drive through
    Lightning (the denoising pretraining), whose steps are otherwise never checked."""
    from torch.optim.optimizer import register_optimizer_step_pre_hook

    handle = register_optimizer_step_pre_hook(lambda optimizer, args, kwargs: stop_if_requested())
    try:
        yield
    finally:
        handle.remove()
