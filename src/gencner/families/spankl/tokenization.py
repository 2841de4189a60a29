"""Word pieces for SpanKL's BERT (docs/methods.md, "Encoder and word pieces"): a checkpoint's tokenizer, or
a cased WordPiece trained offline on the corpus with BERT's special tokens; and sentences → [CLS] pieces
[SEP] with each word's first-piece position.

Each word is tokenised on its own (cached: a corpus has far fewer distinct words than tokens). A word whose
tokenisation is empty becomes [UNK], so every word has a first piece (SpanKL leaves such a word at index −1,
which gathers the last position: docs/methods.md, "Where it differs from its reference"). A sentence longer
than the piece limit is cut at the tail by whole words; the words cut off are not scored."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gencner import checkpoints
from gencner.data.encoded_words import EncodedWords

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def train_wordpiece_tokenizer(words: Iterable[str], vocab_size: int):
    """A cased WordPiece (bert-base-cased's scheme) trained on `words`; [PAD]=0 … [MASK]=4."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=False, strip_accents=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS, show_progress=False)
    tok.train_from_iterator(words, trainer)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    # users calling the saved tokenizer directly expect BERT's [CLS] … [SEP]
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]"
    )


def load_bert_tokenizer(name_or_path: str):
    """A checkpoint's tokenizer from a folder or the hub (checkpoints.load_tokenizer)."""
    return checkpoints.load_tokenizer(name_or_path, "model.pretrained=/path/to/bert-large-cased")


class WordPieceEncoder:
    """Word-by-word pieces with a cache, and the whole-word cut at `max_pieces` ([CLS], [SEP] included)."""

    def __init__(self, tokenizer, max_pieces: int):
        self.tokenizer = tokenizer
        self.max_pieces = max_pieces
        self._pieces: dict[str, tuple[int, ...]] = {}

    def _fill_cache(self, words: set[str]) -> None:
        new = sorted(w for w in words if w not in self._pieces)
        if not new:
            return
        # split_special_tokens: a word that reads "[SEP]" is text, not a control token
        encoded = self.tokenizer(new, add_special_tokens=False, split_special_tokens=True)["input_ids"]
        for word, ids in zip(new, encoded):
            self._pieces[word] = tuple(ids) or (self.tokenizer.unk_token_id,)

    def encode(self, tokens: Sequence[str]) -> EncodedWords:
        self._fill_cache(set(tokens))
        ids, starts = [self.tokenizer.cls_token_id], []
        for word in tokens:
            pieces = self._pieces[word]
            if len(ids) + len(pieces) + 1 > self.max_pieces:
                break
            starts.append(len(ids))
            ids.extend(pieces)
        ids.append(self.tokenizer.sep_token_id)
        return EncodedWords(tuple(ids), tuple(starts), len(tokens))

    def encode_many(self, sentences: Sequence[Sequence[str]]) -> list[EncodedWords]:
        self._fill_cache({w for tokens in sentences for w in tokens})
        return [self.encode(tokens) for tokens in sentences]
