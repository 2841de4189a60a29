"""load_corpus: the dataset definition's reader, type restriction, renames and flat-overlap repair."""

from __future__ import annotations

import pytest

from gencner.config import load_config
from gencner.data.corpus import REPAIR_FLAT_OVERLAP, load_corpus
from gencner.data.readers import write_conll, write_spankl
from gencner.data.schema import Sentence, Span
from gencner.errors import ConfigError, DataError

TRAIN = [
    Sentence(("Ann", "Lee", "visited", "Paris"), (Span(0, 2, "PER"), Span(3, 4, "LOC"))),
    Sentence(("The", "Euro", "Cup", "in", "Rome"), (Span(1, 3, "MISC"), Span(4, 5, "LOC"))),
    Sentence(("nothing", "here")),
    Sentence(("IBM", "and", "Euro", "fans"), (Span(0, 1, "ORG"), Span(2, 3, "MISC"))),
]
DEV = [Sentence(("Bob", "in", "Oslo"), (Span(0, 1, "PER"), Span(2, 3, "LOC")))]
TEST = [Sentence(("Euro", "talk", "by", "Sue"), (Span(0, 1, "MISC"), Span(3, 4, "PER")))]
MISC_ENTITIES = 3
DROP_MISC = "entity of type MISC (not in the dataset's tasks; removed everywhere)"


def write_conll_splits(folder, scheme="bio", splits=None):
    splits = splits or {"train": TRAIN, "dev": DEV, "test": TEST}
    paths = {}
    for split, sentences in splits.items():
        paths[split] = folder / f"{split}.txt"
        write_conll(paths[split], sentences, scheme)
    return paths


def conll_config(paths, *extra):
    return load_config(
        [
            "dataset=conll",
            f"dataset.train={paths['train']}",
            f"dataset.dev={paths['dev']}",
            f"dataset.test={paths['test']}",
            "dataset.tasks=[[PER],[LOC,ORG]]",
            *extra,
        ]
    )


def spans(sentences):
    return [s.spans for s in sentences]


def test_types_outside_the_tasks_are_removed_everywhere_and_counted(tmp_path):
    corpus = load_corpus(conll_config(write_conll_splits(tmp_path)).dataset)
    assert corpus.types == ("PER", "LOC", "ORG")
    assert spans(corpus.train) == [s.restrict(corpus.types).spans for s in TRAIN]
    assert spans(corpus.test) == [(Span(3, 4, "PER"),)]
    assert [s.tokens for s in corpus.train] == [s.tokens for s in TRAIN]
    assert corpus.report.drops == {DROP_MISC: MISC_ENTITIES}
    assert corpus.report.entities["train"] == {"LOC": 2, "ORG": 1, "PER": 1}
    assert corpus.report.sentences == {"train": 4, "dev": 1, "test": 1}
    assert not corpus.report.repairs


def test_every_type_in_the_tasks_is_kept(tmp_path):
    paths = write_conll_splits(tmp_path)
    corpus = load_corpus(
        load_config(
            [
                "dataset=conll",
                f"dataset.train={paths['train']}",
                f"dataset.dev={paths['dev']}",
                f"dataset.test={paths['test']}",
                "dataset.tasks=[[PER],[LOC,ORG],[MISC]]",
            ]
        ).dataset
    )
    assert spans(corpus.train) == spans(TRAIN)
    assert not corpus.report.drops


def test_type_map_renames_before_the_restriction(tmp_path):
    renamed = [Sentence(s.tokens, tuple(Span(x.start, x.end, "PERSON" if x.type == "PER" else x.type) for x in s.spans)) for s in TRAIN]
    paths = write_conll_splits(tmp_path, splits={"train": renamed, "dev": DEV, "test": TEST})
    corpus = load_corpus(conll_config(paths, "dataset.type_map={PERSON: PER, MISC: ORG}").dataset)
    assert spans(corpus.train) == [
        (Span(0, 2, "PER"), Span(3, 4, "LOC")),
        (Span(1, 3, "ORG"), Span(4, 5, "LOC")),
        (),
        (Span(0, 1, "ORG"), Span(2, 3, "ORG")),
    ]
    assert not corpus.report.drops
    assert corpus.report.entities["train"] == {"LOC": 2, "ORG": 3, "PER": 1}


@pytest.mark.parametrize("scheme", ["bio", "bioes", "io"])
def test_conll_files_in_each_tagging_scheme_load_the_same_corpus(tmp_path, scheme):
    paths = write_conll_splits(tmp_path, scheme)
    corpus = load_corpus(conll_config(paths, f"dataset.tagging={scheme}").dataset)
    assert spans(corpus.train) == [s.restrict(("PER", "LOC", "ORG")).spans for s in TRAIN]


def test_dataset_path_finds_the_default_file_names(tmp_path):
    write_conll_splits(tmp_path)
    corpus = load_corpus(load_config(["dataset=conll", f"dataset.path={tmp_path}", "dataset.tasks=[[PER],[LOC,ORG]]"]).dataset)
    assert [len(corpus.train), len(corpus.dev), len(corpus.test)] == [4, 1, 1]


def _overlapping_spankl(tmp_path):
    train = [
        # ORG [0, 3) holds PER [1, 2); LOC [2, 4) overlaps ORG too; GPE [4, 5) is clear
        Sentence(("a", "b", "c", "d", "e"), (Span(0, 3, "ORG"), Span(1, 2, "PER"), Span(2, 4, "LOC"), Span(4, 5, "LOC"))),
        # same start: the longer span is kept
        Sentence(("f", "g", "h"), (Span(0, 1, "PER"), Span(0, 2, "ORG"))),
        Sentence(("i", "j"), (Span(0, 1, "PER"),)),
    ]
    for split in ("train", "dev", "test"):
        write_spankl(tmp_path / f"{split}.jsonl", train)
    return ["dataset=conll", "dataset.format=spankl", f"dataset.path={tmp_path}", "dataset.tasks=[[PER],[LOC,ORG]]"]


def test_overlapping_gold_in_flat_data_is_repaired_and_counted(tmp_path):
    corpus = load_corpus(load_config(_overlapping_spankl(tmp_path)).dataset)
    assert spans(corpus.train) == [
        (Span(0, 3, "ORG"), Span(4, 5, "LOC")),
        (Span(0, 2, "ORG"),),
        (Span(0, 1, "PER"),),
    ]
    assert corpus.report.repairs == {REPAIR_FLAT_OVERLAP: 3 * 3}
    assert spans(corpus.test) == spans(corpus.train)


def test_overlapping_gold_is_kept_when_the_dataset_is_not_flat(tmp_path):
    corpus = load_corpus(load_config([*_overlapping_spankl(tmp_path), "dataset.flat=false"]).dataset)
    assert [len(s) for s in spans(corpus.train)] == [4, 2, 1]
    assert not corpus.report.repairs


def test_overlap_repair_runs_after_the_type_restriction(tmp_path):
    # Without ORG in the tasks nothing collides with ORG any more: PER [1, 2) and LOC [2, 4) only touch,
    # so no PER or LOC entity may be lost to the repair.
    corpus = load_corpus(load_config([*_overlapping_spankl(tmp_path), "dataset.tasks=[[PER],[LOC]]"]).dataset)
    assert spans(corpus.train)[0] == (Span(1, 2, "PER"), Span(2, 4, "LOC"), Span(4, 5, "LOC"))
    assert not corpus.report.repairs
    assert corpus.report.drops == {"entity of type ORG (not in the dataset's tasks; removed everywhere)": 2 * 3}


@pytest.mark.parametrize("split", ["train", "dev", "test"])
def test_a_missing_file_is_a_config_error_naming_the_key(tmp_path, split):
    paths = write_conll_splits(tmp_path)
    paths[split] = tmp_path / "nope.txt"
    with pytest.raises(ConfigError, match=rf"^dataset\.{split}: .*nope\.txt does not exist"):
        load_corpus(conll_config(paths).dataset)


def test_a_missing_file_under_dataset_path_names_the_key(tmp_path):
    write_conll_splits(tmp_path)
    (tmp_path / "dev.txt").unlink()
    cfg = load_config(["dataset=conll", f"dataset.path={tmp_path}", "dataset.tasks=[[PER]]"])
    with pytest.raises(ConfigError, match=r"^dataset\.dev: .*dev\.txt does not exist"):
        load_corpus(cfg.dataset)


def test_no_file_and_no_path_is_a_config_error():
    with pytest.raises(ConfigError, match=r"dataset\.train is not set"):
        load_corpus(load_config(["dataset=conll", "dataset.tasks=[[PER]]"]).dataset)


def test_a_malformed_file_is_a_data_error_with_file_and_line(tmp_path):
    paths = write_conll_splits(tmp_path)
    lines = paths["dev"].read_text(encoding="utf-8").splitlines()
    lines[1] = "in\tX-LOC"
    paths["dev"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"dev\.txt:2: tag 'X-LOC' is not a BIO tag"):
        load_corpus(conll_config(paths).dataset)


def test_spankl_task_files_are_used_for_train_and_dev_only(tmp_path):
    with_ids = [Sentence(s.tokens, s.spans, task_id=i % 2) for i, s in enumerate(TRAIN)]
    for split in ("train", "dev", "test"):
        write_spankl(tmp_path / f"{split}.jsonl", TRAIN)
        write_spankl(tmp_path / f"{split}_task.jsonl", with_ids, with_task_id=True)
    corpus = load_corpus(
        load_config(["dataset=conll", "dataset.format=spankl", f"dataset.path={tmp_path}", "dataset.tasks=[[PER],[LOC,ORG]]"]).dataset
    )
    assert [s.task_id for s in corpus.train] == [0, 1, 0, 1]
    assert [s.task_id for s in corpus.dev] == [0, 1, 0, 1]
    assert [s.task_id for s in corpus.test] == [None] * 4
    assert corpus.train[0].origin == "train_task.jsonl:1"


def test_synthetic_dataset_has_the_configured_sizes_and_the_six_types():
    corpus = load_corpus(load_config(["dataset.synthetic.train=50", "dataset.synthetic.dev=7", "dataset.synthetic.test=9"]).dataset)
    assert [len(corpus.train), len(corpus.dev), len(corpus.test)] == [50, 7, 9]
    assert corpus.types == ("ORG", "PERSON", "GPE", "DATE", "CARDINAL", "NORP")
    assert corpus.report.sentences == {"train": 50, "dev": 7, "test": 9}
    assert [s.idx for s in corpus.train] == list(range(50))
