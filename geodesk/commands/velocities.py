"""``geodesk velocities`` and ``geodesk velfield``: velocity analysis from the shell.

``velocities IN.sgy OUT.csv`` picks stacking velocities automatically on every (or every N-th)
CMP, by semblance peaks or by the velocity U-Net (its trend, refined on semblance peaks);
``velfield IN.sgy PICKS.csv OUT.sgy`` writes the interpolated Vrms field. Shot-sorted input is
sorted to CMPs by its CDP header (``geodesk nmo`` / ``stack``: :mod:`geodesk.commands.nmo_stack`).
The same core functions back the velocity panel of the window.
"""
from __future__ import annotations

import argparse
import math
import sys

from geodesk.commands.apply_models import (
    add_block_options,
    add_model_options,
    check_block_options,
)
from geodesk.commands.nmo_stack import add_cmp_bytes, open_cmps, progress, read_functions
from geodesk.commands.outputs import declare_io
from geodesk.ml.task_table import task_spec

#: Picking methods: semblance peaks (geodesk.core.processing.velpick) or the velocity U-Net.
METHODS = task_spec("velocities").methods


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "velocities", help="pick stacking velocities on every CMP (semblance or the U-Net)",
        description="Pick stacking (RMS) velocities on the CMP gathers of a pre-stack file and "
        "write cdp,time_ms,vrms_mps CSV. Method 'semblance': semblance peaks tracked in time "
        "with Dix interval-velocity bounds, skipping multiples (peaks slower than the trend). "
        "Method 'unet': the velocity U-Net reads each CMP's semblance panel and gives the "
        "Vrms trend; the semblance peaks next to it are picked (or, with --no-refine or where "
        "none is near, the trend every --knot-ms).")
    p.add_argument("input", help="pre-stack SEG-Y/SU file (CMP- or shot-sorted)")
    p.add_argument("output", help="velocity CSV to write (cdp,time_ms,vrms_mps)")
    p.add_argument("--method", choices=METHODS, default=task_spec("velocities").default_method,
                   help="picking method (default semblance)")
    p.add_argument("--every", type=int, default=1, metavar="N",
                   help="pick every N-th CMP (default 1: all)")
    p.add_argument("--vmin", type=float, default=1400.0, help="lowest trial velocity, m/s (semblance; the model uses its own range)")
    p.add_argument("--vmax", type=float, default=6000.0, help="highest trial velocity, m/s (semblance)")
    p.add_argument("--dv", type=float, default=20.0, help="trial velocity step, m/s (semblance)")
    p.add_argument("--window-ms", type=float, default=40.0, help="semblance window, ms (semblance)")
    p.add_argument("--min-fold", type=int, default=6,
                   help="skip CMPs with fewer live traces (default 6)")
    p.add_argument("--knot-ms", type=float, default=100.0,
                   help="--method unet: knots every KNOT_MS where the trend is written "
                   "(default 100)")
    p.add_argument("--demultiple", action="store_true",
                   help="subtract the multiples (parabolic Radon, everything near water "
                   "velocity or slower) from each CMP before picking (both methods)")
    p.add_argument("--no-refine", action="store_true",
                   help="--method unet: write the network's trend only, not the semblance "
                   "peaks next to it")
    add_cmp_bytes(p)
    add_model_options(p, "velocity model file for --method unet (default: the shipped weights)")
    add_block_options(p)
    declare_io(p, inputs=("input", "model"), outputs={"output": "text"})
    p.set_defaults(func=run_velocities)

    q = subparsers.add_parser(
        "velfield", help="write the interpolated Vrms field on the CMPs as SEG-Y",
        description="Interpolate picked velocity functions linearly across CDPs and in time onto "
        "every CMP of a pre-stack file and write the field (m/s) as a SEG-Y line, one trace per "
        "CDP with its CDP number and mean CDP X/Y.")
    q.add_argument("input", help="pre-stack SEG-Y/SU file (CMP- or shot-sorted)")
    q.add_argument("picks", help="velocity CSV (cdp,time_ms,vrms_mps)")
    q.add_argument("output", help="SEG-Y file to write")
    add_cmp_bytes(q)
    declare_io(q, inputs=("input", "picks"), outputs={"output": "segy"})
    q.set_defaults(func=run_velfield)


def _pick_unet(args: argparse.Namespace, survey):
    from geodesk.commands import CommandError
    from geodesk.commands.apply_models import block_runner, resolve_model_ref
    from geodesk.core.jobs import JobContext
    from geodesk.ml.run.apply import velocities_unet

    if args.knot_ms <= 0:
        raise CommandError(f"--knot-ms must be > 0, got {args.knot_ms}")
    if args.knot_ms < survey.dt_ms:
        raise CommandError(f"--knot-ms must be at least the {survey.dt_ms:g} ms sample interval, "
                           f"got {args.knot_ms:g}")
    model = resolve_model_ref("velocities", args.model, args.device)
    ctx = JobContext() if args.quiet else progress("velocities (unet)")
    with block_runner(args) as runner:
        return velocities_unet(survey, model, ctx, runner=runner, every=args.every,
                               min_fold=args.min_fold, knot_ms=args.knot_ms,
                               refine=not args.no_refine, block=args.block,
                               demultiple=args.demultiple)


#: Bytes the semblance picker holds per trial velocity and time sample (measured with
#: tracemalloc on 48-trace CMPs: 59), rounded up.
PANEL_BYTES_PER_CELL = 64


def _check_trials(args: argparse.Namespace) -> None:
    """Refuse trial velocities that are not finite, not positive or not increasing."""
    import math

    from geodesk.commands import CommandError

    vals = {"--vmin": args.vmin, "--vmax": args.vmax, "--dv": args.dv,
            "--window-ms": args.window_ms, "--knot-ms": args.knot_ms}
    for flag, v in vals.items():
        if not (math.isfinite(v) and v > 0):
            raise CommandError(f"{flag} must be a positive number, got {v:g}")
    if args.vmin >= args.vmax:
        raise CommandError(f"--vmin {args.vmin:g} must be below --vmax {args.vmax:g}")
    check_block_options(args)  # also where --method semblance does not use them


def _check_panel_memory(args: argparse.Namespace, n_samples: int) -> None:
    """Refuse a velocity scan whose semblance panel would not fit in memory."""
    from geodesk.core.memory import check_allocation

    trials = math.floor((args.vmax - args.vmin) / args.dv) + 1
    check_allocation(float(trials) * n_samples * PANEL_BYTES_PER_CELL,
                     f"a semblance panel of {trials:.3g} trial velocities (--dv {args.dv:g}) "
                     f"x {n_samples} samples")


def run_velocities(args: argparse.Namespace) -> int:
    from geodesk.commands import CommandError
    from geodesk.core.exchange.csv_io import write_velocity_csv
    from geodesk.core.processing.velfield import check_functions
    from geodesk.core.processing.velpick import pick_survey

    if args.every < 1:
        raise CommandError(f"--every must be >= 1, got {args.every}")
    if args.method == "semblance" and (args.model or args.scheduler):
        raise CommandError("--model and --scheduler go with --method unet")
    _check_trials(args)
    with open_cmps(args) as survey:
        if args.method == "semblance":
            _check_panel_memory(args, len(survey.times_ms))
            record_ms = len(survey.times_ms) * survey.dt_ms
            if args.window_ms > record_ms:
                raise CommandError(f"--window-ms {args.window_ms:g} is longer than the "
                                   f"{record_ms:g} ms record")
        if args.method == "unet":
            functions = _pick_unet(args, survey)
        else:
            functions = pick_survey(survey, every=args.every, min_fold=args.min_fold,
                                    ctx=progress("velocities") if not args.quiet else None,
                                    vmin=args.vmin, vmax=args.vmax, dv=args.dv,
                                    window_ms=args.window_ms, demultiple=args.demultiple)
    if not functions:
        raise CommandError(f"{args.input}: no velocity could be picked on any CMP (CMPs with "
                           f"fewer than {args.min_fold} live traces are skipped)")
    rows = write_velocity_csv(args.output, functions)
    for note in check_functions(functions):
        print(f"geodesk: warning: {note}", file=sys.stderr)
    print(f"wrote {rows} picks on {len(functions)} CMPs to {args.output}", file=sys.stderr)
    return 0


def run_velfield(args: argparse.Namespace) -> int:
    from geodesk.core.exchange.velocity_io import cmp_positions, vrms_field, write_vrms_section

    functions = read_functions(args.picks)
    with open_cmps(args) as survey:
        cdps, x, y = cmp_positions(survey)
        field, _warnings = vrms_field(functions, cdps, survey.times_ms)  # printed by _functions
        dt_ms, delay_ms = survey.dt_ms, survey.delay_ms
    write_vrms_section(args.output, field, cdps, x, y, dt_ms=dt_ms, delay_ms=delay_ms)
    print(f"wrote the Vrms field of {cdps.size} CDPs to {args.output}", file=sys.stderr)
    return 0


