"""Configuration: a dataclass schema (schema.py) filled from YAML groups in the configuration layers
(layers.py: the packaged defaults and a user's folder) and CLI overrides (loading.py)."""

from gencner.config.layers import conf_layers
from gencner.config.loading import GROUPS, from_container, group_choices, load_config, to_container
from gencner.config.schema import Config

__all__ = ["Config", "GROUPS", "conf_layers", "from_container", "group_choices", "load_config", "to_container"]
