"""The loop and everything around it see a model only through the family interface: the runner, the
task-level callbacks, the evaluation, the metrics and the reports import nothing from a family's package
and never branch on a family's name (a third family is one package and one registry entry)."""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "gencner"
FAMILY_PACKAGES = ("gencner.families.pointer", "gencner.families.spankl", "gencner.families.tagger")
SHARED = [
    "runner.py",
    "experiment.py",
    "comparison.py",
    "evaluate.py",
    "tracking.py",
    "console.py",
    "cl/callbacks.py",
    "cl/context.py",
    "cl/fit_callbacks.py",
    "cl/dev_scoring.py",
    "cl/pseudo.py",
    "cl/selection.py",
    "cl/step_warnings.py",
    "cl/results.py",
]
SHARED += [str(p.relative_to(SRC)) for folder in ("metrics", "report") for p in sorted((SRC / folder).glob("*.py"))]


def imported_modules(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


@pytest.mark.parametrize("relative", SHARED)
def test_shared_code_imports_no_family_package_and_names_no_family(relative):
    # a module renamed or removed fails here instead of dropping out of the check: update SHARED
    assert (SRC / relative).is_file(), f"{relative} is named in SHARED but no longer exists under src/gencner/"
    tree = ast.parse((SRC / relative).read_text(encoding="utf-8"))
    leaks = [m for m in imported_modules(tree) if m.startswith(FAMILY_PACKAGES)]
    assert leaks == [], f"{relative} imports {leaks}"
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    named = [s for s in strings if s.strip().lower() in ("pointer", "spankl", "tagger")]
    assert named == [], f"{relative} branches on a family name: {named}"


def test_every_registered_family_implements_the_interface():
    from gencner.families import FAMILIES, family_of
    from gencner.families.base import ModelFamily

    for name in FAMILIES:
        family = family_of(name)
        assert isinstance(family, ModelFamily) and family.name == name
