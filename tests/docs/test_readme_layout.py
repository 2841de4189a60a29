"""The README's layout section names every package and top-level module under src/gencner/: a new one
cannot land without saying what it is for."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def layout_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


def test_every_package_and_top_level_module_is_in_the_layout_section():
    package = ROOT / "src" / "gencner"
    entries = {p.name + "/" for p in package.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    entries |= {p.name for p in package.glob("*.py") if p.name != "__init__.py"}
    named = set(re.findall(r"[A-Za-z_][\w]*(?:\.py|/)", layout_block()))
    assert sorted(entries - named) == []
