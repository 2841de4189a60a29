"""Entity mentions for the synthetic corpus: one function per slot key of ``synthetic_templates``.

Every function takes the split's ``random.Random`` (never the global one, so that a corpus depends on
its seed alone) and returns the mention's tokens. The mixtures below (how often a PERSON is a bare last
name, a DATE a bare year, ...) follow the rough shape of OntoNotes mentions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from gencner.data import synthetic_lexicon as lex

Tokens = tuple[str, ...]

# Share of starred slots that receive a context-dependent form; tuned so that roughly a sixth of all
# entities have a surface form seen with another type elsewhere in the corpus.
AMBIGUOUS_RATE = 0.6
# Share of person last names and city names replaced by names never used in train (dev/test only).
HELD_OUT_RATE = 0.04


@dataclass(frozen=True)
class Drawer:
    """The random source of one split, and whether that split may use the held-out names."""

    rng: random.Random
    held_out: bool = False

    def pick(self, options: tuple[str, ...]) -> Tokens:
        return tuple(self.rng.choice(options).split())

    def held_out_or(self, regular: tuple[str, ...], reserved: tuple[str, ...]) -> str:
        if self.held_out and self.rng.random() < HELD_OUT_RATE:
            return self.rng.choice(reserved)
        return self.rng.choice(regular)


def person(d: Drawer) -> Tokens:
    last = d.held_out_or(lex.LAST_NAMES, lex.HELD_OUT_LAST_NAMES)
    first = d.rng.choice(lex.FIRST_NAMES)
    r = d.rng.random()
    if r < 0.55:
        return (first, last)
    if r < 0.80:  # a bare last name, as in a second mention ("Smith said")
        return (last,)
    if r < 0.92:
        return (first, d.rng.choice(lex.MIDDLE_INITIALS), last)
    return (first,)


def organisation(d: Drawer) -> Tokens:
    r = d.rng.random()
    if r < 0.15:
        return d.pick(lex.ORG_ACRONYMS)
    if r < 0.30:
        return d.pick(lex.ORG_SINGLE)
    if r < 0.62:
        return (d.rng.choice(lex.ORG_STEMS), d.rng.choice(lex.ORG_SUFFIXES))
    if r < 0.82:
        # Place names inside organisation names ("University of Chicago") make a word's type depend on
        # the words around it, not on the word alone.
        pattern = d.rng.choice(lex.ORG_CITY_PATTERNS)
        return tuple(pattern.replace("{x}", d.rng.choice(lex.CITIES)).split())
    return d.pick(lex.ORG_FIXED)


def club(d: Drawer) -> Tokens:
    return d.pick(lex.CLUBS)


def geopolitical(d: Drawer) -> Tokens:
    r = d.rng.random()
    if r < 0.45:
        return tuple(d.held_out_or(lex.CITIES, lex.HELD_OUT_CITIES).split())
    if r < 0.85:
        return d.pick(lex.COUNTRIES)
    return d.pick(lex.STATES)


def day(d: Drawer) -> Tokens:
    """A date that reads well after "on": "March 3", "March 3 , 2019", "Monday"."""
    month, number = d.rng.choice(lex.MONTHS), str(d.rng.randint(1, 28))
    r = d.rng.random()
    if r < 0.45:
        return (month, number)
    if r < 0.65:
        return (month, number, ",", d.rng.choice(lex.YEARS))
    return (d.rng.choice(lex.WEEKDAYS),)


def duration(d: Drawer) -> Tokens:
    return d.pick(lex.DURATIONS)


def date(d: Drawer) -> Tokens:
    """A date that stands alone as an adverbial: "last year", "Monday", "two years ago"."""
    r = d.rng.random()
    if r < 0.65:
        return d.pick(lex.RELATIVE_DATES)
    if r < 0.9:
        return (d.rng.choice(lex.WEEKDAYS),)
    return (d.rng.choice(("last", "next")), d.rng.choice(lex.WEEKDAYS))


def date_after_in(d: Drawer) -> Tokens:
    """A date that reads well after "in", "since" or "by": "1990", "March", "the 1990s", "early 2005"."""
    r = d.rng.random()
    if r < 0.4:
        return (d.rng.choice(lex.YEARS),)
    if r < 0.52:
        return (d.rng.choice(lex.MONTHS),)
    if r < 0.64:
        return (d.rng.choice(lex.MONTHS), d.rng.choice(lex.YEARS))
    if r < 0.8:
        return d.pick(lex.DECADES)
    frame = d.rng.choice(lex.DATE_FRAMES)
    return tuple(frame.replace("{y}", d.rng.choice(lex.YEARS)).split())


# a cardinal's pool: words 35 %, digits 53 %, millions the rest (cumulative shares)
CARDINAL_POOLS = ((0.35, lex.CARDINAL_WORDS), (0.88, lex.CARDINAL_DIGITS), (1.0, lex.CARDINAL_MILLIONS))


def cardinal(d: Drawer) -> Tokens:
    r = d.rng.random()
    return d.pick(next(pool for share, pool in CARDINAL_POOLS if r < share or share == 1.0))


def score(d: Drawer) -> Tokens:
    return d.pick(lex.SCORES)


def norp_adjective(d: Drawer) -> Tokens:
    return d.pick(lex.NORP_ADJECTIVES)


def norp_group(d: Drawer) -> Tokens:
    return d.pick(lex.NORP_GROUPS)


def _shared_form_groups() -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """The forms that ``lex.AMBIGUOUS`` gives to several types, grouped by the set of types they take:
    ((types, forms), ...) in a fixed order, e.g. (("GPE", "PERSON"), ("Georgia", "Washington", ...))."""
    types_of: dict[str, set[str]] = {}
    for entity_type, forms in lex.AMBIGUOUS.items():
        for form in forms:
            types_of.setdefault(form, set()).add(entity_type)
    groups: dict[tuple[str, ...], list[str]] = {}
    for form, types in types_of.items():
        if len(types) > 1:
            groups.setdefault(tuple(sorted(types)), []).append(form)
    return tuple((types, tuple(forms)) for types, forms in sorted(groups.items()))


SHARED_FORM_GROUPS = _shared_form_groups()
# The slot key of ``synthetic_templates.NEUTRAL_TEMPLATES``.
SHARED_SLOT = "A"


def shared_form(d: Drawer) -> tuple[str, Tokens]:
    """A form several types share and one of its types at random: the label of a mention whose context
    says nothing. A group of types first, then a form, so that the 64 years (DATE or CARDINAL) do not
    crowd out the names (PERSON, GPE, ORG)."""
    types, forms = d.rng.choice(SHARED_FORM_GROUPS)
    form = d.rng.choice(forms)
    return d.rng.choice(types), (form,)


# Slot key → (entity type, filler), written per type. Starred keys are derived from these in ``fill``.
_FILLERS = {
    "PERSON": {"P": person},
    "ORG": {"O": organisation, "CLUB": club},
    "GPE": {"G": geopolitical},
    "DATE": {"D": date, "DIN": date_after_in, "DAY": day, "DUR": duration},
    "CARDINAL": {"C": cardinal, "SCORE": score},
    "NORP": {"N": norp_adjective, "NS": norp_group},
}
SLOTS = {key: (entity_type, filler) for entity_type, fillers in _FILLERS.items() for key, filler in fillers.items()}


def fill(key: str, d: Drawer) -> tuple[str, Tokens]:
    """The entity type and tokens for a slot key such as "P" or "G*" (see ``synthetic_templates``)."""
    if key == SHARED_SLOT:
        return shared_form(d)
    starred = key.endswith("*")
    entity_type, filler = SLOTS[key.rstrip("*")]
    if starred and d.rng.random() < AMBIGUOUS_RATE:
        return entity_type, d.pick(lex.AMBIGUOUS[entity_type])
    return entity_type, filler(d)
