"""The pointer family's model (NerModel) and how one is built: an encoder-decoder backbone (backbones.py:
a pretrained BART, T5 or EncoderDecoderModel checkpoint, a warm start from an encoder-only checkpoint, or
an architecture preset with random weights), its tokenizer (pretrained, or a byte-level BPE trained on
the corpus), the pointer head and a growing type inventory."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from gencner.config.schema import ModelConfig
from gencner.families.pointer import backbones
from gencner.families.pointer.encoding import OutputSpace, SourceEncoder
from gencner.families.pointer.inference import predict_sentences
from gencner.families.pointer.network import PointerNetwork
from gencner.families.pointer.tokenizer import add_type_tokens, default_type_name, load_tokenizer, train_bpe_tokenizer


@dataclass
class NerModel:
    """Everything needed to tag text: network, tokenizer, the ordered type inventory and decoding settings.
    Type t of the inventory is output index n_positions + 1 + t, forever."""

    net: PointerNetwork
    tokenizer: Any
    types: list[str]
    type_names: dict[str, str]
    max_source_tokens: int
    decoding: dict  # decoding_settings(): written with the model, so a loaded model decodes as it was trained

    @property
    def space(self) -> OutputSpace:
        return OutputSpace(self.net.n_positions, len(self.types))

    @property
    def start_id(self) -> int:
        """The decoder's first input (backbones.start_token_id: BART's </s>, T5's <pad>, BERT2BERT's [CLS])."""
        return self.net.start_token_id

    @property
    def type_ids(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.types)}

    def source_encoder(self) -> SourceEncoder:
        return SourceEncoder(self.tokenizer, self.max_source_tokens)

    def add_types(self, new_types: Iterable[str]) -> list[str]:
        """Append the types not yet known; each type token starts as the mean of its name's pieces."""
        added = [t for t in new_types if t not in self.types]
        if not added:
            return []
        names = self._unique_names(added)
        init = torch.stack([self._name_embedding(name) for name in names])
        token_ids = add_type_tokens(self.tokenizer, names)
        self.net.add_types(token_ids, init)
        self.types.extend(added)
        return added

    def _unique_names(self, added: list[str]) -> list[str]:
        """Natural-language names of new types; a name another type already uses gets its label appended,
        because one token cannot stand for two types."""
        taken = {self.type_names.get(t) or default_type_name(t) for t in self.types}
        names = []
        for label in added:
            name = self.type_names.get(label) or default_type_name(label)
            if name in taken:
                name = f"{name} {label}"
            taken.add(name)
            names.append(name)
        return names

    def _name_embedding(self, name: str) -> torch.Tensor:
        ids = self.tokenizer(" " + name, add_special_tokens=False)["input_ids"] or [self.tokenizer.unk_token_id]
        weight = self.net.embed_tokens.weight
        return weight[torch.tensor(ids, device=weight.device)].mean(dim=0).detach()

    def to(self, device: str) -> None:
        self.net.to(device)

    def predict(self, sentences, batch_size: int, flat: bool, on_batch=None, bf16: bool = False):
        """inference.predict_sentences: constrained greedy (or beam) decoding with triplet confidences."""
        return predict_sentences(self, sentences, batch_size, flat, on_batch, bf16)

    def frozen_copy(self, n_types: int | None = None) -> NerModel:
        """A teacher: a deep copy in eval mode without gradients, seeing only its first `n_types` types."""
        teacher = copy.deepcopy(self)
        if n_types is not None:
            teacher.types = teacher.types[:n_types]
            teacher.net.type_token_ids = teacher.net.type_token_ids[:n_types].clone()
        teacher.net.eval()
        teacher.net.requires_grad_(False)
        return teacher


def build_model(mcfg: ModelConfig, words: Sequence[str] = (), type_names: dict[str, str] | None = None, seed: int = 1) -> NerModel:
    """A model with no types yet. `words` (the training corpus) trains the BPE when no tokenizer is given."""
    torch.manual_seed(seed)
    if mcfg.pretrained_encoder:
        tokenizer = load_tokenizer(mcfg.tokenizer or mcfg.pretrained_encoder)
        encoder = backbones.load_encoder(mcfg.pretrained_encoder, mcfg.dropout)
        backbone = backbones.pair_from_encoder(encoder, mcfg.decoder_layers, mcfg.decoder_init, mcfg.dropout)
    elif mcfg.pretrained:
        tokenizer = load_tokenizer(mcfg.tokenizer or mcfg.pretrained)
        _, backbone = backbones.load_pretrained(mcfg.pretrained, mcfg.dropout)
    else:
        tokenizer = load_tokenizer(mcfg.tokenizer) if mcfg.tokenizer else train_bpe_tokenizer(words, mcfg.vocab_size)
        backbone = backbones.build(mcfg, tokenizer)
    _, end = backbones.boundary_ids(tokenizer)
    start = backbones.start_token_id(backbone, tokenizer)
    n_positions = backbones.max_positions(backbone, mcfg.max_source_tokens)
    net = PointerNetwork(backbone, [], n_positions, end, mcfg.dropout, start)
    return NerModel(net, tokenizer, [], dict(type_names or {}), n_positions, decoding_settings(mcfg))


def decoding_settings(mcfg: ModelConfig) -> dict:
    return {
        "constrained": bool(mcfg.constrained),
        "beam_size": int(mcfg.beam_size),
        "max_length_base": int(mcfg.max_length_base),
        "max_length_ratio": float(mcfg.max_length_ratio),
    }
