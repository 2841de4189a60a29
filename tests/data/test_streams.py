"""Task streams (docs/protocol.md, "Task streams", "Settings"): what each step trains, validates and is
tested on, in every setting."""

from __future__ import annotations

import functools
import json
import random

import pytest

from gencner.config import load_config
from gencner.data.corpus import load_corpus
from gencner.data.readers import write_spankl
from gencner.data.schema import Corpus, ReadReport, Sentence, Span
from gencner.data.stream_config import stream_from_config
from gencner.data.streams import allocate, build_stream, build_test_sets, filter_allocation, split_allocation
from gencner.data.summary import stream_summary
from gencner.errors import DataError

SETTINGS = ("split-all", "filter-filter", "split-filter", "filter-all", "non-cl", "offline")
CL_SETTINGS = ("split-all", "filter-filter", "split-filter", "filter-all")
TEST_SETS = {
    "split-all": ["all"],
    "filter-filter": ["filter"],
    "split-filter": ["filter"],
    "filter-all": ["all"],
    "non-cl": ["all"],
    "offline": ["all"],
}
SYNTHETIC_TYPES = ("ORG", "PERSON", "GPE", "DATE", "CARDINAL", "NORP")

# 604 = 6 * 100 + 4 and 123 = 6 * 20 + 3: the last Split chunk takes a non-empty remainder.
N_TRAIN, N_DEV, N_TEST = 604, 123, 120
SMALL = [f"dataset.synthetic.train={N_TRAIN}", f"dataset.synthetic.dev={N_DEV}", f"dataset.synthetic.test={N_TEST}"]

HAND = [
    "dataset=conll",
    "dataset.name=hand",
    "dataset.tasks=[[A],[B,C],[D]]",
    "dataset.task_names=[a,bc,d]",
    "dataset.permutations=[[0,1,2],[2,0,1],[1,2,0]]",
]
HAND_TASKS = (("A",), ("B", "C"), ("D",))


def _sentence(idx: int, *types: str) -> Sentence:
    """A sentence of 2 words per entity plus one, each entity on its own word pair."""
    tokens = [f"w{idx}_{i}" for i in range(2 * len(types) + 1)]
    spans = [Span(2 * i + 1, 2 * i + 2, t) for i, t in enumerate(types)]
    return Sentence(tuple(tokens), tuple(spans), idx, f"hand:{idx}")


def _split(*type_lists: tuple[str, ...]) -> list[Sentence]:
    return [_sentence(i, *types) for i, types in enumerate(type_lists)]


def hand_corpus() -> Corpus:
    # X is in no task: it must never show up in any step. 11 training sentences for 3 tasks: 3, 3, 5.
    train = _split(("A",), ("B",), ("C",), ("D",), ("A", "B"), ("C", "D"), (), ("X",), ("A", "X"), ("B", "C", "D"), ())
    dev = _split(("A",), ("B", "C"), ("D",), (), ("X",))
    test = _split(("A",), ("B",), ("C", "D"), (), ("X",), ("A", "D"), ("B", "X"))
    return Corpus("hand", train, dev, test, ("A", "B", "C", "D"), ReadReport())


@pytest.fixture(scope="module")
def synthetic():
    return load_corpus(load_config(SMALL).dataset)


@functools.cache
def config(*overrides: str):
    # Composing a config takes a fifth of a second; the streams below only vary the permutation.
    return load_config(list(overrides))


def make_stream(corpus, overrides, permutation, kwargs):
    cfg = config(*overrides)
    cfg.permutation = permutation
    return stream_from_config(cfg, corpus, **kwargs)


def synthetic_stream(corpus, setting="split-all", permutation=0, *extra, **kwargs):
    return make_stream(corpus, (*SMALL, f"setting={setting}", *extra), permutation, kwargs)


def hand_stream(setting="split-all", permutation=0, *extra, **kwargs):
    return make_stream(hand_corpus(), (*HAND, f"setting={setting}", *extra), permutation, kwargs)


def gold_types(sentences) -> set[str]:
    return {span.type for s in sentences for span in s.spans}


def idx_set(sentences) -> set[int]:
    return {s.idx for s in sentences}


def assert_gold_invariants(stream, corpus, setting, labels_are_seen=None):
    task_types = [types for _, types in stream.tasks]
    all_types = {t for types in task_types for t in types}
    seen: list[str] = []
    for step in stream.steps:
        seen.extend(step.new_types)
        assert step.seen_types == tuple(seen)
        if labels_are_seen is None:
            labels_are_seen = setting not in CL_SETTINGS
        expected_labels = step.seen_types if labels_are_seen else step.new_types
        assert step.label_types == expected_labels
        future = all_types - set(seen)
        for name, split, sentences in (("train", corpus.train, step.train), ("dev", corpus.dev, step.dev)):
            assert gold_types(sentences) <= set(step.label_types), f"step {step.step} {name}"
            assert not gold_types(sentences) & future
            # nothing but the other types' gold is removed
            for s in sentences:
                assert s.tokens == split[s.idx].tokens
                assert s.spans == split[s.idx].restrict(step.label_types).spans
        assert sorted(step.tests) == sorted(TEST_SETS[setting])
        for sentences in step.tests.values():
            assert gold_types(sentences) <= set(seen)
            assert not gold_types(sentences) & future
            for s in sentences:
                assert s.tokens == corpus.test[s.idx].tokens
                assert s.spans == corpus.test[s.idx].restrict(seen).spans
    assert set(seen) == all_types


# -- every setting, every permutation: no future gold, test gold = corpus gold on seen types --------------


@pytest.mark.parametrize("setting", SETTINGS)
def test_synthetic_streams_keep_gold_to_label_and_seen_types_in_every_permutation(synthetic, setting):
    for permutation in range(6):
        stream = synthetic_stream(synthetic, setting, permutation)
        assert stream.setting == setting and stream.permutation == permutation
        assert len(stream.steps) == (1 if setting == "offline" else 6)
        assert_gold_invariants(stream, synthetic, setting)


@pytest.mark.parametrize("setting", SETTINGS)
def test_hand_made_streams_keep_gold_to_label_and_seen_types_in_every_permutation(setting):
    corpus = hand_corpus()
    for permutation in range(3):
        stream = hand_stream(setting, permutation)
        assert_gold_invariants(stream, corpus, setting)
        # X is in no task: removed from every sentence of every step
        for step in stream.steps:
            for sentences in (step.train, step.dev, *step.tests.values()):
                assert "X" not in gold_types(sentences)


def test_stream_follows_the_permutation_order():
    stream = hand_stream("split-all", 1)
    assert stream.tasks == [("d", ("D",)), ("a", ("A",)), ("bc", ("B", "C"))]
    assert [s.task for s in stream.steps] == [2, 0, 1]
    assert [s.new_types for s in stream.steps] == [("D",), ("A",), ("B", "C")]
    assert stream.steps[-1].tasks_so_far == stream.tasks


def test_synthetic_permutation_one_is_the_protocol_order(synthetic):
    stream = synthetic_stream(synthetic, "split-all", 1)
    assert [types for _, types in stream.tasks] == [("DATE",), ("NORP",), ("PERSON",), ("CARDINAL",), ("ORG",), ("GPE",)]


@pytest.mark.parametrize("setting", ["split-all", "filter-all", "non-cl", "offline"])
def test_test_all_is_the_whole_test_set_after_every_step(synthetic, setting):
    for step in synthetic_stream(synthetic, setting, 2).steps:
        assert [s.idx for s in step.tests["all"]] == list(range(N_TEST))


# -- Split (docs/protocol.md, "Split") ------------------------------------------------------------------


def seeded_chunks(n: int, n_tasks: int, seed: int) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    size = n // n_tasks
    return [order[i * size : (i + 1) * size] for i in range(n_tasks - 1)] + [order[(n_tasks - 1) * size :]]


def train_by_task(stream) -> dict[int, set[int]]:
    return {step.task: idx_set(step.train) for step in stream.steps}


def test_split_train_chunks_are_a_disjoint_cover_of_the_training_set(synthetic):
    stream = synthetic_stream(synthetic, "split-all", 3)
    chunks = [step.train for step in stream.steps]
    assert sum(len(c) for c in chunks) == N_TRAIN
    assert set().union(*map(idx_set, chunks)) == set(range(N_TRAIN))
    dev = [step.dev for step in stream.steps]
    assert sum(len(c) for c in dev) == N_DEV
    assert set().union(*map(idx_set, dev)) == set(range(N_DEV))


def test_split_chunk_sizes_are_n_over_t_and_the_last_perm0_task_takes_the_remainder(synthetic):
    for permutation in (0, 4):
        sizes = {step.task: len(step.train) for step in synthetic_stream(synthetic, "split-all", permutation).steps}
        assert sizes == {0: 100, 1: 100, 2: 100, 3: 100, 4: 100, 5: 104}
        dev_sizes = {step.task: len(step.dev) for step in synthetic_stream(synthetic, "split-all", permutation).steps}
        assert dev_sizes == {0: 20, 1: 20, 2: 20, 3: 20, 4: 20, 5: 23}


def test_split_allocation_is_spankl_seeded_shuffle_cut_into_chunks(synthetic):
    for seed in (1, 7):
        assert split_allocation(synthetic.train, 6, seed) == seeded_chunks(N_TRAIN, 6, seed)
        stream = synthetic_stream(synthetic, "split-all", 2, f"dataset.split_seed={seed}")
        assert train_by_task(stream) == {i: set(c) for i, c in enumerate(seeded_chunks(N_TRAIN, 6, seed))}
        assert {step.task: idx_set(step.dev) for step in stream.steps} == {i: set(c) for i, c in enumerate(seeded_chunks(N_DEV, 6, seed))}


def test_split_is_identical_for_the_same_seed_and_differs_for_another(synthetic):
    first = train_by_task(synthetic_stream(synthetic, "split-all", 0))
    again = train_by_task(synthetic_stream(synthetic, "split-all", 0))
    other = train_by_task(synthetic_stream(synthetic, "split-all", 0, "dataset.split_seed=2"))
    assert first == again
    assert first != other


def test_split_when_fewer_sentences_than_tasks_gives_everything_to_the_last_chunk():
    sentences = _split(("A",), ("B",))
    assert split_allocation(sentences, 3, 1) == [[], [], seeded_chunks(2, 3, 1)[2]]
    assert sorted(split_allocation(sentences, 3, 1)[2]) == [0, 1]


def test_a_permutation_reorders_chunks_but_never_reassigns_sentences_to_types(synthetic):
    def type_to_sentences(stream):
        return {step.new_types: idx_set(step.train) for step in stream.steps}

    reference = type_to_sentences(synthetic_stream(synthetic, "split-all", 0))
    orders = set()
    for permutation in range(1, 6):
        stream = synthetic_stream(synthetic, "split-all", permutation)
        assert type_to_sentences(stream) == reference
        orders.add(tuple(step.new_types for step in stream.steps))
    assert len(orders) == 5


def test_hand_made_permutation_keeps_type_to_sentence_map():
    reference = {s.new_types: idx_set(s.train) for s in hand_stream("split-all", 0).steps}
    for permutation in (1, 2):
        assert {s.new_types: idx_set(s.train) for s in hand_stream("split-all", permutation).steps} == reference


def test_split_keeps_sentences_without_entities(synthetic):
    empty = {s.idx for s in synthetic.train if not s.spans}
    assert len(empty) > 20
    stream = synthetic_stream(synthetic, "split-all", 0)
    kept = set().union(*(idx_set(step.train) for step in stream.steps))
    assert empty <= kept
    # and a chunk sentence whose entities are all of other types stays, with no gold
    assert any(not s.spans for step in stream.steps for s in step.train if synthetic.train[s.idx].spans)


def test_split_of_hand_made_corpus_keeps_empty_and_out_of_task_sentences():
    stream = hand_stream("split-all", 0)
    kept = set().union(*(idx_set(step.train) for step in stream.steps))
    assert kept == set(range(11))
    assert [len(step.train) for step in stream.steps] == [3, 3, 5]


def _task_file_corpus(tmp_path, train_ids, dev_ids, extra=()):
    """SpanKL files for the hand-made corpus, with *_task.jsonl carrying the given task ids."""
    corpus = hand_corpus()
    for split, ids in (("train", train_ids), ("dev", dev_ids)):
        sentences = corpus.split(split)
        write_spankl(tmp_path / f"{split}.jsonl", sentences)
        with_ids = [Sentence(s.tokens, s.spans, s.idx, s.origin, task_id) for s, task_id in zip(sentences, ids)]
        write_spankl(tmp_path / f"{split}_task.jsonl", with_ids, with_task_id=True)
    write_spankl(tmp_path / "test.jsonl", corpus.test)
    cfg = load_config([*HAND, "dataset.format=spankl", f"dataset.path={tmp_path}", *extra])
    return cfg, load_corpus(cfg.dataset)


# Round robin: not what the seeded shuffle would give.
TRAIN_IDS = [i % 3 for i in range(11)]
DEV_IDS = [2, 2, 0, 1, 0]


def test_task_ids_of_task_files_override_the_seeded_split(tmp_path):
    cfg, corpus = _task_file_corpus(tmp_path, TRAIN_IDS, DEV_IDS)
    assert [s.task_id for s in corpus.train] == TRAIN_IDS
    stream = stream_from_config(cfg, corpus)
    expected = {k: {i for i, t in enumerate(TRAIN_IDS) if t == k} for k in range(3)}
    assert train_by_task(stream) == expected
    assert train_by_task(stream) != {k: set(c) for k, c in enumerate(seeded_chunks(11, 3, 1))}
    assert {s.task: idx_set(s.dev) for s in stream.steps} == {0: {2, 4}, 1: {3}, 2: {0, 1}}
    # the permutation still only reorders them
    permuted = stream_from_config(load_config([*HAND, "dataset.format=spankl", f"dataset.path={tmp_path}", "permutation=2"]), corpus)
    assert train_by_task(permuted) == expected


def test_task_files_are_ignored_when_use_task_files_is_off(tmp_path):
    cfg, corpus = _task_file_corpus(tmp_path, TRAIN_IDS, DEV_IDS, ["dataset.use_task_files=false"])
    assert all(s.task_id is None for s in corpus.train)
    assert train_by_task(stream_from_config(cfg, corpus)) == {k: set(c) for k, c in enumerate(seeded_chunks(11, 3, 1))}


def test_mixed_present_and_absent_task_ids_are_a_data_error(tmp_path):
    _task_file_corpus(tmp_path, TRAIN_IDS, DEV_IDS)
    path = tmp_path / "train_task.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    del records[4]["task_id"]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    cfg = load_config([*HAND, "dataset.format=spankl", f"dataset.path={tmp_path}"])
    with pytest.raises(DataError, match="some sentences have a task_id and others do not") as err:
        stream_from_config(cfg, load_corpus(cfg.dataset))
    assert "train_task.jsonl:5" in str(err.value)


@pytest.mark.parametrize("bad", [3, -1])
def test_out_of_range_task_id_is_a_data_error(tmp_path, bad):
    ids = list(TRAIN_IDS)
    ids[6] = bad
    cfg, corpus = _task_file_corpus(tmp_path, ids, DEV_IDS)
    with pytest.raises(DataError, match=rf"task_id {bad} is outside 0\.\.2"):
        stream_from_config(cfg, corpus)


# -- Filter (docs/protocol.md, "Filter") ----------------------------------------------------------------


def holding(sentences, types) -> set[int]:
    return {s.idx for s in sentences if s.has_type(types)}


@pytest.mark.parametrize("permutation", [0, 3, 5])
def test_filter_train_and_dev_are_the_sentences_holding_the_new_types(synthetic, permutation):
    stream = synthetic_stream(synthetic, "filter-filter", permutation)
    for step in stream.steps:
        assert idx_set(step.train) == holding(synthetic.train, step.new_types)
        assert idx_set(step.dev) == holding(synthetic.dev, step.new_types)
        assert len(step.train) == len(idx_set(step.train))
    nowhere = set(range(N_TRAIN)) - set().union(*(idx_set(s.train) for s in stream.steps))
    assert nowhere == {s.idx for s in synthetic.train if not s.spans}
    # sentences mixing types are repeated across tasks
    assert sum(len(s.train) for s in stream.steps) > N_TRAIN


def test_filter_on_hand_made_corpus_repeats_mixed_sentences_and_drops_unrelated_ones():
    stream = hand_stream("filter-filter", 0)
    assert {s.task: idx_set(s.train) for s in stream.steps} == {0: {0, 4, 8}, 1: {1, 2, 4, 5, 9}, 2: {3, 5, 9}}
    assert {s.task: idx_set(s.dev) for s in stream.steps} == {0: {0}, 1: {1}, 2: {2}}
    # 6 and 10 are empty, 7 holds only X
    assert not {6, 7, 10} & set().union(*(idx_set(s.train) for s in stream.steps))


@pytest.mark.parametrize("permutation", [0, 1, 4])
def test_test_filter_after_step_k_holds_the_test_sentences_of_seen_types(synthetic, permutation):
    stream = synthetic_stream(synthetic, "filter-filter", permutation)
    union: set[int] = set()
    for step in stream.steps:
        union |= holding(synthetic.test, step.new_types)
        assert idx_set(step.tests["filter"]) == holding(synthetic.test, step.seen_types) == union
    assert len(stream.steps[0].tests["filter"]) < len(stream.steps[-1].tests["filter"]) < N_TEST


def test_test_filter_of_hand_made_corpus():
    stream = hand_stream("split-filter", 1)  # D, A, B+C
    assert [idx_set(s.tests["filter"]) for s in stream.steps] == [{2, 5}, {0, 2, 5}, {0, 1, 2, 5, 6}]
    assert [s.idx for s in stream.steps[2].tests["filter"]] == [0, 1, 2, 5, 6]


def test_filter_all_trains_like_filter_filter_and_tests_on_everything(synthetic):
    ff = synthetic_stream(synthetic, "filter-filter", 2)
    fa = synthetic_stream(synthetic, "filter-all", 2)
    assert [idx_set(s.train) for s in ff.steps] == [idx_set(s.train) for s in fa.steps]
    assert all(len(s.tests["all"]) == N_TEST for s in fa.steps)


def test_split_filter_trains_like_split_all(synthetic):
    sa = synthetic_stream(synthetic, "split-all", 5)
    sf = synthetic_stream(synthetic, "split-filter", 5)
    assert [idx_set(s.train) for s in sa.steps] == [idx_set(s.train) for s in sf.steps]
    assert [idx_set(s.tests["filter"]) for s in sf.steps] == [holding(synthetic.test, s.seen_types) for s in sf.steps]


# -- Non-CL and offline (docs/protocol.md, "The non-CL upper bound") ------------------------------------


@pytest.mark.parametrize("permutation", [0, 2])
def test_non_cl_step_k_trains_on_tasks_one_to_k_with_all_seen_gold(synthetic, permutation):
    split = synthetic_stream(synthetic, "split-all", permutation)
    non_cl = synthetic_stream(synthetic, "non-cl", permutation)
    union: set[int] = set()
    union_dev: set[int] = set()
    for cl_step, step in zip(split.steps, non_cl.steps):
        union |= idx_set(cl_step.train)
        union_dev |= idx_set(cl_step.dev)
        assert step.new_types == cl_step.new_types
        assert step.label_types == step.seen_types
        assert idx_set(step.train) == union
        assert idx_set(step.dev) == union_dev
        assert len(step.train) == len(union)
    last = non_cl.steps[-1]
    assert [s.idx for s in last.train] == list(range(N_TRAIN))
    assert [s.spans for s in last.train] == [s.spans for s in synthetic.train]
    assert gold_types(last.train) == set(SYNTHETIC_TYPES)


def test_non_cl_of_hand_made_corpus_grows_by_chunks():
    chunks = seeded_chunks(11, 3, 1)
    stream = hand_stream("non-cl", 1)  # D, A, B+C
    assert [idx_set(s.train) for s in stream.steps] == [set(chunks[2]), set(chunks[2] + chunks[0]), set(range(11))]
    assert stream.steps[1].label_types == ("D", "A")


def test_cumulative_upper_bound_of_filter_filter_is_the_union_of_filter_sets(synthetic):
    stream = synthetic_stream(synthetic, "filter-filter", 0, "setting.cumulative=true")
    for step in stream.steps:
        assert step.label_types == step.seen_types
        assert idx_set(step.train) == holding(synthetic.train, step.seen_types)
    assert_gold_invariants(stream, synthetic, "filter-filter", labels_are_seen=True)


@pytest.mark.parametrize("permutation", [0, 3])
def test_offline_is_one_step_with_all_types_and_all_training_data(synthetic, permutation):
    stream = synthetic_stream(synthetic, "offline", permutation)
    assert len(stream.steps) == 1
    (step,) = stream.steps
    assert set(step.new_types) == set(step.seen_types) == set(step.label_types) == set(SYNTHETIC_TYPES)
    assert step.seen_types == tuple(t for _, types in stream.tasks for t in types)
    assert [(s.idx, s.spans) for s in step.train] == [(s.idx, s.spans) for s in synthetic.train]
    assert [(s.idx, s.spans) for s in step.dev] == [(s.idx, s.spans) for s in synthetic.dev]
    assert [(s.idx, s.spans) for s in step.tests["all"]] == [(s.idx, s.spans) for s in synthetic.test]
    assert step.tasks_so_far == stream.tasks


def test_offline_of_hand_made_corpus_removes_only_out_of_task_types():
    (step,) = hand_stream("offline", 2).steps
    corpus = hand_corpus()
    assert [s.spans for s in step.train] == [s.restrict("ABCD").spans for s in corpus.train]
    assert step.train[7].spans == ()


# -- building blocks --------------------------------------------------------------------------------------


def test_allocate_dispatches_and_rejects_unknown_allocations():
    sentences = hand_corpus().train
    assert allocate(sentences, HAND_TASKS, "filter", 1) == filter_allocation(sentences, HAND_TASKS)
    assert allocate(sentences, HAND_TASKS, "split", 4) == split_allocation(sentences, 3, 4)
    assert allocate(sentences, HAND_TASKS, "all", 1) == [list(range(11))] * 3
    with pytest.raises(ValueError, match="valid: split, filter, all"):
        allocate(sentences, HAND_TASKS, "random", 1)


def test_build_stream_rejects_an_order_that_is_not_a_permutation():
    tasks = [("a", ("A",)), ("bc", ("B", "C")), ("d", ("D",))]
    with pytest.raises(ValueError, match="not a permutation"):
        build_stream(hand_corpus(), tasks, [0, 0, 1], "split", ["all"])


def test_build_test_sets_restricts_gold_to_seen_types():
    test = hand_corpus().test
    sets = build_test_sets(test, ["A", "D"], ["all", "filter"])
    assert [s.idx for s in sets["filter"]] == [0, 2, 5]
    assert [s.spans for s in sets["filter"]] == [(Span(1, 2, "A"),), (Span(3, 4, "D"),), (Span(1, 2, "A"), Span(3, 4, "D"))]
    assert len(sets["all"]) == len(test) and gold_types(sets["all"]) == {"A", "D"}


def test_summary_warns_about_steps_without_training_sentences():
    # 2 training sentences for 3 tasks: the first two Split chunks are empty.
    corpus = hand_corpus()
    corpus.train = corpus.train[:2]
    cfg = load_config([*HAND, "setting=split-all"])
    summary = stream_summary(stream_from_config(cfg, corpus))
    assert [s["train_sentences"] for s in summary["steps"]] == [0, 0, 2]
    assert summary["warnings"] == ["step 1 has no training sentence", "step 2 has no training sentence"]
