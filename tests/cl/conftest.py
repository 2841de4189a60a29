import pytest
import torch
from tests.conftest import TINY_MODEL

from gencner.config import load_config
from gencner.data.synthetic import generate_synthetic
from gencner.families.pointer.model import build_model

TINY = [*TINY_MODEL, "model.vocab_size=400", "model.denoise_epochs=0"]


@pytest.fixture(scope="session")
def small_corpus():
    return generate_synthetic(seed=5, train=120, dev=30, test=30)


@pytest.fixture
def tiny_model(small_corpus):
    """A fresh two-type model with random weights (fast to build; function-scoped because tests grow it)."""
    cfg = load_config(TINY)
    torch.manual_seed(0)
    model = build_model(cfg.model, [w for s in small_corpus["train"] for w in s.tokens], dict(cfg.dataset.type_names))
    model.add_types(["ORG", "PERSON"])
    return model
