"""The synthetic corpus: determinism, sizes, and the properties the continual benchmark relies on
(type balance, co-occurring types, context-dependent forms, valid flat spans, a small vocabulary)."""

from __future__ import annotations

import itertools
import random

import pytest

from gencner.data import synthetic_lexicon as lex
from gencner.data.schema import Sentence, Span
from gencner.data.synthetic import SYNTHETIC_TYPES, ambiguous_forms, describe, generate_synthetic

PROTOCOL_ONTONOTES_ORDER = ("ORG", "PERSON", "GPE", "DATE", "CARDINAL", "NORP")


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[Sentence]]:
    return generate_synthetic()


def test_types_follow_the_protocol_task_order():
    assert SYNTHETIC_TYPES == PROTOCOL_ONTONOTES_ORDER


def test_same_seed_gives_an_identical_corpus(corpus):
    again = generate_synthetic()
    assert again == corpus
    assert repr(again) == repr(corpus)


def test_different_seeds_give_different_corpora(corpus):
    other = generate_synthetic(seed=14)
    for split in ("train", "dev", "test"):
        same = sum(a.tokens == b.tokens for a, b in zip(corpus[split], other[split]))
        assert same < 0.2 * len(corpus[split]), split


def test_global_random_state_is_neither_used_nor_changed():
    random.seed(0)
    state = random.getstate()
    first = generate_synthetic(train=50, dev=10, test=10)
    assert random.getstate() == state
    random.seed(99)
    assert generate_synthetic(train=50, dev=10, test=10) == first


def test_sizes_indices_and_origins(corpus):
    assert {split: len(sents) for split, sents in corpus.items()} == {"train": 3000, "dev": 300, "test": 600}
    small = generate_synthetic(train=7, dev=0, test=5)
    assert [len(small[s]) for s in ("train", "dev", "test")] == [7, 0, 5]
    for split, sents in corpus.items():
        assert [s.idx for s in sents] == list(range(len(sents)))
        assert sents[5].origin == f"synthetic-{split}:5"


def test_resizing_one_split_leaves_the_others_unchanged(corpus):
    resized = generate_synthetic(train=100)
    assert resized["dev"] == corpus["dev"]
    assert resized["test"] == corpus["test"]


def test_every_split_has_every_type_in_roughly_balanced_shares(corpus):
    for split, sents in corpus.items():
        shares = describe(sents)["type_share"]
        assert set(shares) == set(SYNTHETIC_TYPES)
        assert all(shares[t] > 0.08 for t in SYNTHETIC_TYPES), (split, shares)
    train_shares = describe(corpus["train"])["type_share"]
    assert min(train_shares.values()) >= 0.12, train_shares
    assert max(train_shares.values()) <= 0.30, train_shares
    # Balanced, not identical: real data never is.
    assert max(train_shares.values()) - min(train_shares.values()) > 0.02


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.35])
def test_empty_share_is_the_requested_fraction(fraction):
    splits = generate_synthetic(train=400, dev=60, test=90, empty_fraction=fraction)
    for split, sents in splits.items():
        assert describe(sents)["empty_share"] == pytest.approx(fraction, abs=0.01), split


def test_most_entity_sentences_mix_several_types(corpus):
    for split, sents in corpus.items():
        assert describe(sents)["multi_type_share"] >= 0.4, split
    one_type = [s for s in corpus["train"] if len({sp.type for sp in s.spans}) == 1]
    assert len(one_type) > 30, "single-type sentences should exist too"


def test_every_pair_of_types_cooccurs_in_train(corpus):
    seen_pairs = set()
    for sent in corpus["train"]:
        types = sorted({sp.type for sp in sent.spans})
        seen_pairs.update(itertools.combinations(types, 2))
    expected = set(itertools.combinations(sorted(SYNTHETIC_TYPES), 2))
    assert expected <= seen_pairs, expected - seen_pairs


def test_multi_word_and_adjacent_entities_are_common(corpus):
    train = corpus["train"]
    summary = describe(train)
    assert summary["multi_word_entity_share"] >= 0.25
    assert summary["adjacent_entity_pairs"] >= 100
    multi_word_types = {sp.type for s in train for sp in s.spans if sp.end - sp.start > 1}
    assert multi_word_types == set(SYNTHETIC_TYPES)


def test_several_surface_forms_take_more_than_one_type(corpus):
    forms = ambiguous_forms(corpus["train"])
    word_forms = {text: types for text, types in forms.items() if not text.isdigit()}
    assert len(word_forms) >= 10, word_forms
    type_pairs = {pair for types in forms.values() for pair in itertools.combinations(types, 2)}
    assert {("GPE", "PERSON"), ("ORG", "PERSON"), ("CARDINAL", "DATE"), ("DATE", "PERSON")} <= type_pairs
    assert set(forms["Jordan"]) >= {"PERSON", "GPE"}
    share = describe(corpus["train"])["ambiguous_entity_share"]
    assert 0.10 <= share <= 0.25, share


def test_spans_are_valid_flat_and_over_clean_tokens(corpus):
    for sents in corpus.values():
        for sent in sents:
            assert all(tok and not any(ch.isspace() for ch in tok) for tok in sent.tokens), sent.origin
            for span in sent.spans:
                assert 0 <= span.start < span.end <= len(sent.tokens), sent.origin
                assert span.type in SYNTHETIC_TYPES
            for a, b in zip(sent.spans, sent.spans[1:]):
                assert not a.overlaps(b), sent.origin


def test_sentences_are_short_and_end_with_punctuation(corpus):
    lengths = [len(s.tokens) for sents in corpus.values() for s in sents]
    assert 6 <= min(lengths) and max(lengths) <= 25
    assert all(s.tokens[-1] == "." for sents in corpus.values() for s in sents)


def test_vocabulary_is_moderate(corpus):
    vocabulary = {tok for sents in corpus.values() for s in sents for tok in s.tokens}
    assert 300 <= len(vocabulary) <= 1500, len(vocabulary)


def test_held_out_names_appear_only_outside_train(corpus):
    reserved = set(lex.HELD_OUT_LAST_NAMES + lex.HELD_OUT_CITIES)
    assert not any(tok in reserved for s in corpus["train"] for tok in s.tokens)
    assert any(tok in reserved for s in corpus["test"] for tok in s.tokens)


def test_describe_and_ambiguous_forms_on_a_hand_made_sample():
    sentences = [
        Sentence(("Jordan", "flew", "to", "Jordan", "."), (Span(0, 1, "PERSON"), Span(3, 4, "GPE"))),
        Sentence(("In", "1990", ",", "New", "York", "grew", "."), (Span(1, 2, "DATE"), Span(3, 5, "GPE"))),
        Sentence(("Nothing", "happened", "."), ()),
        Sentence(("Jordan", "Smith", "left", "."), (Span(0, 2, "PERSON"),)),
    ]
    assert ambiguous_forms(sentences) == {"Jordan": ("GPE", "PERSON")}
    summary = describe(sentences)
    assert summary["sentences"] == 4 and summary["entities"] == 5
    expected_counts = {"ORG": 0, "PERSON": 2, "GPE": 2, "DATE": 1, "CARDINAL": 0, "NORP": 0}
    assert summary["entities_per_type"] == expected_counts
    assert summary["empty_share"] == 0.25
    assert summary["multi_type_share"] == pytest.approx(2 / 3, abs=1e-3)
    assert summary["multi_word_entity_share"] == 0.4
    assert summary["ambiguous_forms"] == 1 and summary["ambiguous_entities"] == 2
    assert summary["adjacent_entity_pairs"] == 0


@pytest.mark.parametrize("kwargs", [{"train": -1}, {"empty_fraction": 1.5}, {"empty_fraction": -0.1}])
def test_invalid_arguments_are_rejected(kwargs):
    with pytest.raises(ValueError):
        generate_synthetic(**kwargs)
