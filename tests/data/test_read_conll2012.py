"""CoNLL-2012 *gold_conll: brackets, unescaping, folders, the pt/ drop and errors."""

from __future__ import annotations

import pytest

from gencner.data.readers import DROP_BIBLE, read_conll2012
from gencner.data.schema import ReadReport, Span
from gencner.errors import DataError


def _row(document: str, number: int, word: str, entity: str) -> str:
    """One word line with the 12+ columns of the real files (POS, parse, lemma, … are filler)."""
    return f"{document}  0  {number}  {word}  NNP  *  -  -  -  Speaker#1  {entity}  *  -"


def _document(document: str, sentences: list[list[tuple[str, str]]]) -> str:
    lines = [f"#begin document ({document}); part 000"]
    for sentence in sentences:
        lines += [_row(document, i, word, entity) for i, (word, entity) in enumerate(sentence)]
        lines.append("")
    lines.append("#end document")
    return "\n".join(lines) + "\n"


NEWS = _document(
    "bc/cctv/00/cctv_0001",
    [
        [
            ("-LRB-", "*"),
            ("John", "(PERSON*"),
            ("Smith", "*)"),
            ("-RRB-", "*"),
            ("visited", "*"),
            ("New", "(GPE*"),
            ("York", "*)"),
            ("/.", "*"),
        ],
        [
            ("The", "(ORG*"),
            ("World", "*"),
            ("Bank", "*)"),
            ("China", "(GPE)"),
            ("Japan", "(GPE)"),
            ("-LSB-", "*"),
            ("/?", "*"),
            ("-RSB-", "*"),
            ("e", "*"),
            ("/-", "*"),
            ("-LCB-", "*"),
            ("-RCB-", "*"),
        ],
        [("nothing", "*"), ("happened", "*")],
        [("Zoë", "(PERSON*)"), ("東京", "(GPE)")],
    ],
)
BIBLE = _document("pt/nt/40/nt_4001", [[("In", "*"), ("the", "*"), ("beginning", "*")], [("God", "*")]])


def test_brackets_and_unescaping(tmp_path):
    path = tmp_path / "cctv_0001.v4_gold_conll"
    path.write_text(NEWS, encoding="utf-8")
    report = ReadReport()
    read = read_conll2012(path, "train", report)
    assert read[0].tokens == ("(", "John", "Smith", ")", "visited", "New", "York", ".")
    assert read[0].spans == (Span(1, 3, "PERSON"), Span(5, 7, "GPE"))
    assert read[1].tokens == ("The", "World", "Bank", "China", "Japan", "[", "?", "]", "e", "-", "{", "}")
    # multi-word, then two adjacent single-word entities of one type stay apart
    assert read[1].spans == (Span(0, 3, "ORG"), Span(3, 4, "GPE"), Span(4, 5, "GPE"))
    assert read[2].spans == ()
    assert read[3].tokens == ("Zoë", "東京") and read[3].spans == (Span(0, 1, "PERSON"), Span(1, 2, "GPE"))
    assert [s.origin for s in read] == [
        "cctv_0001.v4_gold_conll:2",
        "cctv_0001.v4_gold_conll:11",
        "cctv_0001.v4_gold_conll:24",
        "cctv_0001.v4_gold_conll:27",
    ]
    assert [s.idx for s in read] == [0, 1, 2, 3]
    assert report.sentences == {"train": 4}
    assert not report.drops and not report.repairs


def test_folder_is_read_recursively_in_sorted_order_and_pt_documents_are_dropped(tmp_path):
    (tmp_path / "pt" / "nt").mkdir(parents=True)
    (tmp_path / "bc" / "cctv").mkdir(parents=True)
    (tmp_path / "pt" / "nt" / "nt_4001.v4_gold_conll").write_text(BIBLE, encoding="utf-8")
    (tmp_path / "bc" / "cctv" / "cctv_0001.v4_gold_conll").write_text(NEWS, encoding="utf-8")
    other = _document("nw/wsj/00/wsj_0001", [[("Vinken", "(PERSON)")]])
    (tmp_path / "bc" / "cctv" / "wsj_0001.v4_gold_conll").write_text(other, encoding="utf-8")
    (tmp_path / "bc" / "cctv" / "wsj_0001.v4_auto_conll").write_text(other, encoding="utf-8")  # not gold
    report = ReadReport()
    read = read_conll2012(tmp_path, "test", report)
    assert [s.origin for s in read] == [
        "bc/cctv/cctv_0001.v4_gold_conll:2",
        "bc/cctv/cctv_0001.v4_gold_conll:11",
        "bc/cctv/cctv_0001.v4_gold_conll:24",
        "bc/cctv/cctv_0001.v4_gold_conll:27",
        "bc/cctv/wsj_0001.v4_gold_conll:2",
    ]
    assert [s.idx for s in read] == [0, 1, 2, 3, 4]
    assert report.drops == {DROP_BIBLE: 2}
    assert report.examples[DROP_BIBLE] == ["pt/nt/nt_4001.v4_gold_conll:2", "pt/nt/nt_4001.v4_gold_conll:6"]
    assert report.sentences == {"test": 5}
    assert report.entities["test"] == {"GPE": 4, "ORG": 1, "PERSON": 3}


@pytest.mark.parametrize(
    "entities, bad_line, problem",
    [
        (["(ORG*", "(PERSON*", "*)", "*)"], 3, "nested or unclosed entity"),
        (["*", "*)", "*", "*"], 3, "'*)' closes an entity, but none is open"),
        (["*", "(ORG*", "*", "*"], 3, "(ORG is never closed"),
        (["*", "(ORG", "*", "*"], 3, "bad named-entity field '(ORG'"),
        (["*", "ORG", "*", "*"], 3, "bad named-entity field 'ORG'"),
        (["*", "(*", "*", "*"], 3, "bad named-entity field '(*'"),
    ],
)
def test_bracket_errors_name_file_and_line(tmp_path, entities, bad_line, problem):
    words = ["a", "b", "c", "d"]
    path = tmp_path / "bad.v4_gold_conll"
    path.write_text(_document("nw/x/00/x_0001", [list(zip(words, entities))]), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_conll2012(path, "train", ReadReport())
    assert caught.value.line == bad_line
    assert f"{path}:{bad_line}: " in str(caught.value) and "bad.v4_gold_conll" in str(caught.value)
    assert problem in str(caught.value)


def test_short_line_is_an_error(tmp_path):
    path = tmp_path / "short.gold_conll"
    path.write_text("#begin document (nw/x); part 000\nnw/x 0 0 word NN * - - - - *\nnw/x 0 1 word NN\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"short.gold_conll:3: the line has 5 columns"):
        read_conll2012(path, "train", ReadReport())


def test_folder_without_gold_files_is_an_error(tmp_path):
    (tmp_path / "a.txt").write_text("x\n")
    with pytest.raises(DataError, match="no file whose name ends with 'gold_conll'"):
        read_conll2012(tmp_path, "train", ReadReport())
