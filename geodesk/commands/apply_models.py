"""``geodesk faults``, ``geodesk denoise`` and ``geodesk firstbreaks``: apply deep models (or the
STA/LTA picker) to a whole file from the shell, through the same jobs the window uses.

Without ``--model`` the weights shipped in resources/models are used; when none are shipped
for the task the command says so and exits with code 2 rather than run an untrained network.
"""

from __future__ import annotations

import argparse
import sys

DEVICES = ("auto", "cpu", "cuda")


def _common(p: argparse.ArgumentParser, model_help: str) -> None:
    p.add_argument("--model", default=None, metavar="MODEL.pt", help=model_help)
    p.add_argument("--device", choices=DEVICES, default="auto",
                   help="where to run the network (default auto: CUDA when available)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "faults", help="fault probability volume from a post-stack file (U-Net)",
        description="Write the fault probability (0..1) of every sample of a post-stack 3D "
        "volume (inline by inline) or 2D line as SEG-Y with the input's geometry and headers.")
    p.add_argument("input", help="post-stack SEG-Y/SU file")
    p.add_argument("output", help="SEG-Y file to write")
    _common(p, "fault model file (default: the shipped weights)")
    p.set_defaults(func=run_faults)

    q = subparsers.add_parser(
        "denoise", help="attenuate random noise (DnCNN)",
        description="Attenuate random noise section by section (inlines, the 2D line, or each "
        "gather of a pre-stack file) and write SEG-Y with the input's headers.")
    q.add_argument("input", help="SEG-Y/SU file")
    q.add_argument("output", help="SEG-Y file to write")
    q.add_argument("--method", choices=("dncnn",), default="dncnn", help="denoiser (dncnn)")
    _common(q, "denoising model file (default: the shipped weights)")
    q.set_defaults(func=run_denoise)

    r = subparsers.add_parser(
        "firstbreaks", help="pick first breaks of every shot and write CSV",
        description="Pick the first-break onset of every trace of a pre-stack file, shot by "
        "shot, and write ffid,channel,trace,offset,time_ms (time empty where unpicked or dead).")
    r.add_argument("input", help="pre-stack SEG-Y/SU file")
    r.add_argument("output", help="CSV file to write")
    r.add_argument("--method", choices=("unet", "stalta"), default="unet",
                   help="U-Net model (default) or the STA/LTA + AIC picker")
    _common(r, "first-break model file for --method unet (default: the shipped weights)")
    r.set_defaults(func=run_firstbreaks)


def resolve_model(task: str, path: str | None, device: str):
    """The model to run: ``path`` loaded (checked for ``task``), else the shipped weights."""
    from geodesk.cli import CommandError
    from geodesk.ml.registry import load_model, models_dir, shipped_weights

    if path is None:
        path = shipped_weights(task)
        if path is None:
            raise CommandError(
                f"no trained {task} model is shipped yet (none in {models_dir()}); train one "
                f"with 'geodesk train {task} --out MODEL.pt' and pass --model MODEL.pt")
    return load_model(path, task=task, device=device)


def _context(label: str, quiet: bool):
    from geodesk.core.jobs import JobContext
    from geodesk.ml.progress import TerminalProgress

    bar = TerminalProgress(label, quiet=quiet)
    return JobContext(on_progress=bar, min_interval_s=0.2), bar


def _open_poststack(path: str):
    import geodesk
    from geodesk.cli import CommandError

    survey = geodesk.open(path)
    if survey.kind == "prestack":
        survey.close()
        raise CommandError(f"{path} is a pre-stack file; faults need a post-stack volume or line")
    return survey


def run_faults(args: argparse.Namespace) -> int:
    from geodesk.ml.apply import map_sections

    model = resolve_model("faults", args.model, args.device)
    ctx, bar = _context("faults", args.quiet)
    with _open_poststack(args.input) as survey:
        map_sections(survey, lambda sec, c: model.predict(sec, ctx=c), args.output, ctx,
                     label="faults")
    bar.done(f"wrote {args.output}")
    return 0


def run_denoise(args: argparse.Namespace) -> int:
    import geodesk
    from geodesk.ml.apply import map_sections

    model = resolve_model("denoise", args.model, args.device)
    ctx, bar = _context("denoise", args.quiet)
    with geodesk.open(args.input) as survey:
        map_sections(survey, lambda sec, c: model.predict(sec, ctx=c), args.output, ctx,
                     prestack=True, label="denoise")
    bar.done(f"wrote {args.output}")
    return 0


def run_firstbreaks(args: argparse.Namespace) -> int:
    import numpy as np

    import geodesk
    from geodesk.core.export_csv import write_firstbreak_csv
    from geodesk.core.processing.fb_survey import FirstBreakParams, pick_survey_first_breaks
    from geodesk.core.survey import SurveyError
    from geodesk.ml.apply import first_breaks_unet

    model = resolve_model("firstbreaks", args.model, args.device) if args.method == "unet" \
        else None
    ctx, bar = _context(f"firstbreaks ({args.method})", args.quiet)
    with geodesk.open(args.input, kind="prestack") as survey:
        if survey.kind != "prestack":
            raise SurveyError(f"{args.input}: first breaks need a pre-stack file")
        if model is None:
            times = pick_survey_first_breaks(survey, FirstBreakParams(), ctx)
        else:
            times = first_breaks_unet(survey, model, ctx)
        hb = survey.header_bytes
        ffid, channel = survey.header_values(hb.ffid), survey.header_values(hb.channel)
        offset = survey.header_values(hb.offset).astype(float)
    n = write_firstbreak_csv(args.output, ffid, channel, times,
                             trace=np.arange(len(times)), offset=offset)
    bar.done(f"wrote {n} traces ({int(np.isfinite(times).sum())} picked) to {args.output}")
    if not args.quiet and model is not None and not np.isfinite(times).any():
        print("firstbreaks: warning: no trace was picked", file=sys.stderr)
    return 0
