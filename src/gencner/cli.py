"""`gencner <command> [--conf DIR] key=value ...`. Parses, dispatches, turns user errors into one line."""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys
import textwrap

from gencner import __version__, stopping
from gencner.errors import GencnerError

# command → (module under gencner.commands, one-line help)
COMMANDS = {
    "stream": ("stream", "print the task stream a configuration trains on (JSON on stdout)"),
    "train": ("train", "train one stream (one method, permutation and seed) into runs/<name>/"),
    "experiment": ("experiment", "a method and its non-CL upper bound over permutations and seeds"),
    "bench": ("bench", "speed benchmark: the paper's configuration against gencner's GPU path"),
    "predict": ("predict", "tag raw sentences with a saved model (jsonl with confidences)"),
    "report": ("report", "figures and report.md from experiment or run folders (methods vs the non-CL bound)"),
    "config": ("config", "print the composed configuration as YAML (group choices under `choices:`); runs nothing"),
}
# commands whose key=value arguments compose a configuration: their --help lists the groups
CONFIGURED = ("stream", "train", "experiment", "bench", "config")


def conf_option(argv: list[str]) -> str | None:
    """The --conf folder, read before parsing so that --help can list the groups of the layers in use."""
    for i, item in enumerate(argv):
        if item == "--conf" and i + 1 < len(argv):
            return argv[i + 1]
        if item.startswith("--conf="):
            return item.partition("=")[2]
    return None


def configuration_help(conf: str | None) -> str:
    """The configuration groups and their choices, from the packaged defaults and the user's folder."""
    from gencner.config import conf_layers, group_choices

    try:
        layers = conf_layers(conf)
    except GencnerError as exc:  # --help still works; the command itself will stop on this
        return f"configuration: {exc}"
    lines = ["configuration groups (GROUP=CHOICE; experiment=NAME applies a preset), from " + ", ".join(map(str, layers)) + ":"]
    for group, choices in group_choices(layers).items():
        listed = f"(cannot list {describe(choices)})" if isinstance(choices, OSError) else ", ".join(choices) or "(none)"
        lines.append(
            textwrap.fill(
                listed,
                width=110,
                initial_indent=f"  {group:<11} ",
                subsequent_indent=" " * 14,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def build_parser(conf: str | None = None) -> argparse.ArgumentParser:
    groups = configuration_help(conf)
    parser = argparse.ArgumentParser(
        prog="gencner",
        description="Continual NER by generating entity triplets with BART.",
        epilog=groups,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"gencner {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    for name, (_, help_text) in COMMANDS.items():
        cmd = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=groups if name in CONFIGURED else None,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        cmd.add_argument(
            "--conf",
            default=None,
            help="a configuration folder over the packaged defaults: its files add choices or replace "
            "those of the same name (default: $GENCNER_CONF, if set)",
        )
        cmd.add_argument("overrides", nargs="*", metavar="key=value", help="group choices and config overrides")
        module = importlib.import_module(f"gencner.commands.{COMMANDS[name][0]}")
        if hasattr(module, "add_arguments"):
            module.add_arguments(cmd)
    return parser


# commands that write runs/ and skip what is finished when run again
RESUMABLE = ("train", "experiment")


def _stop_signal() -> int:
    """The first stop signal received, which decides the exit code (128 + its number)."""
    return stopping.requested() or signal.SIGINT


def _stopped(command: str) -> int:
    number = _stop_signal()
    hint = "; finished steps are kept, run the same command again to resume" if command in RESUMABLE else ""
    print(f"gencner {command}: stopped by {signal.Signals(number).name}{hint}", file=sys.stderr)
    return 128 + number


def describe(exc: OSError) -> str:
    """An OSError as the file it names and the system's reason: `runs/x: Permission denied`."""
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{exc.strerror or exc}"


def _drop_unwritable_stdout() -> None:
    """What stdout could not take (a full device) stays in its buffer, and the interpreter's exit-time
    flush would fail on it again, printed as "Exception ignored" with exit code 120: flush what can be
    flushed now, and if that fails too, point stdout at /dev/null."""
    try:
        sys.stdout.flush()
    except OSError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """argparse takes the `key=value` positionals in one run only, so `--no-upper setting=x` after
    other overrides would be "unrecognized": overrides found after an option join the others."""
    parser = build_parser(conf_option(sys.argv[1:] if argv is None else argv))
    args, unknown = parser.parse_known_args(argv)
    stray = [item for item in unknown if item.startswith("-") or "=" not in item]
    if stray:
        parser.error(f"unrecognized arguments: {' '.join(stray)}")
    if unknown:
        args.overrides = list(args.overrides) + unknown
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    # Ctrl-C and SIGTERM are recorded and honoured at safe points (gencner.stopping), so that a stop
    # can never be swallowed by whatever code the signal happened to interrupt
    previous = stopping.install()
    try:
        return _dispatch(args)
    except KeyboardInterrupt:  # a second signal while the first stop (or an error) was being reported
        return 128 + _stop_signal()
    finally:
        stopping.restore(previous)


def _dispatch(args: argparse.Namespace) -> int:
    """Run the command; what the user can act on becomes one line on stderr and an exit code."""
    module = importlib.import_module(f"gencner.commands.{COMMANDS[args.command][0]}")
    extra = {k: v for k, v in vars(args).items() if k not in ("command", "overrides", "conf")}
    try:
        code = module.run(args.overrides, args.conf, **extra)
        sys.stdout.flush()  # a full device fails here, where it is one line, rather than at exit
        # a signal after the last safe point: the work is done, but the caller asked to stop
        return _stopped(args.command) if stopping.requested() else code
    except GencnerError as exc:
        print(f"gencner {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `gencner stream | head`: the reader left; not an error of ours
        sys.stderr.close()
        return 0
    except OSError as exc:  # output_dir a file or read-only, a full disk: what to fix is in the line
        print(f"gencner {args.command}: error: {describe(exc)}", file=sys.stderr)
        _drop_unwritable_stdout()
        return GencnerError.exit_code
    except (stopping.StopRequested, KeyboardInterrupt):
        return _stopped(args.command)
    except SystemExit:
        if stopping.requested() is not None:  # Lightning turns an interrupt inside fit into exit(1)
            return _stopped(args.command)
        raise
