"""The continual-learning loop, top to bottom (docs/methods.md, "A continual step"). For every step:

1. the student = the previous step's best weights + the new type tokens (step 1: a fresh model);
2. the teacher = a frozen copy of that student that sees only the old types (methods that use one);
3. the method's StepData builds the step's targets (gold, or [pseudo; gold]) and its datamodule;
4. a fresh Trainer fits a StepModule (CE + λ·KD), the best dev epoch's weights are put back;
5. the step is tested on the setting's test set(s): one row of the result matrix;
6. model and result are written atomically: a rerun skips finished steps (resume);
7. the step's cross-step metrics go to the tracker (a StepReport); after the last, results.json.

A run's bound is not the loop's business: the StepReport it is given compares the run with one."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import lightning as L
from rich.markup import escape

from gencner.atomic import remove_stale_temporaries, write_json
from gencner.checkpoints import file_digest
from gencner.cl.callbacks import StepData, step_data
from gencner.cl.context import TaskContext
from gencner.cl.first_step import SharedFirstStep, shared_from
from gencner.cl.fit_callbacks import FrozenTeacherCheck, NonFiniteLossGuard
from gencner.cl.results import RUN_HEADER, finished_steps, step_dir, summarise, write_step
from gencner.cl.selection import BestWeights
from gencner.cl.step_warnings import step_warnings
from gencner.config import to_container
from gencner.config.schema import Config
from gencner.console import console, matrix_table, report_table, stream_table
from gencner.data.corpus import check_corpus, data_files, load_corpus
from gencner.data.schema import Corpus
from gencner.data.stream_config import stream_from_config
from gencner.data.streams import Stream, TaskStep
from gencner.data.summary import stream_summary
from gencner.distributed import launched_as_main
from gencner.errors import ConfigError, DataError, GencnerError
from gencner.evaluate import evaluate_step, write_decoded_sample
from gencner.families import family_of, save_model
from gencner.families.base import FamilyModel, StepDataModule
from gencner.jsonfile import read_run_file
from gencner.results import RunHeader, RunResult, StepResult
from gencner.run_identity import DATA_DIGESTS, pretrained_dir, result_config
from gencner.runlock import describe, lock_file, run_folder_lock
from gencner.stopping import stop_if_requested, stops_at_optimizer_steps
from gencner.tracking import Tracker, make_tracker
from gencner.trainer import make_trainer, run_device


class StepReport(Protocol):
    """Where a run's finished steps go: the tracker's series after each step and the run's result at its
    end, compared with the run's bound when it has one. What the loop prints after a step is what
    `after_step` returns."""

    def after_step(self, done: Sequence[StepResult]) -> RunResult: ...

    def final(self, done: Sequence[StepResult]) -> RunResult: ...


# Who reports a run's steps, given its tracker, its header and how many steps earlier attempts finished
# (a grid's run trained beside its bound reports through grid.beside).
Reporting = Callable[[Tracker, RunHeader, int], StepReport]


@dataclass(frozen=True)
class ReportEachStep:
    """The steps of a run whose bound, if any, is at hand: each is logged as it finishes."""

    tracker: Tracker
    header: RunHeader
    bound: RunResult | None = None

    def after_step(self, done: Sequence[StepResult]) -> RunResult:
        results = summarise(done, self.header, self.bound)
        self.tracker.log_step(results)
        return results

    def final(self, done: Sequence[StepResult]) -> RunResult:
        return summarise(done, self.header, self.bound)


def report_each_step(tracker: Tracker, header: RunHeader, done_before: int) -> StepReport:
    return ReportEachStep(tracker, header)


def uses_teacher(cfg: Config) -> bool:
    """The one rule for a teacher: the method learns from one (pseudo-labels or distillation), and the run
    is continual (a cumulative run has the gold of every seen type)."""
    return bool(cfg.method.pseudo_labels or cfg.method.distill) and not cfg.setting.cumulative


def warn(message: str) -> None:
    console.print(f"[yellow]warning:[/] {escape(message)}", highlight=False)


def check_every_step_trains(stream: Stream) -> None:
    """A step without training sentences cannot be trained: say so before any step or base model is."""
    for step in stream.steps:
        if not step.train:
            raise ConfigError(f"step {step.step} ({step.task_name}) has no training sentence in {stream.setting}")


CONFIG_REMEDY = "delete it to resume the finished steps under this command's configuration, or delete the folder"


def check_same_config(run_dir: Path, config: dict, started: bool) -> None:
    """A run folder belongs to one configuration: resuming with another would mix results. What counts
    is run_identity.result_config, the rule the folder names and caches use. Until a step has finished
    (`started`) nothing can be mixed: the folder takes the new configuration (an attempt that stopped
    on a bad value, corrected)."""
    path = run_dir / "config.json"
    if started and path.is_file() and result_config(read_run_file(path, CONFIG_REMEDY)) != result_config(config):
        raise GencnerError(f"{run_dir} holds a run with a different configuration; choose another name= or delete the folder")
    write_json(path, config)


def check_same_data(run_dir: Path, files: list[Path], started: bool) -> None:
    """A resumed run reads the data its finished steps were trained and tested on: a file edited since
    would mix scores of two data sets in one matrix."""
    digests = {str(file): file_digest(file) for file in files}
    path = run_dir / DATA_DIGESTS
    if started and path.is_file():
        remedy = "delete it to resume over the data as it is now"
        recorded = read_run_file(path, remedy)
        if not isinstance(recorded, dict):
            raise DataError(path, None, f"holds no file digests; {remedy}")
        changed = sorted(name for name in digests.keys() | recorded.keys() if digests.get(name) != recorded.get(name))
        if changed:
            raise GencnerError(
                f"{changed[0]} is not the data {run_dir}'s finished steps were trained on (its SHA-256 differs from "
                f"the one in {DATA_DIGESTS}); restore it, or train on it under another name= or after deleting the folder"
            )
    write_json(path, digests)


class Runner:
    """Runs one configuration's stream into `run_dir`. `fit_callbacks` are Lightning callbacks added to
    every step's Trainer (the benchmark's timer); how a step's data is built follows from the method."""

    def __init__(self, cfg: Config, run_dir: Path, fit_callbacks: Sequence[L.Callback] = ()):
        self.cfg = cfg
        self.run_dir = Path(run_dir)
        self.family = family_of(cfg.method.family)
        self.family.check(cfg)
        self.tracker: Tracker = Tracker()
        self.step_data: StepData = step_data(cfg.method)
        self.fit_callbacks = list(fit_callbacks)

    def header(self, stream: Stream) -> RunHeader:
        return RunHeader(
            run_dir=str(self.run_dir),
            method=self.cfg.method.name,
            dataset=stream.dataset,
            setting=stream.setting,
            cumulative=bool(self.cfg.setting.cumulative),
            permutation=stream.permutation,
            seed=self.cfg.seed,
            model=self.cfg.model.name,
            tasks=[name for name, _ in stream.tasks],
            task_types=[list(types) for _, types in stream.tasks],
            n_steps=len(stream.steps),
            single_step=bool(self.cfg.setting.single_step),
        )

    def run(self, reporting: Reporting = report_each_step, until_step: int | None = None) -> dict | None:
        """Trains the stream's unfinished steps and writes results.json; `reporting`: who logs the steps
        and compares the run with its bound (by default each step is logged as it finishes, without a
        bound). With `until_step`, stops once that step is finished, as a stop signal between steps
        would: the run is left unfinished (None, no results.json) and resumes from there."""
        # one writer per folder; the other ranks of a multi-process run write nothing
        lock = run_folder_lock(self.run_dir) if launched_as_main() else nullcontext()
        with lock as stale_owner:
            if stale_owner:
                warn(f"{self.run_dir}: taking over the lock of {describe(stale_owner)}, which no longer runs")
            return self._run(reporting, until_step)

    def _run(self, reporting: Reporting, until_step: int | None) -> dict | None:
        cfg = self.cfg
        config = to_container(cfg)
        started = bool(finished_steps(self.run_dir)[0])
        check_same_config(self.run_dir, config, started)
        corpus = load_corpus(cfg.dataset)
        stream = stream_from_config(cfg, corpus)
        check_corpus(corpus, cfg.dataset)
        check_same_data(self.run_dir, data_files(cfg.dataset), started)
        summary = stream_summary(stream, corpus.report)
        write_json(self.run_dir / "stream.json", summary)
        console.print(stream_table(summary))
        reader = report_table(summary["reader"])  # what the reader repaired or dropped
        if reader is not None:
            console.print(reader)
        check_every_step_trains(stream)  # before the base model is built or denoised
        stop_if_requested()  # reading a large corpus has no safe point of its own
        header = self.header(stream)
        write_json(self.run_dir / RUN_HEADER, header.to_json())  # what the run is, before it has a result
        self.tracker = make_tracker(cfg, self.run_dir, self.run_dir.name, "upper-bound" if cfg.setting.cumulative else "cl", config)
        remove_stale_temporaries(self.run_dir)  # left by a run killed while writing
        done, damaged = finished_steps(self.run_dir)
        if damaged:
            warn(damaged)
        report = reporting(self.tracker, header, len(done))
        todo = stream.steps[len(done) : until_step]
        with ExitStack() as sharing:  # holds the shared step 1's lock while this run reads or trains it
            share, reused = self.first_step_share(done, todo, sharing)
            if reused:  # step 1 copied in: reported as if trained here, then on from it as a resumed run goes
                done = finished_steps(self.run_dir)[0][:1]
                todo = stream.steps[1:until_step]
                console.print(matrix_table(report.after_step(done), title="after step 1 (shared)"))
            # every step finished: only results.json is left to write, which needs no model
            model = self.resume_model(done, corpus) if todo else None
            for step in todo:
                stop_if_requested()  # between steps nothing is half-done
                done.append(self.run_step(step, model, corpus))
                if share is not None:  # step 1, trained here: left for the family's next run
                    share.publish(self.run_dir)
                    sharing.close()
                    share = None
                console.print(matrix_table(report.after_step(done), title=f"after step {step.step}"))
                for line in step_warnings(done[-1], model.max_source_tokens):
                    warn(line)
        if len(done) < len(stream.steps):  # stopped where until_step asked
            console.print(f"stopped after step {len(done)} of {len(stream.steps)} as asked")
            return None
        stop_if_requested()  # asked during the last step's saving: the rerun writes results.json
        results = report.final(done)
        written = results.to_json()
        write_json(self.run_dir / "results.json", written)
        self.tracker.finish(results)
        return written

    def first_step_share(self, done: list[StepResult], todo: list[TaskStep], sharing: ExitStack) -> tuple[SharedFirstStep | None, bool]:
        """With trainer.share_first_step, before a continual run's step 1: (None, True) when the family's
        shared step 1 was copied into the run folder; (the share, False) with its lock held on `sharing`
        when this run is to train step 1 and publish it; (None, False) when nothing is shared."""
        cfg = self.cfg
        if not (cfg.trainer.share_first_step and todo and not done) or cfg.setting.cumulative or cfg.setting.single_step:
            return None, False
        share = SharedFirstStep.of(cfg, self.family)
        sharing.enter_context(share.lock())
        if share.reuse(self.run_dir):
            console.print(f"step 1: the family's shared step, trained by {share.trained_by()} ({share.folder})")
            sharing.close()
            return None, True
        return share, False

    def resume_model(self, done: list[StepResult], corpus: Corpus) -> FamilyModel:
        if done:
            last = done[-1].step
            console.print(f"resuming {self.run_dir} after step {last}")
            folder = step_dir(self.run_dir, last)
            try:
                return self.family.load(folder / "model")
            except GencnerError as exc:
                shared = shared_from(self.run_dir) if last == 1 else None  # else the next attempt copies it again
                also = f" and the shared step it was copied from, {shared}," if shared else ""
                raise GencnerError(f"{exc}; delete {folder}{also} to train step {last} again") from None
        cache = pretrained_dir(self.cfg)
        # runs side by side (gencner.grid) share the cached base: one builds it, the others wait and read it
        shared = lock_file(cache.with_name(cache.name + ".lock"), wait_s=1.0) if launched_as_main() else nullcontext()
        with stops_at_optimizer_steps(), shared:  # the denoising pretraining's loop has no safe point of its own
            return self.family.base_model(self.cfg, corpus.train, cache)

    def run_step(self, step: TaskStep, model: FamilyModel, corpus: Corpus) -> StepResult:
        cfg = self.cfg
        L.seed_everything(step.seed(cfg.seed), workers=True, verbose=False)
        model.to(run_device(cfg.trainer))  # the teacher copy and pseudo-labelling run there too
        n_old = len(model.types)
        model.add_types(step.new_types)
        teacher = model.frozen_copy(n_types=n_old) if uses_teacher(cfg) and n_old > 0 else None
        ctx = TaskContext(cfg, self.family, step, corpus, model, teacher, step_dir(self.run_dir, step.step))
        timings: dict[str, float] = {}
        started = time.perf_counter()
        data = self.step_data.build(ctx)
        timings["targets_s"] = time.perf_counter() - started
        started = time.perf_counter()
        best = self.fit(ctx, data.datamodule)
        timings["fit_s"] = time.perf_counter() - started
        started = time.perf_counter()
        record, predicted = evaluate_step(step, model, cfg.trainer, cfg.dataset.flat, run_device(cfg.trainer))
        timings["test_s"] = time.perf_counter() - started
        record.update(data.record)
        record["dev"] = {"best_epoch": best.best_epoch, "best_score": best.best_score, "history": best.history}
        record["truncation"] = data.datamodule.truncation()
        record["timings"] = timings
        save_model(self.family, model, ctx.step_dir / "model")
        write_decoded_sample(step, predicted, ctx.step_dir / "decoded_sample.txt")
        return write_step(self.run_dir, record)

    def fit(self, ctx: TaskContext, datamodule: StepDataModule) -> BestWeights:
        """Fits the step's StepModule on the step's data (`datamodule`); puts the best dev epoch's
        weights back."""
        t = self.cfg.trainer
        dev_tasks = [task for task in ctx.step.tasks_so_far if set(task[1]) <= set(ctx.step.label_types)]
        module = self.family.step_module(ctx, dev_tasks)
        best = BestWeights(t.select)
        callbacks = [best, FrozenTeacherCheck(), NonFiniteLossGuard(ctx.step.step), *self.fit_callbacks]
        trainer = make_trainer(t, ctx.step_dir, callbacks, self.tracker.loggers())
        trainer.fit(module, datamodule)
        ctx.model.to(run_device(t))
        return best
