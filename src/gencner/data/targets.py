"""A step's training target for one sentence, as every model family receives it: the target spans in
target order, with what the method made of each (gold, a teacher's pseudo triplet, soft or hard). How a
family encodes it (pointer indices, span-label matrices) is its own business."""

from __future__ import annotations

from dataclasses import dataclass

from gencner.data.schema import Sentence, Span


@dataclass(frozen=True)
class Example:
    """A sentence and its target spans in target order; `pseudo[i]` marks target i as a teacher's pseudo
    triplet (distillation applies at those decoder steps); `hard[i]` = False makes it a soft target: in
    the decoder input, but no cross-entropy on its three indices (empty = every target is hard).
    `teacher`: a second sequence, the teacher's own triplets in its order, that a family able to replay
    it distils in a separate teacher-forced pass (method.below_threshold=teacher-pass; empty = none)."""

    sentence: Sentence
    targets: tuple[Span, ...] = ()
    pseudo: tuple[bool, ...] = ()
    hard: tuple[bool, ...] = ()
    teacher: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        if self.pseudo and len(self.pseudo) != len(self.targets):
            raise ValueError("Example.pseudo must flag every target")
        if self.hard and len(self.hard) != len(self.targets):
            raise ValueError("Example.hard must flag every target")
