"""trainer.devices and trainer.extra reach Lightning's Trainer; an extra argument gencner sets itself, or
one the Trainer does not take, is a one-line ConfigError instead of silently winning or losing."""

from __future__ import annotations

import pytest

from gencner.config import load_config
from gencner.errors import ConfigError
from gencner.trainer import make_trainer, trainer_arguments


def trainer_config(*overrides):
    return load_config(["trainer=cpu", "trainer.progress=false", "logger=none", *overrides]).trainer


def test_extra_arguments_reach_the_trainer(tmp_path):
    t = trainer_config("trainer.extra={limit_train_batches: 3, check_val_every_n_epoch: 2, accumulate_grad_batches: 4}")
    trainer = make_trainer(t, tmp_path, [], [])
    assert trainer.limit_train_batches == 3 and trainer.check_val_every_n_epoch == 2 and trainer.accumulate_grad_batches == 4
    assert trainer.max_epochs == t.max_epochs and trainer.num_sanity_val_steps == 0  # gencner's own are kept


def test_without_extra_the_trainer_gets_lightnings_defaults(tmp_path):
    trainer = make_trainer(trainer_config(), tmp_path, [], [])
    assert trainer.limit_train_batches == 1.0 and trainer.accumulate_grad_batches == 1


@pytest.mark.parametrize("devices, expected", [("2", 2), ("auto", 1)])
def test_devices_reach_the_trainer(tmp_path, devices, expected):
    trainer = make_trainer(trainer_config("trainer.accelerator=cpu", f"trainer.devices={devices}"), tmp_path, [], [])
    assert trainer.num_devices == expected


def test_a_list_of_devices_is_passed_as_a_plain_list(tmp_path):
    arguments = trainer_arguments(trainer_config("trainer.devices=[0,2]"), tmp_path, [], [])
    assert arguments["devices"] == [0, 2] and type(arguments["devices"]) is list  # Lightning rejects a ListConfig


@pytest.mark.parametrize("key", ["max_epochs", "callbacks", "devices", "use_distributed_sampler"])
def test_an_extra_argument_gencner_sets_is_an_error(tmp_path, key):
    with pytest.raises(ConfigError, match=rf"^trainer\.extra\.{key}: gencner sets this Trainer argument itself; "):
        trainer_arguments(trainer_config(f"trainer.extra={{{key}: 1}}"), tmp_path, [], [])


def test_an_extra_argument_the_trainer_does_not_take_is_an_error_listing_the_others(tmp_path):
    with pytest.raises(ConfigError) as err:
        trainer_arguments(trainer_config("trainer.extra={max_epoch: 3}"), tmp_path, [], [])
    message = str(err.value)
    assert message.startswith("trainer.extra.max_epoch is not an argument of Lightning's Trainer; the others are: ")
    others = message.rpartition(": ")[2].split(", ")
    assert "limit_train_batches" in others and "profiler" in others and "max_epochs" not in others and "\n" not in message
