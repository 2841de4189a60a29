"""Step 1 shared by the methods of a family (trainer.share_first_step).

Step 1 has no teacher: no pseudo-label, threshold or distillation acts in it, so every method of a
family trains it alike (the same data, model and seed give the same weights and scores; only the
timings differ). A comparison of several methods then trains it once: the first run to finish it
copies its step folder to runs/_first_step/<...> (run_identity.first_step_dir), and every later run
whose step 1 would be the same copies it back into its own folder and goes on from step 2, as a resumed
run does. The copy's result.json is the original's, timings included; first_step.json beside it says
which run trained it. The shared folder keeps the data.json of the run that trained it: a run whose data
files differ (edited since) trains its own step 1. Runs side by side wait for each other on the folder's
lock, so step 1 is trained once even in a parallel grid."""

from __future__ import annotations

import shutil
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from gencner import atomic
from gencner.cl.results import finished_steps, step_dir
from gencner.config.schema import Config
from gencner.families.base import ModelFamily
from gencner.jsonfile import read_json
from gencner.run_identity import DATA_DIGESTS, data_digests, first_step_dir
from gencner.runlock import lock_file

PROVENANCE = "first_step.json"  # in the shared folder and in every run that started from it


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
        """Copies the shared step 1 into `run_dir` when there is a finished one trained on the run's data
        files; True when it did."""
        if len(finished_steps(self.folder)[0]) < 1 or data_digests(self.folder) != data_digests(run_dir):
            return False
        with atomic.folder(step_dir(run_dir, 1)) as tmp:
            shutil.copytree(self.step, tmp, dirs_exist_ok=True)
        atomic.write_json(run_dir / PROVENANCE, {"shared": str(self.folder), "trained_by": self.trained_by()})
        return True

    def publish(self, run_dir: Path) -> None:
        """Leaves `run_dir`'s finished step 1 for the next run of the family (once: a finished copy stays,
        also when this run did not reuse it because its data files differ)."""
        if len(finished_steps(self.folder)[0]) >= 1:
            return
        # first what the step came from: the step's presence says the folder is complete
        atomic.write_json(self.folder / PROVENANCE, {"trained_by": str(run_dir)})
        if (run_dir / DATA_DIGESTS).is_file():
            atomic.write_text(self.folder / DATA_DIGESTS, (run_dir / DATA_DIGESTS).read_text(encoding="utf-8"))
        with atomic.folder(self.step) as tmp:
            shutil.copytree(step_dir(run_dir, 1), tmp, dirs_exist_ok=True)


def shared_from(run_dir: Path) -> str | None:
    """The shared folder a run's step 1 was copied from, when it was."""
    path = Path(run_dir) / PROVENANCE
    record = read_json(path) if path.is_file() else None
    return str(record["shared"]) if isinstance(record, dict) and "shared" in record else None
