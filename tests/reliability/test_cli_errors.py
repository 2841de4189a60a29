"""The command-line contract for a wrong configuration, checked on the installed `gencner` script: exit
code 2, nothing on stdout, exactly one line on stderr that names the problem and what is valid, and no
traceback. (tests/cli/test_config.py checks the messages of load_config itself.)"""

from __future__ import annotations

import dataclasses

import pytest
from reliability_support import TINY, assert_ends_with_error, assert_one_line_error, run_cli

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
