"""A non-editable install: build the wheel from the checkout's files, install it into a folder of its own
and run its `gencner` from an empty folder, with the editable install's import hook out of the way, so
that the packaged configuration (conf/ installed as gencner.conf) is the only one there is."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

import gencner

REPO = Path(__file__).resolve().parents[2]
# what a checkout holds at its top that a build never reads (outputs, caches, environments), and below it
TOP_LEVEL_NOT_SOURCES = {".git", ".venv", "runs", "build", "dist", "data", "wandb", "notebooks", ".pytest_cache", ".hypothesis"}
CACHES = shutil.ignore_patterns("__pycache__", "*.egg-info")


def not_sources(folder: str, names: list[str]) -> set[str]:
    top = TOP_LEVEL_NOT_SOURCES if Path(folder) == REPO else set()
    return {n for n in names if n in top} | set(CACHES(folder, names))


SMALL = ["dataset.synthetic.train=600", "dataset.synthetic.dev=120", "dataset.synthetic.test=120"]


def pip(*args: str, cwd: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the wheel, the folder it is installed into)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(REPO, source, ignore=not_sources)  # the build writes build/ and *.egg-info beside its sources
    pip("wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(work / "dist"), str(source), cwd=work)
    wheel = next((work / "dist").glob("gencner-*.whl"))
    pip("install", "--no-deps", "--target", str(work / "target"), str(wheel), cwd=work)
    return wheel, work / "target"


def run_installed(target: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The installed console script under `python -S`: no .pth file runs, so the editable install's
    import hook (which maps gencner and gencner.conf to the checkout) is not there; the dependencies
    come from the test environment's site-packages, after the installed copy."""
    env = {k: v for k, v in os.environ.items() if k not in ("GENCNER_CONF", "PYTHONPATH")}
    env["PYTHONPATH"] = os.pathsep.join([str(target), *site.getsitepackages()])
    return subprocess.run(
        [sys.executable, "-S", str(target / "bin" / "gencner"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_wheel_holds_every_configuration_file(installed):
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"gencner/conf/{p.relative_to(REPO / 'conf').as_posix()}" for p in (REPO / "conf").rglob("*.yaml")}
    assert expected and expected <= names
    assert wheel.name == f"gencner-{gencner.__version__}-py3-none-any.whl"
    assert not [n for n in names if n.startswith(("tests/", "conf/", "experiments/"))]


def test_the_installed_copy_prints_its_configuration_from_an_empty_folder(installed, tmp_path):
    _, target = installed
    done = run_installed(target, "config", "dataset=few-nerd", "trainer.lr=1e-4", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == f"gencner config: composed from {target / 'gencner' / 'conf'}"
    printed = yaml.safe_load(done.stdout)
    assert printed["trainer"]["lr"] == 1e-4 and printed["choices"]["dataset"] == "few-nerd"
    assert printed["dataset"]["task_names"] == ["LOC", "PER", "ORG", "OTH", "PROD", "BUID", "ART", "EVET"]
    assert list(tmp_path.iterdir()) == []  # nothing written where it ran


def test_the_installed_copy_prints_a_stream_from_an_empty_folder(installed, tmp_path):
    _, target = installed
    done = run_installed(target, "stream", "setting=filter-filter", *SMALL, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["dataset"] == "synthetic" and summary["setting"] == "filter-filter"
    assert summary["permutation"] == [["ORG"], ["PERSON"], ["GPE"], ["DATE"], ["CARDINAL"], ["NORP"]]
    assert summary["reader"]["sentences"] == {"train": 600, "dev": 120, "test": 120}
    assert len(summary["steps"]) == 6


def test_the_installed_copy_is_what_runs(installed, tmp_path):
    _, target = installed
    probe = "import gencner, gencner.cli, gencner.conf; print(gencner.__file__); print(gencner.conf.__file__)"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join([str(target), *site.getsitepackages()])
    done = subprocess.run([sys.executable, "-S", "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(target / "gencner" / "__init__.py"), str(target / "gencner" / "conf" / "__init__.py")]
    version = run_installed(target, "--version", cwd=tmp_path)
    assert version.stdout == f"gencner {gencner.__version__}\n"


def test_a_user_folder_adds_to_the_installed_defaults(installed, tmp_path):
    _, target = installed
    (tmp_path / "mine" / "experiment").mkdir(parents=True)
    (tmp_path / "mine" / "experiment" / "short.yaml").write_text("defaults:\n  setting: filter-filter\ntrainer:\n  max_epochs: 2\n")
    done = run_installed(target, "config", "--conf", "mine", "experiment=short", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    printed = yaml.safe_load(done.stdout)
    assert printed["trainer"]["max_epochs"] == 2 and printed["choices"]["setting"] == "filter-filter"
    assert done.stderr.strip() == f"gencner config: composed from {target / 'gencner' / 'conf'}, mine"
