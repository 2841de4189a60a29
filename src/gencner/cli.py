"""`gencner <command> [--conf DIR] key=value ...`. Parses, dispatches, turns user errors into one line."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys

from gencner.errors import GencnerError

# command → (module under gencner.commands, one-line help)
COMMANDS = {
    "stream": ("stream", "print the task stream a configuration trains on (JSON on stdout)"),
    "train": ("train", "train one stream (one method, permutation and seed) into runs/<name>/"),
    "experiment": ("experiment", "a method and its non-CL upper bound over permutations and seeds"),
    "bench": ("bench", "speed benchmark: the paper's configuration against gencner's GPU path"),
    "predict": ("predict", "tag raw sentences with a saved model (jsonl with confidences)"),
    "report": ("report", "figures and report.md from experiment or run folders (methods vs the non-CL bound)"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gencner", description="Continual NER by generating entity triplets with BART.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")
    for name, (_, help_text) in COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument("--conf", default=None, help="configuration folder (default: the repository's conf/)")
        cmd.add_argument("overrides", nargs="*", metavar="key=value", help="group choices and config overrides")
        module = importlib.import_module(f"gencner.commands.{COMMANDS[name][0]}")
        if hasattr(module, "add_arguments"):
            module.add_arguments(cmd)
    return parser


class Interrupted:
    """Ctrl-C and SIGTERM both unwind as KeyboardInterrupt, so a step in progress stops cleanly (finished
    steps are on disk, written atomically); the exit code says which signal it was (128 + number)."""

    signal_number: int | None = None

    @classmethod
    def install(cls) -> dict:
        """Returns the previous handlers, for `restore` (main() may be called in-process, e.g. by tests)."""
        cls.signal_number = None

        def handler(number, frame):
            cls.signal_number = number
            raise KeyboardInterrupt

        previous = {}
        for number in (signal.SIGINT, signal.SIGTERM):
            try:
                previous[number] = signal.signal(number, handler)
            except ValueError:  # not the main thread (e.g. called from a notebook worker)
                break
        return previous

    @staticmethod
    def restore(previous: dict) -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _stopped(command: str) -> int:
    number = Interrupted.signal_number or signal.SIGINT
    print(f"gencner {command}: stopped by {signal.Signals(number).name}; finished steps are kept, "
          "run the same command again to resume", file=sys.stderr)
    return 128 + number


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    previous = Interrupted.install()
    module = importlib.import_module(f"gencner.commands.{COMMANDS[args.command][0]}")
    extra = {k: v for k, v in vars(args).items() if k not in ("command", "overrides", "conf")}
    try:
        return module.run(args.overrides, args.conf, **extra)
    except GencnerError as exc:
        print(f"gencner {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `gencner stream | head`: the reader left; not an error of ours
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return _stopped(args.command)
    except SystemExit as exc:
        if Interrupted.signal_number is not None:  # Lightning turns an interrupt inside fit into exit(1)
            return _stopped(args.command)
        raise
    finally:
        Interrupted.restore(previous)
