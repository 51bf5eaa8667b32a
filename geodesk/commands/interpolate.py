"""``geodesk interpolate`` and ``geodesk denoise --method ddtf``: data-driven tight frames from
the shell, through the same functions as Processing ▸ DDTF in the window.

The frame is learned from the input itself (or read from ``--model FRAME.npz``, saved by
``--save-frame``); the file is processed in blocks of inlines with a halo (``--block``,
``--scheduler``) and written like the input, atomically: a failure leaves no output.
"""

from __future__ import annotations

import argparse

from geodesk.commands.outputs import declare_io


def parse_patch(text: str) -> tuple[int, ...]:
    """``8x8x8`` (or ``8x8``) as a tuple of sizes."""
    try:
        patch = tuple(int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 8x8x8 or 8x8, got {text!r}") \
            from None
    if len(patch) not in (2, 3) or min(patch) < 1:
        raise argparse.ArgumentTypeError(f"expected 2 or 3 sizes >= 1 like 8x8x8, got {text!r}")
    return patch


def add_ddtf_options(p: argparse.ArgumentParser) -> None:
    """The DDTF options of ``denoise`` and ``interpolate``."""
    p.add_argument("--patch", type=parse_patch, default=None, metavar="8x8x8",
                   help="DDTF patch (inlines x crosslines x samples on volumes, traces x "
                   "samples on lines and gathers; default 8 each)")
    p.add_argument("--threshold", type=float, default=None, metavar="T",
                   help="DDTF hard threshold in amplitude units (default: --factor times the "
                   "noise estimated from the finest coefficients)")
    p.add_argument("--factor", type=float, default=3.0, metavar="K",
                   help="DDTF threshold as K times the noise estimate (default 3)")
    p.add_argument("--save-frame", default=None, metavar="FRAME.npz",
                   help="also save the learned DDTF frame (reuse it with --model)")
    p.add_argument("--threads", type=int, default=None, metavar="N",
                   help="BLAS threads for DDTF (default: the library's; 1 on a shared machine)")


def register(subparsers: argparse._SubParsersAction) -> None:
    from geodesk.commands.apply_models import add_block_options

    p = subparsers.add_parser(
        "interpolate", help="fill missing or dead traces (DDTF, POCS)",
        description="Fill the missing traces of a file (dead, all-zero, or listed in a file) by "
        "POCS with a data-driven tight frame learned from the data, and write SEG-Y with the "
        "input's headers; observed traces are left as they are.")
    p.add_argument("input", help="SEG-Y/SU file")
    p.add_argument("output", help="SEG-Y file to write")
    p.add_argument("--method", choices=("ddtf",), default="ddtf", help="interpolator (ddtf)")
    p.add_argument("--mask", default="dead", metavar="dead|zero|FILE",
                   help="traces to fill: dead (all-zero, constant or marked dead in bytes "
                   "29-30; default), zero (all-zero), or a file of trace indices (0-based) or "
                   "inline,crossline pairs, one per line")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    add_ddtf_options(p)
    add_block_options(p)
    declare_io(p, inputs=("input", "mask"), outputs={"output": "segy", "save_frame": "npz"})
    p.set_defaults(func=run_interpolate)


def _model(args: argparse.Namespace, survey):
    """The DDTF to run: ``--model FRAME.npz`` read back, else a new one for the survey."""
    from geodesk.commands import CommandError
    from geodesk.ml.base import ModelFileError
    from geodesk.ml.ddtf import DDTF, model_for
    if getattr(args, "model", None) is None:
        params = {"factor": args.factor, "threshold": args.threshold}
        return model_for(survey, patch=args.patch, **params), True
    try:
        model = DDTF.load(args.model)
    except ModelFileError as exc:
        raise CommandError(str(exc)) from None
    nd = 3 if survey.kind == "post3d" else 2
    if model.ndim != nd:
        raise CommandError(f"{args.model} holds a {model.ndim}D frame; {survey.name} needs {nd}D")
    if args.threshold is not None:
        model.threshold_ = float(args.threshold)
    return model, False


def _check_options(args: argparse.Namespace) -> None:
    from geodesk.commands import CommandError

    if args.threshold is not None and not args.threshold > 0:
        raise CommandError(f"--threshold must be > 0, got {args.threshold:g}")
    if not 0 < args.factor < float("inf"):
        raise CommandError(f"--factor must be > 0, got {args.factor:g}")
    if args.threads is not None and args.threads < 1:
        raise CommandError(f"--threads must be >= 1, got {args.threads}")


def _blas_threads(n: int | None):
    """At most ``n`` BLAS threads inside (no limit for None)."""
    import contextlib

    if n is None:
        return contextlib.nullcontext()
    from threadpoolctl import threadpool_limits

    return threadpool_limits(int(n))


def run_ddtf(args: argparse.Namespace, *, interpolate: bool) -> int:
    """Denoise or interpolate ``args.input`` into ``args.output`` with DDTF."""
    import geodesk
    from geodesk.commands.apply_models import _context, block_runner
    from geodesk.core.processing.ddtf.masks import observed_mask
    from geodesk.ml.ddtf import check_survey_mask, learn_from_survey, run_survey

    _check_options(args)
    what = "interpolate" if interpolate else "denoise"
    ctx, bar = _context(f"{what} (DDTF)", args.quiet)
    with _blas_threads(args.threads), geodesk.open(args.input) as survey, \
            block_runner(args) as runner:
        mask = None
        if interpolate:
            mask = observed_mask(survey, args.mask)
            check_survey_mask(survey, mask)
        model, learn = _model(args, survey)
        if learn:
            learn_from_survey(survey, model, ctx)
        if args.save_frame:
            model.save(args.save_frame)
        run_survey(survey, model, args.output, ctx, runner=runner, block=args.block, mask=mask)
    filled = "" if mask is None else f" ({int((~mask).sum())} traces filled)"
    bar.done(f"wrote {args.output}{filled}")
    return 0


def run_interpolate(args: argparse.Namespace) -> int:
    return run_ddtf(args, interpolate=True)
