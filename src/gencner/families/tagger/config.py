"""The tagger's own settings. The encoder is not among them: it is the span family's BERT (built from
the model group, or `model.pretrained`, and masked-LM pretrained by that family's code), so a saved
tagger's BERT comes with its own config.json.

layout: extend (ExtendNER: one softmax over a shared O and B/I of every type) | add (AddNER: a softmax
  per task head, each with its own O); layout.py says which column is which tag.
viterbi: decoding of the extend layout: the most probable BIO-valid tag sequence (True), or the
  per-token argmax with every I that continues no entity of its type read as O (False: what the
  reference's decoding reduces to). The add layout always merges its heads by AddNER's rule.
word_dropout: dropout on the word vectors (0.1, as the span family).
max_positions: word pieces per sentence, [CLS] and [SEP] included; longer sentences are cut at the
  tail by whole words (capped by the BERT's position embeddings).
encoder_lr / head_lr / weight_decay / warmup_steps: the per-step AdamW and its cosine schedule, shared
  with the span family (spankl/optim.py); warmup_steps None: trainer.warmup_ratio of the step."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from gencner.errors import ConfigError

EXTEND, ADD = "extend", "add"
LAYOUTS = (EXTEND, ADD)


@dataclass
class TaggerModelConfig:
    layout: str
    viterbi: bool
    word_dropout: float
    max_positions: int
    encoder_lr: float
    head_lr: float
    weight_decay: float
    warmup_steps: int | None

    def __post_init__(self) -> None:
        if self.layout not in LAYOUTS:
            raise ConfigError(f"tagger model: `layout` must be one of {', '.join(LAYOUTS)}, found {self.layout!r}")
        if self.max_positions < 3:
            raise ConfigError(f"tagger model: `max_positions` must hold [CLS], one piece and [SEP] (≥ 3), found {self.max_positions}")
        if not 0.0 <= self.word_dropout < 1.0:
            raise ConfigError(f"tagger model: `word_dropout` is a probability in [0, 1), found {self.word_dropout}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TaggerModelConfig:
        """The inverse of to_dict; an unknown or missing key is an error, never a default."""
        known = {f.name for f in fields(cls)}
        if set(data) != known:
            raise ConfigError(f"tagger model: unknown key(s) {sorted(set(data) - known)}, missing key(s) {sorted(known - set(data))}")
        return cls(**data)
