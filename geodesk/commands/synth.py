"""``geodesk synth {post3d,shots,cmps} OUT.sgy``: write a synthetic survey and its truth file."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from geodesk.commands import CommandError
from geodesk.commands.outputs import declare_io

DEFAULT_SIZE = {"post3d": "128x128x128", "shots": "24x96x1000", "cmps": "40x48x1000"}
DEFAULT_DT = {"post3d": 4.0, "shots": 1.0, "cmps": 4.0}
SIZE_HELP = {
    "post3d": "inlines x crosslines x samples",
    "shots": "shots x channels x samples",
    "cmps": "cmps x offsets x samples",
}


def parse_size(text: str) -> tuple[int, int, int]:
    """``"100x120x400"`` → (100, 120, 400)."""
    parts = text.lower().replace("*", "x").split("x")
    try:
        vals = tuple(int(p) for p in parts)
    except ValueError:
        raise CommandError(f"bad size {text!r}: expected three integers like 100x120x400") from None
    if len(vals) != 3 or min(vals) < 1:
        raise CommandError(f"bad size {text!r}: expected three positive integers like 100x120x400")
    return vals  # type: ignore[return-value]


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "synth", help="write a synthetic SEG-Y survey with its truth file", description=__doc__
    )
    kinds = p.add_subparsers(dest="synth_kind", metavar="KIND", required=True)
    for kind in ("post3d", "shots", "cmps"):
        k = kinds.add_parser(kind, help=f"{kind} ({SIZE_HELP[kind]})")
        k.add_argument("out", type=Path, help="output SEG-Y path (truth goes to OUT.truth.npz)")
        k.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        k.add_argument(
            "--size",
            default=DEFAULT_SIZE[kind],
            help=f"{SIZE_HELP[kind]} (default {DEFAULT_SIZE[kind]})",
        )
        k.add_argument(
            "--snr",
            type=float,
            default=None,
            help="signal-to-noise ratio in dB (10 log10 Ps/Pn); default: generator's",
        )
        k.add_argument("--clean", action="store_true", help="no random noise")
        k.add_argument(
            "--dt",
            type=float,
            default=DEFAULT_DT[kind],
            help=f"sample interval in ms (default {DEFAULT_DT[kind]:g})",
        )
        k.add_argument(
            "--format",
            type=int,
            default=5,
            choices=(1, 2, 3, 5, 8),
            help="SEG-Y sample format: 1 IBM, 2 int32, 3 int16, 5 IEEE, 8 int8",
        )
        k.add_argument("--endian", choices=("big", "little"), default="big")
        if kind == "post3d":
            k.add_argument("--faults", type=int, default=3, help="number of faults (default 3)")
        if kind == "cmps":
            k.add_argument("--irregular", action="store_true", help="jittered offsets")
            k.add_argument("--no-multiples", action="store_true", help="primaries only")
        declare_io(k, outputs={"out": "segy"}, extra=_truth_output)
        k.set_defaults(func=run)


#: Largest signal-to-noise ratio in dB taken (beyond it the noise is below float32 precision
#: or the signal vanishes; 10 ** (snr / 10) overflows past about 3000 dB).
SNR_LIMIT_DB = 200.0
#: Sample intervals SEG-Y can store (whole microseconds in 16 bits), in ms.
DT_RANGE_MS = (0.001, 65.535)
#: Bytes per output sample the generators hold at their peak (float64 work arrays and copies),
#: measured with tracemalloc (post3d 58, shots 222, cmps 30) and rounded up.
PEAK_BYTES_PER_SAMPLE = {"post3d": 64, "shots": 256, "cmps": 40}


def _check_numbers(args: argparse.Namespace, size: tuple[int, int, int]) -> None:
    """Refuse a non-finite SNR, a dt SEG-Y cannot store and a size that cannot fit in memory."""
    from geodesk.core.memory import check_allocation

    if args.snr is not None and not -SNR_LIMIT_DB <= args.snr <= SNR_LIMIT_DB:
        raise CommandError(f"--snr must be a finite number of dB within +-{SNR_LIMIT_DB:g} "
                           f"(a power ratio of 1e{SNR_LIMIT_DB / 10:g}), got {args.snr:g}")
    lo, hi = DT_RANGE_MS
    if not lo <= args.dt <= hi:
        raise CommandError(f"--dt must be between {lo:g} and {hi:g} ms (SEG-Y stores it in "
                           f"whole microseconds), got {args.dt:g}")
    if getattr(args, "faults", 0) is not None and not 0 <= getattr(args, "faults", 0) <= 1000:
        raise CommandError(f"--faults must be between 0 and 1000, got {args.faults}")
    n = float(size[0]) * size[1] * size[2]
    check_allocation(n * PEAK_BYTES_PER_SAMPLE[args.synth_kind], f"a {args.synth_kind} survey of "
                     f"{'x'.join(map(str, size))} samples")


def _truth_output(args: argparse.Namespace) -> list[tuple[str, str, str]]:
    from geodesk.synth.truth import truth_path

    return [(str(truth_path(args.out)), "npz", "truth file")]


def run(args: argparse.Namespace) -> int:
    from geodesk.synth import generate_cmps, generate_post3d, generate_shots
    from geodesk.synth.truth import truth_path

    size = parse_size(args.size)
    _check_numbers(args, size)
    noise = {} if args.snr is None else {"snr_db": args.snr}
    if args.clean:
        noise = {"snr_db": None}
    if not args.out.parent.exists():
        raise CommandError(f"folder {args.out.parent} does not exist")
    if args.out.is_file() and not truth_path(args.out).exists() and not args.force:
        raise CommandError(f"{args.out} exists and was not written by 'geodesk synth' (no "
                           f"{truth_path(args.out).name} beside it); add --force to replace it")
    start = time.perf_counter()
    if args.synth_kind == "post3d":
        res = generate_post3d(size, seed=args.seed, dt_ms=args.dt, n_faults=args.faults, **noise)
    elif args.synth_kind == "shots":
        res = generate_shots(size, seed=args.seed, dt_ms=args.dt, **noise)
    else:
        res = generate_cmps(
            size,
            seed=args.seed,
            dt_ms=args.dt,
            irregular=args.irregular,
            multiples=not args.no_multiples,
            **noise,
        )
    path = res.write(args.out, format=args.format, endian=args.endian)
    secs = time.perf_counter() - start
    mb = path.stat().st_size / 1e6
    snr = res.params["snr_db"]
    print(
        f"wrote {path} ({args.synth_kind} {'x'.join(map(str, size))}, dt {args.dt:g} ms, "
        f"format {args.format} {args.endian}-endian, "
        f"{'noise-free' if snr is None else f'SNR {snr:g} dB'}, {mb:.1f} MB, {secs:.1f} s)"
    )
    print(f"wrote {truth_path(path)} (truth)")
    return 0
