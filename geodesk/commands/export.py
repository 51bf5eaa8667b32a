"""``geodesk export PROJECT WHAT OUT``: write a project's picks as CSV, XYZ or SEG-Y headers."""

from __future__ import annotations

import argparse
import sys

from geodesk.commands.outputs import check_io, declare_io

WHATS = ("horizon", "faults", "firstbreaks", "velocities")


def add_header_options(p: argparse.ArgumentParser) -> None:
    """--byte/--encoding/--unit of the first-break trace-header field (export and import)."""
    p.add_argument("--byte", type=int, default=237,
                   help="trace-header byte of first breaks in SEG-Y (1-based, default 237)")
    p.add_argument("--encoding", choices=("int16", "int32", "float"), default="int32",
                   help="header field type (default int32)")
    p.add_argument("--unit", choices=("ms", "us", "samples"), default="ms",
                   help="header field unit (default ms)")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export", help="export picks (horizon, faults, firstbreaks, velocities)",
        description="Export one pick object of a project. Horizons: csv (inline,xline,x,y,"
        "time_ms) or xyz (x y time_ms); faults: csv; first breaks: csv or segy (a copy of the "
        "survey with the picks in a trace-header field); velocities: csv (cdp,time_ms,vrms_mps).")
    p.add_argument("project", help="project folder (NAME.geodesk)")
    p.add_argument("what", choices=WHATS)
    p.add_argument("out", help="output file (written atomically)")
    p.add_argument("--format", dest="fmt", choices=("csv", "xyz", "segy"), default=None)
    p.add_argument("--name", default=None, help="pick object name (needed if several)")
    p.add_argument("--with-provenance", action="store_true",
                   help="CSV: add each pick's confidence and provenance and the model's value "
                   "a correction replaced (columns confidence,provenance,model_time_ms,"
                   "model_confidence,model_provenance; velocities: provenance,role)")
    p.add_argument("--generation", metavar="NAME", default=None,
                   help="export from an earlier intact save of a damaged project (a gen-NNNNNN "
                   "folder or 'autosave', as the damage message names them); the project is "
                   "not changed")
    add_header_options(p)
    declare_io(p, inputs=("project",),
               outputs={"out": lambda a: "segy" if a.fmt == "segy" else "text"})
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from geodesk.core.exchange.project_io import export_picks
    from geodesk.core.project.project import Project

    project = Project.open(args.project, generation=args.generation)
    check_io(args, more_inputs=_survey_paths(project))  # e.g. a CSV over the project's SEG-Y
    report = export_picks(project, args.what, args.out, args.fmt, args.name, args.byte,
                          args.encoding, args.unit, with_provenance=args.with_provenance)
    for warning in report.warnings:
        print(f"geodesk: warning: {warning}", file=sys.stderr)
    print(f"wrote {report.count} {'picks' if report.fmt == 'segy' else 'rows'} to {args.out}",
          file=sys.stderr)
    return 0


def _survey_paths(project) -> list[str]:
    """The survey files the project references (inputs an export must not replace)."""
    from geodesk.core.project.project import ProjectError

    try:
        return [str(project.survey_path())]
    except (ProjectError, OSError):
        return []
