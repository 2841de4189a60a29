"""Configuration: a dataclass schema (schema.py) filled from conf/ YAML groups and CLI overrides (loading.py)."""

from gencner.config.loading import GROUPS, conf_dir, load_config, to_container
from gencner.config.schema import Config

__all__ = ["Config", "GROUPS", "conf_dir", "load_config", "to_container"]
