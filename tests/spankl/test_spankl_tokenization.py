"""Word pieces (docs/methods.md, "Encoder and word pieces"): first-piece positions, whole-word truncation,
no word without a piece."""

from __future__ import annotations

from spankl_support import SENTENCES, WORDS

from gencner.families.spankl.tokenization import WordPieceEncoder, train_wordpiece_tokenizer


def test_word_starts_point_at_each_words_first_piece_between_cls_and_sep():
    tokenizer = train_wordpiece_tokenizer(WORDS, 120)
    encoded = WordPieceEncoder(tokenizer, 64).encode(SENTENCES[2].tokens)
    assert encoded.ids[0] == tokenizer.cls_token_id and encoded.ids[-1] == tokenizer.sep_token_id
    assert encoded.kept_words == encoded.n_words == len(SENTENCES[2].tokens)
    for k, word in enumerate(SENTENCES[2].tokens):
        first = tokenizer(word, add_special_tokens=False)["input_ids"][0]
        assert encoded.ids[encoded.word_starts[k]] == first


def test_long_sentences_are_cut_by_whole_words_and_empty_words_get_unk():
    tokenizer = train_wordpiece_tokenizer(WORDS, 120)
    encoder = WordPieceEncoder(tokenizer, 8)
    encoded = encoder.encode(["\u200b", *SENTENCES[0].tokens])  # a zero-width space has no piece
    assert encoded.ids[encoded.word_starts[0]] == tokenizer.unk_token_id
    assert len(encoded.ids) <= 8 and encoded.truncated
    assert encoded.word_starts == tuple(sorted(encoded.word_starts))
    assert encoder.encode(["[SEP]"]).ids[1] != tokenizer.sep_token_id  # a word that reads [SEP] is text
