"""The command-line contract for a wrong configuration, checked on the installed `gencner` script: exit
code 2, nothing on stdout, exactly one line on stderr that names the problem and what is valid, and no
traceback. (tests/cli/test_config.py checks the messages of load_config itself.)"""

from __future__ import annotations

import dataclasses
import errno
import os
from pathlib import Path

import pytest
from reliability_support import (
    FULL_DEVICE,
    SMALL_DATA,
    TINY,
    assert_ends_with_error,
    assert_one_line_error,
    run_cli,
    run_cli_onto_full_device,
)

from gencner.config.schema import TrainerConfig

TRAINER_KEYS = ", ".join(sorted(f.name for f in dataclasses.fields(TrainerConfig)))

CASES = [
    # (command and arguments, fragments the one line must hold)
    (["stream", "trainer.learning_rate=1"], ["unknown key 'trainer.learning_rate'", f"valid keys under trainer: {TRAINER_KEYS}"]),
    (["train", "seed=abc"], ["bad value for 'seed'", "Value 'abc'", "Integer"]),
    (["stream", "dataset=imdb"], ["unknown dataset 'imdb'", "valid choices: conll, few-nerd, ontonotes, synthetic, synthetic-noisy"]),
    (
        ["train", "setting=split-al"],
        ["unknown setting 'split-al'", "valid choices: filter-all, filter-filter, non-cl, offline, split-all, split-filter"],
    ),
    (
        ["experiment", "method=ewc"],
        [
            "unknown method 'ewc'",
            "valid choices: addner, extendner, finetune, gencner, gencner-distill-below, gencner-distill-below-no-eos, "
            "gencner-keep-all, gencner-teacher-pass, kd-only, pseudo-only, spankl, spankl-finetune, tagger-finetune",
        ],
    ),
    (
        ["train", "method=gencner-teacher-pass", "method.kd_positions=all"],
        ["method.below_threshold=teacher-pass needs method.family=pointer and method.kd_positions=pseudo", "got pointer, all"],
    ),
    (["train", "permutation=7"], ["permutation=7 is out of range", "permutations 0..5"]),
    (
        ["stream", "dataset.permutations=[[0,1,9,3,4,5]]"],
        ["dataset.permutations[0]=[0, 1, 9, 3, 4, 5]", "not an order of the 6 tasks (0..5)"],
    ),
    (["experiment", "--perms", "9"], ["--perms 9 is out of range", "permutations 0..5"]),
    (["stream", "--conf", "/nonexistent/conf"], ["--conf /nonexistent/conf: no such folder"]),
    # malformed nested values: a YAML ParserError and a TypeError from OmegaConf's merge were tracebacks
    (["train", "dataset.tasks=[[PER],[LOC"], ["cannot parse the override 'dataset.tasks=[[PER],[LOC'", "expected ',' or ']'"]),
    (["stream", "dataset.tasks={a: 1}"], ["command line: 'dataset.tasks' takes a list [...], got a mapping {...}"]),
    (["config", "trainer.extra=[1,2]"], ["command line: 'trainer.extra' takes a mapping {...}, got a list [...]"]),
]
MISSING_FILES = [
    (
        ["dataset=conll", "dataset.format=spankl", "dataset.path={missing}", "dataset.tasks=[[A]]"],
        ["dataset.train: {missing}/train.jsonl does not exist", "set dataset.train= or dataset.path="],
    ),
    (["dataset=ontonotes", "dataset.format=conll2012", "dataset.path={missing}"], ["dataset.train: {missing}/train does not exist"]),
    (["dataset=few-nerd", "dataset.source={missing}/few-nerd"], ["dataset.source={missing}/few-nerd: no such file or folder"]),
]


@pytest.mark.parametrize("args, fragments", CASES, ids=[" ".join(a) for a, _ in CASES])
def test_a_wrong_configuration_is_one_line_on_stderr_and_exit_code_2(tmp_path, args, fragments):
    # an empty working folder: the repository's conf/ must be found from anywhere, and nothing is written
    done = run_cli(*args, cwd=tmp_path)
    assert_one_line_error(done.returncode, done.stdout, done.stderr, args[0], fragments)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, fragments", MISSING_FILES, ids=[a[0] + " " + a[1] for a, _ in MISSING_FILES])
def test_a_missing_data_file_is_one_line_on_stderr_and_exit_code_2(tmp_path, args, fragments):
    missing = tmp_path / "absent"
    done = run_cli("stream", *(a.format(missing=missing) for a in args), cwd=tmp_path)
    assert_one_line_error(done.returncode, done.stdout, done.stderr, "stream", [f.format(missing=missing) for f in fragments])


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["report", "{folder}"], ["{folder} has no results.json"]),
        (["predict", "--model", "{folder}", "--input", "{folder}/input.txt"], ["{folder} is not a complete saved gencner model"]),
    ],
    ids=["report", "predict"],
)
def test_a_folder_that_holds_no_results_or_no_model_is_exit_code_2(tmp_path, args, fragments):
    (tmp_path / "input.txt").write_text("Paris\n", encoding="utf-8")
    done = run_cli(*(a.format(folder=tmp_path) for a in args))
    assert_one_line_error(done.returncode, done.stdout, done.stderr, args[0], [f.format(folder=tmp_path) for f in fragments])


@pytest.mark.parametrize("command", ["train", "experiment"])
def test_an_output_dir_that_is_a_file_is_one_line_and_exit_code_2(tmp_path, capsys, command):
    from gencner.cli import main

    taken = tmp_path / "runs"
    taken.write_text("not a folder\n", encoding="utf-8")
    code = main([command, *TINY, "logger=none", "name=run", f"output_dir={taken}"])
    assert_ends_with_error(code, capsys.readouterr().err, command, [f"{taken}/", "Not a directory"])
    assert taken.read_text(encoding="utf-8") == "not a folder\n"


@pytest.fixture
def conf_with_unreadable_group(tmp_path, monkeypatch) -> Path:
    """A --conf folder whose model/ cannot be read: faked (root reads every folder) by making listing it,
    and looking at anything inside it, fail as the system does for a folder without permissions."""
    conf = tmp_path / "conf"
    denied = conf / "model"
    denied.mkdir(parents=True)
    iterdir, stat = Path.iterdir, Path.stat

    def refused(path: Path) -> PermissionError:
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    def listing(self):
        if self == denied:
            raise refused(self)
        return iterdir(self)

    def status(self, **kwargs):
        if denied in self.parents:
            raise refused(self)
        return stat(self, **kwargs)

    monkeypatch.setattr(Path, "iterdir", listing)
    monkeypatch.setattr(Path, "stat", status)
    return conf


@pytest.mark.parametrize("args", [["--help"], ["stream", "--help"]], ids=["gencner", "stream"])
def test_help_lists_the_groups_it_can_read_and_names_an_unreadable_one(conf_with_unreadable_group, monkeypatch, capsys, args):
    from gencner.cli import main

    monkeypatch.setenv("GENCNER_CONF", str(conf_with_unreadable_group))
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 0
    listed = " ".join(capsys.readouterr().out.split())
    assert f"model (cannot list {conf_with_unreadable_group / 'model'}: Permission denied)" in listed
    assert "setting filter-all, filter-filter, non-cl, offline, split-all, split-filter" in listed


def test_a_command_needing_an_unreadable_group_is_one_line_and_exit_code_2(conf_with_unreadable_group, capsys):
    from gencner.cli import main

    code = main(["stream", "--conf", str(conf_with_unreadable_group)])
    captured = capsys.readouterr()
    folder = conf_with_unreadable_group / "model"
    assert_one_line_error(code, captured.out, captured.err, "stream", [f"{folder}/", "Permission denied"])


@pytest.mark.skipif(not FULL_DEVICE.exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["config"], ["stream", *SMALL_DATA]], ids=["config", "stream"])
def test_stdout_on_a_full_device_is_one_line_and_exit_code_2(tmp_path, args):
    done = run_cli_onto_full_device(*args, cwd=tmp_path)
    assert "Exception ignored" not in done.stderr, done.stderr
    assert_ends_with_error(done.returncode, done.stderr, args[0], ["No space left on device"])
