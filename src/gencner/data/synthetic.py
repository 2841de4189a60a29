"""A deterministic synthetic NER corpus with OntoNotes' six benchmark types, small enough for a CPU.

The corpus exists so that the whole continual pipeline (six one-type tasks, pseudo-labels, distillation)
can run and show forgetting in minutes without licensed data. What makes it a fair stand-in:

- the six types of the OntoNotes stream, ``SYNTHETIC_TYPES``, in the protocol's task order, with
  OntoNotes-like mentions (multi-word names, "the 1990s", "two million", "Democrats");
- most sentences mix several types, so the chunk of one task is full of entities of the others: that is
  what a fine-tuned model forgets and what pseudo-labels and distillation recover;
- some surface forms change type with their context ("Jordan" is a person after "Dr." and a country
  after "flew to"; "1990" is a date after "in" and a count before "people"), so a model has to read the
  context instead of memorising a gazetteer;
- about ``empty_fraction`` of the sentences hold no entity (the negatives of Split-All);
- in the noisy variant, ``ambiguous_fraction`` of the entity mentions sit alone in a neutral sentence
  ("Officials discussed Jordan at length .") with a form several types share and a gold type drawn at
  random among them: no model can tell the type, so a teacher's pseudo-labels carry real errors. At 0.0
  (the default) no such sentence is drawn and no random number is spent on them: the corpus is the one
  this generator always gave.

Each split has its own ``random.Random`` seeded from (seed, split name): the same seed gives the same
corpus byte for byte, and resizing one split leaves the others unchanged. Dev and test come from the same
templates and lexicon as train, plus a few reserved names (``synthetic_mentions.HELD_OUT_RATE``).
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence

from gencner.data import synthetic_templates as tpl
from gencner.data.schema import SPLITS, Sentence, Span
from gencner.data.synthetic_mentions import SHARED_SLOT, Drawer, fill

SYNTHETIC_TYPES = ("ORG", "PERSON", "GPE", "DATE", "CARDINAL", "NORP")


def generate_synthetic(
    seed: int = 13,
    train: int = 3000,
    dev: int = 300,
    test: int = 600,
    empty_fraction: float = 0.1,
    ambiguous_fraction: float = 0.0,
) -> dict[str, list[Sentence]]:
    """The three splits {"train", "dev", "test"}; sentence ``idx`` is its position in its split and
    ``origin`` is "synthetic-<split>:<idx>"."""
    sizes = {"train": train, "dev": dev, "test": test}
    if any(n < 0 for n in sizes.values()):
        raise ValueError(f"split sizes must be >= 0, got {sizes}")
    check_fractions(empty_fraction, ambiguous_fraction)
    return {split: _generate_split(split, sizes[split], seed, empty_fraction, ambiguous_fraction) for split in SPLITS}


def check_fractions(empty_fraction: float, ambiguous_fraction: float) -> None:
    for name, value in (("empty_fraction", empty_fraction), ("ambiguous_fraction", ambiguous_fraction)):
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {value}")


def split_rng(seed: int, split: str) -> random.Random:
    """The random stream of one split; any other name ("pretrain") gives an independent stream."""
    # A string seed is hashed by ``random`` itself (sha512), so it is stable across runs and platforms,
    # unlike ``hash()`` which Python salts per process.
    return random.Random(f"gencner-synthetic/{seed}/{split}")


def _generate_split(split: str, size: int, seed: int, empty_fraction: float, ambiguous_fraction: float) -> list[Sentence]:
    rng = split_rng(seed, split)
    drawer = Drawer(rng, held_out=split != "train")
    # An exact number of empty sentences at random positions, rather than a coin per sentence, so the
    # share is what was asked for even in a small dev split.
    empty_positions = set(rng.sample(range(size), round(size * empty_fraction)))
    sentences = []
    neutral = mentions = 0
    for idx in range(size):
        empty = idx in empty_positions
        in_neutral = not empty and wants_neutral(ambiguous_fraction, neutral, mentions)
        tokens, spans = draw_sentence(drawer, empty, in_neutral)
        neutral, mentions = neutral + in_neutral, mentions + len(spans)
        sentences.append(Sentence(tokens, spans, idx=idx, origin=f"synthetic-{split}:{idx}"))
    return sentences


def wants_neutral(ambiguous_fraction: float, neutral: int, mentions: int) -> bool:
    """Whether the next entity sentence is a neutral one (it holds exactly one mention): yes as long as
    the share of neutral mentions stays at most ``ambiguous_fraction`` with it. A running count rather
    than a coin, so the share is exact within a sentence's mentions and 0.0 spends no random number."""
    return neutral + 1 <= ambiguous_fraction * (mentions + 1)


def draw_sentence(drawer: Drawer, empty: bool, neutral: bool) -> tuple[tuple[str, ...], tuple[Span, ...]]:
    """One sentence: without entities, around one ambiguous mention, or from a regular template."""
    if empty:
        return _empty_sentence(drawer.rng), ()
    templates = tpl.NEUTRAL_TEMPLATES if neutral else tpl.ENTITY_TEMPLATES
    return _realise(drawer.rng.choice(templates), drawer)


def _realise(template: str, drawer: Drawer) -> tuple[tuple[str, ...], tuple[Span, ...]]:
    """Fill the slots of a template left to right; each slot becomes one span over its tokens."""
    tokens: list[str] = []
    spans: list[Span] = []
    for piece in template.split():
        if piece.startswith("{") and piece.endswith("}"):
            entity_type, words = fill(piece[1:-1], drawer)
            spans.append(Span(len(tokens), len(tokens) + len(words), entity_type))
            tokens.extend(words)
        else:
            tokens.append(piece)
    return _capitalise_first(tokens), tuple(spans)


def _capitalise_first(tokens: list[str]) -> tuple[str, ...]:
    # Templates may start with a slot ("{D} , ..."); "last year" opening a sentence is written
    # "Last year", as a newspaper would, so capitals are not a perfect entity cue.
    first = tokens[0]
    return (first[:1].upper() + first[1:], *tokens[1:])


def _empty_sentence(rng: random.Random) -> tuple[str, ...]:
    if rng.random() < 0.5:
        return tuple(rng.choice(tpl.EMPTY_TEMPLATES).split())
    text = tpl.EMPTY_PATTERN.format(
        subject=rng.choice(tpl.EMPTY_SUBJECTS),
        object=rng.choice(tpl.EMPTY_OBJECTS),
        verb=rng.choice(tpl.EMPTY_VERBS),
    )
    return tuple(text.split())


def ambiguous_forms(sentences: Sequence[Sentence]) -> dict[str, tuple[str, ...]]:
    """Mention texts that occur with more than one type in ``sentences``, each with its sorted types."""
    types_of: dict[str, set[str]] = defaultdict(set)
    for sent in sentences:
        for span in sent.spans:
            types_of[sent.mention(span)].add(span.type)
    return {text: tuple(sorted(types)) for text, types in sorted(types_of.items()) if len(types) > 1}


def _frame(words: Sequence[str]) -> tuple[str, ...]:
    # first word lower-cased: a template that starts with its slot gets the mention capitalised
    return (words[0].lower(), *words[1:])


def _slotted(sentence: Sentence, span: Span) -> list[str]:
    return [*sentence.tokens[: span.start], f"{{{SHARED_SLOT}}}", *sentence.tokens[span.end :]]


_NEUTRAL_FRAMES = frozenset(_frame(t.split()) for t in tpl.NEUTRAL_TEMPLATES)


def neutral_mentions(sentences: Sequence[Sentence]) -> int:
    """How many mentions stand alone in a neutral template, where their type cannot be read."""
    return sum(1 for s in sentences if len(s.spans) == 1 and _frame(_slotted(s, s.spans[0])) in _NEUTRAL_FRAMES)


def describe(sentences: Sequence[Sentence]) -> dict:
    """Summary counts of a list of sentences (for the README and for checks of the generator)."""
    spans = [(sent, span) for sent in sentences for span in sent.spans]
    per_type = Counter(span.type for _, span in spans)
    with_entities = [s for s in sentences if s.spans]
    multi_type = [s for s in with_entities if len({span.type for span in s.spans}) >= 2]
    ambiguous = ambiguous_forms(sentences)
    ambiguous_mentions = sum(1 for sent, span in spans if sent.mention(span) in ambiguous)
    lengths = [len(s.tokens) for s in sentences]
    total = max(len(spans), 1)
    return {
        "sentences": len(sentences),
        "entities": len(spans),
        "entities_per_type": {t: per_type.get(t, 0) for t in SYNTHETIC_TYPES},
        "type_share": {t: round(per_type.get(t, 0) / total, 3) for t in SYNTHETIC_TYPES},
        "empty_share": _share(len(sentences) - len(with_entities), len(sentences)),
        "multi_type_share": _share(len(multi_type), len(with_entities)),
        "multi_word_entity_share": _share(sum(1 for _, sp in spans if sp.end - sp.start > 1), total),
        "adjacent_entity_pairs": sum(_adjacent_pairs(s) for s in sentences),
        "ambiguous_forms": len(ambiguous),
        "ambiguous_entities": ambiguous_mentions,
        "ambiguous_entity_share": _share(ambiguous_mentions, total),
        "neutral_context_entity_share": _share(neutral_mentions(sentences), total),
        "vocabulary": len({tok for s in sentences for tok in s.tokens}),
        "length_min": min(lengths, default=0),
        "length_mean": _share(sum(lengths), len(lengths)),
        "length_max": max(lengths, default=0),
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def _adjacent_pairs(sentence: Sentence) -> int:
    # Spans are sorted, so touching entities are consecutive in the tuple.
    return sum(1 for a, b in zip(sentence.spans, sentence.spans[1:]) if a.end == b.start)
