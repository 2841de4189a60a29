"""Task streams: which sentences, with which gold, each continual-learning step sees (docs/protocol.md,
"Settings").

Allocation of training (and dev) sentences to the perm0 tasks:
  split   SpanKL's Split: the `task_id` of *_task.jsonl files when every sentence has one; otherwise the
          sentence indices are shuffled with random.Random(split_seed) (the same permutation as SpanKL's
          `random.seed(s); random.shuffle(order)`), cut into T chunks of N // T, the last chunk taking the
          remainder; chunk i belongs to perm0 task i. A permutation reorders chunks, never re-draws them.
  filter  task i holds every sentence with at least one gold entity of task i's types (sentences repeat).
  all     every task holds every sentence.
Gold in step k: only the new types E_k (continual), or all seen types (cumulative = the non-CL bound).
Test sets after step k, gold restricted to the seen types: `all` = the whole test set; `filter` = the test
sentences holding at least one entity of a seen type (the union of the tasks' Filter sets).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from gencner.data.schema import Corpus, Sentence
from gencner.errors import DataError

Task = tuple[str, tuple[str, ...]]  # (task name, its types)


# Step k of a run seeded s trains under the seed s · STEP_SEED_STRIDE + k: distinct for up to 999 steps.
STEP_SEED_STRIDE = 1000


@dataclass
class TaskStep:
    step: int  # 1-based position in the stream
    task: int  # index of the task in the dataset definition (perm0 order)
    task_name: str
    new_types: tuple[str, ...]
    seen_types: tuple[str, ...]
    label_types: tuple[str, ...]  # types whose gold is kept in train and dev
    train: list[Sentence]
    dev: list[Sentence]
    tests: dict[str, list[Sentence]]
    tasks_so_far: list[Task]  # the matrix columns of this step, in stream order

    def seed(self, run_seed: int) -> int:
        """What the step's randomness starts from (weights, batches, dropout), for the runner and every
        family alike; config.validation.MAX_SEED keeps it within the 32 bits Lightning seeds with."""
        return run_seed * STEP_SEED_STRIDE + self.step

    @property
    def log_prefix(self) -> str:
        """The namespace of the step's curves in the logger (tracking.py groups them by it)."""
        return f"s{self.step}/"


@dataclass
class Stream:
    dataset: str
    setting: str
    permutation: int
    tasks: list[Task]  # in stream order
    steps: list[TaskStep] = field(default_factory=list)


def split_allocation(sentences: Sequence[Sentence], n_tasks: int, seed: int) -> list[list[int]]:
    """Positions of the sentences of each perm0 task under Split (see the module docstring)."""
    ids = [s.task_id for s in sentences]
    if sentences and all(t is not None for t in ids):
        chunks: list[list[int]] = [[] for _ in range(n_tasks)]
        for pos, (sent, task_id) in enumerate(zip(sentences, ids)):
            if not 0 <= task_id < n_tasks:
                raise DataError(sent.origin or "task file", None, f"task_id {task_id} is outside 0..{n_tasks - 1}")
            chunks[task_id].append(pos)
        return chunks
    if any(t is not None for t in ids):
        first = next(s for s in sentences if s.task_id is None)
        raise DataError(first.origin, None, "some sentences have a task_id and others do not; give it to all or none")
    order = list(range(len(sentences)))
    random.Random(seed).shuffle(order)
    size = len(order) // n_tasks
    return [order[i * size : (i + 1) * size if i < n_tasks - 1 else len(order)] for i in range(n_tasks)]


def filter_allocation(sentences: Sequence[Sentence], tasks: Sequence[Sequence[str]]) -> list[list[int]]:
    """Positions of the sentences holding at least one entity of each task's types."""
    return [[pos for pos, s in enumerate(sentences) if s.has_type(types)] for types in tasks]


def allocate(sentences: Sequence[Sentence], tasks: Sequence[Sequence[str]], how: str, seed: int) -> list[list[int]]:
    if how == "split":
        return split_allocation(sentences, len(tasks), seed)
    if how == "filter":
        return filter_allocation(sentences, tasks)
    if how == "all":
        return [list(range(len(sentences))) for _ in tasks]
    raise ValueError(f"unknown allocation {how!r}; valid: split, filter, all")


def _gather(sentences: Sequence[Sentence], chunks: Sequence[Sequence[int]], types: Sequence[str]) -> list[Sentence]:
    """The union of the chunks, in corpus order, each sentence once, gold restricted to `types`."""
    positions = sorted(set().union(*map(set, chunks))) if chunks else []
    return [sentences[p].restrict(types) for p in positions]


def build_test_sets(test: Sequence[Sentence], seen: Sequence[str], names: Sequence[str]) -> dict[str, list[Sentence]]:
    out: dict[str, list[Sentence]] = {}
    for name in names:
        chosen = test if name == "all" else [s for s in test if s.has_type(seen)]
        out[name] = [s.restrict(seen) for s in chosen]
    return out


def build_stream(
    corpus: Corpus,
    tasks: Sequence[Task],
    order: Sequence[int],
    train: str,
    tests: Sequence[str],
    cumulative: bool = False,
    single_step: bool = False,
    split_seed: int = 1,
    setting_name: str = "",
    permutation: int = 0,
) -> Stream:
    """The steps of one stream. `tasks` are in perm0 order; `order` lists task indices in stream order."""
    if sorted(order) != list(range(len(tasks))):
        raise ValueError(f"order {list(order)} is not a permutation of 0..{len(tasks) - 1}")
    type_lists = [types for _, types in tasks]
    train_chunks = allocate(corpus.train, type_lists, train, split_seed)
    dev_chunks = allocate(corpus.dev, type_lists, train, split_seed)
    stream = Stream(corpus.name, setting_name, permutation, [tasks[i] for i in order])
    groups = [list(order)] if single_step else [[i] for i in order]
    seen: list[str] = []
    done: list[int] = []
    for step, group in enumerate(groups, start=1):
        new = tuple(t for i in group for t in type_lists[i])
        seen.extend(new)
        done.extend(group)
        labels = tuple(seen) if cumulative or single_step else new
        chunk_ids = done if cumulative else group
        stream.steps.append(
            TaskStep(
                step=step,
                task=group[0],
                task_name="+".join(tasks[i][0] for i in group),
                new_types=new,
                seen_types=tuple(seen),
                label_types=labels,
                train=_gather(corpus.train, [train_chunks[i] for i in chunk_ids], labels),
                dev=_gather(corpus.dev, [dev_chunks[i] for i in chunk_ids], labels),
                tests=build_test_sets(corpus.test, seen, tests),
                tasks_so_far=[tasks[i] for i in done],
            )
        )
    return stream
