"""A Ctrl-C is never lost: SIGINT at 20 moments spread over every phase of a three-step run (start-up,
pseudo-labelling, early/middle/late training, testing, saving) stops each time with exit code 130 within
10 seconds, keeps exactly the finished steps, and the run resumed after the last one ends with the
matrix of an uninterrupted run. A signal that arrives inside a finaliser, where a KeyboardInterrupt used
to be printed as "Exception ignored" and lost, stops the run too.

The runs go through the CLI entry point in this process, each resuming the folder the previous one
left: a fresh interpreter per moment would spend most of its time importing torch and Lightning."""

from __future__ import annotations

import io
import json
import os
import signal
import threading
import time
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from pathlib import Path

import pytest
from reliability_support import TRAIN, leftovers, scored_counts

from gencner import evaluate, runner, stopping
from gencner.cl import callbacks
from gencner.cli import main
from gencner.commands import config as config_command
from gencner.runlock import LOCK_NAME

STOPPED = "gencner train: stopped by SIGINT; finished steps are kept, run the same command again to resume"
TIMED = ("start-up", "training")  # signalled from a timer thread: lands wherever the interpreter is


@dataclass(frozen=True)
class Moment:
    step: int
    phase: str  # start-up | pseudo-labelling | training | testing | saving
    fraction: float = 0.0  # of the phase's duration in the uninterrupted run (training)

    def __str__(self) -> str:
        return f"step {self.step} {self.phase}" + (f" at {self.fraction:.2f}" if self.fraction else "")


def moments_of_step(step: int) -> list[Moment]:
    pseudo = [Moment(step, "pseudo-labelling")] if step > 1 else []  # step 1 has no teacher
    training = [Moment(step, "training", f) for f in (1 / 6, 3 / 6, 5 / 6)]
    return [Moment(step, "start-up"), *pseudo, *training, Moment(step, "testing"), Moment(step, "saving")]


MOMENTS = [m for step in (1, 2, 3) for m in moments_of_step(step)]


class SignalAt:
    """Sends SIGINT to this process once, at `moment`: for the timed phases from a timer started when the
    phase begins, for the others at the phase's start. Once armed, any later phase fires a timer still
    pending, so that the signal always reaches the run while it is going."""

    def __init__(self, moment: Moment, delay: float):
        self.moment, self.delay = moment, delay
        self.sent_at: float | None = None
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()

    def fire(self) -> None:
        with self.lock:
            if self.sent_at is None:
                self.sent_at = time.monotonic()
                os.kill(os.getpid(), signal.SIGINT)

    def entered(self, phase: str, step: int | None) -> None:
        if self.timer is not None:
            self.fire()
            return
        if phase != self.moment.phase or step not in (None, self.moment.step):
            return
        if phase in TIMED:
            self.timer = threading.Timer(self.delay, self.fire)
            self.timer.start()
        else:
            self.fire()


class SendsSignalWhenCollected:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)


class SignalInFinaliser(SignalAt):
    """Sends SIGINT from inside an object's __del__ when step 1 starts training."""

    def entered(self, phase: str, step: int | None) -> None:
        if (phase, step) == ("training", 1) and self.sent_at is None:
            self.sent_at = time.monotonic()
            SendsSignalWhenCollected()  # collected at once: the handler runs inside the finaliser


def step_of(folder: Path) -> int:
    return int(Path(folder).name.removeprefix("step-"))


def step_in(description: str) -> int:
    return int(description.split(":")[0].removeprefix("step "))


def observe_phases(monkeypatch, plan: SignalAt) -> None:
    """Tell `plan` when each phase of the run begins (wrapping what the runner calls, changing nothing)."""

    def wrap(module, name, phase_of):
        real = getattr(module, name)

        def wrapper(*args, **kwargs):
            plan.entered(*phase_of(*args))
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    wrap(runner, "load_corpus", lambda *args: ("start-up", None))
    wrap(runner, "make_trainer", lambda t, root, *rest: ("training", step_of(root)))
    wrap(runner, "save_model", lambda family, model, path: ("saving", step_of(Path(path).parent)))
    wrap(callbacks, "progress_bar", lambda description, *rest: ("pseudo-labelling", step_in(description)))
    wrap(evaluate, "progress_bar", lambda description, *rest: ("testing", step_in(description)))


@contextmanager
def late_signals_recorded():
    """A SIGINT reaching the test itself (after a run returned) is recorded instead of ending pytest."""
    late: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: late.append(number))
    try:
        yield late
    finally:
        signal.signal(signal.SIGINT, previous)


def train(folder: Path) -> tuple[int, str]:
    with redirect_stderr(io.StringIO()) as stderr:
        code = main(["train", *TRAIN, f"output_dir={folder}"])
    return code, stderr.getvalue()


def finished(run: Path) -> int:
    return len(list((run / "steps").glob("step-*/result.json"))) if (run / "steps").is_dir() else 0


def interrupt(monkeypatch, folder: Path, plan: SignalAt) -> tuple[str, float]:
    """One run of the folder, signalled as `plan` says: its stderr and the seconds from signal to exit."""
    with monkeypatch.context() as patch:
        observe_phases(patch, plan)
        code, stderr = train(folder)
    stopped_after = time.monotonic() - plan.sent_at if plan.sent_at is not None else None
    assert plan.sent_at is not None, f"{plan.moment}: the run ended before the moment came:\n{stderr[-2000:]}"
    assert code == 130, f"{plan.moment}: exit code {code}\n{stderr[-3000:]}"
    return stderr, stopped_after


def check_clean_stop(stderr: str, folder: Path, moment: object) -> None:
    assert stderr.strip().splitlines()[-1] == STOPPED, (moment, stderr[-2000:])
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, (moment, stderr[-3000:])
    assert not (folder / "run" / LOCK_NAME).exists(), moment
    assert leftovers(folder) == [], moment


def test_sigint_at_20_moments_of_a_run_always_stops_it_and_the_resumed_run_matches(tmp_path, monkeypatch, reference_run):
    assert len(MOMENTS) == 20
    fit_seconds = [timing["fit_s"] for timing in reference_run["timings"]]
    run = tmp_path / "run"
    with late_signals_recorded() as late:
        for moment in MOMENTS:
            plan = SignalAt(moment, moment.fraction * fit_seconds[moment.step - 1])
            stderr, stopped_after = interrupt(monkeypatch, tmp_path, plan)
            assert stopped_after < 10, (str(moment), stopped_after)
            check_clean_stop(stderr, tmp_path, moment)
            # saving finishes the step it saves; anywhere else the step is lost and trained again
            kept = moment.step if moment.phase == "saving" else moment.step - 1
            assert finished(run) == kept, (str(moment), finished(run))
            assert not (run / "results.json").exists()
        code, stderr = train(tmp_path)
        assert not late, f"{len(late)} signal(s) arrived after their run had ended"
    assert code == 0, stderr[-3000:]
    resumed = json.loads((run / "results.json").read_text(encoding="utf-8"))
    assert resumed["matrix"] == reference_run["matrix"]
    assert scored_counts(resumed) == scored_counts(reference_run)


def test_a_signal_inside_a_finaliser_still_stops_the_run(tmp_path, monkeypatch):
    with late_signals_recorded() as late:
        stderr, stopped_after = interrupt(monkeypatch, tmp_path, SignalInFinaliser(Moment(1, "training"), 0))
    assert not late
    assert stopped_after < 10
    check_clean_stop(stderr, tmp_path, "finaliser")
    assert finished(tmp_path / "run") == 0


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_second_signal_does_not_wait_for_a_safe_point(number):
    from gencner import stopping

    previous = stopping.install()
    try:
        os.kill(os.getpid(), number)
        assert stopping.requested() == number  # recorded, nothing raised
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), number)
        with pytest.raises(stopping.StopRequested):
            stopping.stop_if_requested()
    finally:
        stopping.restore(previous)
    assert stopping.requested() is None


def deliver(number: int) -> None:
    """What the interpreter does when a signal arrives: call the handler installed for it."""
    signal.getsignal(number)(number, None)


def stopped_at_once(monkeypatch) -> None:
    """`gencner config` is stopped by a first Ctrl-C at its first safe point."""

    def run(*args, **kwargs):
        deliver(signal.SIGINT)
        stopping.stop_if_requested()

    monkeypatch.setattr(config_command, "run", run)


def config_twice_interrupted() -> int:
    """main(["config"]), a KeyboardInterrupt escaping it failing the test rather than ending pytest."""
    try:
        return main(["config"])
    except KeyboardInterrupt:
        pytest.fail("a KeyboardInterrupt escaped main(): printed as a traceback")


class InterruptedWhileWritten(io.StringIO):
    """stderr on which a second Ctrl-C arrives while the stop is being reported."""

    def write(self, text: str) -> int:
        deliver(signal.SIGINT)
        return super().write(text)


def test_a_second_ctrl_c_while_the_stop_is_reported_exits_130_without_a_traceback(monkeypatch):
    stopped_at_once(monkeypatch)
    before = signal.getsignal(signal.SIGINT)
    with redirect_stderr(InterruptedWhileWritten()):
        code = config_twice_interrupted()
    assert code == 130
    assert signal.getsignal(signal.SIGINT) is before


def test_a_second_ctrl_c_inside_the_restoring_of_handlers_exits_130_with_them_restored(monkeypatch):
    stopped_at_once(monkeypatch)
    before = {number: signal.getsignal(number) for number in stopping.STOP_SIGNALS}
    real = signal.signal
    arrivals = []

    def interrupted_once(number, handler):
        if stopping.requested() is not None and not arrivals:  # the first call of `restore`
            arrivals.append(number)
            deliver(signal.SIGINT)
        return real(number, handler)

    monkeypatch.setattr(signal, "signal", interrupted_once)
    with redirect_stderr(io.StringIO()) as stderr:
        code = config_twice_interrupted()
    assert code == 130 and arrivals, stderr.getvalue()
    assert stderr.getvalue().splitlines() == ["gencner config: stopped by SIGINT"]
    assert {number: signal.getsignal(number) for number in stopping.STOP_SIGNALS} == before
    assert stopping.requested() is None
