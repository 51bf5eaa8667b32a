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
from geodesk.commands.outputs import check_io

#: Command modules under geodesk.commands, in the order they appear in ``geodesk --help``.
COMMAND_MODULES = ("gui", "info", "synth", "track", "velocities", "nmo_stack", "export",
                   "import_", "models", "apply_models", "interpolate", "adapt", "facies")

#: The command words each module registers: ``geodesk WORD ...`` builds (and imports) only that
#: module's parser, so e.g. ``geodesk nmo`` does not load the modules of the other commands
#: (tests/test_cli_lazy.py checks this table against what the modules register).
COMMAND_WORDS = {"open": "gui", "demo": "gui", "info": "info", "synth": "synth",
                 "track": "track", "velocities": "velocities", "nmo": "nmo_stack",
                 "stack": "nmo_stack", "velfield": "velocities", "export": "export",
                 "import": "import_", "models": "models", "train": "models",
                 "faults": "apply_models", "denoise": "apply_models",
                 "firstbreaks": "apply_models", "interpolate": "interpolate", "adapt": "adapt",
                 "facies": "facies"}

#: Exit codes: 1 = unexpected failure, 2 = bad input / usage, 130 = interrupted.
EXIT_ERROR, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 1, 2, 130


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr (the sub-commands' parsers
    are made of the same class by argparse)."""

    def error(self, message: str):  # type: ignore[override]
        print(f"{self.prog}: error: {message.splitlines()[0] if message else 'bad arguments'} "
              f"(see '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def _add_verbose(parser: argparse.ArgumentParser, top: bool) -> None:
    """``--verbose`` on the main parser and on every sub-command (accepted before or after)."""
    parser.add_argument("--verbose", action="store_true",
                        default=False if top else argparse.SUPPRESS,
                        help="show warnings of numpy, torch and other libraries")
    for action in parser._actions:  # argparse offers no public accessor for sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases share a parser
                _add_verbose(sub, top=False)


def leaf_parsers(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
                 ) -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every runnable command's parser by its words (``("synth", "post3d")``)."""
    out = {}
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        return {prefix: parser} if prefix else {}
    for name, sub in subs[0].choices.items():
        out.update(leaf_parsers(sub, (*prefix, name)))
    return out


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"geodesk: warning: {str(message).splitlines()[0] if str(message) else category.__name__}"
          f" ({category.__name__}, {os.path.basename(filename)}:{lineno})", file=sys.stderr)


def _route_warnings(verbose: bool) -> None:
    """Library warnings: one line each with ``--verbose``, none otherwise."""
    import warnings

    if verbose:
        warnings.showwarning = _show_warning
        warnings.simplefilter("default")
    else:
        warnings.simplefilter("ignore")


def build_parser(word: str | None = None) -> argparse.ArgumentParser:
    """The ``geodesk`` parser: every command, or only the module of command ``word``."""
    parser = _Parser(
        prog="geodesk",
        description="GeoDesk seismic interpretation workstation. "
        "Run 'geodesk' for the window, 'geodesk FILE.sgy' to open a file, 'geodesk demo' for the "
        "synthetic demo survey.",
    )
    from geodesk import __version__

    parser.add_argument("--version", action="version", version=f"geodesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    home = COMMAND_WORDS.get(word or "")
    for name in (home,) if home in COMMAND_MODULES else COMMAND_MODULES:
        importlib.import_module(f"geodesk.commands.{name}").register(sub)
    _add_verbose(parser, top=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``geodesk`` command line; returns the exit code."""
    try:
        return _main(argv)
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away() -> int:
    """``geodesk info F | head``: the reader closed the pipe. Stop quietly with success, like
    other command-line tools, with stdout pointed at /dev/null so the exit flush stays silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (tests capture it)
        pass
    return 0


def _main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `geodesk` alone opens the window; `geodesk FILE.sgy [--screenshot P]` opens a file in it.
    lead = 1 if argv[:1] == ["--verbose"] else 0  # `geodesk --verbose FILE.sgy` too
    rest = argv[lead:]
    word = rest[0] if rest and not rest[0].startswith("-") else None
    if not rest or (word is not None and word not in COMMAND_WORDS):
        argv, word = [*argv[:lead], "open", *rest], "open"
    parser = build_parser(word)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its message
        return int(exc.code or 0) and EXIT_BAD_INPUT
    _route_warnings(bool(getattr(args, "verbose", False)))
    try:
        check_io(args)  # never write over an input, into a project, or over another kind
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("geodesk: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        raise  # see main(): not a failure of the command
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
