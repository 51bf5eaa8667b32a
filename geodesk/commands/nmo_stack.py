"""``geodesk nmo`` and ``geodesk stack``: NMO and the NMO stack of a pre-stack file from the shell.

``nmo IN.sgy PICKS.csv OUT.sgy`` applies NMO to every trace; ``stack IN.sgy PICKS.csv OUT.sgy``
writes the NMO stack as a 2D line. Shot-sorted input is sorted to CMPs by its CDP header. Kept
apart from ``geodesk velocities`` (which shares the CMP options and helpers here) so that these
two commands build and import only their own parsers: no model or block options, no task table.
"""

from __future__ import annotations

import argparse
import math
import sys

from geodesk.commands.outputs import declare_io


def add_cmp_bytes(p: argparse.ArgumentParser) -> None:
    """The CDP and offset header-byte options of a command reading CMP gathers."""
    p.add_argument("--cdp-byte", type=int, default=None,
                   help="trace-header byte of the CDP number (default 21)")
    p.add_argument("--offset-byte", type=int, default=None,
                   help="trace-header byte of the offset (default 37)")


def add_stretch_mute(p: argparse.ArgumentParser, default: float) -> None:
    """``--stretch-mute PCT`` (checked by :func:`stretch_mute`)."""
    p.add_argument("--stretch-mute", type=float, default=default, metavar="PCT",
                   help=f"zero samples stretched by more than PCT %% (default {default:g}; "
                   "0 = no mute)")


def register(subparsers: argparse._SubParsersAction) -> None:
    """The ``nmo`` and ``stack`` parsers."""
    for name, help_, mute in (
        ("nmo", "apply NMO with picked velocities to every trace", 50.0),
        ("stack", "NMO-stack every CMP into a 2D line", 50.0),
    ):
        q = subparsers.add_parser(name, help=help_, description=help_ + ". Velocities are "
                                  "interpolated linearly between picked CDPs and in time.")
        q.add_argument("input", help="pre-stack SEG-Y/SU file (CMP- or shot-sorted)")
        q.add_argument("picks", help="velocity CSV (cdp,time_ms,vrms_mps)")
        q.add_argument("output", help="SEG-Y file to write")
        add_stretch_mute(q, mute)
        add_cmp_bytes(q)
        q.add_argument("--threads", type=int, default=None, metavar="N",
                       help="threads correcting gathers side by side where the compiled pass "
                       "of a big survey runs (default: up to 2; at most the number of cores); "
                       "the numpy pass of a smaller one runs on one, which is faster")
        declare_io(q, inputs=("input", "picks"), outputs={"output": "segy"})
        q.set_defaults(func=run_nmo if name == "nmo" else run_stack)


def open_cmps(args: argparse.Namespace):
    """Open the input as a CDP-grouped pre-stack survey, with a clear message if it cannot be."""
    import numpy as np

    import geodesk
    from geodesk.commands import CommandError
    from geodesk.core.survey import Prestack, SurveyError

    survey = geodesk.open(args.input, cdp=args.cdp_byte, offset=args.offset_byte,
                          kind="prestack")
    if not isinstance(survey, Prestack):  # pragma: no cover - kind="prestack" guarantees it
        raise CommandError(f"{args.input} is not a pre-stack file")
    offsets = survey.header_values(survey.header_bytes.offset)
    if offsets.size and np.ptp(offsets) == 0:  # e.g. a stacked file read as gathers
        survey.close()
        raise CommandError(f"{args.input}: every trace has offset {offsets[0]:g}: velocity "
                           "analysis needs the offsets of pre-stack gathers (use --offset-byte "
                           "if they are elsewhere)")
    if survey.gather_key == "cdp":
        return survey
    try:
        return survey.regroup("cdp")
    except SurveyError as exc:
        raise CommandError(f"{args.input}: cannot sort shots into CMPs: {exc} "
                           "(use --cdp-byte if the CDP number is elsewhere)") from None
    finally:
        survey.close()  # the regrouped view has its own file handle


def progress(label: str):
    from geodesk.core.jobs import JobContext

    def show(fraction: float, text: str) -> None:
        end = "\n" if fraction >= 1.0 else ""
        print(f"\r{label}: {fraction * 100:5.1f}%  {text:<40}", end=end, file=sys.stderr,
              flush=True)

    return JobContext(on_progress=show, min_interval_s=0.2)


def read_functions(path: str):
    from geodesk.core.exchange.csv_io import read_velocity_csv
    from geodesk.core.processing.velfield import check_functions

    functions = read_velocity_csv(path)
    if not functions:
        from geodesk.commands import CommandError

        raise CommandError(f"{path}: no velocity picks")
    for note in check_functions(functions):
        print(f"geodesk: warning: {note}", file=sys.stderr)
    return functions


def stretch_mute(args: argparse.Namespace) -> float | None:
    from geodesk.commands import CommandError

    if not (math.isfinite(args.stretch_mute) and args.stretch_mute >= 0):
        raise CommandError(f"--stretch-mute must be a percentage >= 0 (0 = no mute), got "
                           f"{args.stretch_mute:g}")
    return args.stretch_mute if args.stretch_mute > 0 else None


def _threads(args: argparse.Namespace) -> int | None:
    """``--threads`` checked; the pass about to run then reuses the memory it frees."""
    from geodesk.commands import CommandError
    from geodesk.core.memory import reuse_freed_memory

    if args.threads is not None and args.threads < 1:
        raise CommandError(f"--threads must be >= 1, got {args.threads}")
    reuse_freed_memory()
    return args.threads


def run_nmo(args: argparse.Namespace) -> int:
    from geodesk.core.processing.nmo import file_order_gathers, nmo_blocks, nmo_survey
    from geodesk.core.segy.write import write_like

    workers = _threads(args)
    functions = read_functions(args.picks)
    with open_cmps(args) as survey:
        options = {"stretch_mute_pct": stretch_mute(args), "ctx": progress("nmo"),
                   "workers": workers}
        if file_order_gathers(survey):  # CDP-sorted: streamed, one gather in memory
            write_like(survey.path, args.output, nmo_blocks(survey, functions, **options))
        else:  # traces of a CMP spread over the file: corrected in memory, then written
            write_like(survey.path, args.output, nmo_survey(survey, functions, **options))
        n_traces = survey.n_traces
    print(f"wrote {n_traces} NMO-corrected traces to {args.output}", file=sys.stderr)
    return 0


def run_stack(args: argparse.Namespace) -> int:
    from geodesk.core.processing.nmo import stack_gathers
    from geodesk.core.segy.write import write_post2d

    workers = _threads(args)
    functions = read_functions(args.picks)
    with open_cmps(args) as survey:
        section = stack_gathers(survey, functions, stretch_mute_pct=stretch_mute(args),
                                ctx=progress("stack"), workers=workers)
        dt_ms, delay_ms = survey.dt_ms, survey.delay_ms
    write_post2d(args.output, section.data, section.headers["cdp"], section.x, section.y,
                 dt_ms=dt_ms, delay_ms=delay_ms,
                 text=[f"GEODESK NMO STACK OF {section.title.upper()[9:]}",
                       f"VELOCITIES {args.picks}"])
    print(f"wrote {section.shape[0]} stacked traces (CDP {section.headers['cdp'][0]}.."
          f"{section.headers['cdp'][-1]}) to {args.output}", file=sys.stderr)
    return 0
