"""Word lists for the synthetic corpus (see ``synthetic.py``), read from ``synthetic_lexicon.txt``.

The lists are small on purpose: under Split each task sees a sixth of the corpus, and a small model
trained on a CPU must learn its type from that sixth alone (as a pretrained BART learns a type from one
real task's data), so a chunk has to cover most of a type's forms; the vocabulary stays in the hundreds.
Multi-word entries are written with spaces and split into tokens when used. Surface forms that also
serve another type live in ``AMBIGUOUS`` only, so that the regular pools stay unambiguous and the corpus
controls exactly where a form changes type.

Each list of the file is an attribute of this module (``synthetic_lexicon.CITIES``), a tuple of str.
"""

from __future__ import annotations

from importlib import resources

from gencner.errors import GencnerError

LEXICON_FILE = "synthetic_lexicon.txt"


def parse_lists(text: str, source: str) -> dict[str, tuple[str, ...]]:
    """`NAME: entry | entry ...` lists, continued on indented lines; "#" starts a comment line."""
    lists: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace():
            if current is None:
                raise GencnerError(f"{source}, line {number}: a continuation line before any list name")
            body = line
        else:
            name, colon, body = line.partition(":")
            if not colon or not name.isidentifier() or name in lists:
                raise GencnerError(f"{source}, line {number}: expected a new list as 'NAME: entry | entry', got {line!r}")
            current = lists[name] = []
        current.extend(e.strip() for e in body.split("|") if e.strip())
    return {name: tuple(entries) for name, entries in lists.items()}


_LISTS = parse_lists(resources.files(__package__).joinpath(LEXICON_FILE).read_text(encoding="utf-8"), LEXICON_FILE)

YEARS = tuple(str(y) for y in range(1960, 2024))
# Forms whose type depends on context, by the type a starred slot gives them (see the file's comment).
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "PERSON": _LISTS["AMBIGUOUS_PERSON"],
    "GPE": _LISTS["AMBIGUOUS_GPE"],
    "ORG": _LISTS["AMBIGUOUS_ORG"],
    "DATE": _LISTS["AMBIGUOUS_DATE_MONTHS"] + YEARS,
    "CARDINAL": YEARS,
}


def __getattr__(name: str) -> tuple[str, ...]:
    try:
        return _LISTS[name]
    except KeyError:
        raise AttributeError(f"{LEXICON_FILE} has no list {name!r}") from None


def __dir__() -> list[str]:
    return sorted([*globals(), *_LISTS])
