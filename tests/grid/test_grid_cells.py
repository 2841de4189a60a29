"""The grid's cells and the launchers' pieces that need no training: which cells a grid has and where
they live (the sequential experiment's folders), a cell crossing processes, the workers' shares of a
machine, the wait for a bound another process writes, and the errors a user gets."""

from __future__ import annotations

import sys
import threading
import time

import pytest
from grid_support import STREAM

from gencner.cli import main
from gencner.config import load_config, to_container
from gencner.errors import ConfigError, GencnerError
from gencner.experiment import run_config, upper_bound_config
from gencner.grid.cells import BOUND, RUN, Cell, grid_cells
from gencner.grid.execution import BoundBeside, BoundPending, finished_bound
from gencner.grid.local import ready, shares
from gencner.grid.progress import Board
from gencner.grid.slurm import executor
from gencner.run_identity import experiment_dir, experiment_run_dir, result_config, upper_bound_dir
from gencner.runlock import lock_owner, run_folder_lock


def configs(tmp_path, *extra: str, methods=("finetune", "gencner-keep-all")):
    return [load_config([*STREAM, f"output_dir={tmp_path}", f"method={m}", *extra]) for m in methods]


def test_bounds_come_first_once_each_and_every_cell_is_the_sequential_runs_folder(tmp_path):
    cfgs = configs(tmp_path)
    cells = grid_cells(cfgs, [0, 1], [1, 2])
    bounds, runs = [c for c in cells if c.kind == BOUND], [c for c in cells if c.kind == RUN]
    assert cells == [*bounds, *runs] and len(bounds) == 4 and len(runs) == 8  # both methods share a bound
    assert [c.folder for c in runs] == [experiment_run_dir(run_config(cfg, p, s)) for cfg in cfgs for p in (0, 1) for s in (1, 2)]
    expected_bounds = {upper_bound_dir(upper_bound_config(run_config(cfgs[0], p, s))) for p in (0, 1) for s in (1, 2)}
    assert {c.folder for c in bounds} == expected_bounds
    by_name = {c.name: c for c in cells}
    for run in runs:
        assert by_name[run.bound.name].folder == run.bound == upper_bound_dir(upper_bound_config(run.config))
        assert upper_bound_dir(by_name[run.bound.name].config) == run.bound  # the bound cell runs the bound itself
        assert run.config.logger.group == experiment_dir(run.config).name  # one W&B group per experiment
    assert len(by_name) == len(cells)
    without = grid_cells(cfgs, [0, 1], [1, 2], with_upper=False)
    assert [c.folder for c in without] == [c.folder for c in runs] and all(c.kind == RUN and c.bound is None for c in without)


def test_a_bound_run_itself_has_no_bound_cell(tmp_path):
    cells = grid_cells(configs(tmp_path, "setting=non-cl", methods=("finetune",)), [0], [1, 2])
    assert [c.kind for c in cells] == [RUN, RUN]


def test_the_launcher_changes_no_folder_and_no_result_key(tmp_path):
    sequential = grid_cells(configs(tmp_path), [0, 1], [1])
    parallel = grid_cells(configs(tmp_path, "launcher=parallel", "launcher.jobs=3", "launcher.cpus_per_job=2"), [0, 1], [1])
    slurm = grid_cells(configs(tmp_path, "launcher=slurm", "launcher.partition=gpu"), [0, 1], [1])
    assert [c.folder for c in parallel] == [c.folder for c in slurm] == [c.folder for c in sequential]
    for a, b in zip(sequential, parallel, strict=True):
        assert result_config(to_container(a.config)) == result_config(to_container(b.config))
        assert to_container(a.config) != to_container(b.config)  # the launcher is recorded, and left out


def test_a_run_is_handed_out_once_its_bound_has_started_not_once_it_has_finished(tmp_path):
    cells = grid_cells(configs(tmp_path, methods=("finetune",)), [0], [1])
    bound, run = cells
    board, by_name = Board(cells, "grid"), {c.name: c for c in cells}
    assert ready(bound, board, by_name) and not ready(run, board, by_name)  # a queued bound: the run would compute it
    board.running(bound, "worker 1")
    assert ready(run, board, by_name)  # it trains beside the bound, and waits for it only for its gap
    board.finished(bound)
    assert ready(run, board, by_name)


def test_a_cell_crosses_processes_as_json_unchanged_and_read_only(tmp_path):
    for cell in grid_cells(configs(tmp_path, "launcher=parallel", "trainer.extra={limit_train_batches: 3}"), [1], [2]):
        back = Cell.from_json(cell.to_json())
        assert to_container(back.config) == to_container(cell.config)
        assert back == Cell(cell.name, cell.kind, back.config, cell.folder, cell.bound)
        with pytest.raises(Exception, match="read-only"):
            back.config.seed = 3


def launcher(*extra: str):
    return load_config(["launcher=parallel", *extra]).launcher


def test_each_worker_gets_its_own_gpus_and_a_share_of_the_cores():
    gpus, cores = [str(i) for i in range(8)], list(range(32))
    eight = shares(launcher(), gpus, cores)
    assert [s.gpus for s in eight] == [[g] for g in gpus] and [s.cores for s in eight][:2] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert [s.gpus for s in shares(launcher("launcher.gpus_per_job=2"), gpus, cores)] == [["0", "1"], ["2", "3"], ["4", "5"], ["6", "7"]]
    assert [s.gpus for s in shares(launcher("launcher.jobs=3"), gpus, cores)] == [["0"], ["1"], ["2"]]
    with pytest.raises(ConfigError, match=r"launcher.jobs=3 workers × launcher.gpus_per_job=2 need 6 GPUs; this machine shows 4"):
        shares(launcher("launcher.jobs=3", "launcher.gpus_per_job=2"), gpus[:4], cores)
    # without GPUs: one worker per core, or the cores divided among launcher.jobs workers
    assert [s.cores for s in shares(launcher(), [], [0, 1])] == [[0], [1]] and all(not s.gpus for s in shares(launcher(), [], [0, 1]))
    assert [s.cores for s in shares(launcher("launcher.jobs=2"), [], list(range(6)))] == [[0, 1, 2], [3, 4, 5]]
    assert [s.cores for s in shares(launcher("launcher.cpus_per_job=2"), [], list(range(6)))] == [[0, 1], [2, 3], [4, 5]]
    assert [s.gpus for s in shares(launcher("launcher.gpus_per_job=0", "launcher.jobs=2"), gpus, cores)] == [[], []]


def test_a_run_waits_for_the_bound_another_process_writes_and_reads_it(tmp_path, capsys):
    run = run_config(configs(tmp_path, methods=("finetune",))[0], 0, 1)
    folder = upper_bound_dir(upper_bound_config(run))
    written = {}
    holding, release = threading.Event(), threading.Event()

    def other_process():
        with run_folder_lock(folder):
            holding.set()
            release.wait(10)
            (folder / "results.json").write_text('{"status": "complete", "macro_f1": [0.5]}')

    writer = threading.Thread(target=other_process)
    writer.start()
    holding.wait(10)
    assert lock_owner(folder)["pid"] > 0
    waiter = threading.Thread(target=lambda: written.update(finished_bound(upper_bound_config(run), folder, poll_s=0.05)))
    waiter.start()
    time.sleep(0.5)
    assert waiter.is_alive() and not written  # still waiting: it did not start a bound of its own
    release.set()
    writer.join()
    waiter.join(120)  # generous: a loaded CI machine can starve the waiter's polling thread for seconds
    assert not waiter.is_alive(), "the waiter did not see the bound the other process wrote"
    assert written == {"status": "complete", "macro_f1": [0.5]} and lock_owner(folder) is None
    err = " ".join(capsys.readouterr().err.split())
    assert f"waiting for the non-CL bound {folder}, being written by process" in err and f"reusing {folder}" in err


def test_a_worker_gives_back_a_trained_run_whose_bound_another_process_writes(tmp_path):
    run = run_config(configs(tmp_path, methods=("finetune",))[0], 0, 1)
    folder = upper_bound_dir(upper_bound_config(run))
    with run_folder_lock(folder):  # the bound's cell, computing it
        assert BoundBeside(run, folder, poll_s=0.05).now() is None
        with pytest.raises(BoundPending, match=f"trained; waits for its bound {folder.name}"):
            BoundBeside(run, folder, poll_s=0.05, give_back=True).wait()
    (folder / "results.json").write_text('{"status": "complete", "macro_f1": [0.5]}')
    for give_back in (True, False):  # finished: read, never given back
        expected = {"status": "complete", "macro_f1": [0.5]}
        assert BoundBeside(run, folder, 0.05, give_back).wait() == BoundBeside(run, folder, 0.05).now() == expected


def test_the_slurm_launcher_names_what_it_is_missing(tmp_path, monkeypatch):
    cfg = load_config(["launcher=slurm"])
    monkeypatch.setenv("PATH", str(tmp_path))  # no sbatch here
    with pytest.raises(ConfigError, match="sbatch is not on this machine's PATH; submit from a node of the cluster"):
        executor(cfg.launcher, tmp_path / "jobs")
    monkeypatch.setitem(sys.modules, "submitit", None)  # not installed
    with pytest.raises(ConfigError, match=r"submitit, which is not installed: pip install 'gencner\[slurm\]'"):
        executor(cfg.launcher, tmp_path / "jobs")


def test_submitit_refusing_a_parameter_is_one_configuration_error(tmp_path):
    cfg = load_config(["launcher=slurm", "launcher.cluster=local", "launcher.extra={slurm_colour: blue}"])
    with pytest.raises(ConfigError, match="launcher: submitit refuses a parameter: Unknown argument 'colour'"):
        executor(cfg.launcher, tmp_path / "jobs")


@pytest.mark.parametrize(
    "override, message",
    [
        ("launcher.jobs=2", "launcher.jobs=2 runs cells side by side: add launcher=parallel (or launcher=slurm)"),
        ("launcher.jobs=0", None),
        ("launcher=cluster", "unknown launcher 'cluster'; valid choices: parallel, sequential, slurm"),
    ],
)
def test_launcher_mistakes_stop_before_anything_runs(tmp_path, capsys, override, message):
    extra = ["launcher=parallel"] if override == "launcher.jobs=0" else []
    assert main(["experiment", *extra, override, f"output_dir={tmp_path}"]) == 2
    err = capsys.readouterr().err
    assert (message or "launcher.jobs=0 must be ≥ 1, or null") in err
    assert not any(tmp_path.iterdir())


def test_another_rank_of_a_ddp_run_trains_the_bound_with_rank_0_instead_of_waiting_for_its_lock(tmp_path, monkeypatch):
    run = run_config(configs(tmp_path, methods=("finetune",))[0], 0, 1)
    bound = upper_bound_config(run)
    folder = upper_bound_dir(bound)
    called = []
    monkeypatch.setattr("gencner.grid.execution.bound_results", lambda cfg, where: called.append(where) or {"status": "complete"})
    monkeypatch.setenv("LOCAL_RANK", "1")  # as Lightning's ddp launcher starts the other ranks
    with run_folder_lock(folder):  # rank 0, training the bound
        assert finished_bound(bound, folder, poll_s=0.05) == {"status": "complete"} and called == [folder]


def test_a_run_finished_without_its_cells_bound_is_not_finished_for_the_grid(tmp_path):
    from gencner.grid.cells import cell_results

    bound, run = grid_cells(configs(tmp_path, methods=("finetune",)), [0], [1])
    run.folder.mkdir(parents=True)
    results = run.folder / "results.json"
    results.write_text('{"status": "complete", "macro_f1": [0.5]}')  # finished with --no-upper
    assert cell_results(run) is None and cell_results(Cell(run.name, RUN, run.config, run.folder)) is not None
    results.write_text('{"status": "complete", "upper_bound": {"run": "elsewhere/_upper/another-bound"}}')
    assert cell_results(run) is None  # compared with another bound (setting.upper_bound changed)
    results.write_text(f'{{"status": "complete", "upper_bound": {{"run": "moved/{bound.folder.name}"}}}}')
    assert cell_results(run) is not None  # this bound, wherever its folder was when it was read


def test_a_cell_written_by_an_earlier_version_is_refused_not_run_with_a_wrong_configuration(tmp_path):
    bound, run = grid_cells(configs(tmp_path, methods=("finetune",)), [0], [1])
    old = run.to_json() | {"with_upper": True, "bound": bound.name}
    with pytest.raises(GencnerError, match="written by an earlier version of gencner; run the grid's command again"):
        Cell.from_json(old)
