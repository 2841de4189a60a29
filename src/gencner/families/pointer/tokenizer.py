"""Tokenizers: a pretrained BART tokenizer by name or path, or a byte-level BPE trained offline on the
corpus with BART's special tokens (<s>=0, <pad>=1, </s>=2, <unk>=3, <mask>=4), saved with the run.

Entity types become special tokens named in natural language ("<<person>>"), appended to the vocabulary
as types arrive, so an old type keeps its token id forever."""

from __future__ import annotations

from collections.abc import Iterable

from gencner import checkpoints

SPECIAL_TOKENS = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]


def train_bpe_tokenizer(words: Iterable[str], vocab_size: int):
    """A byte-level BPE (BART's scheme) trained on `words` (each seen as " word", as the encoder sees it)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator((" " + w for w in words), trainer)
    # Without a post-processor a hand-trained BPE adds no <s>/</s>; gencner adds them itself, but users
    # calling the saved tokenizer directly expect BART's behaviour.
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", 0), ("</s>", 2)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>", unk_token="<unk>", mask_token="<mask>"
    )


def load_tokenizer(name_or_path: str):
    """A BART tokenizer from a local folder or the hub (checkpoints.load_tokenizer)."""
    return checkpoints.load_tokenizer(name_or_path, "model.pretrained=/path/to/bart-large")


def type_token(name: str) -> str:
    return f"<<{name}>>"


def add_type_tokens(tokenizer, names: Iterable[str]) -> list[int]:
    """Add the type tokens that are missing; return the ids of all `names` (old ids never change)."""
    tokens = [type_token(n) for n in names]
    missing = [t for t in tokens if t not in tokenizer.get_vocab()]
    if missing:
        tokenizer.add_special_tokens({"additional_special_tokens": missing}, replace_extra_special_tokens=False)
    return tokenizer.convert_tokens_to_ids(tokens)


def default_type_name(label: str) -> str:
    """Few-NERD-style labels read as words: "person-artist/author" → "person artist author"."""
    return " ".join(label.replace("-", " ").replace("/", " ").replace("_", " ").split())
