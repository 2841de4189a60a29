"""Words → BPE source → pointer targets → parsed triplets gives back the same spans (docs/methods.md,
"The pointer model"), for a byte-level BPE trained offline and for a BART tokenizer loaded from a folder."""

from __future__ import annotations

import json
import string

import pytest
import transformers
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gencner.data.schema import Span
from gencner.families.pointer.encoding import OutputSpace, SourceEncoder, Triplet, parse_indices, target_indices
from gencner.families.pointer.tokenizer import load_tokenizer

TYPES = ["ORG", "PER", "LOC", "DATE", "NORP"]
TYPE_IDS = {t: i for i, t in enumerate(TYPES)}
N_POSITIONS = 4096  # canonical position indices are < n; nothing here comes near it
SPACE = OutputSpace(N_POSITIONS, len(TYPES))

# Words as users' data has them: corpus words, any printable unicode (accents, CJK, emoji), punctuation,
# and long words that break into many pieces.
printable = st.characters(exclude_categories=("Cs", "Cc", "Cf", "Co", "Cn", "Zs", "Zl", "Zp"))
words = st.one_of(
    st.sampled_from(["John", "Smith", "New", "York", "the", "of", "1999", "Zürich", "Straße", "東京", "😀"]),
    st.text(alphabet=printable, min_size=1, max_size=10),
    st.sampled_from(list(string.punctuation)),
    st.text(alphabet=string.ascii_letters + "éü", min_size=25, max_size=60),
)


@st.composite
def sentences_with_spans(draw, max_words: int = 20):
    """Words, non-overlapping spans with random types in a random (target) order."""
    tokens = draw(st.lists(words, min_size=1, max_size=max_words))
    spans, i = [], 0
    while i < len(tokens):
        if draw(st.booleans()):
            length = draw(st.integers(1, min(4, len(tokens) - i)))
            spans.append(Span(i, i + length, draw(st.sampled_from(TYPES))))
            i += length
        else:
            i += 1
    order = draw(st.permutations(spans))
    return tokens, list(order)


@pytest.fixture(scope="module", params=["trained-bpe", "bart-by-path"])
def tokenizer(request, bpe_tokenizer, bart_tokenizer_dir):
    return bpe_tokenizer if request.param == "trained-bpe" else load_tokenizer(str(bart_tokenizer_dir))


def pieces(tokenizer, word: str) -> list[int]:
    return tokenizer(" " + word, add_special_tokens=False)["input_ids"]


def test_bart_folder_loads_as_a_bart_tokenizer_with_barts_special_ids(bart_tokenizer_dir):
    tok = load_tokenizer(str(bart_tokenizer_dir))
    # transformers 5 keeps only tokenizers-backed classes: BartTokenizer (and BartTokenizerFast) are
    # aliases of RobertaTokenizer, a TokenizersBackend.
    assert isinstance(tok, transformers.BartTokenizer)
    assert isinstance(tok, transformers.BartTokenizerFast)
    assert tok.is_fast
    vocab = json.loads((bart_tokenizer_dir / "vocab.json").read_text(encoding="utf-8"))
    assert (tok.bos_token_id, tok.pad_token_id, tok.eos_token_id, tok.unk_token_id) == (0, 1, 2, 3)
    assert tok.mask_token == "<mask>" and tok.mask_token_id == len(vocab) - 1
    assert all(tok.convert_tokens_to_ids(token) == i for token, i in vocab.items())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(example=sentences_with_spans())
def test_gold_indices_parse_back_to_the_same_spans_in_target_order(tokenizer, example):
    tokens, spans = example
    source = SourceEncoder(tokenizer, max_tokens=100_000).encode(tokens)
    assert not source.truncated and source.n_words == len(tokens)
    # Word by word: <s>, each word's own pieces in order, </s>; a word starts at its first piece.
    assert source.ids[0] == tokenizer.bos_token_id and source.ids[-1] == tokenizer.eos_token_id
    bounds = [*source.word_starts, len(source.ids) - 1]
    for w, word in enumerate(tokens):
        assert list(source.ids[bounds[w] : bounds[w + 1]]) == pieces(tokenizer, word)

    indices, lost = target_indices(spans, source, SPACE, TYPE_IDS)
    assert lost == 0
    assert len(indices) == 3 * len(spans) + 1 and indices[-1] == SPACE.eos
    for k, span in enumerate(spans):
        start, end, type_index = indices[3 * k : 3 * k + 3]
        assert (start, end) == (source.word_starts[span.start], source.word_starts[span.end - 1])
        assert SPACE.type_of(type_index) == TYPE_IDS[span.type]

    # Canonical ↔ batch layout (positions | EOS | types) for a padded batch wider than this source.
    width = len(source.ids) + 3
    assert [SPACE.from_batch(SPACE.to_batch(i, width), width) for i in indices] == indices

    parsed = parse_indices(indices, [1.0] * len(indices), source, SPACE, TYPES)
    assert [t.span for t in parsed.triplets] == spans
    assert not parsed.malformed and not parsed.truncated
    assert all(t.probs == (1.0, 1.0, 1.0) and t.confidence == 1.0 for t in parsed.triplets)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(example=sentences_with_spans(max_words=12), max_tokens=st.integers(2, 40))
def test_truncation_keeps_whole_words_and_reports_the_lost_spans(tokenizer, example, max_tokens):
    tokens, spans = example
    source = SourceEncoder(tokenizer, max_tokens=max_tokens).encode(tokens)
    kept = source.kept_words
    whole = [p for word in tokens[:kept] for p in pieces(tokenizer, word)]
    assert list(source.ids) == [tokenizer.bos_token_id, *whole, tokenizer.eos_token_id]
    assert len(source.ids) <= max_tokens
    if kept < len(tokens):  # the next word did not fit
        assert source.truncated and len(source.ids) + len(pieces(tokenizer, tokens[kept])) > max_tokens
    indices, lost = target_indices(spans, source, SPACE, TYPE_IDS)
    inside = [s for s in spans if s.end <= kept]
    assert lost == len(spans) - len(inside)
    parsed = parse_indices(indices, [1.0] * len(indices), source, SPACE, TYPES)
    assert [t.span for t in parsed.triplets] == inside and not parsed.malformed


@pytest.fixture(scope="module")
def hand_tokenizer(tmp_path_factory):
    """A BART-format folder whose merges are written by hand, so that every word's pieces are known:
    "New" and "York" are one piece each, "City" is "ĠCi"+"ty", anything else falls back to bytes."""
    from tokenizers.pre_tokenizers import ByteLevel

    folder = tmp_path_factory.mktemp("hand-bart")
    merges = ["Ġ N", "ĠN e", "ĠNe w", "Ġ Y", "o r", "ĠY or", "ĠYor k", "Ġ C", "ĠC i", "t y"]
    vocab = {t: i for i, t in enumerate(["<s>", "<pad>", "</s>", "<unk>"])}
    for token in sorted(ByteLevel.alphabet()) + ["".join(m.split()) for m in merges] + ["<mask>"]:
        vocab.setdefault(token, len(vocab))
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
    (folder / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 1024, "tokenizer_class": "BartTokenizer"}))
    return load_tokenizer(str(folder))


HAND_WORDS = ["Zürich", "New", "York", "City", "visited", "!"]


def test_word_starts_and_triplet_positions_on_a_hand_example(hand_tokenizer):
    source = SourceEncoder(hand_tokenizer, 100).encode(HAND_WORDS)
    # <s> | Ġ Z Ã ¼ r i c h | ĠNew | ĠYork | ĠCi ty | Ġ v i s i t e d | Ġ ! | </s>
    #  0     1 ............ 8    9       10     11 12    13 ........... 20   21 22   23
    assert hand_tokenizer.convert_ids_to_tokens(list(source.ids[9:13])) == ["ĠNew", "ĠYork", "ĠCi", "ty"]
    assert source.word_starts == (1, 9, 10, 11, 13, 21)
    assert len(source.ids) == 24
    spans = [Span(1, 4, "LOC"), Span(0, 1, "ORG"), Span(4, 6, "PER")]
    indices, lost = target_indices(spans, source, SPACE, TYPE_IDS)
    # start = first piece of the first word, end = first piece of the last word, then the type, then EOS
    eos, loc, org, per = SPACE.eos, SPACE.type_index(2), SPACE.type_index(0), SPACE.type_index(1)
    assert indices == [9, 11, loc, 1, 1, org, 13, 21, per, eos] and lost == 0
    assert (loc, org, eos) == (N_POSITIONS + 3, N_POSITIONS + 1, N_POSITIONS)


def test_truncation_on_a_hand_example(hand_tokenizer):
    # 12 ids hold <s>, Zürich (8 pieces), New, York, </s>; "City" (2 pieces) would need 14.
    source = SourceEncoder(hand_tokenizer, 12).encode(HAND_WORDS)
    assert source.word_starts == (1, 9, 10) and len(source.ids) == 12
    assert source.truncated and source.kept_words == 3 and source.n_words == 6
    spans = [Span(1, 4, "LOC"), Span(0, 1, "ORG"), Span(1, 3, "LOC"), Span(5, 6, "PER")]
    indices, lost = target_indices(spans, source, SPACE, TYPE_IDS)
    assert lost == 2
    assert indices == [1, 1, SPACE.type_index(0), 9, 10, SPACE.type_index(2), SPACE.eos]


def test_parse_counts_malformed_groups_and_a_missing_eos(hand_tokenizer):
    source = SourceEncoder(hand_tokenizer, 100).encode(HAND_WORDS)
    t0, eos = SPACE.type_index(0), SPACE.eos
    good = [9, 11, t0]
    indices = good + [2, 9, t0] + [11, 9, t0] + [9, 9, 13] + [1, 1, N_POSITIONS + 1 + len(TYPES)] + [1, 1]
    probs = [0.9, 0.4, 0.7] + [0.5] * (len(indices) - 3)
    parsed = parse_indices(indices + [eos, 1, 1, t0], probs + [0.5] * 4, source, SPACE, TYPES)
    assert [t.span for t in parsed.triplets] == [Span(1, 4, "ORG")]
    assert parsed.triplets[0].probs == (0.9, 0.4, 0.7) and parsed.triplets[0].confidence == 0.4
    assert parsed.malformed == {
        "start or end is not a word-start position": 1,
        "end before start": 1,
        "third element is not a type": 2,
        "incomplete triplet before EOS": 1,
    }
    assert not parsed.truncated
    assert parse_indices(good, [1.0] * 3, source, SPACE, TYPES).truncated


def test_triplet_confidence_is_the_minimum_of_its_three_probabilities():
    assert Triplet(Span(0, 1, "ORG"), (0.9, 0.2, 0.6)).confidence == 0.2
    assert Triplet(Span(0, 1, "ORG"), (0.3, 0.8, 0.25)).confidence == 0.25


@pytest.mark.parametrize("word", ["<pad>", "</s>"])
def test_a_word_spelled_like_a_special_token_is_encoded_as_text(tokenizer, word):
    source = SourceEncoder(tokenizer, 100).encode(["see", word, "here"])
    assert not set(tokenizer.all_special_ids) & set(source.ids[1:-1])
