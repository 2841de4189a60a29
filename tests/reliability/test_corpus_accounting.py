"""From files to a corpus, nothing is lost silently: through `load_corpus` with a dataset definition,
every gold span of a generated file is kept, or counted as a duplicate, as a type outside the definition,
or (flat data) as an overlap; empty sentences are dropped and counted. A split without sentences, or a
task type without gold in the training or test data, is refused with one line naming the file. A task
left without training sentences is a warning in `gencner stream` and a ConfigError naming the step in
the runner, before any step trains."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reader_strategies import TYPE_NAMES, fuzz, words
from reliability_support import TINY, assert_ends_with_error, assert_one_line_error, run_cli

from gencner.config import load_config
from gencner.data.corpus import REPAIR_FLAT_OVERLAP, load_corpus
from gencner.data.readers import DROP_EMPTY, REPAIR_DUPLICATE, write_conll, write_spankl
from gencner.data.schema import Sentence, Span, entity_counts
from gencner.errors import ConfigError

KNOWN = ("PER", "ORG", "GPE")
RENAMED = {"X_1": "PER"}  # dataset.type_map: a label renamed into a known type while reading
SPLITS = ("train", "dev", "test")
UNKNOWN_TYPE = "not in the dataset's tasks; removed everywhere"


@pytest.fixture(scope="module")
def spankl_dataset(tmp_path_factory):
    """Three fixed file paths (rewritten by every example) and a config per value of dataset.flat."""
    folder = tmp_path_factory.mktemp("corpus")
    paths = {split: folder / f"{split}.jsonl" for split in SPLITS}
    configs = {
        flat: load_config(
            [
                "dataset=conll",
                "dataset.format=spankl",
                *(f"dataset.{s}={p}" for s, p in paths.items()),
                "dataset.tasks=[[PER],[ORG,GPE]]",
                "dataset.type_map={X_1: PER}",
                f"dataset.flat={flat}",
            ]
        )
        for flat in (True, False)
    }
    return paths, configs


@st.composite
def spankl_sentences(draw) -> Sentence:
    """Any spans: overlapping, nested, repeated, of types in and out of the definition; sometimes no words."""
    tokens = draw(st.lists(words(forbidden=" "), max_size=7))
    spans = []
    if tokens:
        for _ in range(draw(st.integers(0, 5))):
            start = draw(st.integers(0, len(tokens) - 1))
            end = draw(st.integers(start + 1, len(tokens)))
            spans.append(Span(start, end, draw(st.sampled_from([*KNOWN, *TYPE_NAMES]))))
    return Sentence(tuple(tokens), tuple(spans))


def renamed(spans) -> list[Span]:
    return [Span(s.start, s.end, RENAMED.get(s.type, s.type)) for s in spans]


@pytest.mark.parametrize("flat", [True, False], ids=["flat", "nested"])
@fuzz(30)
@given(splits=st.fixed_dictionaries({split: st.lists(spankl_sentences(), max_size=5) for split in SPLITS}))
def test_every_gold_span_is_kept_or_counted(spankl_dataset, flat, splits):
    paths, configs = spankl_dataset
    for split, sentences in splits.items():
        write_spankl(paths[split], sentences)
    corpus = load_corpus(configs[flat].dataset)
    report = corpus.report

    totals = {"duplicates": 0, "unknown": 0, "overlaps": 0, "empty": 0}
    for split, written in splits.items():
        kept_sentences = [s for s in written if s.tokens]
        totals["empty"] += len(written) - len(kept_sentences)
        read = corpus.split(split)
        assert [s.tokens for s in read] == [s.tokens for s in kept_sentences]
        for original, sentence in zip(kept_sentences, read):
            unique = set(original.spans)
            known_all = [s for s in renamed(unique) if s.type in KNOWN]
            known = list(dict.fromkeys(known_all))  # a rename can make two labels one: counted as a duplicate
            totals["duplicates"] += len(original.spans) - len(unique) + len(known_all) - len(known)
            totals["unknown"] += len(unique) - len(known_all)
            kept = list(sentence.spans)
            assert all(span.type in KNOWN for span in kept)
            assert all(span in known for span in kept)
            if flat:
                assert not any(a.overlaps(b) for i, a in enumerate(kept) for b in kept[i + 1 :])
                # the repair removes only what overlaps something it keeps
                assert all(any(s.overlaps(k) for k in kept) for s in known if s not in kept)
            else:
                assert sorted(kept) == sorted(known)
            totals["overlaps"] += len(known) - len(kept)
        assert report.sentences[split] == len(read)
        assert report.entities[split] == entity_counts(read)

    assert report.repairs.get(REPAIR_DUPLICATE, 0) == totals["duplicates"]
    assert sum(n for reason, n in report.drops.items() if UNKNOWN_TYPE in reason) == totals["unknown"]
    assert report.repairs.get(REPAIR_FLAT_OVERLAP, 0) == totals["overlaps"]
    assert report.drops.get(DROP_EMPTY, 0) == totals["empty"]
    if not flat:
        assert totals["overlaps"] == 0


# ---- a task without training sentences --------------------------------------------------------------

TRAIN = [
    Sentence(("Ann", "Lee", "met", "Bob"), (Span(0, 2, "PER"), Span(3, 4, "PER"))),
    Sentence(("Sue", "slept"), (Span(0, 1, "PER"),)),
    Sentence(("rain", "today"), ()),
    Sentence(("Tom", "and", "Kim", "left"), (Span(0, 1, "PER"), Span(2, 3, "PER"))),
]
DEV = [Sentence(("Tom", "in", "Paris"), (Span(0, 1, "PER"), Span(2, 3, "LOC")))]
TEST = [Sentence(("Kim", "left", "Bonn"), (Span(0, 1, "PER"), Span(2, 3, "LOC")))]
ONE_TRAINING_SENTENCE = [Sentence(("Ann", "left", "Rome"), (Span(0, 1, "PER"), Span(2, 3, "LOC")))]


def conll_files(folder: Path, train=TRAIN, dev=DEV, test=TEST) -> list[str]:
    """Conll files of the three splits and the overrides that read them as tasks [PER], [LOC]."""
    for split, sentences in (("train", train), ("dev", dev), ("test", test)):
        write_conll(folder / f"{split}.txt", sentences)
    return ["dataset=conll", *(f"dataset.{s}={folder / (s + '.txt')}" for s in SPLITS), "dataset.tasks=[[PER],[LOC]]"]


def empty_second_step(folder: Path) -> list[str]:
    """One training sentence for two tasks, LOC's first: Split gives PER's chunk (step 2) nothing."""
    return [*conll_files(folder, train=ONE_TRAINING_SENTENCE), "setting=split-all", "dataset.permutations=[[1,0]]"]


def test_stream_warns_about_a_task_without_training_sentences(tmp_path):
    done = run_cli("stream", *empty_second_step(tmp_path))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert [s["train_sentences"] for s in summary["steps"]] == [1, 0]
    assert summary["warnings"] == ["step 2 has no training sentence"]
    assert "warning: step 2 has no training sentence" in done.stderr


def test_the_runner_names_the_step_without_training_sentences_before_training_any(tmp_path):
    from gencner.runner import Runner

    overrides = [
        *TINY,
        *empty_second_step(tmp_path),
        "trainer.max_epochs=1",
        "logger=none",
        "trainer.progress=false",
        f"output_dir={tmp_path / 'runs'}",
    ]
    run_dir = tmp_path / "runs" / "run"
    with pytest.raises(ConfigError) as caught:
        Runner(load_config(overrides), run_dir).run()
    assert str(caught.value) == "step 2 (PER) has no training sentence in split-all"
    assert not (run_dir / "steps").exists()  # step 1 was not trained only to fail at step 2


def train(overrides: list[str], runs: Path) -> int:
    """`gencner train` in this process, with the default model (pretrained before step 1)."""
    from gencner.cli import main

    return main(["train", *overrides, "logger=none", "trainer.progress=false", f"output_dir={runs}", "name=run"])


def test_no_training_sentence_at_all_stops_before_the_default_model_is_pretrained(tmp_path, capsys):
    """The default model denoises on the training sentences first: with none, that divided by zero."""
    runs = tmp_path / "runs"
    code = train(conll_files(tmp_path, train=[]), runs)
    assert load_config([]).model.denoise_epochs > 0  # the default model, which is pretrained before step 1
    assert_ends_with_error(code, capsys.readouterr().err, "train", [f"{tmp_path / 'train.txt'}: the train split holds no sentence"])
    assert not (runs / "_pretrained").exists() and not (runs / "run" / "steps").exists()


# ---- a split or a type that cannot be what the user meant ---------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\n \n\t\n", b"\r\r\r\r"], ids=["empty", "blank", "cr-only"])
def test_an_empty_test_file_is_refused_with_its_path(tmp_path, capsys, content):
    # every type scored F1 = 1 (no gold, no prediction): 100.00 everywhere, exit code 0
    overrides = conll_files(tmp_path)
    (tmp_path / "test.txt").write_bytes(content)
    runs = tmp_path / "runs"
    code = train(overrides, runs)
    message = f"{tmp_path / 'test.txt'}: the test split holds no sentence (an empty or blank file?)"
    assert_ends_with_error(code, capsys.readouterr().err, "train", [message])
    assert not (runs / "run" / "steps").exists()


def test_an_empty_dev_file_is_refused_with_its_path(tmp_path):
    done = run_cli("stream", *conll_files(tmp_path, dev=[]))
    assert_one_line_error(done.returncode, done.stdout, done.stderr, "stream", [f"{tmp_path / 'dev.txt'}: the dev split holds no sentence"])


@pytest.mark.parametrize("tasks, missing", [("[[PER],[GPE]]", "GPE"), ("[[PER],[per]]", "per")], ids=["absent", "misspelt"])
def test_a_task_type_without_gold_in_the_training_data_is_refused_naming_the_file(tmp_path, capsys, tasks, missing):
    # the type scored 100.00 on every step, and Macro-F1 50.00 stood beside a Micro-F1 of 0.00
    runs = tmp_path / "runs"
    code = train([*conll_files(tmp_path), f"dataset.tasks={tasks}"], runs)
    message = f"{tmp_path / 'train.txt'}: the train split holds no gold entity of type(s) {missing} of dataset.tasks"
    assert_ends_with_error(code, capsys.readouterr().err, "train", [message, "dataset.type_map"])
    assert not (runs / "run" / "steps").exists()


def test_a_task_type_without_gold_in_the_test_data_is_refused_naming_the_file(tmp_path):
    test = [Sentence(("Kim", "left"), (Span(0, 1, "PER"),))]
    done = run_cli("stream", *conll_files(tmp_path, train=[*TRAIN, *ONE_TRAINING_SENTENCE], test=test))
    fragment = f"{tmp_path / 'test.txt'}: the test split holds no gold entity of type(s) LOC of dataset.tasks"
    assert_one_line_error(done.returncode, done.stdout, done.stderr, "stream", [fragment])
