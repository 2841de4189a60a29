"""Tag sequences (BIO, BIOES, IO) → word-level spans, and spans → BIO tags.

The repair rule for broken sequences, the same in every scheme, is conlleval's (and seqeval's default
mode): a tag that cannot continue the open entity (``I-X`` or ``E-X`` after ``O``, or after an entity of
another type) *starts* a new entity of type X. Each such repair is counted as
"I- or E- tag without B- (started a new entity)"; in BIOES, an entity that ends without its ``E-`` or
``S-`` is closed where it stops and counted as "BIOES entity not closed by E-". IO has no broken
sequences: an entity is a maximal run of one label, so two adjacent entities of one type merge
(Few-NERD's own files and its hub copy are IO-tagged).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gencner.data.schema import Span

SCHEMES = ("bio", "bioes", "io")
REPAIR_NO_BEGIN = "I- or E- tag without B- (started a new entity)"
REPAIR_NOT_CLOSED = "BIOES entity not closed by E-"

Repair = Callable[[str], None]


class TagError(ValueError):
    """A tag that no scheme allows (the reader turns it into a DataError naming file and line)."""


def split_tag(tag: str, scheme: str) -> tuple[str, str | None]:
    """("B", "PER") for "B-PER"; ("O", None) for "O". IO tags may be bare labels ("location-GPE")."""
    if tag == "O":
        return "O", None
    if scheme == "io":
        if len(tag) > 2 and tag[1] == "-" and tag[0] in "IB":
            return "I", tag[2:]
        return "I", tag
    prefix, sep, label = tag.partition("-")
    allowed = "BI" if scheme == "bio" else "BIES"
    if not sep or len(prefix) != 1 or prefix not in allowed or not label:
        expected = "O, B-X, I-X" if scheme == "bio" else "O, B-X, I-X, E-X, S-X"
        raise TagError(f"tag {tag!r} is not a {scheme.upper()} tag (expected {expected})")
    return prefix, label


def tags_to_spans(tags: Sequence[str], scheme: str, repair: Repair | None = None) -> list[Span]:
    """Decode one sentence's tags. ``repair(reason)`` is called once per repaired item."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown tagging scheme {scheme!r}; valid: {', '.join(SCHEMES)}")
    note = repair or (lambda reason: None)
    spans: list[Span] = []
    start, label = None, None  # the open entity

    def close(end: int) -> None:
        nonlocal start, label
        if start is not None:
            spans.append(Span(start, end, label))
        start, label = None, None

    for i, tag in enumerate(tags):
        prefix, tag_label = split_tag(tag, scheme)
        if prefix == "O":
            if scheme == "bioes" and start is not None:
                note(REPAIR_NOT_CLOSED)
            close(i)
            continue
        continues = start is not None and tag_label == label
        if scheme == "io":
            if not continues:
                close(i)
                start, label = i, tag_label
            continue
        if prefix in "BS" or not continues:
            if scheme == "bioes" and start is not None:
                note(REPAIR_NOT_CLOSED)
            close(i)
            if prefix in "IE":
                note(REPAIR_NO_BEGIN)
            start, label = i, tag_label
        if prefix in "ES":
            close(i + 1)
    if scheme == "bioes" and start is not None:
        note(REPAIR_NOT_CLOSED)
    close(len(tags))
    return spans


def spans_to_tags(n_words: int, spans: Sequence[Span], scheme: str) -> list[str]:
    """Encode non-overlapping spans as tags (the inverse of ``tags_to_spans`` on well-formed input)."""
    tags = ["O"] * n_words
    for span in spans:
        width = span.end - span.start
        for i in range(span.start, span.end):
            if scheme == "io":
                tags[i] = span.type
            elif scheme == "bio":
                tags[i] = ("B-" if i == span.start else "I-") + span.type
            elif width == 1:
                tags[i] = "S-" + span.type
            else:
                first, last = i == span.start, i == span.end - 1
                tags[i] = ("B-" if first else "E-" if last else "I-") + span.type
    return tags
