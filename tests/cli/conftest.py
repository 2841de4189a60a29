"""Every test here sees only the configuration folders it passes: a GENCNER_CONF set in the environment
running the tests would add a layer over the packaged defaults."""

import pytest


@pytest.fixture(autouse=True)
def no_user_conf(monkeypatch):
    monkeypatch.delenv("GENCNER_CONF", raising=False)
