"""The synthetic corpus's word lists are data (synthetic_lexicon.txt): read back as tuples, with errors
that name the line."""

import pytest

from gencner.data import synthetic_lexicon as lex
from gencner.errors import GencnerError


def test_lists_continue_on_indented_lines_and_skip_comments():
    text = "# a comment\nCITIES: London | New York |\n    Tokyo\n\nMONTHS: May\n"
    assert lex.parse_lists(text, "x.txt") == {"CITIES": ("London", "New York", "Tokyo"), "MONTHS": ("May",)}


@pytest.mark.parametrize(
    ("text", "line"),
    [("    London\n", 1), ("CITIES: London\nno colon here\n", 2), ("CITIES: a\nCITIES: b\n", 2)],
)
def test_a_malformed_file_names_its_line(text, line):
    with pytest.raises(GencnerError, match=f"x.txt, line {line}:"):
        lex.parse_lists(text, "x.txt")


def test_the_module_exposes_each_list_and_refuses_unknown_names():
    assert "New York" in lex.CITIES and lex.YEARS[0] == "1960"
    assert set(lex.AMBIGUOUS) == {"PERSON", "GPE", "ORG", "DATE", "CARDINAL"}
    with pytest.raises(AttributeError, match="no list 'NOPE'"):
        lex.NOPE  # noqa: B018
