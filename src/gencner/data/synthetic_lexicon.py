"""Word lists for the synthetic corpus (see ``synthetic.py``).

The lists are small on purpose: a model trained from scratch on a CPU has to learn the corpus in minutes,
so the vocabulary stays near a thousand words. Multi-word entries are written with spaces and split into
tokens when used. Surface forms that also serve another type live in ``AMBIGUOUS`` only, so that the
regular pools stay unambiguous and the corpus controls exactly where a form changes type.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    """A whitespace-separated list (single-token entries)."""
    return tuple(text.split())


def _phrases(text: str) -> tuple[str, ...]:
    """A "|"-separated list (entries may hold several tokens)."""
    return tuple(p.strip() for p in text.split("|") if p.strip())


FIRST_NAMES = _words(
    "John Mary David Sarah Michael Anna James Laura Robert Maria Thomas Elena Peter Sofia Daniel Emma "
    "Paul Julia Mark Linda Steven Karen Richard Nancy Kevin Helen Brian Susan Carlos Ana Ahmed Fatima "
    "Wei Mei Hiroshi Yuki Ivan Olga Pierre Claire Hans Ingrid Raj Priya Kofi Amara Luis Rosa Omar Leila"
)
LAST_NAMES = _words(
    "Smith Johnson Brown Miller Davis Wilson Anderson Taylor Moore Martin Clark Lewis Walker Hall "
    "Young King Wright Scott Green Baker Adams Nelson Carter Mitchell Roberts Turner Phillips Campbell "
    "Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Reed Bailey Cooper Howard Ward "
    "Richardson Watson Brooks Bennett Gray Hughes Price Sanders Foster Weber Schmidt Dubois Rossi "
    "Tanaka Chen Wang Kim Singh Patel Ivanov Garcia Lopez Okafor Haddad Novak Jensen Moreau"
)
MIDDLE_INITIALS = _words("A. B. C. D. E. F. H. J. K. L. M. R. S. T. W.")

CITIES = _phrases(
    "London|Berlin|Tokyo|Beijing|Moscow|Cairo|Madrid|Rome|Chicago|Boston|Toronto|Mumbai|Seoul|Lagos|"
    "Nairobi|Dublin|Vienna|Oslo|Manila|Jakarta|Istanbul|Baghdad|Tehran|Dallas|Denver|Seattle|Miami|"
    "Atlanta|Detroit|Geneva|Brussels|Warsaw|Athens|Bangkok|Hanoi|Karachi|New York|New Delhi|"
    "New Orleans|Los Angeles|San Francisco|Hong Kong|Buenos Aires|Tel Aviv|Mexico City|Cape Town|"
    "Kuala Lumpur|Rio de Janeiro"
)
COUNTRIES = _phrases(
    "France|Germany|Japan|China|Russia|Egypt|Spain|Italy|Canada|India|Brazil|Mexico|Nigeria|Kenya|"
    "Iraq|Iran|Syria|Israel|Turkey|Poland|Greece|Sweden|Norway|Peru|Chile|Pakistan|Vietnam|Thailand|"
    "Australia|Indonesia|Ukraine|Cuba|U.S.|United States|United Kingdom|United Arab Emirates|"
    "South Africa|South Korea|North Korea|New Zealand|Saudi Arabia|Sri Lanka"
)
STATES = _phrases(
    "California|Texas|Ohio|Florida|Michigan|Oregon|Arizona|Nevada|Virginia|Bavaria|Ontario|Quebec|"
    "New Jersey|New Mexico|New Hampshire|North Carolina|West Virginia|British Columbia"
)

# Adjectives go before a noun ("the French government"); group nouns stand alone ("Democrats won").
NORP_ADJECTIVES = _phrases(
    "French|German|Japanese|Chinese|Russian|Egyptian|Spanish|Italian|Canadian|Indian|Brazilian|"
    "Mexican|Nigerian|Kenyan|Iraqi|Iranian|Syrian|Israeli|Turkish|Polish|Greek|Swedish|American|"
    "British|Australian|Korean|Palestinian|Arab|European|African|Muslim|Christian|Jewish|Buddhist|"
    "Hindu|Catholic|Kurdish|Sunni|Shiite|Democratic|Republican|Socialist|South Korean|Latin American"
)
NORP_GROUPS = _phrases(
    "Democrats|Republicans|Socialists|Conservatives|Liberals|Communists|Muslims|Christians|Catholics|"
    "Buddhists|Hindus|Americans|Canadians|Germans|Russians|Palestinians|Kurds|Europeans|Africans|"
    "Israelis|Iraqis|Mexicans|Australians|Shiites"
)

ORG_ACRONYMS = _words("IBM NATO UNICEF FBI NASA CIA OPEC IMF BBC CNN FIFA UNESCO WTO AFP NBC")
ORG_SINGLE = _words(
    "Microsoft Google Toyota Siemens Reuters Nokia Samsung Boeing Airbus Intel Pfizer Nestle Unilever "
    "Exxon Honda Sony Vodafone Heineken Congress Parliament"
)
# Invented stems keep company names productive without bloating the vocabulary.
ORG_STEMS = _words(
    "Apex Summit Atlas Pioneer Horizon Vanguard Meridian Crescent Liberty Eagle Falcon Orion Harbor "
    "Granite Sterling Beacon Northern Pacific Atlantic Global National Royal Central"
)
ORG_SUFFIXES = _words(
    "Bank Motors Airlines Group Energy Systems Capital Holdings Foundation Institute Partners Media"
)
# "{x}" is replaced by a city (or a last name for colleges).
ORG_CITY_PATTERNS = _phrases("University of {x}|{x} University|Bank of {x}|{x} Police Department")
ORG_FIXED = _phrases(
    "Lincoln Motors|Washington Post|Georgia Power|Jordan Energy|Chelsea Bank|Ford Foundation|"
    "Democratic Party|Republican Party|Labour Party|Green Party|Ministry of Defense|Ministry of Health|"
    "Ministry of Finance|Red Cross|World Bank|Supreme Court|European Union|United Nations"
)
# Football clubs: some share their name with a city or a person, so they feed the ambiguity on purpose.
CLUBS = _phrases(
    "Chelsea|Liverpool|Arsenal|Everton|Celtic|Juventus|Ajax|Barcelona|Real Madrid|Manchester United|"
    "Bayern Munich|Aston Villa"
)

MONTHS = _words("January February March April May June July August September October November December")
WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
YEARS = tuple(str(y) for y in range(1960, 2024))
DECADES = _phrases("the 1960s|the 1970s|the 1980s|the 1990s|the 2000s")
RELATIVE_DATES = _phrases(
    "last year|this year|next year|last week|this week|next week|last month|next month|yesterday|"
    "today|recent years|the past two years|the next three months|the first quarter|this summer|"
    "last spring|the weekend|two years ago|ten days ago"
)
DURATIONS = _phrases("two weeks|three months|five years|ten years|six months|four days|a decade")
DATE_FRAMES = _phrases("early {y}|late {y}|the summer of {y}|fiscal {y}|the end of {y}")

CARDINAL_WORDS = _phrases(
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|fifty|"
    "two million|three million|several hundred|a million|two hundred|five thousand"
)
CARDINAL_DIGITS = _words(
    "12 15 18 20 24 25 30 35 40 42 45 48 50 60 64 75 80 90 100 120 150 200 250 300 400 500 600 750 "
    "800 900 1,000 1,200 1,500 2,000 2,500 3,000 5,000 10,000 12,000 20,000 50,000 100,000"
)
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
        "Jordan Georgia Washington Chelsea Victoria Florence Austin Sydney Charlotte Lincoln Paris "
        "Houston Madison Liverpool Barcelona"
    ),
    "ORG": _words("Ford Dell Lincoln Morgan Disney Jordan Chelsea"),
    # Years double as counts ("1990 people"); three months double as first names.
    "DATE": _words("May June April") + YEARS,
    "CARDINAL": YEARS,
}

# Names reserved for dev and test, drawn rarely, so scores also reward generalisation a little.
HELD_OUT_LAST_NAMES = _words("Nakamura Kowalski Fernandes Lindqvist Mbeki")
HELD_OUT_CITIES = _words("Porto Krakow Accra Quito Tunis")
