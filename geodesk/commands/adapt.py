"""``geodesk adapt denoise IN.sgy --out M.pt``: fine-tune the denoiser on the user's own survey by
self-supervised training (no clean data; :mod:`geodesk.ml.selfsup`)."""

from __future__ import annotations

import argparse
import shlex
import sys

from geodesk.commands.outputs import declare_io


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "adapt", help="adapt a model to your own survey (self-supervised)",
        description="Fine-tune a model on the sections of your own survey without clean data. "
        "'denoise': the starting model's estimate of the survey's noise is moved elsewhere in "
        "the survey and the model learns to take it off again (noise-transfer, the default), "
        "or blind-spot training (Noise2Void family); a quarter of the traces is held out and "
        "the weights that do best there are kept (the starting ones too). The adapted model is "
        "written to --out (never over the input, the starting model or the shipped weights); "
        "use it with 'geodesk denoise IN OUT --model M.pt' or in the window.")
    p.add_argument("task", choices=("denoise",), help="what the model does")
    p.add_argument("input", help="SEG-Y/SU file of the survey to adapt to")
    p.add_argument("--out", required=True, metavar="MODEL.pt", help="adapted model file to write")
    p.add_argument("--from", dest="init_from", default=None, metavar="MODEL.pt",
                   help="model to start from (default: the shipped weights)")
    p.add_argument("--steps", type=int, default=None,
                   help="training steps (default: the validated setting, AdaptSettings)")
    p.add_argument("--lr", type=float, default=None,
                   help="learning rate (default: the validated setting)")
    p.add_argument("--method", choices=("noise-transfer", "blind-spot"), default=None,
                   help="how to train (default noise-transfer)")
    p.add_argument("--sections", type=int, default=24,
                   help="sections of each kind read for training (default 24)")
    p.add_argument("--seed", type=int, default=0, help="seed of the patches and masks")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                   help="where to train (default auto: CUDA when available)")
    p.add_argument("--threads", type=int, default=None, help="CPU threads for torch")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    declare_io(p, inputs=("input", "init_from"), outputs={"out": "model"})
    p.set_defaults(func=run_adapt)


def run_adapt(args: argparse.Namespace) -> int:
    import geodesk
    from geodesk.commands import CommandError
    from geodesk.commands.apply_models import resolve_model_ref
    from geodesk.core.jobs import JobContext
    from geodesk.ml.run.progress import TerminalProgress
    from geodesk.ml.selfsup import AdaptSettings, adapt_denoiser, check_adapt_output

    if args.steps is not None and args.steps < 1:
        raise CommandError(f"--steps must be at least 1, got {args.steps}")
    if args.sections < 1:
        raise CommandError(f"--sections must be at least 1, got {args.sections}")
    if args.threads is not None and args.threads < 1:
        raise CommandError(f"--threads must be at least 1, got {args.threads}")
    if args.lr is not None and not 0 < args.lr <= 1:
        raise CommandError(f"--lr must be a learning rate in (0, 1], got {args.lr:g}")
    ref = resolve_model_ref("denoise", args.init_from, args.device)
    check_adapt_output(args.out, survey_path=args.input, source=ref.path)
    if args.threads:
        import torch

        torch.set_num_threads(int(args.threads))
    settings = AdaptSettings(max_sections=args.sections, seed=args.seed)
    for key in ("steps", "lr", "method"):
        if getattr(args, key) is not None:
            setattr(settings, key, getattr(args, key))
    command = "geodesk " + shlex.join(sys.argv[1:]) if sys.argv[1:2] == ["adapt"] \
        else f"geodesk adapt denoise {args.input} --out {args.out} --steps {settings.steps}"
    bar = TerminalProgress("adapt denoise", quiet=args.quiet)
    with geodesk.open(args.input) as survey:
        model = adapt_denoiser(survey, ref.load(), JobContext(on_progress=bar, min_interval_s=0.2),
                               settings=settings, out=args.out, source=ref.path, command=command)
    prov = model.provenance_
    bar.done(f"wrote {args.out} (held-out loss {prov['held_out_loss_before']:.4g} -> "
             f"{prov['held_out_loss_after']:.4g}, step {prov['kept_step']} of {settings.steps} "
             "kept)")
    return 0
