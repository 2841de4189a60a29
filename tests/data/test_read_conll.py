"""CoNLL column files: BIO, BIOES and IO round trips, repairs, -DOCSTART-, columns and errors."""

from __future__ import annotations

import pytest

from gencner.data.readers import read_conll, write_conll
from gencner.data.schema import ReadReport, Sentence, Span
from gencner.data.tags import REPAIR_NO_BEGIN, REPAIR_NOT_CLOSED
from gencner.errors import DataError, GencnerError

SENTENCES = [
    Sentence(("New", "York", "Times", "reporter", "Ann", "Lee"), (Span(0, 3, "ORG"), Span(4, 6, "PER"))),
    Sentence(("Paris", "London", "Berlin", "Rome"), (Span(0, 1, "LOC"), Span(1, 2, "LOC"), Span(2, 4, "LOC"))),
    Sentence(("nothing", "here", ".")),
    Sentence(("Zoë", "visited", "Zürich", "—", "東京"), (Span(0, 1, "PER"), Span(4, 5, "LOC"))),
    Sentence(("EU",), (Span(0, 1, "ORG"),)),
]


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _pairs(sentences):
    return [(s.tokens, s.spans) for s in sentences]


@pytest.mark.parametrize("scheme", ["bio", "bioes"])
def test_round_trip(tmp_path, scheme):
    path = tmp_path / "train.txt"
    write_conll(path, SENTENCES, scheme)
    report = ReadReport()
    read = read_conll(path, "train", report, scheme=scheme)
    assert _pairs(read) == _pairs(SENTENCES)
    assert [s.idx for s in read] == list(range(len(SENTENCES)))
    assert [s.origin for s in read] == ["train.txt:1", "train.txt:8", "train.txt:13", "train.txt:17", "train.txt:23"]
    assert not report.repairs and not report.drops
    assert report.sentences == {"train": 5}


def test_io_round_trip_merges_adjacent_entities_of_one_type(tmp_path):
    path = tmp_path / "train.txt"
    write_conll(path, SENTENCES, "io")
    read = read_conll(path, "train", ReadReport(), scheme="io")
    # ORG then PER stay apart (different labels); three adjacent LOC become one run
    assert read[0].spans == (Span(0, 3, "ORG"), Span(4, 6, "PER"))
    assert read[1].spans == (Span(0, 4, "LOC"),)
    assert _pairs(read[2:]) == _pairs(SENTENCES[2:])


def test_few_nerd_io_file_with_bare_fine_labels(tmp_path):
    path = _write(
        tmp_path / "dev.txt",
        (
            "Barack\tperson-politician\nObama\tperson-politician\nvisited\tO\n"
            "New\tlocation-GPE\nYork\tlocation-GPE\nParis\tlocation-GPE\n"
            "Le\tart-writtenart\nMonde\tart-writtenart\n\n"
            "nothing\tO\n"
        ),
    )
    read = read_conll(path, "dev", ReadReport(), scheme="io")
    assert read[0].spans == (Span(0, 2, "person-politician"), Span(3, 6, "location-GPE"), Span(6, 8, "art-writtenart"))
    assert read[1].tokens == ("nothing",) and read[1].spans == ()


def test_bioes_hand_written_and_unclosed_entity_is_counted(tmp_path):
    path = _write(tmp_path / "t.txt", ("Ann S-PER\nand O\nNew B-LOC\nYork E-LOC\nCity O\n\nthe B-ORG\nBig I-ORG\nBank I-ORG\nsaid O\n"))
    report = ReadReport()
    read = read_conll(path, "test", report, scheme="bioes")
    assert read[0].spans == (Span(0, 1, "PER"), Span(2, 4, "LOC"))
    assert read[1].spans == (Span(0, 3, "ORG"),)  # closed where it stops
    assert report.repairs == {REPAIR_NOT_CLOSED: 1}
    assert report.examples[REPAIR_NOT_CLOSED] == ["t.txt:7"]


def test_broken_bio_sequences_follow_the_documented_rule_and_are_counted(tmp_path):
    path = _write(
        tmp_path / "t.txt",
        (
            "a O\nb I-PER\nc I-PER\nd O\n\n"  # I- after O starts an entity
            "e B-PER\nf I-LOC\ng O\n\n"  # I- of another type starts a new entity
            "h I-ORG\n"  # I- at the start of the sentence
        ),
    )
    report = ReadReport()
    read = read_conll(path, "train", report)
    assert read[0].spans == (Span(1, 3, "PER"),)
    assert read[1].spans == (Span(0, 1, "PER"), Span(1, 2, "LOC"))
    assert read[2].spans == (Span(0, 1, "ORG"),)
    assert report.repairs == {REPAIR_NO_BEGIN: 3}
    assert report.examples[REPAIR_NO_BEGIN] == ["t.txt:1", "t.txt:6", "t.txt:10"]


def test_docstart_lines_and_their_empty_sentences_are_skipped(tmp_path):
    path = _write(
        tmp_path / "eng.train",
        (
            "-DOCSTART- -X- -X- O\n\n"
            "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n\n"
            "\n"  # two blank lines in a row make no empty sentence either
            "-DOCSTART- -X- -X- O\n"
            "Peter NNP B-NP B-PER\nBlackburn NNP I-NP I-PER\n"
        ),
    )
    report = ReadReport()
    read = read_conll(path, "train", report)
    assert [s.tokens for s in read] == [("EU", "rejects", "German"), ("Peter", "Blackburn")]
    assert read[0].spans == (Span(0, 1, "ORG"), Span(2, 3, "MISC"))
    assert read[1].spans == (Span(0, 2, "PER"),)
    assert [s.origin for s in read] == ["eng.train:3", "eng.train:9"]
    assert not report.drops


def test_docstart_without_blank_line_ends_the_sentence(tmp_path):
    path = _write(tmp_path / "x.txt", "a B-X\n-DOCSTART- O\nb B-Y\n")
    assert [s.tokens for s in read_conll(path, "train", ReadReport())] == [("a",), ("b",)]


def test_chosen_columns_tabs_and_windows_line_endings(tmp_path):
    path = _write(tmp_path / "x.tsv", "1\tB-PER\tAnn\tNNP\r\n2\tO\tsleeps\tVBZ\r\n\r\n")
    read = read_conll(path, "dev", ReadReport(), token_column=2, tag_column=1)
    assert read[0].tokens == ("Ann", "sleeps")
    assert read[0].spans == (Span(0, 1, "PER"),)


@pytest.mark.parametrize(
    "bad_line, scheme, problem",
    [
        ("lonely", "bio", "has 1 column(s)"),
        ("word X-PER", "bio", "not a BIO tag"),
        ("word S-PER", "bio", "not a BIO tag"),
        ("word B-", "bio", "not a BIO tag"),
        ("word Q-PER", "bioes", "not a BIOES tag"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path, bad_line, scheme, problem):
    path = _write(tmp_path / "bad.conll", f"a O\nb O\n\nc O\n{bad_line}\nd O\n")
    with pytest.raises(DataError) as caught:
        read_conll(path, "train", ReadReport(), scheme=scheme)
    assert caught.value.line == 5
    assert f"{path}:5: " in str(caught.value) and "bad.conll" in str(caught.value)
    assert problem in str(caught.value)


def test_missing_tag_column_is_an_error(tmp_path):
    path = _write(tmp_path / "x.txt", "a O\nb\n")
    with pytest.raises(DataError, match=r"x.txt:2: .*column"):
        read_conll(path, "train", ReadReport(), token_column=0, tag_column=1)


def test_unknown_scheme_is_refused(tmp_path):
    path = _write(tmp_path / "x.txt", "a O\n")
    with pytest.raises(GencnerError, match="valid: bio, bioes, io"):
        read_conll(path, "train", ReadReport(), scheme="bilou")


def test_writer_refuses_what_a_column_file_cannot_hold(tmp_path):
    with pytest.raises(GencnerError, match="overlapping"):
        write_conll(tmp_path / "x", [Sentence(("a", "b"), (Span(0, 2, "X"), Span(1, 2, "Y")))])
    with pytest.raises(GencnerError, match="no words"):
        write_conll(tmp_path / "x", [Sentence(())])
    with pytest.raises(GencnerError, match="separator"):
        write_conll(tmp_path / "x", [Sentence(("a\tb",))])


def test_cr_only_line_endings_are_refused_with_the_line(tmp_path):
    # read at "\n" only, the whole file was one line: one 1-word sentence, every entity lost unseen
    path = tmp_path / "test.txt"
    path.write_bytes(b"EU\tB-ORG\rrejects\tO\r\rPeter\tB-PER\r")
    with pytest.raises(DataError) as caught:
        read_conll(path, "test", ReadReport())
    assert str(caught.value).startswith(f"{path}:1: a carriage return (\\r) inside the line")


def test_a_stray_carriage_return_inside_a_line_names_that_line(tmp_path):
    path = tmp_path / "test.txt"
    path.write_bytes(b"EU\tB-ORG\r\nNew\rYork\tB-LOC\r\n")
    with pytest.raises(DataError, match=r"test.txt:2: a carriage return"):
        read_conll(path, "test", ReadReport())


def test_a_word_line_with_more_columns_than_the_first_is_refused(tmp_path):
    # "New York" as one word: split at its space, the word became "New" and "York" was dropped
    path = _write(tmp_path / "train.txt", "Ann\tB-PER\nlives\tO\n\nNew York\tB-LOC\nis\tO\n")
    with pytest.raises(DataError) as caught:
        read_conll(path, "train", ReadReport())
    assert str(caught.value) == (
        f"{path}:4: the line has 3 columns where line 1 has 2; every word line needs the same columns (a word holding a space or tab?)"
    )
