"""The ``geodesk`` command: subcommands live in :mod:`geodesk.commands`, one module each.

Each command module defines ``register(subparsers)`` which adds its parser and sets
``func=run(args) -> int``. Errors reach the user as one line on stderr and a non-zero exit code,
never as a traceback (set ``GEODESK_DEBUG=1`` to see the traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from geodesk.commands import CommandError

#: Command modules under geodesk.commands, in the order they appear in ``geodesk --help``.
COMMAND_MODULES = ("gui", "info", "synth", "track", "velocities", "export", "import_", "models",
                   "apply_models", "adapt")

#: Exit codes: 1 = unexpected failure, 2 = bad input / usage, 130 = interrupted.
EXIT_ERROR, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 1, 2, 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geodesk",
        description="GeoDesk seismic interpretation workstation. "
        "Run 'geodesk' for the window, 'geodesk FILE.sgy' to open a file, 'geodesk demo' for the "
        "synthetic demo survey.",
    )
    from geodesk import __version__

    parser.add_argument("--version", action="version", version=f"geodesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"geodesk.commands.{name}").register(sub)
    return parser


def _known_commands(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:  # argparse offers no public accessor for subparser names
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # `geodesk` alone opens the window; `geodesk FILE.sgy [--screenshot P]` opens a file in it.
    if not argv or (not argv[0].startswith("-") and argv[0] not in _known_commands(parser)):
        argv = ["open", *argv]
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its message
        return int(exc.code or 0) and EXIT_BAD_INPUT
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("geodesk: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # every failure becomes one line, never a traceback
        if os.environ.get("GEODESK_DEBUG"):
            raise
        from geodesk.core.survey import SurveyError

        bad_input = isinstance(exc, (CommandError, SurveyError, FileNotFoundError,
                                     PermissionError, IsADirectoryError, ValueError))
        msg = str(exc) or exc.__class__.__name__
        print(f"geodesk: error: {msg.splitlines()[0]}", file=sys.stderr)
        return EXIT_BAD_INPUT if bad_input else EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
