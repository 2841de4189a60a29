"""Model families: each package builds, grows, trains, decodes and saves one kind of NER model behind
the interface of base.py. A new family is one package with a `family.py` defining `FAMILY` (a
ModelFamily) plus its entry here; `method.family` chooses it."""

from __future__ import annotations

import importlib
from pathlib import Path

from gencner.atomic import write_json
from gencner.errors import ConfigError, DataError
from gencner.families.base import FamilyModel, ModelFamily

# name → the module holding its FAMILY (imported when a run asks for it: each pulls in its own models)
FAMILIES = {
    "pointer": "gencner.families.pointer.family",
    "spankl": "gencner.families.spankl.family",
    "tagger": "gencner.families.tagger.family",
}
MARKER = "family.json"  # in a saved model's folder: which family reads it
# a saved model's folder without the marker was written before there were families: a pointer BART
DEFAULT_FAMILY = "pointer"


def family_of(name: str) -> ModelFamily:
    if name not in FAMILIES:
        raise ConfigError(f"method.family={name!r} is not valid; choose one of: {', '.join(FAMILIES)}")
    return importlib.import_module(FAMILIES[name]).FAMILY


def save_model(family: ModelFamily, model: FamilyModel, path: Path) -> None:
    family.save(model, path)
    write_json(Path(path) / MARKER, {"family": family.name})


def saved_family(path: Path) -> ModelFamily:
    from gencner.jsonfile import read_json

    marker = Path(path) / MARKER
    if not marker.is_file():
        return family_of(DEFAULT_FAMILY)
    recorded = read_json(marker)
    name = recorded.get("family") if isinstance(recorded, dict) else None
    if name not in FAMILIES:  # the folder's own record, not a method.family the user set
        raise DataError(marker, None, f"names the model family {name!r}, which this gencner does not know ({', '.join(FAMILIES)})")
    return family_of(name)


def load_model(path: Path, device: str = "cpu") -> FamilyModel:
    """A saved model of any family."""
    return saved_family(path).load(Path(path), device)
