"""``geodesk info FILE``: what a SEG-Y/SU file holds (kind, geometry, format), as text or JSON."""

from __future__ import annotations

import argparse
import json
import sys

from geodesk.commands.outputs import declare_io

BYTE_OPTIONS = ("iline", "xline", "cdp_x", "cdp_y", "cdp", "offset", "ffid", "channel")


def register(subparsers) -> None:
    p = subparsers.add_parser("info", help="describe a SEG-Y or SU file",
                              description="Scan a SEG-Y/SU file and print its kind, geometry, "
                              "sample format and header bytes.")
    p.add_argument("file", help="SEG-Y or SU file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--headers", action="store_true",
                   help="add the trace-header scan (min/max/distinct of every field)")
    p.add_argument("--scan-traces", type=int, default=1000, metavar="N",
                   help="traces used by --headers (default 1000)")
    for name in BYTE_OPTIONS:
        p.add_argument(f"--{name.replace('_', '-')}", type=int, metavar="BYTE",
                       help=f"trace-header byte of {name.replace('_', ' ')}")
    p.add_argument("--kind", choices=("post3d", "post2d", "prestack"), help="force the kind")
    p.add_argument("--endian", choices=("big", "little"), help="force the byte order")
    p.add_argument("--su", action="store_true", default=None, help="read as Seismic Unix")
    declare_io(p, inputs=("file",))
    p.set_defaults(func=run)


def _text_report(info: dict) -> str:
    fmt = info["format"]
    lines = [f"{info['path']}",
             f"  kind        {info['kind']}",
             (f"  traces      {info['traces']} × {info['samples']} samples, dt {info['dt_ms']:g} ms,"
             f" delay {info['delay_ms']:g} ms"),
             (f"  format      {fmt['code']} ({fmt['name']}), {info['endian']}-endian"
             f"{', SU' if info['su'] else ''}"),
             f"  text header {info['text_encoding']}",
             f"  file size   {info['file_size']} bytes"]
    if "inlines" in info:
        il, xl = info["inlines"], info["crosslines"]
        lines.append(f"  inlines     {il[0]}..{il[1]} step {il[2]}, crosslines {xl[0]}..{xl[1]} "
                     f"step {xl[2]} ({info['sorting']}-sorted, {info['missing_traces']} missing)")
    if "gathers" in info:
        g = info["gathers"]
        lines.append(f"  gathers     {g['count']} by {g['key']} ({g['first']}..{g['last']}), "
                     f"{g['min_traces']}-{g['max_traces']} traces each")
    if "trace_numbers" in info:
        lines.append(f"  trace nos   {info['trace_numbers'][0]}..{info['trace_numbers'][1]}")
    if info.get("x_range"):
        lines.append(f"  x / y       {info['x_range'][0]:g}..{info['x_range'][1]:g} / "
                     f"{info['y_range'][0]:g}..{info['y_range'][1]:g}"
                     + (f" (from {info['xy_from']})" if info.get("xy_from", "cdp") != "cdp"
                        else ""))
    hb = ", ".join(f"{k} {v}" for k, v in info["header_bytes"].items())
    lines.append(f"  header bytes {hb}")
    lines += [f"  warning: {w}" for w in info["warnings"]]
    return "\n".join(lines)


def _headers_table(rows: list[dict]) -> str:
    out = [f"{'byte':>5} {'field':<40} {'min':>12} {'max':>12} {'distinct':>8} {'first':>12}"]
    out += [f"{r['byte']:>5} {r['name']:<40} {r['min']:>12} {r['max']:>12} {r['distinct']:>8} "
            f"{r['first']:>12}" for r in rows]
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    from geodesk.core.segy.reader import open_survey

    if args.scan_traces < 1:
        from geodesk.commands import CommandError

        raise CommandError(f"--scan-traces must be at least 1, got {args.scan_traces}")
    overrides = {name: getattr(args, name) for name in BYTE_OPTIONS}
    with open_survey(args.file, kind=args.kind, endian=args.endian, su=args.su,
                     **overrides) as survey:
        info = survey.info()
        rows = ([vars(s) for s in survey.header_scan(args.scan_traces)] if args.headers
                else None)
    if args.json:
        if rows is not None:
            info["headers"] = rows
        json.dump(info, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(_text_report(info))
        if rows is not None:
            print(_headers_table(rows))
    return 0
