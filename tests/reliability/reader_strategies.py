"""What the reader fuzz tests share: their Hypothesis settings, words mixing ordinary letters with the
characters that break naive text handling (combining marks, right-to-left text and marks, zero-width
characters, emoji sequences, control characters other than NUL), flat sentences, and the checks every
sentence list a reader returns must pass."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from gencner.data.schema import ReadReport, Sentence, Span

COMBINING = ["\u0301", "\u0308", "\u0327", "\u20dd", "e\u0301", "\u1100\u1161"]
RIGHT_TO_LEFT = ["\u05d0", "\u05e9\u05dc\u05d5\u05dd", "\u0628", "\u0627\u0644", "\u200f", "\u202e", "\u061c"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
EMOJI = ["\U0001f600", "\U0001f469\u200d\U0001f469\u200d\U0001f467", "\U0001f1eb\U0001f1f7", "\U0001f44d\U0001f3fd", "\u2764\ufe0f"]
CONTROL = [chr(c) for c in [*range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85]] + ["\u2028", "\u2029"]
ORDINARY = ["a", "Z", "\u00e9", "\u6771", "-", ".", "(", "'", "0"]
ODD = COMBINING + RIGHT_TO_LEFT + ZERO_WIDTH + EMOJI + CONTROL


def words(forbidden: str = "", forbid_space_like: bool = False, max_size: int = 4) -> st.SearchStrategy[str]:
    """Non-empty words built from odd and ordinary pieces (and any other non-surrogate character), none
    holding a character of `forbidden` (or, with `forbid_space_like`, any character str.split() splits on)."""
    piece = st.one_of(
        st.sampled_from(ODD),
        st.sampled_from(ORDINARY),
        st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    )

    def allowed(word: str) -> bool:
        if any(c in forbidden for c in word):
            return False
        return not (forbid_space_like and any(c.isspace() for c in word))

    return st.lists(piece, min_size=1, max_size=max_size).map("".join).filter(allowed)


TYPE_NAMES = ["PER", "ORG", "GPE", "location-GPE", "art/film", "\u4eba\u540d", "T\u0301", "X_1"]


def fuzz(examples: int):
    """Bounded and reproducible: the same examples on every run and machine (no example database)."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def check_sentences(sentences: list[Sentence], report: ReadReport, split: str) -> None:
    assert report.sentences[split] == len(sentences)
    for position, sentence in enumerate(sentences):
        assert sentence.idx == position
        assert sentence.tokens and all(isinstance(w, str) for w in sentence.tokens)
        for span in sentence.spans:
            assert 0 <= span.start < span.end <= len(sentence.tokens), (span, sentence.tokens)
            assert isinstance(span.type, str) and span.type


@st.composite
def flat_sentences(draw, word) -> Sentence:
    """Words with non-overlapping spans laid out left to right (gaps of 0-2 words between them)."""
    spans, position = [], 0
    for gap, width, kind in draw(st.lists(st.tuples(st.integers(0, 2), st.integers(1, 3), st.sampled_from(TYPE_NAMES)), max_size=4)):
        position += gap
        spans.append(Span(position, position + width, kind))
        position += width
    n_words = max(position + draw(st.integers(0, 2)), 1)
    tokens = draw(st.lists(word, min_size=n_words, max_size=n_words))
    return Sentence(tuple(tokens), tuple(spans))


def merge_adjacent_same_type(spans) -> tuple[Span, ...]:
    """What IO tagging can express: touching entities of one type are one run."""
    merged: list[Span] = []
    for span in sorted(spans):
        if merged and merged[-1].end == span.start and merged[-1].type == span.type:
            merged[-1] = Span(merged[-1].start, span.end, span.type)
        else:
            merged.append(span)
    return tuple(merged)
