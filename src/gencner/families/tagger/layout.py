"""Which column of the tag logits is which tag, and which columns share a softmax.

Each task adds one linear head (network.py) whose columns follow the old ones, so a column never moves.
A *global tag* names a tag whatever the layout: 0 = O, 1 + 2e = B and 2 + 2e = I of type e (the
model's types in learning order); the targets of a batch are global tags. A *group* is the columns
of one softmax and the types it tags; inside a group, index 0 is O and 1 + 2j / 2 + 2j are B / I of
the group's j-th type.
  extend (ExtendNER): one group over every column: the first head holds O and B/I of its types
    (1 + 2k columns), a later head only B/I of its own (2k), so column = global tag.
  add (AddNER): one group per head, each with its own O (1 + 2k columns)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from gencner.families.tagger.config import ADD, EXTEND

IGNORE = -100  # the target of a padding word


def global_tag(type_index: int, inside: bool) -> int:
    return 1 + 2 * type_index + int(inside)


def head_size(layout: str, first: bool, n_types: int) -> int:
    """Columns of a new head: B and I per type, and an O of its own unless it extends a shared one."""
    return 2 * n_types + (1 if layout == ADD or first else 0)


@dataclass(frozen=True)
class Group:
    columns: range
    types: range  # indices into the model's types

    def tag(self, index: int) -> tuple[str, int | None]:
        """("O", None) or ("B" | "I", type index) of the group's index."""
        if index == 0:
            return "O", None
        return ("B" if (index - 1) % 2 == 0 else "I"), self.types.start + (index - 1) // 2

    def local_tags(self, tags: torch.Tensor) -> torch.Tensor:
        """Global tags → this group's indices: a type outside the group is O here; IGNORE stays."""
        type_of = (tags - 1).div(2, rounding_mode="floor")
        inside = (tags > 0) & (type_of >= self.types.start) & (type_of < self.types.stop)
        return torch.where(inside, tags - 2 * self.types.start, torch.where(tags == IGNORE, IGNORE, 0))

    def transitions(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(allowed (C, C): index i may precede index j; start (C,): index j may open a sentence).
        BIO: O and B may follow anything; I of a type only B or I of the same type."""
        tags = [self.tag(i) for i in range(len(self.columns))]
        allowed = torch.tensor([[to[0] != "I" or (fro[0] != "O" and fro[1] == to[1]) for to in tags] for fro in tags])
        return allowed, torch.tensor([t[0] != "I" for t in tags])


def groups(layout: str, task_sizes: Sequence[int]) -> list[Group]:
    """The softmax groups of a model whose tasks have `task_sizes` types, in learning order."""
    if layout == EXTEND:
        n_types = sum(task_sizes)
        return [Group(range(1 + 2 * n_types), range(n_types))] if task_sizes else []
    out, column, first_type = [], 0, 0
    for k in task_sizes:
        out.append(Group(range(column, column + 1 + 2 * k), range(first_type, first_type + k)))
        column, first_type = column + 1 + 2 * k, first_type + k
    return out
