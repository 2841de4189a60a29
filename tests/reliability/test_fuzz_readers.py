"""Every file reader on generated content: it returns well-formed sentences or raises a DataError naming
the file and a line of it (never another exception), and well-formed content written by the format's
writer reads back unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reader_strategies import TYPE_NAMES, check_sentences, flat_sentences, fuzz, merge_adjacent_same_type, words

from gencner.data.readers import (
    DROP_BIBLE,
    DROP_EMPTY,
    REPAIR_DUPLICATE,
    read_conll,
    read_conll2012,
    read_spankl,
    write_conll,
    write_spankl,
)
from gencner.data.readers.conll2012 import UNESCAPE
from gencner.data.schema import ReadReport, Sentence, Span
from gencner.errors import DataError, GencnerError


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-readers")


def line_count(data: bytes) -> int:
    """Lines as the readers number them (a binary file iterated line by line: split at b"\\n" only)."""
    return 0 if not data else data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def read_or_refuse(read, path: Path, data: bytes, split: str = "train") -> list[Sentence] | None:
    """Run `read(path, split, report)` on `data`: either sentences, or a one-line DataError that starts
    with "<file>:<line>: " for a line of the file."""
    path.write_bytes(data)
    report = ReadReport()
    try:
        sentences = read(path, split, report)
    except DataError as err:
        message = str(err)
        assert len(message.splitlines()) == 1, message
        assert err.line is not None and 1 <= err.line <= line_count(data), (err.line, message)
        assert message.startswith(f"{path}:{err.line}: "), message
        return None
    check_sentences(sentences, report, split)
    return sentences


def assemble(lines: list[str], newline: str, bom: bool, final_newline: bool, garbage) -> bytes:
    """File bytes from lines; optionally a byte-order mark, and raw bytes (maybe invalid UTF-8) spliced
    into one line."""
    encoded = [line.encode("utf-8") for line in lines]
    if garbage is not None and encoded:
        where, raw = garbage
        encoded[where % len(encoded)] += raw.replace(b"\n", b"")
    data = newline.encode().join(encoded) + (newline.encode() if final_newline and encoded else b"")
    return (b"\xef\xbb\xbf" if bom else b"") + data


def files_of(line: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    return st.builds(
        assemble,
        st.lists(line, max_size=7),
        st.sampled_from(["\n", "\r\n"]),
        st.booleans(),
        st.booleans(),
        st.none() | st.tuples(st.integers(0, 6), st.binary(min_size=1, max_size=3)),
    )


one_line_text = st.text(max_size=24).map(lambda s: s.replace("\n", " "))

# ---- SpanKL jsonl ------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 12) | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
span_items = (
    st.lists(st.integers(-2, 10), max_size=3)  # [start, end]: reversed, empty, out of range, wrong length
    | st.tuples(st.integers(-2, 10), st.text(max_size=8)).map(list)  # [start, "mention"]
    | st.tuples(st.integers(0, 3), words(forbidden=" ")).map(list)
    | json_values
)
spankl_records = st.fixed_dictionaries(
    {},
    optional={
        "text": st.lists(words(forbidden=" "), max_size=8).map(" ".join) | one_line_text | json_values,
        "ent_dct": st.dictionaries(st.sampled_from([*TYPE_NAMES, ""]), st.lists(span_items, max_size=3) | json_values, max_size=3)
        | json_values,
        "task_id": st.integers(-1, 4) | json_values,
        "other": json_values,
    },
)
spankl_lines = (
    spankl_records.map(lambda r: json.dumps(r, ensure_ascii=False))
    | spankl_records.map(json.dumps)
    | json_values.map(json.dumps)
    | one_line_text
    | st.sampled_from(["", "   ", "{", '{"text": "a b", "ent_dct": {"X": [[0, 1]]}}', "[]"])
)


@fuzz(100)
@given(data=files_of(spankl_lines))
def test_spankl_reads_any_file_or_names_the_file_and_line(scratch, data):
    read_or_refuse(read_spankl, scratch / "train.jsonl", data)


@pytest.mark.parametrize(
    "line, problem",
    [
        ('{"text": "a", "ent_dct": {"X": [[0, ' + "1" * 5000 + "]]}}", "invalid JSON"),  # int beyond 4300 digits
        ("[" * 100_000, "invalid JSON"),  # nesting deeper than the recursion limit
        ('{"text": "a b", "ent_dct": {"X": [[1, 0]]}}', "start must be smaller than end"),
        ('{"text": "a b", "ent_dct": {"X": [[1, 1]]}}', "start must be smaller than end"),
        ('{"text": "a b", "ent_dct": {"X": [[-1, 1]]}}', "out of range"),
        ('{"text": "a b", "ent_dct": {"X": [[1, 3]]}}', "out of range"),
        ('{"text": "a b", "ent_dct": {"X": [[1, "b c"]]}}', "out of range"),
        ('{"text": "a b", "ent_dct": {"X": [[0, NaN]]}}', "the end must be an int"),
        ('{"text": "a b", "ent_dct": {"X": [[true, 1]]}}', "int start"),
        ('{"text": ["a", "b"], "ent_dct": {}}', "`text` must be a string"),
        ('{"text": "a b", "ent_dct": []}', "`ent_dct` must be an object"),
        ('{"text": "a b", "ent_dct": {"X": {"0": 1}}}', "must be a list"),
        ('{"text": "a b", "ent_dct": {}, "task_id": "1"}', "`task_id` must be an int"),
    ],
)
def test_spankl_malformed_lines_name_the_problem(tmp_path, line, problem):
    path = tmp_path / "dev.jsonl"
    path.write_text('{"text": "fine", "ent_dct": {}}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_spankl(path, "dev", ReadReport())
    assert str(caught.value).startswith(f"{path}:2: ") and problem in str(caught.value)
    error = caught.value
    assert error.__context__ is None or error.__suppress_context__  # no chained traceback from the json module


@st.composite
def sentences_with_any_spans(draw, word) -> Sentence:
    """Words and spans anywhere (overlapping, nested, repeated); sometimes no words at all."""
    tokens = draw(st.lists(word, max_size=8))
    spans = []
    if tokens:
        for _ in range(draw(st.integers(0, 4))):
            start = draw(st.integers(0, len(tokens) - 1))
            end = draw(st.integers(start + 1, len(tokens)))
            spans.append(Span(start, end, draw(st.sampled_from(TYPE_NAMES))))
    return Sentence(tuple(tokens), tuple(spans))


def duplicates(spans) -> int:
    return len(spans) - len(set(spans))


@fuzz(50)
@given(sentences=st.lists(sentences_with_any_spans(words(forbidden=" ")), max_size=6), with_task_id=st.booleans())
def test_spankl_round_trip_keeps_words_spans_and_counts_what_it_drops(scratch, sentences, with_task_id):
    sentences = [Sentence(s.tokens, s.spans, task_id=i % 3) for i, s in enumerate(sentences)]
    path = scratch / "round.jsonl"
    write_spankl(path, sentences, with_task_id=with_task_id)
    report = ReadReport()
    read = read_spankl(path, "train", report)
    kept = [s for s in sentences if s.tokens]
    assert [(s.tokens, s.spans) for s in read] == [(s.tokens, tuple(sorted(set(s.spans)))) for s in kept]
    assert [s.task_id for s in read] == [s.task_id if with_task_id else None for s in kept]
    assert report.drops.get(DROP_EMPTY, 0) == len(sentences) - len(kept)
    assert report.repairs.get(REPAIR_DUPLICATE, 0) == sum(duplicates(s.spans) for s in sentences)
    check_sentences(read, report, "train")


# ---- CoNLL column files -----------------------------------------------------------------------------

column_word = words(forbidden=" \t\r\n")
tags = (
    st.sampled_from(
        ["O", "B-PER", "I-PER", "E-PER", "S-ORG", "I-ORG", "B-", "I-", "X-PER", "person-actor", "B-location-GPE", "O-X", "-", "B--", "S-"]
    )
    | column_word
)
separators = st.sampled_from([" ", "\t", "  ", " \t "])
conll_lines = (
    st.builds(lambda w, s, t: f"{w}{s}{t}", column_word, separators, tags)
    | st.builds(lambda w, s, x, t: f"{w}{s}{x}{s}{t}", column_word, separators, column_word, tags)
    | st.sampled_from(["", " ", "\t", "-DOCSTART- -X- -X- O", "-DOCSTART-", "lonely"])
    | column_word
    | one_line_text
)
SCHEMES_AND_COLUMNS = [("bio", 0, -1), ("bioes", 0, -1), ("io", -2, -1), ("bio", 1, 0)]


@pytest.mark.parametrize("scheme, token_column, tag_column", SCHEMES_AND_COLUMNS)
@fuzz(40)
@given(data=files_of(conll_lines))
def test_conll_reads_any_file_or_names_the_file_and_line(scratch, scheme, token_column, tag_column, data):
    read_or_refuse(
        lambda p, split, report: read_conll(p, split, report, scheme, token_column, tag_column), scratch / f"train-{scheme}.txt", data
    )


@pytest.mark.parametrize("scheme", ["bio", "bioes", "io"])
@fuzz(30)
@given(sentences=st.lists(flat_sentences(column_word), min_size=1, max_size=5))
def test_conll_round_trip(scratch, scheme, sentences):
    path = scratch / f"round-{scheme}.txt"
    if sentences[0].tokens[0].startswith("\ufeff"):
        with pytest.raises(GencnerError, match="byte-order mark"):
            write_conll(path, sentences, scheme)
        return
    write_conll(path, sentences, scheme)
    report = ReadReport()
    read = read_conll(path, "train", report, scheme=scheme)
    expected = [s.spans if scheme != "io" else merge_adjacent_same_type(s.spans) for s in sentences]
    assert [(s.tokens, s.spans) for s in read] == [(s.tokens, e) for s, e in zip(sentences, expected)]
    assert not report.repairs and not report.drops
    check_sentences(read, report, "train")


def test_conll_writer_refuses_words_that_would_read_back_differently(tmp_path):
    with pytest.raises(GencnerError, match="document separator"):
        write_conll(tmp_path / "a.txt", [Sentence(("x",)), Sentence(("-DOCSTART-", "y"))])
    with pytest.raises(GencnerError, match="byte-order mark"):
        write_conll(tmp_path / "b.txt", [Sentence(("\ufeffx", "y"))])
    write_conll(tmp_path / "c.txt", [Sentence(("x",)), Sentence(("\ufeffy",))])  # not at the start: fine
    assert [s.tokens for s in read_conll(tmp_path / "c.txt", "train", ReadReport())] == [("x",), ("\ufeffy",)]


# ---- CoNLL-2012 gold_conll --------------------------------------------------------------------------

entity_fields = (
    st.sampled_from(
        ["*", "*", "*)", "(ORG*", "(ORG)", "(PERSON*)", "(*", "(", ")", "ORG", "((ORG*", "(O*RG*", "(ORG**)", "*))", "(GPE*", "(*)"]
    )
    | column_word
)
DOCUMENTS = ["nw/wsj/00/wsj_0001", "bc/cctv/00/cctv_0001", "pt/nt/40/nt_4001"]


def gold_row(document: str, word: str, entity: str, columns: int) -> str:
    filler = ["0", "0", word, "NNP", "*", "-", "-", "-", "Speaker#1", entity, "*", "-"]
    return " ".join([document, *filler][:columns])


conll2012_lines = (
    st.sampled_from([f"#begin document ({d}); part 000" for d in DOCUMENTS] + ["#end document", "", "  "])
    | st.builds(gold_row, st.sampled_from(DOCUMENTS), column_word, entity_fields, st.integers(1, 13))
    | st.builds(gold_row, st.sampled_from(DOCUMENTS), column_word, entity_fields, st.just(13))
    | one_line_text
)


@fuzz(80)
@given(data=files_of(conll2012_lines))
def test_conll2012_reads_any_file_or_names_the_file_and_line(scratch, data):
    read_or_refuse(read_conll2012, scratch / "a.v4_gold_conll", data)


ESCAPE = {word: escaped for escaped, word in UNESCAPE.items()}
gold_word = words(forbid_space_like=True).filter(lambda w: w not in UNESCAPE)


def gold_conll(documents: list[tuple[str, list[Sentence]]]) -> str:
    """The text of a *gold_conll file holding `documents` (flat entities in bracket notation)."""
    lines = []
    for document, sentences in documents:
        lines.append(f"#begin document ({document}); part 000")
        for sentence in sentences:
            fields = ["*"] * len(sentence.tokens)
            for span in sentence.spans:
                if span.end - span.start == 1:
                    fields[span.start] = f"({span.type})"
                else:
                    fields[span.start], fields[span.end - 1] = f"({span.type}*", "*)"
            lines += [gold_row(document, ESCAPE.get(word, word), field, 13) for word, field in zip(sentence.tokens, fields)]
            lines.append("")
        lines.append("#end document")
    return "\n".join(lines) + "\n"


@fuzz(30)
@given(documents=st.lists(st.tuples(st.sampled_from(DOCUMENTS), st.lists(flat_sentences(gold_word), max_size=3)), max_size=3))
def test_conll2012_round_trip_drops_and_counts_pt_sentences(scratch, documents):
    path = scratch / "round.v4_gold_conll"
    path.write_text(gold_conll(documents), encoding="utf-8")
    report = ReadReport()
    read = read_conll2012(path, "test", report)
    news = [s for document, sentences in documents if not document.startswith("pt/") for s in sentences]
    bible = [s for document, sentences in documents if document.startswith("pt/") for s in sentences]
    assert [(s.tokens, s.spans) for s in read] == [(s.tokens, s.spans) for s in news]
    assert report.drops.get(DROP_BIBLE, 0) == len(bible)
    check_sentences(read, report, "test")


# ---- any bytes at all -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reader",
    [
        read_spankl,
        read_conll2012,
        lambda p, split, report: read_conll(p, split, report, "bio"),
        lambda p, split, report: read_conll(p, split, report, "io"),
    ],
    ids=["spankl", "conll2012", "conll-bio", "conll-io"],
)
@fuzz(40)
@given(data=st.binary(max_size=120))
def test_arbitrary_bytes_are_read_or_refused_with_file_and_line(scratch, reader, data):
    read_or_refuse(reader, scratch / "bytes.v4_gold_conll", data)
