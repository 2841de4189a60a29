"""The default configuration, installed with gencner as the package `gencner.conf` (setup.cfg maps
this folder there) and read through importlib.resources; the YAML files beside this one are the data."""
