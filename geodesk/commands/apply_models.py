"""``geodesk faults``, ``geodesk denoise`` and ``geodesk firstbreaks``: apply deep models (or the
STA/LTA picker) to a whole file from the shell, through the same jobs the window uses.

Without ``--model`` the weights shipped in resources/models are used; when none are shipped
for the task the command says so and exits with code 2 rather than run an untrained network.
Volumes are processed in blocks of inlines (gathers), here or with ``--scheduler ADDRESS`` on
the workers of a Dask cluster, which open the input and model files themselves.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator

from geodesk.commands.interpolate import add_ddtf_options
from geodesk.commands.outputs import declare_io
from geodesk.ml.task_table import task_spec

DEVICES = ("auto", "cpu", "cuda")
#: ``geodesk faults --wavelet-phase`` (geodesk.ml.tasks.faults.WAVELET_PHASES, not imported
#: here: the command line starts without numpy)
FAULT_WAVELET_PHASES = ("zero", "minimum", "auto")


def add_model_options(p: argparse.ArgumentParser, model_help: str) -> None:
    """``--model``, ``--device`` and ``--quiet`` of the commands that run a model."""
    p.add_argument("--model", default=None, metavar="MODEL.pt", help=model_help)
    p.add_argument("--device", choices=DEVICES, default="auto",
                   help="where to run the network (default auto: CUDA when available)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def add_block_options(p: argparse.ArgumentParser) -> None:
    """``--block``, ``--scheduler`` and ``--scheduler-timeout`` of the block-wise commands."""
    p.add_argument("--block", type=int, default=None, metavar="N",
                   help="sections (inlines, gathers or CMPs) per block (default: about 64 MB "
                   "of samples)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="run the blocks on the workers of this Dask scheduler "
                   "(tcp://HOST:8786); they must read the input and model files at the same "
                   "paths (needs: pip install 'geodesk[dask]')")
    p.add_argument("--scheduler-timeout", type=float, default=10.0, metavar="S",
                   help="give up if the scheduler or a worker is not there within S seconds "
                   "(default 10)")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "faults", help="fault probability volume from a post-stack file (U-Net)",
        description="Write the fault probability (0..1) of every sample of a post-stack 3D "
        "volume (inline by inline) or 2D line as SEG-Y with the input's geometry and headers.")
    p.add_argument("input", help="post-stack SEG-Y/SU file")
    p.add_argument("output", help="SEG-Y file to write")
    add_model_options(p, "fault model file (default: the shipped weights)")
    p.add_argument("--wavelet-phase", choices=FAULT_WAVELET_PHASES, default=None,
                   help="the data's wavelet: zero (zero-phased data), minimum (not zero-phased: "
                   "converted to zero phase first so faults come out where they are) or auto "
                   "(detected once for the file from a few sections); default: the model's "
                   "own setting")
    add_block_options(p)
    declare_io(p, inputs=("input", "model"), outputs={"output": "segy"})
    p.set_defaults(func=run_faults)

    q = subparsers.add_parser(
        "denoise", help="attenuate random noise (DnCNN)",
        description="Attenuate random noise section by section (the 2D line, each gather of a "
        "pre-stack file, or each inline of a volume with its neighbouring inlines, averaged with "
        "each crossline with its neighbouring crosslines for the 2.5D model) and write SEG-Y "
        "with the input's headers.")
    q.add_argument("input", help="SEG-Y/SU file")
    q.add_argument("output", help="SEG-Y file to write")
    q.add_argument("--method", choices=task_spec("denoise").methods,
                   default=task_spec("denoise").default_method,
                   help="denoiser: dncnn (the shipped network, default) or ddtf (a tight frame "
                   "learned from the input itself; --model FRAME.npz reuses a saved one)")
    add_model_options(q, "denoising model file (default: the shipped weights)")
    q.add_argument("--single-pass", action="store_true",
                   help="volumes: inlines only, no averaging with the crossline pass (about "
                   "half the time; the average was better on most test volumes, not on all)")
    add_ddtf_options(q)
    add_block_options(q)
    declare_io(q, inputs=("input", "model"), outputs={"output": "segy", "save_frame": "npz"})
    q.set_defaults(func=run_denoise)

    r = subparsers.add_parser(
        "firstbreaks", help="pick first breaks of every shot and write CSV",
        description="Pick the first-break onset of every trace of a pre-stack file, shot by "
        "shot, and write ffid,channel,trace,offset,time_ms (time empty where unpicked or dead).")
    r.add_argument("input", help="pre-stack SEG-Y/SU file")
    r.add_argument("output", help="CSV file to write")
    r.add_argument("--method", choices=task_spec("firstbreaks").methods,
                   default=task_spec("firstbreaks").default_method,
                   help="the classical picker with the refractor trend (mer_trend, default: "
                   "earliest consistent onsets, the most accurate on real shots measured; it "
                   "reports how many traces stay off the trend), the U-Net model combined with "
                   "the same trend, or the plain STA/LTA + AIC picker")
    add_model_options(r, "first-break model file for --method unet (default: the shipped weights)")
    r.add_argument("--with-provenance", action="store_true",
                   help="add confidence,provenance columns (the picker, or the weight file's "
                   "id model:<name>@v<version>#<sha256[:12]>) and the empty model-original "
                   "columns, as geodesk export --with-provenance writes them")
    declare_io(r, inputs=("input", "model"), outputs={"output": "text"})
    r.set_defaults(func=run_firstbreaks)


def resolve_model_ref(task: str, path: str | None, device: str):
    """The model to run as a :class:`~geodesk.ml.run.blocks.ModelRef`: ``path``, else the shipped
    weights; loaded here once (cached) so a wrong or damaged file fails before any work."""
    from pathlib import Path

    from geodesk.commands import CommandError
    from geodesk.ml.registry import models_dir, shipped_weights
    from geodesk.ml.run.blocks import ModelRef

    if path is None:
        _warn_unusable_weights()
        path = shipped_weights(task)
        if path is None:
            raise CommandError(
                f"no trained {task} model is shipped yet (none in {models_dir()}); train one "
                f"with 'geodesk train {task} --out MODEL.pt' and pass --model MODEL.pt")
    if not Path(path).is_file():
        raise FileNotFoundError(f"model file {path} not found")
    ref = ModelRef(str(Path(path).resolve()), task, device)
    ref.load()
    return ref


def _warn_unusable_weights() -> None:
    """One warning line per weight file of the models folder that cannot be used (skipped)."""
    from geodesk.ml.registry import find_weight_files

    for w in find_weight_files():
        if w.error:
            print(f"geodesk: warning: skipped {w.path}: {w.error}", file=sys.stderr)


def resolve_model(task: str, path: str | None, device: str):
    """The model to run: ``path`` loaded (checked for ``task``), else the shipped weights."""
    return resolve_model_ref(task, path, device).load()


def check_block_options(args: argparse.Namespace) -> None:
    """Refuse a ``--block`` below 1 and a ``--scheduler-timeout`` that is not a positive time."""
    from geodesk.commands import CommandError

    if args.block is not None and args.block < 1:
        raise CommandError(f"--block must be >= 1, got {args.block}")
    if not 0 < args.scheduler_timeout < float("inf"):
        raise CommandError(f"--scheduler-timeout must be a positive number of seconds, got "
                           f"{args.scheduler_timeout:g}")


@contextlib.contextmanager
def block_runner(args: argparse.Namespace) -> Iterator:
    """Where the blocks run: on the Dask scheduler of ``--scheduler``, else here."""
    from geodesk.commands import CommandError
    from geodesk.ml.run.cluster import ClusterError, runner_for

    check_block_options(args)
    runner = runner_for(args.scheduler, timeout_s=args.scheduler_timeout)
    try:
        runner.__enter__()
    except ClusterError as exc:
        raise CommandError(str(exc)) from None
    try:
        yield runner
    finally:
        runner.__exit__(None, None, None)


def _context(label: str, quiet: bool):
    from geodesk.core.jobs import JobContext
    from geodesk.ml.run.progress import TerminalProgress

    bar = TerminalProgress(label, quiet=quiet)
    return JobContext(on_progress=bar, min_interval_s=0.2), bar


def _open_poststack(path: str):
    import geodesk
    from geodesk.commands import CommandError

    survey = geodesk.open(path)
    if survey.kind == "prestack":
        survey.close()
        raise CommandError(f"{path} is a pre-stack file; faults need a post-stack volume or line")
    return survey


def run_faults(args: argparse.Namespace) -> int:
    from geodesk.ml.run.apply import map_blocks

    model = resolve_model_ref("faults", args.model, args.device)
    ctx, bar = _context("faults", args.quiet)
    with _open_poststack(args.input) as survey, block_runner(args) as runner:
        model = _phased(model, survey, args)
        map_blocks(survey, model, args.output, ctx, runner=runner, block=args.block,
                   label="faults")
    bar.done(f"wrote {args.output}")
    return 0


def _phased(ref, survey, args: argparse.Namespace):
    """The fault model with the wavelet phase of ``--wavelet-phase`` (or of the model file):
    "auto" is decided once for the whole file and said on stderr."""
    from geodesk.ml.run.apply import model_param
    from geodesk.ml.tasks.fault_phase import PhasedModelRef, survey_wavelet_phase

    phase = args.wavelet_phase or model_param(ref, "wavelet_phase", "zero")
    if phase == "auto":
        est = survey_wavelet_phase(survey)
        phase = est.kind
        if not args.quiet:
            print(f"geodesk: wavelet phase detected: {phase} (kurtosis gain {est.score:.3f}, "
                  f"{'above' if phase == 'minimum' else 'not above'} {est.threshold:g}, "
                  f"{est.windows} windows)", file=sys.stderr)
    return PhasedModelRef(ref.path, ref.task, ref.device, wavelet_phase=phase)


def run_denoise(args: argparse.Namespace) -> int:
    import geodesk
    from geodesk.ml.run.apply import map_blocks

    if args.method == "ddtf":
        from geodesk.commands.interpolate import run_ddtf

        return run_ddtf(args, interpolate=False)

    model = resolve_model_ref("denoise", args.model, args.device)
    ctx, bar = _context("denoise", args.quiet)
    with geodesk.open(args.input) as survey, block_runner(args) as runner:
        map_blocks(survey, model, args.output, ctx, runner=runner, block=args.block,
                   prestack=True, label="denoise", single_pass=args.single_pass)
    bar.done(f"wrote {args.output}")
    return 0


def run_firstbreaks(args: argparse.Namespace) -> int:
    import numpy as np

    import geodesk
    from geodesk.core.exchange.csv_io import PickProvenance, write_firstbreak_csv
    from geodesk.core.processing.fb_survey import FirstBreakParams, pick_survey_first_breaks
    from geodesk.core.survey import SurveyError
    from geodesk.ml.run.results import pick_first_breaks_model, provenance_of

    model = resolve_model("firstbreaks", args.model, args.device) if args.method == "unet" \
        else None
    ctx, bar = _context(f"firstbreaks ({args.method})", args.quiet)
    with geodesk.open(args.input, kind="prestack") as survey:
        if survey.kind != "prestack":
            raise SurveyError(f"{args.input}: first breaks need a pre-stack file")
        flagged = None
        if model is None:
            params = FirstBreakParams(method=args.method)
            times, conf = pick_survey_first_breaks(survey, params, ctx, with_confidence=True)
            flagged = int(np.count_nonzero(conf < 0.5)) if args.method == "mer_trend" else None
            label = params.provenance
        else:
            times, conf = pick_first_breaks_model(survey, model, ctx)
            label = provenance_of(model)
        hb = survey.header_bytes
        ffid, channel = survey.header_values(hb.ffid), survey.header_values(hb.channel)
        offset = survey.header_values(hb.offset).astype(float)
    prov = None
    if args.with_provenance:
        picked = np.isfinite(times)
        nan = np.full(times.shape, np.nan, dtype=np.float32)
        none = np.full(times.shape, None, dtype=object)
        prov = PickProvenance(np.where(picked, conf, np.nan).astype(np.float32),
                              np.where(picked, label, None), nan, nan, none)
    n = write_firstbreak_csv(args.output, ffid, channel, times,
                             trace=np.arange(len(times)), offset=offset, provenance=prov)
    off_trend = "" if flagged is None else f", {flagged} off the refractor trend"
    bar.done(f"wrote {n} traces ({int(np.isfinite(times).sum())} picked{off_trend}) "
             f"to {args.output}")
    if not args.quiet and model is not None and not np.isfinite(times).any():
        print("firstbreaks: warning: no trace was picked", file=sys.stderr)
    return 0
