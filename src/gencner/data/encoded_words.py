"""A sentence as a sub-word model reads it, for every family: the piece ids (with the model's own
start and end markers), the position of each kept word's first piece, and how many words the sentence
has; words past len(word_starts) did not fit in the model's input and are cut (counted, reported)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EncodedWords:
    ids: tuple[int, ...]
    word_starts: tuple[int, ...]
    n_words: int

    @property
    def kept_words(self) -> int:
        return len(self.word_starts)

    @property
    def truncated(self) -> bool:
        return self.kept_words < self.n_words
