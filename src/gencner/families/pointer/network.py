"""The pointer network (BARTNER's formulation; docs/methods.md, "The pointer model") over any backbone
of backbones.py.

At every decoder step the output space is {source positions} ∪ {EOS} ∪ {types}:
  position scores = h · (MLP(encoder output) + source token embedding) / 2   (BARTNER's avg_feature)
  EOS and type scores = h · their token embeddings.
Scores are computed in float32 (stable masking and softmax under bf16 autocast). Positions that are not
the first piece of a word (and <s>, </s>, padding) get NEG, a finite -inf, so that masked entries have
exactly zero probability without producing NaN in a KL term."""

from __future__ import annotations

import torch
from torch import nn

from gencner.families.pointer import backbones

NEG = -1e9


class PointerNetwork(nn.Module):
    def __init__(
        self, backbone, type_token_ids: list[int], n_positions: int, eos_token_id: int, dropout: float, start_token_id: int | None = None
    ):
        super().__init__()
        self.backbone = backbone  # backbones.py: a BartModel, a T5Model or an EncoderDecoderPair
        d = backbones.width(backbone)
        self.encoder_mlp = nn.Sequential(nn.Linear(d, d), nn.Dropout(dropout), nn.ReLU(), nn.Linear(d, d))
        self.n_positions = n_positions
        self.dropout = dropout
        self.eos_token_id = eos_token_id
        # the decoder's first input; BART's is its </s> (decoder_start_token_id = eos)
        self.start_token_id = eos_token_id if start_token_id is None else start_token_id
        self.register_buffer("type_token_ids", torch.tensor(type_token_ids, dtype=torch.long), persistent=True)

    @property
    def n_types(self) -> int:
        return int(self.type_token_ids.numel())

    @property
    def embed_tokens(self) -> nn.Embedding:
        return self.backbone.get_input_embeddings()

    def encode(self, src_ids: torch.Tensor, src_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Encoder states and the pointer keys (MLP(states) + token embeddings) / 2, both (B, L, d)."""
        states = self.backbone.encoder(input_ids=src_ids, attention_mask=src_mask).last_hidden_state
        keys = (self.encoder_mlp(states) + self.embed_tokens(src_ids)) / 2
        return states, keys

    def decode(self, dec_ids, states, src_mask, cache=None, dec_mask=None):
        """Decoder hidden states (B, T, d); `cache` is a transformers Cache, extended in place."""
        out = self.backbone.decoder(
            input_ids=dec_ids,
            attention_mask=dec_mask,
            encoder_hidden_states=states,
            encoder_attention_mask=src_mask,
            cache=cache,
            use_cache=cache is not None,
        )
        return out.last_hidden_state

    def scores(self, hidden: torch.Tensor, keys: torch.Tensor, word_mask: torch.Tensor) -> torch.Tensor:
        """Logits (B, T, L + 1 + n_types) in the batch layout [positions | EOS | types]."""
        with torch.autocast(hidden.device.type, enabled=False):  # .float() alone does not leave autocast
            return self._scores(hidden, keys, word_mask)

    def _scores(self, hidden: torch.Tensor, keys: torch.Tensor, word_mask: torch.Tensor) -> torch.Tensor:
        h = hidden.float()
        pointer = torch.einsum("btd,bld->btl", h, keys.float())
        pointer = pointer.masked_fill(~word_mask[:, None, :], NEG)
        labels = h @ self.embed_tokens(self.label_token_ids()).float().T
        return torch.cat([pointer, labels], dim=-1)

    def forward(self, src_ids, src_mask, word_mask, dec_ids, dec_mask=None) -> torch.Tensor:
        """Teacher-forced logits for decoder inputs `dec_ids` (token ids)."""
        states, keys = self.encode(src_ids, src_mask)
        hidden = self.decode(dec_ids, states, src_mask, dec_mask=dec_mask)
        return self.scores(hidden, keys, word_mask)

    def label_token_ids(self) -> torch.Tensor:
        """Token ids of EOS followed by the type tokens (the non-pointer part of the output space)."""
        return torch.cat([self.type_token_ids.new_tensor([self.eos_token_id]), self.type_token_ids])

    def index_tokens(self, indices: torch.Tensor, src_ids: torch.Tensor) -> torch.Tensor:
        """The token id standing for each batch-layout index: the pointed source token, EOS, or the
        type token. Negative entries (padding) map to EOS; they are masked out of every loss."""
        length = src_ids.size(1)
        safe = indices.clamp(min=0)
        pointed = torch.gather(src_ids, 1, safe.clamp(max=length - 1))
        labels = self.label_token_ids()
        tokens = torch.where(safe < length, pointed, labels[(safe - length).clamp(min=0, max=labels.numel() - 1)])
        return torch.where(indices < 0, torch.full_like(tokens, self.eos_token_id), tokens)

    def decoder_input_ids(self, targets: torch.Tensor, src_ids: torch.Tensor, start_id: int) -> torch.Tensor:
        """Teacher forcing: the start token, then the token of each target but the last."""
        tokens = self.index_tokens(targets, src_ids)
        start = torch.full_like(tokens[:, :1], start_id)
        return torch.cat([start, tokens[:, :-1]], dim=1)

    @torch.no_grad()
    def add_types(self, token_ids: list[int], init: torch.Tensor) -> None:
        """Append types: `token_ids` are new vocabulary entries (the embedding matrix is resized to hold
        them) initialised with the rows of `init` (the mean of each name's piece embeddings)."""
        needed = max(token_ids) + 1
        if needed > self.embed_tokens.num_embeddings:
            self._grow_embeddings(needed)
        weight = self.embed_tokens.weight
        weight[torch.tensor(token_ids, device=weight.device)] = init.to(weight)
        ids = torch.cat([self.type_token_ids, self.type_token_ids.new_tensor(token_ids)])
        self.type_token_ids = ids

    def _grow_embeddings(self, size: int) -> None:
        """A new, larger Parameter shared by every module that held the old one. (Resizing the old
        Parameter in place, as resize_token_embeddings does, breaks autograd once it has been trained:
        its gradient accumulator keeps the old shape.)"""
        old = self.embed_tokens.weight
        grown = torch.empty(size, old.size(1), dtype=old.dtype, device=old.device)
        grown[: old.size(0)] = old.detach()
        grown[old.size(0) :] = old.detach().mean(dim=0)  # overwritten by the caller's initialisation
        parameter = nn.Parameter(grown, requires_grad=old.requires_grad)
        for module in self.backbone.modules():
            if isinstance(module, nn.Embedding) and module.weight is old:
                module.weight = parameter
                module.num_embeddings = size
        backbones.set_vocab_size(self.backbone, size)
