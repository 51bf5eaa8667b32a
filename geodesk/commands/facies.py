"""``geodesk facies IN.sgy OUT.sgy --clusters K``: unsupervised facies (K-means on attributes or
on autoencoder features), per sample or along a horizon, through the window's code path
(:func:`geodesk.ml.facies_run.classify_survey`)."""

from __future__ import annotations

import argparse
import sys

from geodesk.commands.outputs import declare_io


def register(subparsers: argparse._SubParsersAction) -> None:
    from geodesk.core.processing.attributes import ATTRIBUTES
    from geodesk.ml.facies_run import DEFAULT_ATTRIBUTES, FaciesSettings

    p = subparsers.add_parser(
        "facies", help="unsupervised seismic facies (K-means on attributes or CAE features)",
        description="Classify every sample of a post-stack volume or line into K facies by "
        "K-means on standardised attributes (or on the latent features of a small "
        "convolutional autoencoder trained on the file itself) and write the class (1..K) of "
        "each sample as SEG-Y with the input's headers. With --horizon, one class per trace "
        "from the attributes averaged in a window centred on the horizon: written on the "
        "window's samples (0 elsewhere) and, with --map-csv, as a map "
        "inline,xline,x,y,facies. A fixed --seed gives the same classes; classes are "
        "numbered by their mean of the first attribute (ascending).")
    p.add_argument("input", help="post-stack SEG-Y/SU file")
    p.add_argument("output", help="SEG-Y file of classes to write")
    p.add_argument("--clusters", type=int, required=True, metavar="K", help="number of facies")
    p.add_argument("--features", choices=("attributes", "cae"), default="attributes",
                   help="what K-means clusters: attributes (default) or the latent features of "
                   "a convolutional autoencoder trained on this file")
    p.add_argument("--attributes", default=",".join(DEFAULT_ATTRIBUTES), metavar="A,B,…",
                   help=f"attributes for --features attributes, from {', '.join(ATTRIBUTES)} "
                   f"(default {','.join(DEFAULT_ATTRIBUTES)})")
    p.add_argument("--attribute-window", type=float, default=32.0, metavar="MS",
                   help="window of the windowed attributes (default 32 ms)")
    p.add_argument("--thin-layer", type=float, default=FaciesSettings.thin_layer_ms,
                   metavar="MS", help="layers thinner than this, enclosed by one class, are "
                   f"taken into it (default {FaciesSettings.thin_layer_ms:g} ms; 0 keeps them)")
    p.add_argument("--horizon", default=None, metavar="H.csv",
                   help="horizon CSV (inline,xline,x,y,time_ms): classify along it")
    p.add_argument("--window", type=float, default=None, metavar="MS",
                   help="window centred on the horizon (default 40 ms; needs --horizon)")
    p.add_argument("--map-csv", default=None, metavar="MAP.csv",
                   help="with --horizon: write the facies map inline,xline,x,y,facies")
    p.add_argument("--seed", type=int, default=0, help="seed of K-means (and the CAE)")
    p.add_argument("--cae-steps", type=int, default=300,
                   help="training steps of the autoencoder for --features cae (default 300)")
    p.add_argument("--threads", type=int, default=None, help="CPU threads (K-means, torch)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    declare_io(p, inputs=("input", "horizon"), outputs={"output": "segy", "map_csv": "text"})
    p.set_defaults(func=run_facies)


def _check_args(args: argparse.Namespace):
    from geodesk.commands import CommandError
    from geodesk.ml.facies_run import FaciesSettings

    if args.window is not None and args.horizon is None:
        raise CommandError("--window is the window around a horizon: give --horizon H.csv too")
    if args.map_csv is not None and args.horizon is None:
        raise CommandError("--map-csv writes the facies map along a horizon: give --horizon too")
    if args.threads is not None and args.threads < 1:
        raise CommandError(f"--threads must be at least 1, got {args.threads}")
    if args.cae_steps < 1:
        raise CommandError(f"--cae-steps must be at least 1, got {args.cae_steps}")
    names = tuple(a.strip() for a in args.attributes.split(",") if a.strip())
    settings = FaciesSettings(n_clusters=args.clusters, features=args.features,
                              attributes=names, window_ms=args.attribute_window, seed=args.seed,
                              thin_layer_ms=args.thin_layer,
                              horizon_window_ms=(args.window if args.window is not None else
                                                 40.0) if args.horizon else None)
    settings.check()
    return settings


def horizon_grid(survey, path: str):
    """The horizon CSV at ``path`` as an (inlines, crosslines) grid of times (NaN unpicked);
    points outside the survey are refused."""
    import numpy as np

    from geodesk.core.exchange.csv_io import keys_to_index, points_to_grid, read_horizon_csv
    from geodesk.ml.facies import FaciesError

    if survey.kind != "post3d":
        raise FaciesError(f"--horizon needs a 3D volume; {survey.name} is a {survey.kind} file")
    pts = read_horizon_csv(path)
    rows = keys_to_index(pts.inline, survey.inlines)
    cols = keys_to_index(pts.xline, survey.crosslines)
    off = (rows < 0) | (cols < 0)
    if off.size == 0:
        raise FaciesError(f"horizon {path} has no points")
    if off.any():
        k = int(np.flatnonzero(off)[0])
        raise FaciesError(
            f"horizon {path}: {int(off.sum())} of {off.size} points lie outside the survey "
            f"(first: line {int(pts.lines[k])}, inline {int(pts.inline[k])} xline "
            f"{int(pts.xline[k])}; survey inlines {int(survey.inlines[0])}-"
            f"{int(survey.inlines[-1])}, crosslines {int(survey.crosslines[0])}-"
            f"{int(survey.crosslines[-1])})")
    return points_to_grid(path, pts.lines, rows, cols, pts.time_ms,
                          (len(survey.inlines), len(survey.crosslines)))


def run_facies(args: argparse.Namespace) -> int:
    import contextlib

    import geodesk
    from geodesk.commands.apply_models import _context
    from geodesk.core.exchange.facies_io import write_facies_map_csv, write_facies_segy
    from geodesk.ml.facies_run import classify_survey

    settings = _check_args(args)
    limits = contextlib.nullcontext()
    if args.threads:
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(int(args.threads))
    ctx, bar = _context(f"facies ({settings.features})", args.quiet)
    with geodesk.open(args.input) as survey, limits:
        horizon = horizon_grid(survey, args.horizon) if args.horizon else None
        featurizer = names = None
        if settings.features == "cae":
            from geodesk.ml.facies_cae import survey_cae_featurizer

            featurizer, names = survey_cae_featurizer(survey, settings, ctx,
                                                      steps=args.cae_steps,
                                                      threads=args.threads or 1)
        result = classify_survey(survey, settings, ctx, horizon_ms=horizon,
                                 featurizer=featurizer, feature_names=names)
        for m in result.messages:
            print(f"facies: {m}", file=sys.stderr)
        write_facies_segy(survey, args.output, result.trace_classes())
        rows = None
        if args.map_csv:
            gx, gy = survey.grid_xy()
            rows = write_facies_map_csv(args.map_csv, survey.inlines, survey.crosslines,
                                        result.classes, gx, gy)
    counts = ", ".join(f"{k}: {int((result.classes == k).sum())}"
                       for k in range(1, result.n_clusters + 1))
    more = f"; {rows} map nodes to {args.map_csv}" if rows is not None else ""
    bar.done(f"wrote {args.output} ({result.n_clusters} facies; {counts}{more})")
    return 0
