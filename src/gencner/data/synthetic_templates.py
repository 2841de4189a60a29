"""Sentence templates for the synthetic corpus (see ``synthetic.py``).

A template is a string of space-separated tokens; ``{KEY}`` tokens are entity slots filled by
``synthetic.py``. Keys: P person, O organisation, CLUB football club (ORG), G geo-political entity,
D a date that stands alone ("said Monday", "left last year"), DAY one that fits after "on", DIN one that
fits after "in" or "since", DUR a duration (all DATE), C cardinal, SCORE a match score (CARDINAL),
N nationality/religious/political adjective and NS the matching group noun (both NORP).
A starred key (``P*``, ``G*``, ``O*``, ``DIN*``, ``C*``) may receive a form that other slots give another
type ("Jordan", "Lincoln", "1990", "May"); stars only appear where the surrounding words settle the
type, which is what keeps the corpus learnable without a gazetteer.
The one exception is ``NEUTRAL_TEMPLATES`` (slot ``{A}``), used only by the noisy variant
(``ambiguous_fraction`` > 0): there nothing settles the type, on purpose.

Titles ("Dr.", "Mr.", "President") stay outside PERSON spans, as in OntoNotes; so do "the" before an
organisation and units after a number.
"""

from __future__ import annotations

# Politics, diplomacy and conflict: the register where NORP, GPE and DATE meet most.
POLITICS = (
    "{P} said on {DAY} that the {N} government would build {C} new schools in {G} .",
    "The {N} government said {D} that {C} people were killed in {G} .",
    "{P} , a spokesman for {O} , told reporters in {G*} that talks would resume {D} .",
    "{N} officials met {P} in {G*} on {DAY} .",
    "About {C} {N} soldiers arrived in {G} {D} .",
    "{P} flew to {G*} {D} to meet {N} leaders .",
    "{NS} won {C} seats in the {G} election {D} .",
    "The {N} prime minister , {P*} , will visit {G*} {D} .",
    "{P} and {P} signed the agreement in {G} on {DAY} .",
    "The {N} minister , {P*} , told {O} that {G} would not sign the deal .",
    "{G} and {G} agreed {D} to cut tariffs on {N} steel .",
    "{N} and {N} leaders met in {G*} {D} .",
    "{P} told {P} {D} that {O} would move to {G} .",
    "On {DAY} , {C} {NS} gathered in {G} to protest .",
    "The {N} embassy in {G*} was closed on {DAY} .",
    "Voters in {G*} elected {P} {D} .",
    "{N} troops left {G*} {D} , the ministry said .",
    "{G*} 's government said {C} {N} citizens had left .",
    "Senator {P*} of {G*} voted against the bill {D} .",
    "{NS} and {NS} clashed in {G} on {DAY} .",
    "{P} met {N} President {P} in {G} .",
    "{G} sent {C} doctors to {G} {D} .",
    "A {N} court sentenced {P} to {DUR} in prison .",
    "{NS} in {G} celebrated the holiday on {DAY} .",
    "President {P*} arrived in {G*} for talks with {N} leaders .",
    "Police in {G*} arrested {C*} people after the protest {D} .",
    "{C*} people died and {C} were injured in {G} {D} .",
    "{P} wrote to {P} about the {N} election .",
    "In {DIN*} , {G} had {C} hospitals and {C} doctors .",
    "{O} said {C*} people had fled {G} since {DIN*} .",
    "{N} voters in {G} backed {P} {D} .",
    "{NS} in {G} said {D} they would boycott {O} .",
    "{N} and {N} diplomats met {P} {D} .",
    "{C*} votes were cast in {G*} , {N} observers said .",
    "The {N} community in {G*} has grown since {DIN*} .",
    "Mr. {P*} , who was born in {G*} , joined {O} in {DIN*} .",
)

# Business and economy: organisations, counts and dates.
BUSINESS = (
    "Shares of {O*} rose sharply {D} , traders in {G*} said .",
    "{O*} recalled {C} cars in {G} {D} .",
    "{O} hired {C} new workers in {DIN*} .",
    "{O} said it would cut {C*} jobs in {G} .",
    "{C*} jobs were lost when {O} left {G} .",
    "{O} , based in {G*} , employs {C} people .",
    "{O} opened {C} new offices in {G} and {G} {D} .",
    "{P} , the chief executive of {O*} , will step down {D} .",
    "On {DAY} , {O} and {O} announced a merger .",
    "Analysts at {O} expect {O*} to sell {C} phones {D} .",
    "{O} was founded in {G*} in {DIN*} and now has {C} members .",
    "The {N} central bank raised rates {D} , {P} said .",
    "Ms. {P*} works for {O} in {G} .",
    "{O} will build {C} factories in {G*} by {DIN} .",
    "{O} , {O} and {O} will sponsor the fair in {G} .",
    "{O*} shares fell {D} after {N} regulators opened an inquiry .",
    "{O} bought a stake in {O*} for {G} investors .",
    "{P} sold {C} shares of {O*} {D} .",
    "{O} plans to open {C} stores across {G} by {DIN} .",
    "{N} buyers ordered {C} planes from {O} {D} .",
    "{P} , a {N} banker , joined {O} {D} .",
    "{O} employs {C*} workers and {C} {N} engineers .",
    "{O} and {O} signed a deal in {G} .",
)

# Science, culture, sport and people: PERSON-heavy contexts with many titles.
PEOPLE = (
    "Dr. {P*} of {O} said the vaccine protected {C} patients .",
    "{O} was founded in {DIN*} by {P} .",
    "{C*} people attended the rally in {G} , organizers said .",
    "Mrs. {P*} has lived in {G*} since {DIN*} .",
    "Researchers at {O} in {G} studied {C} {N} families .",
    "{C} {N} tourists were injured in {G} on {DAY} .",
    "The museum in {G*} received {C} paintings from {P} {D} .",
    "{P} , a {N} writer , published {C} novels before {DIN*} .",
    "{D} , {P} became the first {N} woman to lead {O} .",
    "The report by {O} counted {C*} victims in {G} .",
    "{P} , {P} and {P} were arrested in {G} .",
    "The {O} expedition to {G} lasted {DUR} .",
    "{P} moved from {G*} to {G*} in {DIN*} .",
    "Born in {G*} , Dr. {P*} studied at {O} .",
    "{C} {N} students won scholarships from {O} {D} .",
    "{P} grew up in {G*} , {G} , with {C} brothers .",
    "Professor {P*} and {C} colleagues from {O} visited {G} .",
    "{P} , a {N} pilot , flew {C} missions over {G} .",
    "The {N} poet {P} read {C} poems in {G*} {D} .",
)

SPORT = (
    "{CLUB} beat {CLUB} {SCORE} - {SCORE} on {DAY} .",
    "Coach {P*} said {CLUB} would sign {C} new players {D} .",
    "{P} scored {C} goals for {CLUB} {D} .",
    "Fans of {CLUB} traveled to {G*} {D} .",
    "The {N} striker {P} joined {CLUB} in {DIN*} .",
    "{CLUB} lost {SCORE} - {SCORE} to {CLUB} in {G} .",
    "{C} {N} fans watched {CLUB} play in {G} {D} .",
)

# A few one-type sentences, as in real news, next to the many mixed ones above.
SINGLE_TYPE = (
    "{P} declined to comment on the matter .",
    "{P} said the plan would fail .",
    "The talks were held in {G} last night .",
    "The vote is expected {D} .",
    "{C} people were hurt in the crash .",
    "{O} declined to comment on the report .",
    "{NS} protested the decision outside parliament .",
    "Most {N} voters supported the plan .",
    "{G} and {G} signed the treaty .",
    "Dr. {P*} thanked {P} for the help .",
)

ENTITY_TEMPLATES = POLITICS + BUSINESS + PEOPLE + SPORT + SINGLE_TYPE

# Sentences without entities: fixed ones plus a combinable pattern, so the negatives are varied too.
EMPTY_TEMPLATES = (
    "The meeting ended without an agreement .",
    "Officials declined to comment on the report .",
    "He said the plan was not ready .",
    "Many people were unhappy with the decision .",
    "She told reporters that the talks had failed .",
    "The minister said the bank would cut rates .",
    "Workers went on strike at the factory .",
    "The museum will reopen after repairs .",
    "Analysts expect the market to recover .",
    "The police arrested a man near the station .",
    "The president thanked the voters for their support .",
    "Doctors said the patients were stable .",
    "Fans waited outside the stadium for the team .",
    "The court rejected the appeal , lawyers said .",
    "Shares rose after the announcement .",
    "The army said the border was quiet .",
    "Students protested outside the university .",
)
EMPTY_SUBJECTS = ("Officials", "Analysts", "Critics", "Residents", "Experts", "Lawyers", "Doctors")
EMPTY_OBJECTS = ("plan", "deal", "law", "report", "project", "budget", "vote", "strike", "merger")
EMPTY_VERBS = ("would fail", "was delayed", "was too expensive", "had been approved", "needed more work")
EMPTY_PATTERN = "{subject} said the {object} {verb} ."

# The noisy variant's ambiguous contexts: one {A} slot (a form that several types share, its gold type
# drawn at random among them) in wording that fits a person, a place, an organisation, a date and a
# count alike, so that no reader, human or model, can tell the type from the sentence.
NEUTRAL_TEMPLATES = (
    "{A} was mentioned in the report .",
    "The report mentioned {A} twice .",
    "Officials discussed {A} at length .",
    "Everyone was talking about {A} .",
    "Nobody expected {A} to matter this much .",
    "The article about {A} was widely read .",
    "Analysts wrote at length about {A} .",
    "The debate kept coming back to {A} .",
)
