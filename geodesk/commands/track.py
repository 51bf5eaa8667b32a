"""``geodesk track``: track a horizon from seed picks and write it as horizon CSV.

3D: ``--seed IL,XL,T_MS`` (flood fill over the grid). 2D: ``--seed TRACE,T_MS`` with TRACE the
CDP (trace) number; a three-value seed ``TRACE,XL,T_MS`` is accepted and its XL ignored. The
CSV has one row per tracked trace: ``inline,xline,x,y,time_ms`` (for 2D, ``inline`` holds the
trace number and ``xline`` is 0). It is written atomically.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from geodesk.commands import CommandError
from geodesk.commands.outputs import declare_io
from geodesk.core.jobs import JobContext, run_inline
from geodesk.core.processing.tracking import EVENTS, TrackParams, track_3d, track_section


def register(subparsers: argparse._SubParsersAction) -> None:
    defaults = TrackParams()
    p = subparsers.add_parser(
        "track", help="track a horizon from seed picks and write it as CSV",
        description="Track a peak, trough or zero crossing from seed picks through a post-stack "
        "3D volume (or along a 2D line) and write inline,xline,x,y,time_ms rows.")
    p.add_argument("survey", metavar="SURVEY.sgy", help="post-stack 3D or 2D SEG-Y/SU file")
    p.add_argument("out", metavar="OUT.csv", help="horizon CSV to write")
    p.add_argument("--seed", action="append", required=True, metavar="IL,XL,T_MS",
                   help="seed pick (3D: IL,XL,T_MS; 2D: TRACE,T_MS); repeat for more seeds")
    p.add_argument("--event", choices=EVENTS, default=defaults.event,
                   help="event to follow: peak, trough, zc+ (+ to -), zc- (- to +)")
    p.add_argument("--search", type=float, default=defaults.search_ms, metavar="MS",
                   help=f"search half-window around the previous pick (default {defaults.search_ms:g})")
    p.add_argument("--window", type=float, default=defaults.window_ms, metavar="MS",
                   help=f"correlation window length (default {defaults.window_ms:g})")
    p.add_argument("--threshold", type=float, default=defaults.threshold, metavar="R",
                   help=f"minimum correlation to continue (default {defaults.threshold:g})")
    p.add_argument("--max-jump", type=float, default=defaults.max_jump_ms, metavar="MS",
                   help=f"largest time step between neighbour traces (default {defaults.max_jump_ms:g})")
    p.add_argument("--reference", choices=("previous", "seed"), default=defaults.reference,
                   help="compare waveforms with the previous trace or the seed")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    declare_io(p, inputs=("survey",), outputs={"out": "text"})
    p.set_defaults(func=run)


def _parse_seeds(texts: list[str], kind: str) -> list[tuple[float, ...]]:
    seeds = []
    for text in texts:
        try:
            vals = tuple(float(v) for v in text.split(","))
        except ValueError:
            raise CommandError(f"bad seed {text!r}: expected numbers separated by commas") from None
        if kind == "post3d" and len(vals) != 3:
            raise CommandError(f"bad seed {text!r}: a 3D survey needs IL,XL,T_MS")
        if kind == "post2d":
            if len(vals) not in (2, 3):
                raise CommandError(f"bad seed {text!r}: a 2D line needs TRACE,T_MS")
            vals = (vals[0], vals[-1])
        seeds.append(vals)
    return seeds


def _check_windows(params: TrackParams, record_ms: float) -> None:
    """Refuse a search or correlation window longer than the record (nothing to compare, and
    its sample windows would not fit in memory)."""
    for flag, ms in (("--search", params.search_ms), ("--window", params.window_ms),
                     ("--max-jump", params.max_jump_ms)):
        if not ms <= record_ms:
            raise CommandError(f"{flag} must be a length in ms within the {record_ms:g} ms "
                               f"record, got {ms:g}")


class _Progress:
    """Progress on stderr: a live percentage on a terminal, every 10 % otherwise."""

    def __init__(self, quiet: bool) -> None:
        self.quiet, self.tty, self.last = quiet, sys.stderr.isatty(), -1

    def __call__(self, fraction: float, text: str) -> None:
        if self.quiet:
            return
        pct = int(fraction * 100)
        if self.tty:
            print(f"\rtracking {pct:3d}%  {text}", end="", file=sys.stderr, flush=True)
        elif pct // 10 > self.last // 10 or pct == 100 and self.last != 100:
            print(f"tracking {pct}%  {text}", file=sys.stderr, flush=True)
        self.last = pct

    def done(self) -> None:
        if self.tty and not self.quiet:
            print(file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    import geodesk
    from geodesk.core.exchange.csv_io import write_horizon_csv

    try:
        params = TrackParams(event=args.event, search_ms=args.search, window_ms=args.window,
                             threshold=args.threshold, max_jump_ms=args.max_jump,
                             reference=args.reference)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    progress = _Progress(args.quiet)
    with geodesk.open(args.survey) as survey:
        if survey.kind not in ("post3d", "post2d"):
            raise CommandError(f"{survey.name} is a {survey.kind} file; tracking needs a "
                               "post-stack 3D volume or 2D line")
        _check_windows(params, len(survey.times_ms) * survey.dt_ms)
        seeds = _parse_seeds(args.seed, survey.kind)
        if survey.kind == "post3d":
            ctx = JobContext(on_progress=progress)
            times, _ = run_inline(lambda c: track_3d(survey, seeds, params, c), ctx)
            gx, gy = survey.grid_xy()
            keys = (survey.inlines, survey.crosslines)
        else:
            times, gx, gy, keys = _track_line(survey, seeds, params)
            progress(1.0, "line tracked")
    progress.done()
    n = write_horizon_csv(args.out, keys[0], keys[1], times, gx, gy)
    if not args.quiet:
        print(f"wrote {n} picks to {args.out}", file=sys.stderr)
    return 0


def _track_line(survey, seeds, params):
    """Track along a 2D line; returns grid-shaped (n_traces, 1) arrays for the CSV writer."""
    sec = survey.line()
    numbers = np.asarray(survey.trace_numbers)
    idx_seeds = []
    for trace_no, t in seeds:
        hits = np.flatnonzero(numbers == trace_no)
        if not len(hits):
            raise CommandError(f"trace {trace_no:g} is not on the line "
                               f"({numbers.min()}..{numbers.max()})")
        idx_seeds.append((int(hits[0]), t))
    times, _ = track_section(sec.data, sec.axis1.values, idx_seeds, params, live=sec.live)
    x, y = survey.line_xy()
    return (times[:, None], np.asarray(x, float)[:, None], np.asarray(y, float)[:, None],
            (numbers, np.zeros(1, dtype=np.int64)))
