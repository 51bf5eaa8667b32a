"""``geodesk train TASK --from MODEL.pt --labels …``: the fine-tune on the interpreter's labels
(first breaks, faults, velocities), from a project's picks or from label files with
``--survey``, through the same :mod:`geodesk.ml.finetune_sources` the window's Update model
runs."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path


def _labels(args: argparse.Namespace, ctx):
    """The labelled items of ``--labels`` (a project, or files with ``--survey``)."""
    from geodesk.commands import CommandError
    from geodesk.ml.finetune_sources import file_items, project_items

    lab = Path(args.labels)
    interpreted = getattr(args, "interpreted", None)
    if lab.is_dir() or lab.name == "project.json":
        from geodesk.core.project.project import Project

        if args.survey is not None or interpreted is not None:
            raise CommandError("--survey and --interpreted are for label files; a project "
                               "names its own surveys and fully interpreted sections")
        return project_items(Project.open(lab), args.task, ctx)
    if args.survey is None:
        what = {"faults": "POST.sgy (the sections the sticks are on)",
                "velocities": "CMPS.sgy (the CMP gathers)"}.get(args.task, "SHOTS.sgy (the shots "
                                                                           "it labels)")
        raise CommandError(f"--labels {lab.name} needs --survey {what}")
    return file_items(args.task, args.survey, lab, interpreted, ctx)


def run_finetune(args: argparse.Namespace) -> int:
    from geodesk.commands import CommandError
    from geodesk.core.jobs import JobContext
    from geodesk.ml.finetune_sources import TUNABLE, default_settings, finetune, held_text
    from geodesk.ml.run.progress import TerminalProgress
    from geodesk.ml.training import check_output_path

    if args.task not in TUNABLE:
        raise CommandError(f"--labels fine-tunes {', '.join(TUNABLE)} models, not {args.task}")
    if args.labels is None:
        raise CommandError("--survey and --interpreted go with --labels")
    if args.init_from is None:
        raise CommandError("--labels needs --from MODEL.pt (the base weights to fine-tune)")
    if args.threads is not None and args.threads < 1:
        raise CommandError(f"--threads must be at least 1, got {args.threads}")
    settings = default_settings(args.task)
    settings.seed, settings.threads = args.seed, args.threads or 1
    if args.steps is not None:
        if args.steps < 1:
            raise CommandError(f"--steps must be at least 1, got {args.steps}")
        settings.steps = args.steps
    if args.synthetic_fraction is not None:
        if not 0.0 <= args.synthetic_fraction < 1.0:
            raise CommandError("--synthetic-fraction must be in [0, 1)")
        settings.synthetic_fraction = args.synthetic_fraction
    out = check_output_path(args.out)
    bar = TerminalProgress(f"fine-tune {args.task}", quiet=args.quiet)
    ctx = JobContext(on_progress=bar, min_interval_s=0.2)
    labels = _labels(args, ctx)
    for note in labels.notes:
        print(f"geodesk: note: {note}", file=sys.stderr)
    command = "geodesk " + shlex.join(["train", *sys.argv[2:]]) if sys.argv[1:2] == ["train"] \
        else f"geodesk train {args.task} --from {args.init_from} --labels {args.labels}"
    res = finetune(args.task, args.init_from, labels, out, settings=settings, command=command,
                   ctx=ctx)
    bar.done(f"wrote {out}: {res.n_labels} labels on {len(labels.items)} "
             f"{ITEMS[args.task]}, {held_text(res)}, {res.stopped}, {res.seconds:.0f} s")
    return 0


ITEMS = {"firstbreaks": "shots", "faults": "sections", "velocities": "CMPs"}

