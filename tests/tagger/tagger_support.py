"""Hand-made sentences, tiny settings read from the run configuration, and batch helpers for the tagger tests."""

from __future__ import annotations

from dataclasses import replace

import torch
from tests.conftest import TINY_MODEL

from gencner.config import load_config
from gencner.data.schema import Sentence, Span
from gencner.families.spankl.family import model_config as span_model_config
from gencner.families.tagger import TaggerModelConfig
from gencner.families.tagger.family import model_config as tagger_model_config


def sentence(text: str, *spans: tuple[int, int, str], idx: int = 0) -> Sentence:
    return Sentence(tuple(text.split()), tuple(Span(*s) for s in spans), idx=idx)


SENTENCES = [
    sentence("Ana Lopez flew to Lisbon on Friday .", (0, 2, "PER"), (4, 5, "LOC"), idx=0),
    sentence("Omar Haddad works in Cairo .", (0, 2, "PER"), (4, 5, "LOC"), idx=1),
    sentence("Initech Ltd sent Kim Park to Oslo .", (0, 2, "ORG"), (3, 5, "PER"), (6, 7, "LOC"), idx=2),
    sentence("a dog ran across the field .", idx=3),
]
WORDS = [w for s in SENTENCES for w in s.tokens] * 3

# a tiny encoder and the synthetic corpus cut small, as overrides of the run configuration
SMALL = [
    *TINY_MODEL,
    "model.vocab_size=300",
    "model.encoder_layers=1",
    "model.dropout=0.0",
    "model.denoise_epochs=0",
    "model.span.word_dropout=0.0",
    "dataset.synthetic.train=60",
    "dataset.synthetic.dev=30",
    "dataset.synthetic.test=30",
]
_CONFIG = load_config([*SMALL, "method=extendner"])
ENCODER = span_model_config(_CONFIG)  # the span family builds the encoder from it


def tagger_config(**overrides) -> TaggerModelConfig:
    return replace(tagger_model_config(_CONFIG), **overrides)


def logits_on(model, sentences=SENTENCES):
    with torch.no_grad():
        return model.logits(batch_of(model, sentences))


def batch_of(model, sentences, gold_types=()):
    """One TagCollator batch of `sentences` with gold of `gold_types` (restricted first, as a stream does)."""
    examples, _ = model.training_examples([s.restrict(gold_types) for s in sentences], gold_types)
    return model.collator()(examples)
