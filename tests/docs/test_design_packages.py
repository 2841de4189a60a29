"""docs/design.md's "Packages" section names every package and top-level module under src/gencner/: a
new one cannot land without saying what it is for."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def packages_block() -> str:
    text = (ROOT / "docs/design.md").read_text(encoding="utf-8")
    section = text.split("\n## Packages\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


def test_every_package_and_top_level_module_is_in_the_packages_section():
    package = ROOT / "src" / "gencner"
    entries = {p.name + "/" for p in package.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    entries |= {p.name for p in package.glob("*.py") if p.name != "__init__.py"}
    named = set(re.findall(r"[A-Za-z_][\w]*(?:\.py|/)", packages_block()))
    assert sorted(entries - named) == []
