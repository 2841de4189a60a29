"""`gencner report FOLDER [FOLDER ...] [--out DIR] [--bound RUN_FOLDER ...]`: figures and report.md from
finished experiment folders (runs/<name>) or single run folders, several methods side by side against the
non-CL bound (their own, or a single-step run given with --bound: report/given_bounds.py)."""

from __future__ import annotations

from gencner.errors import ConfigError


def add_arguments(parser) -> None:
    # Every command shares the positional `overrides` (key=value) slot; here it holds folders, so its
    # name and help are changed rather than adding a second positional that would never receive anything.
    for action in parser._actions:
        if action.dest == "overrides":
            action.metavar = "FOLDER"
            action.help = "experiment folders (runs/<name>) or run folders (runs/<name>/runs/p0-s1)"
    parser.add_argument("--out", default=None, help="where figures and report.md go (default: <first folder>/report)")
    parser.add_argument(
        "--bound",
        action="append",
        default=[],
        metavar="RUN_FOLDER",
        help="a finished single-step run (setting=offline, or a bound of the last step) to compare the runs of its "
        "family that have no bound with (repeatable: one per family)",
    )


def run(overrides: list[str], conf: str | None = None, out: str | None = None, bound: list[str] | None = None) -> int:
    if not overrides:
        raise ConfigError("gencner report needs at least one experiment or run folder, e.g. gencner report runs/my-experiment")
    from gencner.console import console
    from gencner.report.build import write_report  # matplotlib: only when reporting

    path = write_report(overrides, out, bound or ())
    console.print(f"report: {path}")
    return 0
