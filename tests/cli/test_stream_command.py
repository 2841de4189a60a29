"""`gencner stream` as a user runs it: JSON on stdout, tables on stderr, one-line errors with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gencner.config import load_config
from gencner.data.corpus import load_corpus
from gencner.data.readers import write_conll
from gencner.data.schema import Sentence, Span
from gencner.data.stream_config import stream_from_config
from gencner.data.summary import stream_summary

SMALL = ["dataset.synthetic.train=600", "dataset.synthetic.dev=120", "dataset.synthetic.test=120"]
STEP_KEYS = {"step", "new_types", "seen_types", "train_sentences", "dev_sentences", "test_sentences", "train_entities", "test_entities"}
SCRIPT = Path(sys.executable).parent / "gencner"
SANITY_SECONDS = 20


def run_cli(args, entry="module", cwd=None):
    """Run the command as a subprocess; returns (completed process, seconds)."""
    command = [sys.executable, "-m", "gencner"] if entry == "module" else [str(SCRIPT)]
    env = {k: v for k, v in os.environ.items() if k != "GENCNER_CONF"}
    env["COLUMNS"] = "120"
    start = time.perf_counter()
    done = subprocess.run([*command, "stream", *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd, timeout=60)
    return done, time.perf_counter() - start


def in_process(overrides):
    cfg = load_config(overrides)
    corpus = load_corpus(cfg.dataset)
    stream = stream_from_config(cfg, corpus)
    return stream, json.loads(json.dumps(stream_summary(stream, corpus.report)))


def assert_stream_json(summary, stream):
    assert {"dataset", "setting", "permutation", "steps", "reader"} <= set(summary)
    assert summary["dataset"] == stream.dataset and summary["setting"] == stream.setting
    assert summary["permutation"] == [list(types) for _, types in stream.tasks]
    assert len(summary["steps"]) == len(stream.steps)
    for row, step in zip(summary["steps"], stream.steps, strict=True):
        assert STEP_KEYS <= set(row)
        assert row["step"] == step.step
        assert row["new_types"] == list(step.new_types) and row["seen_types"] == list(step.seen_types)
        assert row["train_sentences"] == len(step.train) and row["dev_sentences"] == len(step.dev)
        headline = next(iter(step.tests.values()))
        assert row["test_sentences"] == len(headline)
        assert sum(row["train_entities"].values()) == sum(len(s.spans) for s in step.train)
        assert sum(row["test_entities"].values()) == sum(len(s.spans) for s in headline)


def assert_user_error(done, *fragments):
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("gencner stream: error: ")
    assert "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize("entry", ["module", "script"])
@pytest.mark.parametrize("setting", ["split-all", "filter-filter"])
def test_synthetic_stream_prints_json_that_matches_the_in_process_stream(tmp_path, entry, setting):
    overrides = ["dataset=synthetic", f"setting={setting}", *SMALL]
    # run from an unrelated folder: the packaged defaults must still be found
    done, seconds = run_cli(overrides, entry, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert seconds < SANITY_SECONDS
    summary = json.loads(done.stdout)
    stream, expected = in_process(overrides)
    assert summary == expected
    assert_stream_json(summary, stream)
    assert summary["permutation"] == [["ORG"], ["PERSON"], ["GPE"], ["DATE"], ["CARDINAL"], ["NORP"]]
    assert summary["reader"]["sentences"] == {"train": 600, "dev": 120, "test": 120}
    # the table goes to stderr only
    assert f"synthetic · {setting} · permutation 0" in done.stderr


def test_synthetic_stream_numbers_are_those_of_the_setting():
    split, _ = run_cli(["setting=split-all", *SMALL])
    filt, _ = run_cli(["setting=filter-filter", *SMALL])
    split_steps = json.loads(split.stdout)["steps"]
    filter_steps = json.loads(filt.stdout)["steps"]
    assert sum(s["train_sentences"] for s in split_steps) == 600
    assert [s["test_sentences"] for s in split_steps] == [120] * 6
    assert [s["tests"]["all"]["sentences"] for s in split_steps] == [120] * 6
    assert sum(s["train_sentences"] for s in filter_steps) > 600
    test_sizes = [s["test_sentences"] for s in filter_steps]
    assert test_sizes == sorted(test_sizes) and test_sizes[-1] < 120
    assert list(filter_steps[0]["tests"]) == ["filter"]


def test_overrides_after_an_option_are_taken_like_the_others(tmp_path):
    done, _ = run_cli(["permutation=2", "--conf", str(tmp_path), "setting=filter-filter", *SMALL])
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["setting"] == "filter-filter" and summary["permutation"][0] == ["GPE"]
    stray, _ = run_cli(["setting=split-all", "--conf", str(tmp_path), "oops", *SMALL])
    assert stray.returncode == 2 and "unrecognized arguments: oops" in stray.stderr


def test_permutation_gives_the_stream_order():
    done, _ = run_cli(["permutation=2", *SMALL])
    summary = json.loads(done.stdout)
    assert summary["permutation"] == [["GPE"], ["CARDINAL"], ["ORG"], ["NORP"], ["DATE"], ["PERSON"]]
    assert [s["new_types"] for s in summary["steps"]] == summary["permutation"]
    assert summary["steps"][2]["seen_types"] == ["GPE", "CARDINAL", "ORG"]


CONLL_SPLITS = {
    "train": [
        Sentence(("Ann", "Lee", "met", "Bob", "in", "Rome"), (Span(0, 2, "PER"), Span(3, 4, "PER"), Span(5, 6, "LOC"))),
        Sentence(("IBM", "hired", "Sue"), (Span(0, 1, "ORG"), Span(2, 3, "PER"))),
        Sentence(("the", "Euro", "Cup"), (Span(1, 3, "MISC"),)),
        Sentence(("rain", "today"), ()),
        Sentence(("Oslo", "and", "Acme", "Corp"), (Span(0, 1, "LOC"), Span(2, 4, "ORG"))),
    ],
    "dev": [Sentence(("Tom", "in", "Paris"), (Span(0, 1, "PER"), Span(2, 3, "LOC")))],
    "test": [
        Sentence(("Kim", "left", "Bonn"), (Span(0, 1, "PER"), Span(2, 3, "LOC"))),
        Sentence(("UN", "staff"), (Span(0, 1, "ORG"),)),
    ],
}


def conll_overrides(folder, scheme):
    for split, sentences in CONLL_SPLITS.items():
        write_conll(folder / f"{split}.txt", sentences, scheme)
    return [
        "dataset=conll",
        f"dataset.train={folder / 'train.txt'}",
        f"dataset.dev={folder / 'dev.txt'}",
        f"dataset.test={folder / 'test.txt'}",
        "dataset.tasks=[[PER],[LOC,ORG]]",
        f"dataset.tagging={scheme}",
    ]


@pytest.mark.parametrize("scheme", ["bio", "io", "bioes"])
def test_conll_files_give_the_same_stream_as_in_process(tmp_path, scheme):
    overrides = conll_overrides(tmp_path, scheme)
    done, seconds = run_cli(overrides, "script")
    assert done.returncode == 0, done.stderr
    assert seconds < SANITY_SECONDS
    summary = json.loads(done.stdout)
    stream, expected = in_process(overrides)
    assert summary == expected
    assert_stream_json(summary, stream)
    assert summary["dataset"] == "conll"
    assert summary["permutation"] == [["PER"], ["LOC", "ORG"]]
    assert summary["reader"]["entities"]["train"] == {"LOC": 2, "ORG": 2, "PER": 3}
    assert summary["reader"]["drops"] == {"entity of type MISC (not in the dataset's tasks; removed everywhere)": 1}
    # Split of 5 sentences into 2 tasks: 2 and 3
    assert [s["train_sentences"] for s in summary["steps"]] == [2, 3]
    assert [s["test_entities"] for s in summary["steps"]] == [{"PER": 1}, {"LOC": 1, "ORG": 1, "PER": 1}]


def test_conll_filter_filter_stream(tmp_path):
    done, _ = run_cli([*conll_overrides(tmp_path, "bio"), "setting=filter-filter"])
    steps = json.loads(done.stdout)["steps"]
    assert [s["train_sentences"] for s in steps] == [2, 3]
    assert [s["train_entities"] for s in steps] == [{"PER": 3}, {"LOC": 2, "ORG": 2}]
    assert [s["test_sentences"] for s in steps] == [1, 2]


@pytest.mark.parametrize(
    "override, fragment",
    [
        ("setting=nope", "unknown setting 'nope'; valid choices: filter-all"),
        ("setting", "override 'setting' is not of the form key=value"),
        ("dataset.foo=1", "unknown key 'dataset.foo'; valid keys under dataset:"),
        ("permutation=9", "permutation=9 is out of range"),
        ("trainer.batch_size=abc", "bad value for 'trainer.batch_size'"),
    ],
)
def test_a_bad_override_is_one_line_and_exit_code_2(override, fragment):
    done, _ = run_cli([override])
    assert_user_error(done, fragment)


def test_a_bad_override_through_the_console_script():
    done, _ = run_cli(["setting.train=x"], "script")
    assert_user_error(done, "setting.train='x' is not valid; choose one of: split, filter, all")


def test_a_negative_synthetic_size_is_a_one_line_error():
    done, _ = run_cli(["dataset.synthetic.train=-5"])
    assert_user_error(done, "dataset.synthetic")


def test_a_malformed_data_file_names_file_and_line(tmp_path):
    overrides = conll_overrides(tmp_path, "bio")
    train = tmp_path / "train.txt"
    lines = train.read_text(encoding="utf-8").splitlines()
    assert lines[7] == "IBM\tB-ORG"
    lines[7] = "IBM\tB_ORG"
    train.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done, _ = run_cli(overrides)
    assert_user_error(done, f"{train}:8:", "'B_ORG'")


def test_a_missing_data_file_names_the_key(tmp_path):
    overrides = conll_overrides(tmp_path, "bio")
    (tmp_path / "test.txt").unlink()
    done, _ = run_cli(overrides)
    assert_user_error(done, "dataset.test:", "test.txt does not exist")


def test_an_out_of_range_task_id_is_a_one_line_error(tmp_path):
    for split in ("train", "dev", "test"):
        records = [{"text": "Ann sang", "ent_dct": {"PER": [[0, 1]]}, "task_id": 0} for _ in range(3)]
        (tmp_path / f"{split}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    records[1]["task_id"] = 4
    (tmp_path / "train_task.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    done, _ = run_cli(["dataset=conll", "dataset.format=spankl", f"dataset.path={tmp_path}", "dataset.tasks=[[PER],[LOC]]"])
    assert_user_error(done, "train_task.jsonl:2", "task_id 4 is outside 0..1")


@pytest.mark.parametrize("command", [["config"], ["stream", *SMALL], ["--help"]])
def test_the_commands_that_train_nothing_do_not_import_torch(command):
    """Printing a configuration or a stream answers in about a second: neither loads torch (5 s here)."""
    code = (
        "import sys\nfrom gencner.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('torch' in sys.modules, file=sys.stderr)"
    )
    env = {k: v for k, v in os.environ.items() if k != "GENCNER_CONF"}
    done = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True, env=env, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "False", done.stderr[-500:]
