"""`gencner config`, `gencner --version` and the configuration groups `--help` lists."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest
import yaml

import gencner
from gencner.cli import main

REPO_CONF = Path(__file__).resolve().parents[2] / "conf"


def test_config_prints_the_composed_configuration_and_its_choices(capsys):
    assert main(["config", "dataset=few-nerd", "trainer.lr=1e-4"]) == 0
    out, err = capsys.readouterr()
    printed = yaml.safe_load(out)
    assert printed["trainer"]["lr"] == 1e-4
    assert printed["choices"] == {
        "dataset": "few-nerd",
        "setting": "split-all",
        "model": "tiny",
        "method": "gencner",
        "trainer": "cpu",
        "logger": "csv",
        "launcher": "sequential",
    }
    assert printed["dataset"]["format"] == "hub" and len(printed["dataset"]["tasks"]) == 8
    assert err.strip() == f"gencner config: composed from {REPO_CONF}"


def test_config_names_the_preset_and_applies_it(capsys):
    assert main(["config", "experiment=split-all-q0.25"]) == 0
    printed = yaml.safe_load(capsys.readouterr().out)
    assert printed["experiment"] == "split-all-q0.25" and printed["method"]["threshold_quantile"] == 0.25


def test_config_reports_a_bad_override_in_one_line(capsys):
    assert main(["config", "trainer.select=first"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "gencner config: error: command line: trainer.select='first' is not valid; choose one of: best, last\n"


def test_version_is_the_package_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"gencner {gencner.__version__}\n"
    assert version("gencner") == gencner.__version__  # setup.cfg reads it from the package


def help_text(capsys, argv) -> str:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    return capsys.readouterr().out


def test_help_lists_the_groups_and_their_choices(capsys):
    text = help_text(capsys, ["--help"])
    assert f"from {REPO_CONF}:" in text
    assert "  dataset     conll, few-nerd, ontonotes, synthetic, synthetic-noisy\n" in text
    assert "  setting     filter-all, filter-filter, non-cl, offline, split-all, split-filter\n" in text
    presets = sorted(p.stem for p in (REPO_CONF / "experiment").glob("*.yaml"))
    listed = text.split("  experiment  ")[1]
    assert " ".join(listed.split()) == ", ".join(presets)
    assert "  config " in text  # the command itself


def test_a_command_help_lists_the_choices_of_the_user_folder_too(capsys, tmp_path):
    (tmp_path / "dataset").mkdir()
    (tmp_path / "dataset" / "mine.yaml").write_text("name: mine\n")
    text = help_text(capsys, ["stream", "--conf", str(tmp_path), "--help"])
    assert f"from {REPO_CONF}, {tmp_path}:" in text
    assert "  dataset     conll, few-nerd, mine, ontonotes, synthetic, synthetic-noisy\n" in text


def test_help_still_works_with_a_missing_conf_folder(capsys, tmp_path):
    text = help_text(capsys, ["train", f"--conf={tmp_path / 'nope'}", "--help"])
    assert f"configuration: --conf {tmp_path / 'nope'}: no such folder" in text


def test_commands_without_a_configuration_do_not_list_groups(capsys):
    assert "configuration groups" not in help_text(capsys, ["predict", "--help"])
