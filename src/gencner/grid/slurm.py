"""The slurm launcher: one job per cell, submitted as job arrays through submitit (its AutoExecutor:
sbatch on a SLURM cluster, or with launcher.cluster=local a process per cell on this machine). The
bounds go first, in an array of their own that the runs' array depends on (afterany: a run whose bound
failed computes it itself); each job runs execution.run_job. Which job runs which cell is kept in
<grid>/jobs.json, so that a rerun does not submit again a cell whose job is still queued or running."""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from pathlib import Path

from gencner import stopping
from gencner.atomic import write_json
from gencner.config.schema import LauncherConfig
from gencner.errors import ConfigError
from gencner.grid.cells import BOUND, RUN, Cell, cell_results
from gencner.grid.execution import run_job
from gencner.grid.progress import QUEUED, RUNNING, Board
from gencner.jsonfile import read_json

# SLURM's states of a job that has not ended
ACTIVE = ("PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "REQUEUED", "RESIZING", "SUSPENDED")


def executor(launcher: LauncherConfig, folder: Path):
    """submitit's AutoExecutor with the launcher's resources, or one clear error."""
    try:
        import submitit
    except ImportError:
        raise ConfigError("launcher=slurm submits through submitit, which is not installed: pip install 'gencner[slurm]'") from None
    if launcher.cluster == "slurm" and shutil.which("sbatch") is None:
        raise ConfigError(
            "launcher=slurm: sbatch is not on this machine's PATH; submit from a node of the cluster "
            "(launcher.cluster=local runs every cell as a process on this machine instead, to try it)"
        )
    ex = submitit.AutoExecutor(folder=folder, cluster=launcher.cluster)
    parameters = {
        "name": "gencner",
        "nodes": 1,
        "tasks_per_node": 1,
        "timeout_min": launcher.time_min,
        "gpus_per_node": launcher.gpus_per_job,
        "cpus_per_task": launcher.cpus_per_job,
        "mem_gb": launcher.mem_gb,
        "slurm_partition": launcher.partition,
        "slurm_array_parallelism": launcher.jobs,
        **launcher.extra,
    }
    try:
        ex.update_parameters(**parameters)
    except (NameError, ValueError, TypeError, AssertionError) as exc:
        raise ConfigError(f"launcher: submitit refuses a parameter: {str(exc).splitlines()[0]}") from None
    return ex


def job_of(launcher: LauncherConfig, folder: Path, job_id: str):
    """A job submitted earlier, as submitit sees it now."""
    import submitit

    if launcher.cluster == "slurm":
        return submitit.SlurmJob(folder=folder, job_id=job_id)
    return submitit.LocalJob(folder=folder, job_id=job_id)


def still_active(launcher: LauncherConfig, folder: Path, job_id: str) -> bool:
    """Whether a job submitted earlier is queued or running. A local job cannot be asked about from
    another process: it is taken as ended (its cell, if unfinished, is submitted again)."""
    if launcher.cluster != "slurm":
        return False
    return job_of(launcher, folder, job_id).state.upper() in ACTIVE


def submit(cells: Sequence[Cell], launcher: LauncherConfig, grid: Path, board: Board) -> dict[str, object]:
    """Submits the queued cells of `board` whose earlier job (if any) has ended: the bounds' array,
    then the runs' array depending on it. Returns the jobs of the grid's unfinished cells by cell name,
    those submitted earlier and still active included."""
    folder = Path(launcher.folder) if launcher.folder else grid / "submitit"
    ex = executor(launcher, folder)
    record_file = grid / "jobs.json"
    record: dict[str, str] = read_json(record_file) if record_file.is_file() else {}
    queued = [cell for cell in cells if board.state(cell) == QUEUED]
    earlier = [c for c in queued if c.name in record and still_active(launcher, folder, record[c.name])]
    jobs = {c.name: job_of(launcher, folder, record[c.name]) for c in earlier}
    threads = launcher.cpus_per_job
    bound_ids: set[str] = {jobs[c.name].job_id.split("_")[0] for c in queued if c.kind == BOUND and c.name in jobs}
    for kind in (BOUND, RUN):
        todo = [c for c in queued if c.kind == kind and c.name not in jobs]
        if not todo:
            continue
        if kind == RUN and bound_ids and launcher.cluster == "slurm":
            ex.update_parameters(slurm_dependency="afterany:" + ":".join(sorted(bound_ids)))
        submitted = ex.map_array(run_job, [c.to_json() for c in todo], [launcher.poll_s] * len(todo), [threads] * len(todo))
        for cell, job in zip(todo, submitted, strict=True):
            jobs[cell.name] = job
            record[cell.name] = job.job_id
            if kind == BOUND:
                bound_ids.add(job.job_id.split("_")[0])
        write_json(record_file, record)  # after each array: a failed second submission keeps the first's ids
    return jobs


def why_failed(job) -> str:
    """The last line of a failed job's error (its traceback is in the job's log)."""
    try:
        error = job.exception()
    except Exception as exc:  # submitit could not read the job's result at all
        return f"{type(exc).__name__}: {exc}"
    lines = [line for line in str(error or "the job ended without its cell finishing").splitlines() if line.strip()]
    return lines[-1].strip() if lines else "failed"


def wait_for(jobs: dict[str, object], cells: Sequence[Cell], board: Board, poll_s: float) -> None:
    """Follows the jobs until each has ended, recording their cells' states on `board`."""
    pending = {cell.name: cell for cell in cells if cell.name in jobs}
    while pending:
        for name, cell in list(pending.items()):
            job = jobs[name]
            if job.done():
                del pending[name]
                if cell_results(cell) is not None:
                    board.finished(cell)
                else:
                    board.failed(cell, why_failed(job), Path(job.paths.stderr))
            elif board.state(cell) != RUNNING and job.state.upper() == "RUNNING":
                board.running(cell, f"job {job.job_id}", Path(job.paths.stderr))
        if pending:
            stopping.stop_if_requested()  # the jobs go on: the same command with --collect merges them
            time.sleep(poll_s)
