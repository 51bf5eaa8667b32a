"""``geodesk train firstbreaks --from MODEL.pt --labels …``: the fine-tune on the interpreter's
labels (a first-break CSV with ``--survey``, or a project's manual / corrected picks), through
the same :func:`geodesk.ml.finetune.finetune_firstbreaks` the window's Update model runs."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path


def _labels(args: argparse.Namespace):
    """(survey, label times per file trace, survey name) from ``--labels`` / ``--survey``."""
    import geodesk
    from geodesk.commands import CommandError
    from geodesk.ml.finetune import csv_label_times, interpretation_label_times

    lab = Path(args.labels)
    if lab.is_dir() or lab.name == "project.json":
        from geodesk.core.project.project import Project

        if args.survey is not None:
            raise CommandError("--survey is for a --labels CSV; a project names its own survey")
        project = Project.open(lab)
        survey = project.open_survey()
        return survey, interpretation_label_times(project.picks, survey.n_traces), \
            Path(project.survey_path()).name
    if args.survey is None:
        raise CommandError("--labels PICKS.csv needs --survey SHOTS.sgy (the shots it labels)")
    survey = geodesk.open(args.survey, kind="prestack")
    try:
        return survey, csv_label_times(lab, survey), Path(args.survey).name
    except BaseException:
        survey.close()
        raise


def run_finetune(args: argparse.Namespace) -> int:
    from geodesk.commands import CommandError
    from geodesk.core.jobs import JobContext
    from geodesk.ml.finetune import (
        FineTuneSettings,
        finetune_firstbreaks,
        labelled_gathers,
    )
    from geodesk.ml.run.progress import TerminalProgress
    from geodesk.ml.training import check_output_path

    if args.task != "firstbreaks":
        raise CommandError(f"--labels fine-tunes first-break models only, not {args.task}")
    if args.labels is None:
        raise CommandError("--survey goes with --labels PICKS.csv")
    if args.init_from is None:
        raise CommandError("--labels needs --from MODEL.pt (the base weights to fine-tune)")
    if args.threads is not None and args.threads < 1:
        raise CommandError(f"--threads must be at least 1, got {args.threads}")
    settings = FineTuneSettings(seed=args.seed, threads=args.threads or 1)
    if args.steps is not None:
        if args.steps < 1:
            raise CommandError(f"--steps must be at least 1, got {args.steps}")
        settings.steps = args.steps
    if args.synthetic_fraction is not None:
        if not 0.0 <= args.synthetic_fraction < 1.0:
            raise CommandError("--synthetic-fraction must be in [0, 1)")
        settings.synthetic_fraction = args.synthetic_fraction
    out = check_output_path(args.out)
    bar = TerminalProgress("fine-tune firstbreaks", quiet=args.quiet)
    ctx = JobContext(on_progress=bar, min_interval_s=0.2)
    survey, times, name = _labels(args)
    try:
        gathers = labelled_gathers(survey, times, ctx)
    finally:
        survey.close()
    command = "geodesk " + shlex.join(["train", *sys.argv[2:]]) if sys.argv[1:2] == ["train"] \
        else f"geodesk train firstbreaks --from {args.init_from} --labels {args.labels}"
    res = finetune_firstbreaks(args.init_from, gathers, out, survey_name=name,
                               settings=settings, command=command, ctx=ctx)
    a = res.agreement
    held = ("no labels held back" if a.get("within_2_samples") is None else
            f"held-back agreement {a['within_2_samples']:.0%} within 2 samples "
            f"(base {res.base_agreement['within_2_samples']:.0%})")
    bar.done(f"wrote {out}: {res.n_labels} labels on {len(gathers)} shots, {held}, "
             f"{res.stopped}, {res.seconds:.0f} s")
    return 0
