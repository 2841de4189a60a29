"""Fixtures for the tagger tests: one torch thread, and tiny models grown for given tasks."""

from __future__ import annotations

import pytest
import torch
from tagger_support import ENCODER, WORDS, tagger_config

from gencner.families.spankl import build_model
from gencner.families.tagger import from_span_base


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny models run fastest on one thread, and the machine is shared."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture
def make_model():
    """make_model(*tasks, seed=1, **tagger config overrides): a tiny tagger grown for each task, in eval mode."""

    def make(*tasks, seed: int = 1, **overrides):
        model = from_span_base(build_model(ENCODER, WORDS, seed=seed), tagger_config(**overrides))
        for task in tasks:
            model.grow(task)
        model.net.eval()
        return model

    return make
