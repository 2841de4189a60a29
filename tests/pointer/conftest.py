"""Shared pieces for the model tests: a corpus vocabulary, a byte-level BPE trained on it, a folder in the
format of a local copy of facebook/bart-large's tokenizer, and tiny pointer BARTs with random weights."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from tests.conftest import TINY_MODEL

from gencner.config import load_config
from gencner.data.schema import Sentence
from gencner.families.pointer.batching import Collator, Example, encode_examples

SENTENCES = [
    "John Smith visited New York City on Monday .",
    "The organization of Acme Corp met in Paris last year .",
    "Maria Garcia works for the government of Spain since 1999 .",
    "Three people from Germany joined the person named Lee Chen .",
    "On 12 March , Microsoft opened an office in Berlin with 200 staff .",
    "the cat sat on a mat with a date and a cardinal number",
]
WORDS = [w for s in SENTENCES for w in s.split()] * 3
TYPE_NAMES = {"ORG": "organization", "PER": "person", "LOC": "location", "DATE": "date", "NORP": "nationality"}
TINY = [
    "model=tiny",
    *TINY_MODEL,
    "model.vocab_size=400",
    "model.dropout=0.0",
    "model.denoise_epochs=0",
]


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Models this small run fastest on one thread; with two, every matrix product waits whenever the
    second thread's core is busy with another process."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def tiny_config(*overrides: str):
    return load_config([*TINY, *overrides])


@pytest.fixture(scope="session")
def bpe_tokenizer():
    from gencner.families.pointer.tokenizer import train_bpe_tokenizer

    return train_bpe_tokenizer(WORDS, 400)


@pytest.fixture(scope="session")
def bart_tokenizer_dir(tmp_path_factory) -> Path:
    """vocab.json + merges.txt + tokenizer_config.json + config.json as in a local facebook/bart-large
    copy: <s>=0 <pad>=1 </s>=2 <unk>=3 and <mask> the last id."""
    from tokenizers import ByteLevelBPETokenizer

    folder = tmp_path_factory.mktemp("bart-large-tokenizer")
    bpe = ByteLevelBPETokenizer(add_prefix_space=True)
    bpe.train_from_iterator([" " + w for w in WORDS], vocab_size=400, special_tokens=["<s>", "<pad>", "</s>", "<unk>"], show_progress=False)
    bpe.save_model(str(folder))
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    vocab["<mask>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (folder / "tokenizer_config.json").write_text(json.dumps({"model_max_length": 1024, "tokenizer_class": "BartTokenizer"}))
    (folder / "config.json").write_text(json.dumps({"model_type": "bart", "vocab_size": len(vocab)}))
    return folder


@pytest.fixture(scope="session")
def make_model():
    """A tiny NerModel with random weights (seeded), in eval mode, with `types` added."""
    from gencner.families.pointer.model import build_model

    def make(seed: int = 1, types=("ORG", "PER", "LOC"), *overrides: str):
        model = build_model(tiny_config(*overrides).model, WORDS, TYPE_NAMES, seed=seed)
        model.add_types(list(types))
        model.net.eval()
        return model

    return make


def _collate(model, sentences):
    encoded, _ = encode_examples(
        [Example(Sentence(tuple(words))) for words in sentences], model.source_encoder(), model.space, model.type_ids
    )
    return Collator(model.tokenizer.pad_token_id, model.space)(encoded)


@pytest.fixture(scope="session")
def collate():
    """collate(model, sentences): the batch PointerNetwork takes for lists of words, padded to the longest."""
    return _collate
