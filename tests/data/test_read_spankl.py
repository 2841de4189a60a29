"""SpanKL jsonl: round trip, the [start, "mention"] form, task_id, repairs, drops and errors."""

from __future__ import annotations

import json

import pytest

from gencner.data.readers import DROP_EMPTY, REPAIR_DUPLICATE, read_spankl, write_spankl
from gencner.data.schema import ReadReport, Sentence, Span
from gencner.errors import DataError, GencnerError

SENTENCES = [
    # multi-word entity and adjacent entities of two types
    Sentence(("New", "York", "Times", "reporter", "Ann", "Lee"), (Span(0, 3, "ORG"), Span(4, 6, "PERSON"))),
    # adjacent entities of one type
    Sentence(("Paris", "London", "Berlin"), (Span(0, 1, "GPE"), Span(1, 2, "GPE"), Span(2, 3, "GPE"))),
    # no entity
    Sentence(("nothing", "here", ".")),
    # unicode words, an entity on the last word
    Sentence(("Zoë", "visited", "Zürich", "—", "東京"), (Span(0, 1, "PERSON"), Span(4, 5, "GPE"))),
]


def _write_lines(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _pairs(sentences):
    return [(s.tokens, s.spans) for s in sentences]


def test_round_trip_keeps_words_spans_order_and_origins(tmp_path):
    path = tmp_path / "train.jsonl"
    write_spankl(path, SENTENCES)
    report = ReadReport()
    read = read_spankl(path, "train", report)
    assert _pairs(read) == _pairs(SENTENCES)
    assert [s.idx for s in read] == [0, 1, 2, 3]
    assert [s.origin for s in read] == ["train.jsonl:1", "train.jsonl:2", "train.jsonl:3", "train.jsonl:4"]
    assert all(s.task_id is None for s in read)
    assert report.sentences == {"train": 4}
    assert report.entities["train"] == {"GPE": 4, "ORG": 1, "PERSON": 2}
    assert not report.repairs and not report.drops


def test_task_id_is_written_on_request_and_read_back(tmp_path):
    with_ids = [Sentence(s.tokens, s.spans, task_id=i % 3) for i, s in enumerate(SENTENCES)]
    path = tmp_path / "train_task.jsonl"
    write_spankl(path, with_ids, with_task_id=True)
    assert [s.task_id for s in read_spankl(path, "train", ReadReport())] == [0, 1, 2, 0]
    plain = tmp_path / "train.jsonl"
    write_spankl(plain, with_ids)
    assert "task_id" not in plain.read_text(encoding="utf-8")
    with pytest.raises(GencnerError, match="no task_id"):
        write_spankl(tmp_path / "x.jsonl", SENTENCES, with_task_id=True)


def test_mention_form_gives_the_end_from_the_mention(tmp_path):
    path = _write_lines(
        tmp_path / "dev.jsonl",
        [
            json.dumps({"text": "the New York Times said", "ent_dct": {"ORG": [[1, "New York Times"]]}, "extra": [1, 2]}),
            json.dumps({"text": "Ann met Bob", "ent_dct": {"PER": [[0, "Ann"], [2, 3]]}}),
        ],
    )
    read = read_spankl(path, "dev", ReadReport())
    assert read[0].spans == (Span(1, 4, "ORG"),)
    assert read[1].spans == (Span(0, 1, "PER"), Span(2, 3, "PER"))


GOOD = json.dumps({"text": "a b c", "ent_dct": {}})


@pytest.mark.parametrize(
    "bad_line, problem",
    [
        ('{"text": "a b", "ent_dct": {', "invalid JSON"),
        ('["a", "b"]', "expected a JSON object"),
        (json.dumps({"ent_dct": {}}), "missing field `text`"),
        (json.dumps({"text": ["a", "b"], "ent_dct": {}}), "`text` must be a string"),
        (json.dumps({"text": "a b"}), "missing field `ent_dct`"),
        (json.dumps({"text": "a b", "ent_dct": [[0, 1]]}), "`ent_dct` must be an object"),
        (json.dumps({"text": "a b", "ent_dct": {"X": [0, 1]}}), "expected [start, end]"),
        (json.dumps({"text": "a b", "ent_dct": {"X": [[0, 1, 2]]}}), "expected [start, end]"),
        (json.dumps({"text": "a b", "ent_dct": {"X": [[0.0, 1]]}}), "expected [start, end]"),
        (json.dumps({"text": "a b", "ent_dct": {"X": [[0, True]]}}), "the end must be an int"),
        (json.dumps({"text": "a b", "ent_dct": {"X": [[1, 1]]}}), "start must be smaller than end"),
        (json.dumps({"text": "a b", "ent_dct": {"X": [[2, 1]]}}), "start must be smaller than end"),
        (json.dumps({"text": "a b", "ent_dct": {"X": [[1, 3]]}}), "out of range for a sentence of 2 words"),
        (json.dumps({"text": "a b", "ent_dct": {"X": [[-1, 1]]}}), "out of range"),
        (json.dumps({"text": "a b", "ent_dct": {"X": [[0, "a c"]]}}), "does not match the words there"),
        (json.dumps({"text": "a  b", "ent_dct": {}}), "empty word"),
        (json.dumps({"text": "a b", "ent_dct": {}, "task_id": "2"}), "`task_id` must be an int"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path, bad_line, problem):
    # a blank line before the bad one: line numbers count every physical line
    path = _write_lines(tmp_path / "test.jsonl", [GOOD, "", GOOD, bad_line, GOOD])
    with pytest.raises(DataError) as caught:
        read_spankl(path, "test", ReadReport())
    assert caught.value.line == 4
    assert f"{path}:4: " in str(caught.value)
    assert "test.jsonl" in str(caught.value)
    assert problem in str(caught.value)


def test_duplicate_spans_are_removed_and_counted(tmp_path):
    path = _write_lines(
        tmp_path / "train.jsonl",
        [
            json.dumps({"text": "Ann Lee", "ent_dct": {"PER": [[0, 2], [0, "Ann Lee"], [0, 1]]}}),
        ],
    )
    report = ReadReport()
    (sentence,) = read_spankl(path, "train", report)
    assert sentence.spans == (Span(0, 1, "PER"), Span(0, 2, "PER"))
    assert report.repairs == {REPAIR_DUPLICATE: 1}
    assert report.examples[REPAIR_DUPLICATE] == ["train.jsonl:1"]


def test_empty_sentence_is_dropped_counted_and_indices_stay_contiguous(tmp_path):
    path = _write_lines(
        tmp_path / "train.jsonl",
        [
            GOOD,
            json.dumps({"text": "", "ent_dct": {}}),
            json.dumps({"text": "x y", "ent_dct": {"T": [[1, 2]]}}),
        ],
    )
    report = ReadReport()
    read = read_spankl(path, "train", report)
    assert [s.tokens for s in read] == [("a", "b", "c"), ("x", "y")]
    assert [s.idx for s in read] == [0, 1]
    assert read[1].origin == "train.jsonl:3"
    assert report.drops == {DROP_EMPTY: 1}
    assert report.sentences == {"train": 2}


def test_entity_in_an_empty_sentence_is_an_error_not_a_silent_drop(tmp_path):
    path = _write_lines(tmp_path / "train.jsonl", [json.dumps({"text": "", "ent_dct": {"T": [[0, 1]]}})])
    with pytest.raises(DataError, match="out of range"):
        read_spankl(path, "train", ReadReport())


def test_writer_refuses_words_that_would_not_read_back(tmp_path):
    with pytest.raises(GencnerError, match="'New York'"):
        write_spankl(tmp_path / "x.jsonl", [Sentence(("New York", "is", "big"))])


def test_a_type_repeated_in_ent_dct_is_refused_instead_of_losing_its_first_entities(tmp_path):
    # JSON keeps the last value of a repeated key: PER [0, 1] was dropped without a count
    line = '{"text": "Ann met Bob", "ent_dct": {"PER": [[0, 1]], "PER": [[2, 3]]}}'
    path = _write_lines(tmp_path / "train.jsonl", [GOOD, line])
    with pytest.raises(DataError) as caught:
        read_spankl(path, "train", ReadReport())
    assert str(caught.value) == f"{path}:2: the key 'PER' appears twice in one JSON object (one of its values would be lost)"
