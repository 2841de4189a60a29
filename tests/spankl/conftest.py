"""Fixtures for the SpanKL tests: one torch thread, and tiny models grown for given tasks."""

from __future__ import annotations

import pytest
import torch
from spankl_support import WORDS, tiny_config

from gencner.families.spankl import build_model


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny models run fastest on one thread, and the machine is shared."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(autouse=True, scope="session")
def bert_loaded():
    """transformers loads its BERT code lazily, once per session (seconds): done in setup, so that
    each test's own time shows in its duration."""
    from transformers import BertModel  # noqa: F401


@pytest.fixture
def make_model():
    """make_model(*tasks, seed=1, **config overrides): a tiny model grown for each task, in eval mode."""

    def make(*tasks, seed: int = 1, **overrides):
        model = build_model(tiny_config(**overrides), WORDS, seed=seed)
        for task in tasks:
            model.grow(task)
        model.net.eval()
        return model

    return make
