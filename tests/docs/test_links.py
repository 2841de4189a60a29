"""Every reference in the repository leads somewhere that exists.

- Markdown (README.md, docs/*.md, experiments/*.md): every relative link resolves to a file of the
  repository, and its #anchor to a heading of that file; every repository path written in backticks
  (`docs/x.md`, `src/gencner/...`, `conf/...`) exists.
- Code, configuration and tests: every Markdown document they cite exists in the repository, a cited
  section (`docs/x.md, "Section"`) is a heading of that document, and no citation uses a section number
  (a section sign): the documents have named sections, and a number cannot say which document it means.

Each file is its own test case, so a failure names the file and lists its lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKDOWN = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), *(ROOT / "experiments").glob("*.md")])
CODE_SUFFIXES = {".py", ".yaml", ".yml", ".cfg", ".toml", ".ipynb"}
CODE_ROOTS = [ROOT / "src" / "gencner", ROOT / "conf", ROOT / "tests", ROOT / "notebooks"]
CODE = sorted(
    [p for folder in CODE_ROOTS for p in folder.rglob("*") if p.suffix in CODE_SUFFIXES and "__pycache__" not in p.parts]
    + [ROOT / name for name in ("Makefile", "setup.cfg", "setup.py", "pyproject.toml") if (ROOT / name).is_file()]
)
CODE = [p for p in CODE if p != Path(__file__).resolve()]  # this file spells out the patterns it looks for
GENERATED = {"report.md"}  # what gencner writes into an output folder, not a document of the repository
REPO_FOLDERS = ("docs/", "experiments/", "src/", "conf/", "tests/", "notebooks/")

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
DOCUMENT = re.compile(r"(?<![\w/.-])((?:\.\.?/)?(?:[\w.-]+/)*[\w-]+\.md)\b")
SECTION_CITATION = re.compile(r"((?:\.\./)?(?:[\w.-]+/)*[\w-]+\.md|\bREADME)`?(?:[,:;]\s*|\s+)\(?\"([^\"]+)\"((?:,\s*\"[^\"]+\")*)")
BACKTICKED = re.compile(r"`([^`\s]+)`")
SECTION_SIGN = "\N{SECTION SIGN}"


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def without_code_blocks(text: str) -> str:
    """The text with fenced code blocks blanked (line numbers kept): commands are not references."""
    return re.sub(r"```.*?```", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)


def slug(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def headings(path: Path) -> list[str]:
    return [m.group(1).strip() for m in HEADING.finditer(without_code_blocks(path.read_text(encoding="utf-8")))]


def anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for heading in headings(path):
        base = slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def plain(title: str) -> str:
    return " ".join(title.replace("`", "").split()).lower()


def resolve(name: str, source: Path) -> Path | None:
    """A referenced path, relative to the citing file's folder or to the repository root; None if it
    does not exist there or lies outside the repository."""
    for base in (source.parent, ROOT):
        candidate = (base / name).resolve()
        if candidate.is_relative_to(ROOT) and candidate.exists():
            return candidate
    return None


def line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def flat(text: str) -> str:
    """Lines joined (comment markers and indentation dropped) with the same length, so that a citation
    broken over two lines of a comment or docstring is read whole and positions still map to lines."""
    return re.sub(r"\n[ \t]*(?:#[ \t]?)?", lambda m: " " * (len(m.group(0)) - 1) + "\v", text)


def section_problems(text: str, source: Path) -> list[str]:
    """Citations `DOC, "Section"` whose document has no such heading (a missing document is reported by
    document_problems)."""
    problems = []
    joined = flat(text)
    for m in SECTION_CITATION.finditer(joined):
        name = "README.md" if m.group(1) == "README" else m.group(1)
        if Path(name).name in GENERATED:
            continue
        target = resolve(name, source)
        if target is None or target.suffix != ".md":
            continue
        titles = [m.group(2)] + re.findall(r"\"([^\"]+)\"", m.group(3))
        known = {plain(h) for h in headings(target)}
        for title in titles:
            title = title.replace("\v", " ")
            if plain(title) not in known:
                problems.append(f"{rel(source)}:{line_of(text, m.start())}: {rel(target)} has no section {title!r}")
    return problems


def document_problems(text: str, source: Path) -> list[str]:
    problems = []
    for m in DOCUMENT.finditer(text):
        name = m.group(1)
        if Path(name).name in GENERATED:
            continue
        if resolve(name, source) is None:
            problems.append(f"{rel(source)}:{line_of(text, m.start())}: cites {name}, which is not a file of the repository")
    return problems


@pytest.mark.parametrize("doc", MARKDOWN, ids=rel)
def test_markdown_links_and_paths_resolve(doc):
    text = without_code_blocks(doc.read_text(encoding="utf-8"))
    problems = []
    for m in LINK.finditer(text):
        target = m.group(1)
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto: ...
            continue
        path, _, anchor = target.partition("#")
        where = f"{rel(doc)}:{line_of(text, m.start())}"
        file = doc if not path else resolve(path, doc) if not path.startswith("/") else None
        if file is None or (not path and not anchor):
            problems.append(f"{where}: link to {target}, which is not a file of the repository")
        elif anchor and (file.suffix != ".md" or anchor not in anchors(file)):
            problems.append(f"{where}: link to {target}: {rel(file)} has no heading with anchor #{anchor}")
    for m in BACKTICKED.finditer(text):
        token = m.group(1).split("::")[0].rstrip(".,;:")  # a test id names its file
        if token.startswith(REPO_FOLDERS) and not re.search(r"[<>*{}]|\.\.\.|NAME", token) and resolve(token, doc) is None:
            problems.append(f"{rel(doc)}:{line_of(text, m.start())}: `{token}` is not a path of the repository")
    problems += document_problems(text, doc) + section_problems(text, doc)
    assert problems == [], "\n".join(problems)


def code_problems(text: str, source: Path) -> list[str]:
    problems = document_problems(text, source) + section_problems(text, source)
    lines = text.splitlines()
    for m in re.finditer(SECTION_SIGN, text):
        n = line_of(text, m.start())
        problems.append(f"{rel(source)}:{n}: a section number, not a named document and section: {lines[n - 1].strip()}")
    return problems


CITING = [p for p in CODE if re.search(r"\.md\b|README|" + SECTION_SIGN, p.read_text(encoding="utf-8", errors="replace"))]


@pytest.mark.parametrize("source", CITING, ids=rel)
def test_documents_cited_in_code_exist(source):
    problems = code_problems(source.read_text(encoding="utf-8", errors="replace"), source)
    assert problems == [], "\n".join(problems)


def test_a_missing_document_a_missing_section_and_a_section_number_are_each_caught():
    source = ROOT / "src" / "gencner" / "example.py"
    text = '"""See nowhere.md and docs/protocol.md, "No such section".\n\n(protocol ' + SECTION_SIGN + '2)"""\n'
    problems = code_problems(text, source)
    assert [p.split(": ", 1)[0] for p in problems] == ["src/gencner/example.py:1"] * 2 + ["src/gencner/example.py:3"]
    assert "nowhere.md" in problems[0] and "No such section" in problems[1]
    assert code_problems('"""docs/protocol.md, "Settings"; docs/methods.md,\n    "Pseudo-labels"."""', source) == []
