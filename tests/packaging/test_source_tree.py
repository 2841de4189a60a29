"""gencner run from the source tree without being installed (`PYTHONPATH=src`, as `make gpu-check` runs
it on a bare image): there is no packaged configuration, so GENCNER_CONF (or --conf) must provide it."""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def run_from_source(*args: str, cwd: Path, conf: str | None) -> subprocess.CompletedProcess:
    """`python -S`: no .pth file runs, so the editable install (which provides gencner.conf) is not there."""
    env = {k: v for k, v in os.environ.items() if k not in ("GENCNER_CONF", "PYTHONPATH")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), *site.getsitepackages()])
    if conf is not None:
        env["GENCNER_CONF"] = conf
    return subprocess.run([sys.executable, "-S", "-m", "gencner", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def test_the_source_tree_reads_the_folder_gencner_conf_names(tmp_path):
    done = run_from_source("config", "setting=filter-filter", cwd=REPO, conf="conf")
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(done.stdout)["setting"]["train"] == "filter"
    assert done.stderr.strip() == "gencner config: composed from conf"


def test_without_a_configuration_folder_the_error_says_what_to_do(tmp_path):
    done = run_from_source("stream", cwd=tmp_path, conf=None)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        "gencner stream: error: no configuration: gencner is not installed (pip install .), "
        "and neither --conf DIR nor GENCNER_CONF names one\n"
    )


def test_a_user_folder_without_config_yaml_is_not_enough_there(tmp_path):
    (tmp_path / "dataset").mkdir()
    (tmp_path / "dataset" / "mine.yaml").write_text("name: mine\n")
    done = run_from_source("stream", cwd=tmp_path, conf=str(tmp_path))
    assert done.returncode == 2
    assert (
        done.stderr == f"gencner stream: error: no config.yaml in {tmp_path}; pass --conf DIR or set GENCNER_CONF to a folder holding one\n"
    )
