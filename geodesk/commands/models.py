"""``geodesk models`` (registered models and weight files) and ``geodesk train`` (synthetic
training of a task's model, with validation, early stopping and the best checkpoint kept)."""

from __future__ import annotations

import argparse
import json
import shlex
import sys

from geodesk.commands.outputs import declare_io
from geodesk.ml.registry import TASKS


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "models", help="list the deep models and the weight files found",
        description="List the registered deep models (task, architecture) and the weight files "
        "in resources/models (or $GEODESK_MODELS) with their provenance.")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--dir", default=None, help="folder of weight files to list instead")
    declare_io(p, inputs=("dir",))
    p.set_defaults(func=run_models)

    q = subparsers.add_parser(
        "train", help="train a deep model on synthetic data",
        description="Train the default model of TASK on synthetic data generated on the fly "
        "(geodesk.synth), validate on seeds never used in training, stop early when validation "
        "stops improving, and write the best checkpoint to --out after every improvement.")
    q.add_argument("task", choices=TASKS, help="what the model does")
    q.add_argument("--out", required=True, metavar="MODEL.pt", help="model file to write")
    q.add_argument("--epochs", type=int, default=20, help="epochs (default 20)")
    q.add_argument("--steps-per-epoch", type=int, default=50, help="steps per epoch (default 50)")
    q.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                   help="where to train (default auto: CUDA when available)")
    q.add_argument("--from", dest="init_from", default=None, metavar="MODEL.pt",
                   help="continue training this model file (fine-tuning)")
    q.add_argument("--seed", type=int, default=0, help="seed of weights and training data")
    q.add_argument("--patience", type=int, default=5,
                   help="epochs without validation improvement before stopping (default 5)")
    q.add_argument("--validation", type=int, default=4, help="validation draws (default 4)")
    q.add_argument("--size", type=int, default=128,
                   help="size of the synthetic examples in traces/samples (default 128)")
    q.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="model hyper-parameter, e.g. depth=3 or width=8 (repeatable; JSON value)")
    q.add_argument("--threads", type=int, default=None, help="CPU threads for torch")
    q.add_argument("--quiet", action="store_true", help="no progress on stderr")
    q.add_argument("--labels", default=None, metavar="FILE.csv|PROJECT.geodesk",
                   help="fine-tune --from on the interpreter's labels (firstbreaks, faults, "
                   "velocities): a project (its corrected, drawn and confirmed picks, sticks, "
                   "fully interpreted sections, knots) or, with --survey, a first-break CSV "
                   "(ffid,channel[,trace,offset],time_ms; empty time = unlabelled), a fault-"
                   "stick CSV or a velocity CSV")
    q.add_argument("--survey", default=None, metavar="FILE.sgy",
                   help="the shots, post-stack sections or CMPs a --labels CSV belongs to")
    q.add_argument("--interpreted", default=None, metavar="SECTIONS.txt",
                   help="faults with a stick CSV: the fully interpreted sections ('inline N', "
                   "'crossline N' or 'line' per line); those without a stick say 'no fault'")
    q.add_argument("--steps", type=int, default=None,
                   help="fine-tuning steps with --labels (default 300 first breaks, 120 faults, "
                   "150 velocities)")
    q.add_argument("--synthetic-fraction", type=float, default=None,
                   help="share of synthetic batches with --labels (default 0.1 first breaks, "
                   "0.2 faults and velocities)")
    declare_io(q, inputs=("init_from", "labels", "survey", "interpreted"),
               outputs={"out": "model"})
    q.set_defaults(func=run_train)


def run_models(args: argparse.Namespace) -> int:
    from geodesk.ml.registry import REGISTRY, find_weight_files, models_dir

    files = find_weight_files(args.dir)
    if args.json:
        print(json.dumps({
            "models": [{"name": s.name, "task": s.task, "architecture": s.architecture,
              "summary": s.summary} for s in REGISTRY.values()],
            "weights": [{"path": str(w.path), "error": w.error, **w.meta,
                         **({} if w.error else {"id": _weight_id(w)})} for w in files],
        }, indent=2, default=str))
        return 0
    print("Registered models:")
    for s in REGISTRY.values():
        print(f"  {s.name:<16} {s.task:<12} {s.architecture:<9} {s.summary}")
    where = args.dir or models_dir()
    if not files:
        print(f"Weight files in {where}: none (train one with 'geodesk train TASK --out M.pt')")
        return 0
    print(f"Weight files in {where}:")
    for w in files:
        if w.error:
            print(f"  {w.path.name}: unusable ({w.error})")
            continue
        prov = w.meta.get("provenance", {})
        val = ", ".join(f"{k} {v:.4g}" for k, v in prov.get("validation", {}).items()
                        if isinstance(v, (int, float)))
        print(f"  {w.path.name}: {w.meta.get('model')} v{w.meta.get('version')} "
              f"({w.meta.get('task')}), {prov.get('epochs', '?')} epochs, {val or 'no metrics'}, "
              f"{prov.get('date', 'undated')}; picks labelled model:{_weight_id(w)}")
    return 0


def _weight_id(w) -> str:
    """The id a weight file's picks carry (``<model>@v<version>#<sha256[:12]>``)."""
    from geodesk.ml.registry import weight_id

    return weight_id(w.path, str(w.meta.get("model")), int(w.meta.get("version", 0)))


def _params(items: list[str]) -> dict:
    from geodesk.commands import CommandError

    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise CommandError(f"--param wants NAME=VALUE, got {item!r}")
        try:
            out[name.strip()] = json.loads(value)
        except json.JSONDecodeError:
            out[name.strip()] = value
    return out


#: Rough bytes per pixel of one synthetic example while a model trains on it (the example, its
#: truth, activations of a few dozen channels and their gradients), for the up-front refusal.
TRAIN_BYTES_PER_PIXEL = 1024


def _check_size(size: int) -> None:
    """Refuse an example size below any network's minimum or beyond the memory."""
    from geodesk.commands import CommandError
    from geodesk.core.memory import check_allocation

    if size < 16:
        raise CommandError(f"--size must be at least 16 traces/samples, got {size}")
    check_allocation(float(size) ** 2 * TRAIN_BYTES_PER_PIXEL,
                     f"training on {size} x {size} examples")


def run_train(args: argparse.Namespace) -> int:
    from geodesk.commands import CommandError
    from geodesk.core.jobs import JobContext
    from geodesk.ml.run.progress import TerminalProgress
    from geodesk.ml.training import PRIMARY_METRIC, check_output_path, train

    if args.labels is not None or args.survey is not None or args.interpreted is not None:
        from geodesk.commands.finetune_run import run_finetune

        return run_finetune(args)
    if args.epochs < 1 or args.steps_per_epoch < 1:
        raise CommandError("--epochs and --steps-per-epoch must be at least 1")
    _check_size(args.size)
    if args.threads is not None and args.threads < 1:
        raise CommandError(f"--threads must be at least 1, got {args.threads}")
    if args.patience < 0 or args.validation < 1:
        raise CommandError("--patience must be >= 0 and --validation at least 1")
    out = check_output_path(args.out)
    params = _params(args.param)
    if args.threads:
        import torch

        torch.set_num_threads(int(args.threads))
    bar = TerminalProgress(f"train {args.task}", quiet=args.quiet)
    command = "geodesk " + shlex.join(["train", *sys.argv[2:]]) if sys.argv[1:2] == ["train"] \
        else f"geodesk train {args.task} --out {args.out}"
    try:
        model = train(args.task, out, epochs=args.epochs, steps_per_epoch=args.steps_per_epoch,
                      device=args.device, init_from=args.init_from, seed=args.seed, params=params,
                      n_validation=args.validation, patience=args.patience, size=args.size,
                      command=command, ctx=JobContext(on_progress=bar, min_interval_s=0.2))
    except TypeError as exc:  # a --param the model does not take
        raise CommandError(str(exc)) from None
    metric = PRIMARY_METRIC[args.task][0]
    val = model.provenance_.get("validation", {}).get(metric)
    bar.done(f"wrote {out} (best validation {metric} {val:.4g} at epoch "
             f"{model.provenance_.get('epochs')})")
    return 0
