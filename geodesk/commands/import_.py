"""``geodesk import PROJECT WHAT IN``: read picks into a project (one undoable step) and save."""

from __future__ import annotations

import argparse
import sys

from geodesk.commands.export import WHATS, add_header_options
from geodesk.commands.outputs import declare_io


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import", help="import picks into a project and save it",
        description="Import a CSV/XYZ/SEG-Y file into a project. The whole file is checked "
        "first (bad rows are reported by line number) and nothing is imported if any is bad.")
    p.add_argument("project", help="project folder (NAME.geodesk)")
    p.add_argument("what", choices=WHATS)
    p.add_argument("source", metavar="IN", help="file to import")
    p.add_argument("--format", dest="fmt", choices=("csv", "xyz", "segy"), default=None)
    p.add_argument("--name", default=None,
                   help="name of the pick object (default: the file name); an object of that "
                   "name is replaced")
    p.add_argument("--tolerance", type=float, default=None,
                   help="XYZ: max distance (m) from a grid node (default half a bin)")
    add_header_options(p)
    declare_io(p, inputs=("project", "source"))  # writes only the project, by its own save
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geodesk.core.exchange.project_io import import_picks
    from geodesk.core.project.project import Project

    if args.tolerance is not None and not 0 <= args.tolerance < float("inf"):
        from geodesk.commands import CommandError

        raise CommandError(f"--tolerance must be a distance >= 0 in metres, got "
                           f"{args.tolerance:g}")
    project = Project.open(args.project)
    report = import_picks(project, args.what, args.source, args.fmt, args.name, args.byte,
                          args.encoding, args.unit, args.tolerance)
    print(f"imported {args.what} {report.name!r} into {project.folder}", file=sys.stderr)
    return 0
