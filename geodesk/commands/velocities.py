"""``geodesk velocities``, ``geodesk nmo`` and ``geodesk stack``: velocity analysis from the shell.

``velocities IN.sgy OUT.csv`` picks stacking velocities automatically on every (or every N-th)
CMP, by semblance peaks or by the velocity U-Net (its trend, refined on semblance peaks); ``nmo IN.sgy PICKS.csv OUT.sgy`` applies NMO to every trace; ``stack IN.sgy PICKS.csv
OUT.sgy`` writes the NMO stack as a 2D line. Shot-sorted input is sorted to CMPs by its CDP
header. The same core functions back the velocity panel of the window.
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
from geodesk.commands.outputs import declare_io
from geodesk.ml.task_table import task_spec

#: Picking methods: semblance peaks (geodesk.core.processing.velpick) or the velocity U-Net.
METHODS = task_spec("velocities").methods


def _add_bytes(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cdp-byte", type=int, default=None,
                   help="trace-header byte of the CDP number (default 21)")
    p.add_argument("--offset-byte", type=int, default=None,
                   help="trace-header byte of the offset (default 37)")


def _add_mute(p: argparse.ArgumentParser, default: float) -> None:
    p.add_argument("--stretch-mute", type=float, default=default, metavar="PCT",
                   help=f"zero samples stretched by more than PCT %% (default {default:g}; "
                   "0 = no mute)")


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
    _add_bytes(p)
    add_model_options(p, "velocity model file for --method unet (default: the shipped weights)")
    add_block_options(p)
    declare_io(p, inputs=("input", "model"), outputs={"output": "text"})
    p.set_defaults(func=run_velocities)

    for name, help_, mute in (
        ("nmo", "apply NMO with picked velocities to every trace", 50.0),
        ("stack", "NMO-stack every CMP into a 2D line", 50.0),
    ):
        q = subparsers.add_parser(name, help=help_, description=help_ + ". Velocities are "
                                  "interpolated linearly between picked CDPs and in time.")
        q.add_argument("input", help="pre-stack SEG-Y/SU file (CMP- or shot-sorted)")
        q.add_argument("picks", help="velocity CSV (cdp,time_ms,vrms_mps)")
        q.add_argument("output", help="SEG-Y file to write")
        _add_mute(q, mute)
        _add_bytes(q)
        q.add_argument("--threads", type=int, default=None, metavar="N",
                       help="threads correcting gathers side by side where the compiled pass "
                       "of a big survey runs (default: up to 2; at most the number of cores); "
                       "the numpy pass of a smaller one runs on one, which is faster")
        declare_io(q, inputs=("input", "picks"), outputs={"output": "segy"})
        q.set_defaults(func=run_nmo if name == "nmo" else run_stack)

    q = subparsers.add_parser(
        "velfield", help="write the interpolated Vrms field on the CMPs as SEG-Y",
        description="Interpolate picked velocity functions linearly across CDPs and in time onto "
        "every CMP of a pre-stack file and write the field (m/s) as a SEG-Y line, one trace per "
        "CDP with its CDP number and mean CDP X/Y.")
    q.add_argument("input", help="pre-stack SEG-Y/SU file (CMP- or shot-sorted)")
    q.add_argument("picks", help="velocity CSV (cdp,time_ms,vrms_mps)")
    q.add_argument("output", help="SEG-Y file to write")
    _add_bytes(q)
    declare_io(q, inputs=("input", "picks"), outputs={"output": "segy"})
    q.set_defaults(func=run_velfield)


def _open(args: argparse.Namespace):
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


def _progress(label: str):
    from geodesk.core.jobs import JobContext

    def show(fraction: float, text: str) -> None:
        end = "\n" if fraction >= 1.0 else ""
        print(f"\r{label}: {fraction * 100:5.1f}%  {text:<40}", end=end, file=sys.stderr,
              flush=True)

    return JobContext(on_progress=show, min_interval_s=0.2)


def _functions(path: str):
    from geodesk.core.exchange.csv_io import read_velocity_csv
    from geodesk.core.processing.velfield import check_functions

    functions = read_velocity_csv(path)
    if not functions:
        from geodesk.commands import CommandError

        raise CommandError(f"{path}: no velocity picks")
    for note in check_functions(functions):
        print(f"geodesk: warning: {note}", file=sys.stderr)
    return functions


def _mute(args: argparse.Namespace) -> float | None:
    from geodesk.commands import CommandError

    if not (math.isfinite(args.stretch_mute) and args.stretch_mute >= 0):
        raise CommandError(f"--stretch-mute must be a percentage >= 0 (0 = no mute), got "
                           f"{args.stretch_mute:g}")
    return args.stretch_mute if args.stretch_mute > 0 else None


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
    ctx = JobContext() if args.quiet else _progress("velocities (unet)")
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
    with _open(args) as survey:
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
                                    ctx=_progress("velocities") if not args.quiet else None,
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

    functions = _functions(args.picks)
    with _open(args) as survey:
        cdps, x, y = cmp_positions(survey)
        field, _warnings = vrms_field(functions, cdps, survey.times_ms)  # printed by _functions
        dt_ms, delay_ms = survey.dt_ms, survey.delay_ms
    write_vrms_section(args.output, field, cdps, x, y, dt_ms=dt_ms, delay_ms=delay_ms)
    print(f"wrote the Vrms field of {cdps.size} CDPs to {args.output}", file=sys.stderr)
    return 0


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
    functions = _functions(args.picks)
    with _open(args) as survey:
        options = {"stretch_mute_pct": _mute(args), "ctx": _progress("nmo"),
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
    functions = _functions(args.picks)
    with _open(args) as survey:
        section = stack_gathers(survey, functions, stretch_mute_pct=_mute(args),
                                ctx=_progress("stack"), workers=workers)
        dt_ms, delay_ms = survey.dt_ms, survey.delay_ms
    write_post2d(args.output, section.data, section.headers["cdp"], section.x, section.y,
                 dt_ms=dt_ms, delay_ms=delay_ms,
                 text=[f"GEODESK NMO STACK OF {section.title.upper()[9:]}",
                       f"VELOCITIES {args.picks}"])
    print(f"wrote {section.shape[0]} stacked traces (CDP {section.headers['cdp'][0]}.."
          f"{section.headers['cdp'][-1]}) to {args.output}", file=sys.stderr)
    return 0
