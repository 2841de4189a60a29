"""Hub readers on local datasets whose features are those of the hub's Few-NERD and OntoNotes.

Rows are built from known sentences, stored as ``save_to_disk`` output or parquet (laid out as the
hub's Parquet export or otherwise), and the same sentences must come back."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import textwrap

import datasets
import pytest
from datasets import ClassLabel, Dataset, DatasetDict, Features, Sequence, Value

from gencner.data.readers import DROP_BIBLE, DROP_EMPTY, read_hub
from gencner.data.schema import ReadReport, Span
from gencner.data.tags import REPAIR_NO_BEGIN, spans_to_tags
from gencner.errors import DataError, GencnerError

datasets.disable_progress_bars()

# Label names in the order of the hub's loading scripts.
FEW_NERD_COARSE = ["O", "art", "building", "event", "location", "organization", "other", "person", "product"]
FEW_NERD_FINE = ["O"] + [
    f"{coarse}-{fine}"
    for coarse, fines in [
        ("art", "broadcastprogram film music other painting writtenart"),
        ("building", "airport hospital hotel library other restaurant sportsfacility theater"),
        ("event", "attack/battle/war/militaryconflict disaster election other protest sportsevent"),
        ("location", "GPE bodiesofwater island mountain other park road/railway/highway/transit"),
        (
            "organization",
            "company education government/governmentagency media/newspaper other politicalparty "
            "religion showorganization sportsleague sportsteam",
        ),
        (
            "other",
            "astronomything award biologything chemicalthing currency disease educationaldegree god language law livingthing medical",
        ),
        ("person", "actor artist/author athlete director other politician scholar soldier"),
        ("product", "airplane car food game other ship software train weapon"),
    ]
    for fine in fines.split()
]
ONTONOTES_TYPES = [
    "PERSON",
    "NORP",
    "FAC",
    "ORG",
    "GPE",
    "LOC",
    "PRODUCT",
    "DATE",
    "TIME",
    "PERCENT",
    "MONEY",
    "QUANTITY",
    "ORDINAL",
    "CARDINAL",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
]
ONTONOTES_TAGS = ["O"] + [f"{p}-{t}" for t in ONTONOTES_TYPES for p in "BI"]
ONTONOTES_POS = [
    "XX",
    "``",
    "$",
    "''",
    ",",
    "-LRB-",
    "-RRB-",
    ".",
    ":",
    "ADD",
    "AFX",
    "CC",
    "CD",
    "DT",
    "EX",
    "FW",
    "HYPH",
    "IN",
    "JJ",
    "JJR",
    "JJS",
    "LS",
    "MD",
    "NFP",
    "NN",
    "NNP",
    "NNPS",
    "NNS",
    "PDT",
    "POS",
    "PRP",
    "PRP$",
    "RB",
    "RBR",
    "RBS",
    "RP",
    "SYM",
    "TO",
    "UH",
    "VB",
    "VBD",
    "VBG",
    "VBN",
    "VBP",
    "VBZ",
    "WDT",
    "WP",
    "WP$",
    "WRB",
]


def few_nerd_features(fine_names=FEW_NERD_FINE) -> Features:
    return Features(
        {
            "id": Value("string"),
            "tokens": Sequence(Value("string")),
            "ner_tags": Sequence(ClassLabel(names=FEW_NERD_COARSE)),
            "fine_ner_tags": Sequence(ClassLabel(names=list(fine_names))),
        }
    )


def ontonotes_features(tag_names=ONTONOTES_TAGS) -> Features:
    return Features(
        {
            "document_id": Value("string"),
            "sentences": [
                {
                    "part_id": Value("int32"),
                    "words": Sequence(Value("string")),
                    "pos_tags": Sequence(ClassLabel(names=ONTONOTES_POS)),
                    "parse_tree": Value("string"),
                    "predicate_lemmas": Sequence(Value("string")),
                    "predicate_framenet_ids": Sequence(Value("string")),
                    "word_senses": Sequence(Value("float32")),
                    "speaker": Value("string"),
                    "named_entities": Sequence(ClassLabel(names=list(tag_names))),
                    "srl_frames": [{"verb": Value("string"), "frames": Sequence(Value("string"))}],
                    "coref_spans": Sequence(Sequence(Value("int32"), length=3)),
                }
            ],
        }
    )


FEW_NERD_GOLD = [
    (["Barack", "Obama", "visited", "New", "York", "."], [Span(0, 2, "person-politician"), Span(3, 5, "location-GPE")]),
    (
        ["Le", "Monde", "and", "Zoë", "in", "東京"],
        [Span(0, 2, "organization-media/newspaper"), Span(3, 4, "person-actor"), Span(5, 6, "location-GPE")],
    ),
    (["nothing", "here"], []),
    (["Paris", "Texas", "won"], [Span(0, 2, "art-film")]),
]


def few_nerd_rows(gold, names):
    ids = {name: i for i, name in enumerate(names)}
    return {
        "id": [str(i) for i in range(len(gold))],
        "tokens": [words for words, _ in gold],
        "ner_tags": [[0] * len(words) for words, _ in gold],
        "fine_ner_tags": [[ids[t] for t in spans_to_tags(len(w), s, "io")] for w, s in gold],
    }


ONTO_DOCS = [
    (
        "bc/cctv/00/cctv_0001",
        [
            (["John", "Smith", "visited", "New", "York"], [Span(0, 2, "PERSON"), Span(3, 5, "GPE")]),
            (
                ["China", "Japan", "signed", "2", "deals", "today"],
                [Span(0, 1, "GPE"), Span(1, 2, "GPE"), Span(3, 4, "CARDINAL"), Span(5, 6, "DATE")],
            ),
        ],
    ),
    ("pt/nt/40/nt_4001", [(["In", "the", "beginning"], []), (["God", "said"], [])]),
    ("nw/wsj/00/wsj_0001", [(["no", "entity"], []), (["The", "World", "Bank"], [Span(0, 3, "ORG")])]),
]


def ontonotes_sentence(words, spans, ids):
    n = len(words)
    return {
        "part_id": 0,
        "words": words,
        "pos_tags": [24] * n,
        "parse_tree": "(TOP)",
        "predicate_lemmas": [None] * n,
        "predicate_framenet_ids": [None] * n,
        "word_senses": [None] * n,
        "speaker": "",
        "srl_frames": [],
        "coref_spans": [],
        "named_entities": [ids[t] for t in spans_to_tags(n, spans, "bio")],
    }


def ontonotes_rows(docs, names):
    ids = {name: i for i, name in enumerate(names)}
    return {
        "document_id": [d for d, _ in docs],
        "sentences": [[ontonotes_sentence(w, s, ids) for w, s in sentences] for _, sentences in docs],
    }


def expected(gold):
    return [(tuple(words), tuple(sorted(spans))) for words, spans in gold]


ONTO_EXPECTED = expected(ONTO_DOCS[0][1] + ONTO_DOCS[2][1])
SPLITS = {"train": "train", "dev": "validation", "test": "test"}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Keep the arrow cache that load_dataset("parquet") writes out of the user's home."""
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", str(tmp_path / "hf-cache"))


def store(tmp_path, dataset_by_split, layout, config):
    """Write the splits in one of the layouts ``read_hub`` accepts; return the source to pass."""
    root = tmp_path / layout
    if layout == "save_to_disk":
        DatasetDict(dataset_by_split).save_to_disk(str(root))
    elif layout == "save_to_disk_per_split":
        for split, dataset in dataset_by_split.items():
            dataset.save_to_disk(str(root / split))
    elif layout == "hub_parquet_export":  # <config>/<split>/0000.parquet, as on refs/convert/parquet
        for split, dataset in dataset_by_split.items():
            (root / config / split).mkdir(parents=True)
            dataset.to_parquet(str(root / config / split / "0000.parquet"))
    elif layout == "flat_parquet":  # <split>-00000-of-00001.parquet
        root.mkdir()
        for split, dataset in dataset_by_split.items():
            dataset.to_parquet(str(root / f"{split}-00000-of-00001.parquet"))
    return str(root)


LAYOUTS = ["save_to_disk", "save_to_disk_per_split", "hub_parquet_export", "flat_parquet"]


def few_nerd_splits(names=FEW_NERD_FINE, gold=FEW_NERD_GOLD):
    features = few_nerd_features(names)
    # each split differs (rotated) so that reading the wrong split would show
    return {hub: Dataset.from_dict(few_nerd_rows(gold[k:] + gold[:k], names), features=features) for k, hub in enumerate(SPLITS.values())}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_few_nerd_every_layout_gives_the_rows_sentences(tmp_path, layout):
    source = store(tmp_path, few_nerd_splits(), layout, "supervised")
    for k, split in enumerate(SPLITS):
        report = ReadReport()
        read = read_hub(source, "few-nerd", split, report)
        assert [(s.tokens, s.spans) for s in read] == expected(FEW_NERD_GOLD[k:] + FEW_NERD_GOLD[:k])
        assert [s.idx for s in read] == [0, 1, 2, 3]
        assert read[0].origin == f"{source}[{SPLITS[split]}]:0"
        assert report.sentences == {split: 4} and not report.repairs and not report.drops


def test_labels_are_mapped_by_name_not_by_id(tmp_path):
    shuffled = FEW_NERD_FINE.copy()
    random.Random(7).shuffle(shuffled)
    canonical = few_nerd_rows(FEW_NERD_GOLD, FEW_NERD_FINE)["fine_ner_tags"]
    reordered = few_nerd_rows(FEW_NERD_GOLD, shuffled)["fine_ner_tags"]
    assert canonical != reordered  # the stored ids really differ
    for layout in ("save_to_disk", "hub_parquet_export"):
        source = store(tmp_path, few_nerd_splits(shuffled), layout, "supervised")
        read = read_hub(source, "few-nerd", "train", ReadReport())
        assert [(s.tokens, s.spans) for s in read] == expected(FEW_NERD_GOLD)


def test_few_nerd_io_merges_adjacent_entities_of_one_type(tmp_path):
    gold = [(["Paris", "London"], [Span(0, 1, "location-GPE"), Span(1, 2, "location-GPE")])]
    dataset = Dataset.from_dict(few_nerd_rows(gold, FEW_NERD_FINE), features=few_nerd_features())
    source = store(tmp_path, {"test": dataset}, "save_to_disk", "")
    (sentence,) = read_hub(source, "few-nerd", "test", ReadReport())
    assert sentence.spans == (Span(0, 2, "location-GPE"),)


def ontonotes_splits(names=ONTONOTES_TAGS):
    features = ontonotes_features(names)
    rows = ontonotes_rows(ONTO_DOCS, names)
    return {hub: Dataset.from_dict(rows, features=features) for hub in SPLITS.values()}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_ontonotes_every_layout_gives_the_sentences_and_drops_pt(tmp_path, layout):
    source = store(tmp_path, ontonotes_splits(), layout, "english_v4")
    report = ReadReport()
    read = read_hub(source, "ontonotes", "dev", report)
    assert [(s.tokens, s.spans) for s in read] == ONTO_EXPECTED
    assert [s.idx for s in read] == [0, 1, 2, 3]
    assert [s.origin for s in read] == [f"{source}[validation]:{o}" for o in ("0:0", "0:1", "2:0", "2:1")]
    assert report.drops == {DROP_BIBLE: 2}
    assert report.examples[DROP_BIBLE] == [f"{source}[validation]:1:0", f"{source}[validation]:1:1"]
    assert report.sentences == {"dev": 4}
    assert report.entities["dev"] == {"CARDINAL": 1, "DATE": 1, "GPE": 3, "ORG": 1, "PERSON": 1}


def test_ontonotes_shuffled_label_order(tmp_path):
    shuffled = ONTONOTES_TAGS.copy()
    random.Random(3).shuffle(shuffled)
    source = store(tmp_path, ontonotes_splits(shuffled), "hub_parquet_export", "english_v4")
    read = read_hub(source, "ontonotes", "test", ReadReport())
    assert [(s.tokens, s.spans) for s in read] == ONTO_EXPECTED
    one_file = read_hub(f"{source}/english_v4/test/0000.parquet", "ontonotes", "test", ReadReport())
    assert [(s.tokens, s.spans) for s in one_file] == ONTO_EXPECTED


def test_ontonotes_broken_bio_and_empty_sentence_are_counted(tmp_path):
    ids = {name: i for i, name in enumerate(ONTONOTES_TAGS)}
    broken = ontonotes_sentence(["a", "b", "c"], [], ids)
    broken["named_entities"] = [ids["O"], ids["I-ORG"], ids["I-ORG"]]
    empty = ontonotes_sentence([], [], ids)
    dataset = Dataset.from_dict({"document_id": ["nw/x"], "sentences": [[broken, empty]]}, features=ontonotes_features())
    source = store(tmp_path, {"train": dataset}, "save_to_disk", "")
    report = ReadReport()
    (sentence,) = read_hub(source, "ontonotes", "train", report)
    assert sentence.spans == (Span(1, 3, "ORG"),)
    assert report.repairs == {REPAIR_NO_BEGIN: 1}
    assert report.drops == {DROP_EMPTY: 1}
    assert report.examples[DROP_EMPTY] == [f"{source}[train]:0:1"]


def test_tag_feature_that_is_not_a_class_label_is_refused(tmp_path):
    features = few_nerd_features()
    features["fine_ner_tags"] = Sequence(Value("int64"))
    rows = few_nerd_rows(FEW_NERD_GOLD, FEW_NERD_FINE)
    source = store(tmp_path, {"train": Dataset.from_dict(rows, features=features)}, "flat_parquet", "")
    with pytest.raises(GencnerError, match="not a ClassLabel"):
        read_hub(source, "few-nerd", "train", ReadReport())


def test_tag_count_mismatch_names_the_row(tmp_path):
    rows = few_nerd_rows(FEW_NERD_GOLD, FEW_NERD_FINE)
    rows["fine_ner_tags"][2] = rows["fine_ner_tags"][2][:1]
    dataset = Dataset.from_dict(rows, features=few_nerd_features())
    source = store(tmp_path, {"train": dataset}, "save_to_disk", "")
    with pytest.raises(DataError) as caught:
        read_hub(source, "few-nerd", "train", ReadReport())
    assert caught.value.line == 2
    assert str(caught.value).startswith(f"{source}[train]:2: 2 words but 1 tags")


def test_missing_split_and_missing_path_are_clear_errors(tmp_path):
    source = store(tmp_path, {"train": few_nerd_splits()["train"]}, "save_to_disk", "")
    with pytest.raises(GencnerError, match="not 'test'"):
        read_hub(source, "few-nerd", "test", ReadReport())
    with pytest.raises(GencnerError, match="no such file or folder"):
        read_hub(str(tmp_path / "absent"), "few-nerd", "train", ReadReport())
    with pytest.raises(GencnerError, match="valid: few-nerd, ontonotes"):
        read_hub(source, "conll", "train", ReadReport())


OFFLINE_SCRIPT = textwrap.dedent("""
    import sys, traceback
    from gencner.data.readers import read_hub
    from gencner.data.schema import ReadReport
    from gencner.errors import GencnerError
    try:
        read_hub(sys.argv[1], sys.argv[2], "train", ReadReport())
    except GencnerError as err:
        frames = [frame.name for frame in traceback.extract_tb(err.__traceback__)]
        print(type(err).__name__, frames[1], err.__cause__ is None and err.__suppress_context__)
        print(err)
        sys.exit(3)
""")


@pytest.mark.parametrize(
    "name, schema, config", [("DFKI-SLT/few-nerd", "few-nerd", "supervised"), ("conll2012_ontonotesv5", "ontonotes", "english_v4")]
)
def test_offline_hub_name_gives_a_fast_clear_error(tmp_path, name, schema, config):
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", HF_HOME=str(tmp_path / "hf"))
    done = subprocess.run(
        [sys.executable, "-c", OFFLINE_SCRIPT, name, schema], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3, done.stderr
    first, message = done.stdout.split("\n", 1)
    assert first == "GencnerError read_hub True"  # raised by read_hub itself, no chained traceback
    assert name in message and "dataset.source=/path/to/folder" in message
    assert f"https://huggingface.co/datasets/{name}/tree/refs%2Fconvert%2Fparquet" in message
    assert f"data_dir='{config}'" in message and "save_to_disk" in message
    assert "Traceback" not in done.stderr
