"""Word lists for the synthetic corpus (see ``synthetic.py``).

The lists are small on purpose: under Split each task sees a sixth of the corpus, and a small model
trained on a CPU must learn its type from that sixth alone (as a pretrained BART learns a type from one
real task's data), so a chunk has to cover most of a type's forms; the vocabulary stays in the hundreds.
Multi-word entries are written with spaces and split into tokens when used. Surface forms that also
serve another type live in ``AMBIGUOUS`` only, so that the regular pools stay unambiguous and the corpus
controls exactly where a form changes type.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    """A whitespace-separated list (single-token entries)."""
    return tuple(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    """A "|"-separated list (entries may hold several tokens)."""
    return tuple(p.strip() for p in text.split("|") if p.strip())


FIRST_NAMES = _words(
    "John Mary David Sarah Michael Anna James Laura Robert Maria Thomas Elena Peter Sofia Daniel Emma Paul Julia Mark Linda "
)
LAST_NAMES = _words(
    "Smith Johnson Brown Miller Davis Wilson Anderson Taylor Moore Martin Clark Lewis Walker Hall "
    "Young King Wright Scott Green Baker Adams Nelson Carter Mitchell Roberts Turner Phillips "
    "Campbell "
)
MIDDLE_INITIALS = _words("A. B. C. D. E. F. H. J. K. L. M. R. S. T. W.")

CITIES = _phrases(
    "London|Berlin|Tokyo|Moscow|Cairo|Madrid|Chicago|Boston|Toronto|Mumbai|Seoul|Lagos|New York|Los Angeles|Hong Kong|"
    "San Francisco|Buenos Aires|Cape Town|Tel Aviv"
)
COUNTRIES = _phrases(
    "France|Germany|Japan|China|Russia|Egypt|Spain|Canada|India|Brazil|Mexico|Kenya|United States|United Kingdom|"
    "South Africa|South Korea|New Zealand|Saudi Arabia"
)
STATES = _phrases("California|Texas|Ohio|Florida|New Jersey|North Carolina|British Columbia")

# Adjectives go before a noun ("the French government"); group nouns stand alone ("Democrats won").
NORP_ADJECTIVES = _phrases(
    "French|German|Japanese|Chinese|Russian|Egyptian|Spanish|Canadian|Indian|Brazilian|Mexican|American|British|Muslim|"
    "Christian|Jewish|Catholic|Democratic|Republican|South Korean|Latin American"
)
NORP_GROUPS = _phrases("Democrats|Republicans|Socialists|Conservatives|Liberals|Communists|Muslims|Christians|Catholics|Buddhists|")

ORG_ACRONYMS = _words("IBM NATO UNICEF FBI NASA CIA ")
ORG_SINGLE = _words("Microsoft Google Toyota Siemens Reuters Nokia Samsung Boeing ")
# Invented stems keep company names productive without bloating the vocabulary.
ORG_STEMS = _words("Apex Summit Atlas Pioneer Horizon Vanguard Meridian Crescent Liberty ")
ORG_SUFFIXES = _words("Bank Motors Airlines Group Energy ")
# "{x}" is replaced by a city (or a last name for colleges).
ORG_CITY_PATTERNS = _phrases("University of {x}|{x} University|Bank of {x}|{x} Police Department")
ORG_FIXED = _phrases(
    "Lincoln Motors|Washington Post|Georgia Power|Jordan Energy|Chelsea Bank|Ford Foundation|Democratic Party|"
    "Red Cross|World Bank|Supreme Court|United Nations"
)
# Football clubs: some share their name with a city or a person, so they feed the ambiguity on purpose.
CLUBS = _phrases("Chelsea|Liverpool|Barcelona|Arsenal|Real Madrid|Manchester United|Bayern Munich")

MONTHS = _words("January February March April May June July August September October November December")
WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
YEARS = tuple(str(y) for y in range(1960, 2024))
DECADES = _phrases("the 1960s|the 1970s|the 1980s|the 1990s|the 2000s")
RELATIVE_DATES = _phrases("last year|this year|next year|last week|this week|next week|last month|next month|")
DURATIONS = _phrases("two weeks|three months|five years|ten years|six months|four days|a decade")
DATE_FRAMES = _phrases("early {y}|late {y}|the summer of {y}|fiscal {y}|the end of {y}")

CARDINAL_WORDS = _phrases("one|two|three|four|five|six|seven|eight|nine|")
CARDINAL_DIGITS = _words("12 15 18 20 24 25 30 35 40 42 45 48 50 60 64 75 80 ")
CARDINAL_MILLIONS = _phrases("1.5 million|2 million|3 million|4.2 million|10 million|1 billion")
SCORES = _words("0 1 2 3 4 5")

# Forms whose type depends on context. They are only drawn into "starred" slots of templates whose
# wording settles the type ("Dr. _ said", "flew to _", "shares of _"), so a model can learn them.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "PERSON": _words(
        "Jordan Georgia Washington Chelsea Victoria Florence Austin Sydney Charlotte Lincoln Ford Dell "
        "Morgan Disney May June April Paris Houston Madison"
    ),
    "GPE": _words(
        "Jordan Georgia Washington Chelsea Victoria Florence Austin Sydney Charlotte Lincoln Paris Houston Madison Liverpool Barcelona"
    ),
    "ORG": _words("Ford Dell Lincoln Morgan Disney Jordan Chelsea"),
    # Years double as counts ("1990 people"); three months double as first names.
    "DATE": _words("May June April") + YEARS,
    "CARDINAL": YEARS,
}

# Names reserved for dev and test, drawn rarely, so scores also reward generalisation a little.
HELD_OUT_LAST_NAMES = _words("Nakamura Kowalski Fernandes Lindqvist Mbeki")
HELD_OUT_CITIES = _words("Porto Krakow Accra Quito Tunis")
