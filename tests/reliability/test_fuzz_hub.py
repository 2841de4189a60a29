"""The hub reader on small local `save_to_disk` datasets: rows with nulls, tag ids out of range, tag
lists of the wrong length and fields of the wrong type give a DataError naming the source and the row
(or a GencnerError naming the source); well-formed rows read back unchanged."""

from __future__ import annotations

import itertools
from pathlib import Path

import datasets
import pyarrow as pa
import pytest
from datasets import ClassLabel, Dataset, DatasetDict, DatasetInfo, Features, Sequence, Value
from hypothesis import given
from hypothesis import strategies as st
from reader_strategies import TYPE_NAMES, check_sentences, flat_sentences, fuzz, merge_adjacent_same_type

from gencner.data.readers import DROP_BIBLE, DROP_EMPTY, read_hub
from gencner.data.schema import ReadReport, Sentence
from gencner.data.tags import spans_to_tags
from gencner.errors import DataError, GencnerError

datasets.disable_progress_bars()
IO_NAMES = ["O", *TYPE_NAMES]
BIO_NAMES = ["O", *(f"{prefix}-{kind}" for kind in TYPE_NAMES for prefix in "BI")]
_folders = itertools.count()


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-hub")


def save(scratch: Path, dataset: Dataset, split: str = "train") -> str:
    source = scratch / f"source-{next(_folders)}"
    DatasetDict({split: dataset}).save_to_disk(str(source))
    return str(source)


def read_or_refuse(source: str, schema: str, n_rows: int) -> list[Sentence] | None:
    report = ReadReport()
    try:
        sentences = read_hub(source, schema, "train", report)
    except DataError as err:
        assert err.path == f"{source}[train]" and err.line is not None and 0 <= err.line < n_rows, str(err)
        assert str(err).startswith(f"{source}[train]:{err.line}: ") and len(str(err).splitlines()) == 1
        return None
    except GencnerError as err:
        assert source in str(err) and len(str(err).splitlines()) == 1, str(err)
        return None
    check_sentences(sentences, report, "train")
    return sentences


# ---- malformed rows ---------------------------------------------------------------------------------

any_words = st.none() | st.lists(st.none() | st.text(max_size=5), max_size=5)
int_words = st.none() | st.lists(st.none() | st.integers(-5, 5), max_size=5)
tag_ids = st.none() | st.lists(st.none() | st.integers(-2, len(IO_NAMES) + 1), max_size=5)
FEW_NERD_VARIANTS = ["class-label", "int-words", "plain-int-tags", "string-tags", "no-tokens"]


def few_nerd_dataset(rows: list[tuple], variant: str) -> Dataset:
    """Rows as stored (nulls and out-of-range ids included: pyarrow does not check ClassLabel ranges),
    under one of several feature layouts, most of them wrong."""
    word_type = pa.int64() if variant == "int-words" else pa.string()
    tag_type = pa.string() if variant == "string-tags" else pa.int64()
    tags = [None if t is None else [None if i is None else (str(i) if variant == "string-tags" else i) for i in t] for _, t in rows]
    columns = {"tokens": pa.array([w for w, _ in rows], pa.list_(word_type)), "fine_ner_tags": pa.array(tags, pa.list_(tag_type))}
    features = {
        "tokens": Sequence(Value("int64" if variant == "int-words" else "string")),
        "fine_ner_tags": Sequence(
            {"string-tags": Value("string"), "plain-int-tags": Value("int64")}.get(variant, ClassLabel(names=IO_NAMES))
        ),
    }
    if variant == "no-tokens":
        del columns["tokens"], features["tokens"]
    return Dataset(pa.table(columns), info=DatasetInfo(features=Features(features)))


@st.composite
def few_nerd_rows(draw):
    variant = draw(st.sampled_from(FEW_NERD_VARIANTS))
    words = int_words if variant == "int-words" else any_words
    rows = draw(st.lists(st.tuples(words, tag_ids), min_size=1, max_size=4))
    return variant, rows


@fuzz(30)
@given(case=few_nerd_rows())
def test_few_nerd_rows_of_any_shape_are_read_or_refused_naming_source_and_row(scratch, case):
    variant, rows = case
    source = save(scratch, few_nerd_dataset(rows, variant))
    read = read_or_refuse(source, "few-nerd", len(rows))
    if variant != "class-label":
        assert read is None  # a layout without string words and ClassLabel tags is never read


ONTONOTES_TYPE = pa.struct(
    [
        ("document_id", pa.string()),
        ("sentences", pa.list_(pa.struct([("words", pa.list_(pa.string())), ("named_entities", pa.list_(pa.int64()))]))),
    ]
)
ONTONOTES_FEATURES = Features(
    {
        "document_id": Value("string"),
        "sentences": [{"words": Sequence(Value("string")), "named_entities": Sequence(ClassLabel(names=BIO_NAMES))}],
    }
)

ontonotes_sentence = st.none() | st.fixed_dictionaries({"words": any_words, "named_entities": tag_ids})
ontonotes_documents = st.lists(
    st.fixed_dictionaries(
        {
            "document_id": st.none() | st.sampled_from(["nw/wsj/00/wsj_0001", "pt/nt/40/nt_4001", ""]),
            "sentences": st.none() | st.lists(ontonotes_sentence, max_size=3),
        }
    ),
    min_size=1,
    max_size=3,
)


@fuzz(25)
@given(documents=ontonotes_documents)
def test_ontonotes_documents_of_any_shape_are_read_or_refused_naming_source_and_row(scratch, documents):
    table = pa.Table.from_struct_array(pa.array(documents, ONTONOTES_TYPE))
    source = save(scratch, Dataset(table, info=DatasetInfo(features=ONTONOTES_FEATURES)))
    read_or_refuse(source, "ontonotes", len(documents))


def test_a_null_word_is_refused_instead_of_becoming_a_token(scratch):
    source = save(scratch, few_nerd_dataset([(["Paris", None], [1, 0])], "class-label"))
    with pytest.raises(DataError, match=r"\[train\]:0: word None is not a string"):
        read_hub(source, "few-nerd", "train", ReadReport())


# ---- well-formed rows read back -----------------------------------------------------------------------

hub_word = st.text(max_size=6)  # hub words are strings of any content: spaces and empty strings included


@st.composite
def hub_sentences(draw) -> Sentence:
    sentence = draw(flat_sentences(hub_word))
    return sentence if draw(st.integers(0, 5)) else Sentence(())  # sometimes a sentence without words


@fuzz(15)
@given(sentences=st.lists(hub_sentences(), min_size=1, max_size=5))
def test_few_nerd_round_trip(scratch, sentences):
    ids = {name: i for i, name in enumerate(IO_NAMES)}
    rows = {
        "tokens": [list(s.tokens) for s in sentences],
        "fine_ner_tags": [[ids[t] for t in spans_to_tags(len(s.tokens), s.spans, "io")] for s in sentences],
    }
    features = Features({"tokens": Sequence(Value("string")), "fine_ner_tags": Sequence(ClassLabel(names=IO_NAMES))})
    source = save(scratch, Dataset.from_dict(rows, features=features))
    report = ReadReport()
    read = read_hub(source, "few-nerd", "train", report)
    kept = [s for s in sentences if s.tokens]
    assert [(s.tokens, s.spans) for s in read] == [(s.tokens, merge_adjacent_same_type(s.spans)) for s in kept]
    assert report.drops.get(DROP_EMPTY, 0) == len(sentences) - len(kept)
    check_sentences(read, report, "train")


@fuzz(12)
@given(
    documents=st.lists(
        st.tuples(st.sampled_from(["nw/wsj/00/wsj_0001", "pt/nt/40/nt_4001"]), st.lists(flat_sentences(hub_word), max_size=3)),
        min_size=1,
        max_size=3,
    )
)
def test_ontonotes_round_trip_drops_and_counts_pt_sentences(scratch, documents):
    ids = {name: i for i, name in enumerate(BIO_NAMES)}
    rows = {
        "document_id": [d for d, _ in documents],
        "sentences": [
            [{"words": list(s.tokens), "named_entities": [ids[t] for t in spans_to_tags(len(s.tokens), s.spans, "bio")]} for s in sentences]
            for _, sentences in documents
        ],
    }
    source = save(scratch, Dataset.from_dict(rows, features=ONTONOTES_FEATURES))
    report = ReadReport()
    read = read_hub(source, "ontonotes", "train", report)
    news = [s for d, sentences in documents if not d.startswith("pt/") for s in sentences]
    assert [(s.tokens, s.spans) for s in read] == [(s.tokens, s.spans) for s in news]
    assert report.drops.get(DROP_BIBLE, 0) == sum(len(ss) for d, ss in documents if d.startswith("pt/"))
    check_sentences(read, report, "train")
