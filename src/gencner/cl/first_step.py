"""Step 1 shared by the methods of a family (trainer.share_first_step).

Step 1 has no teacher: no pseudo-label, threshold or distillation acts in it, so every method of a
family trains it alike (the same data, model and seed give the same weights and scores; only the
timings differ). A comparison of several methods then trains it once: the first run to finish it
copies its step folder to runs/_first_step/<...> (run_identity.first_step_dir), and every later run
whose step 1 would be the same copies it back into its own folder and goes on from step 2, as a resumed
run does. The copy's result.json is the original's, timings included; first_step.json beside it says
which run trained it. Runs side by side wait for each other on the folder's lock, so step 1 is trained
once even in a parallel grid. Files are hard-linked where the file system allows (a step's files are
never changed in place, only replaced)."""

from __future__ import annotations

import errno
import os
import shutil
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from gencner import atomic
from gencner.cl.results import finished_steps, step_dir
from gencner.config.schema import Config
from gencner.families.base import ModelFamily
from gencner.jsonfile import read_json
from gencner.run_identity import first_step_dir
from gencner.runlock import lock_file

PROVENANCE = "first_step.json"  # in the shared folder and in every run that started from it


def link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copy2(source, target)


@dataclass(frozen=True)
class SharedFirstStep:
    folder: Path  # runs/_first_step/<...>: step-01/ and first_step.json

    @classmethod
    def of(cls, cfg: Config, family: ModelFamily) -> SharedFirstStep:
        return cls(first_step_dir(cfg, family.first_step_method(cfg)))

    def lock(self) -> AbstractContextManager:
        """Held from the look into the folder to the end of step 1: a second run waits, then reuses."""
        return lock_file(self.folder.with_name(self.folder.name + ".lock"), wait_s=5.0)

    @property
    def step(self) -> Path:
        return step_dir(self.folder, 1)

    def trained_by(self) -> str:
        record = read_json(self.folder / PROVENANCE)
        return str(record.get("trained_by")) if isinstance(record, dict) else "?"

    def reuse(self, run_dir: Path) -> bool:
        """Copies the shared step 1 into `run_dir` when there is a finished one; True when it did."""
        if len(finished_steps(self.folder)[0]) < 1:
            return False
        with atomic.folder(step_dir(run_dir, 1)) as tmp:
            shutil.copytree(self.step, tmp, dirs_exist_ok=True, copy_function=link_or_copy)
        atomic.write_json(run_dir / PROVENANCE, {"shared": str(self.folder), "trained_by": self.trained_by()})
        return True

    def publish(self, run_dir: Path) -> None:
        """Leaves `run_dir`'s finished step 1 for the next run of the family (once: a finished copy stays)."""
        if len(finished_steps(self.folder)[0]) >= 1:
            return
        atomic.write_json(self.folder / PROVENANCE, {"trained_by": str(run_dir)})  # first: the step's presence says done
        with atomic.folder(self.step) as tmp:
            shutil.copytree(step_dir(run_dir, 1), tmp, dirs_exist_ok=True, copy_function=link_or_copy)
