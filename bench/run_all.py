"""Run every benchmark in ``bench/`` one after the other and print one JSON object of their results.

Each ``bench_*.py`` prints one JSON object (with its own ratio against a baseline measured in the
same run); this runs them alone, in a fresh process each (so timings do not disturb each other),
and collects ``{name: result}`` plus the failures. ``--only`` / ``--skip`` choose benches by
name; ``--quick`` skips the quality benches that take several minutes each.

    python bench/run_all.py [--quick] [--only NAME ...] [--skip NAME ...] [--timeout S]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
#: quality benches that train/score models on many sections: minutes each on 2 cores
SLOW = ("denoise_quality", "fault_quality", "fb_quality", "vel_quality", "ml_memory", "vs_su")


def bench_names() -> list[str]:
    return sorted(p.stem.removeprefix("bench_") for p in BENCH.glob("bench_*.py"))


def run_one(name: str, timeout_s: float) -> dict:
    """Run ``bench_NAME.py``; its JSON (last line that parses), or why it failed."""
    start = time.perf_counter()
    try:
        out = subprocess.run([sys.executable, str(BENCH / f"bench_{name}.py")],
                             capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout_s:g} s"}
    wall = round(time.perf_counter() - start, 1)
    if out.returncode != 0:
        tail = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {out.returncode}: {tail}", "wall_s": wall}
    text = out.stdout.strip()
    try:  # one JSON object, possibly pretty-printed over several lines
        return {"result": json.loads(text), "wall_s": wall}
    except json.JSONDecodeError:
        for line in reversed(text.splitlines()):
            try:
                return {"result": json.loads(line), "wall_s": wall}
            except json.JSONDecodeError:
                continue
    return {"error": "no JSON in the output", "wall_s": wall}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=f"skip {', '.join(SLOW)}")
    ap.add_argument("--only", nargs="+", default=None, metavar="NAME")
    ap.add_argument("--skip", nargs="+", default=[], metavar="NAME")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per bench")
    args = ap.parse_args(argv)
    known = bench_names()
    unknown = [n for n in (args.only or []) + args.skip if n not in known]
    if unknown:
        print(f"run_all: unknown bench {', '.join(unknown)}; choose from {', '.join(known)}",
              file=sys.stderr)
        return 2
    names = [n for n in (args.only or known) if n not in args.skip
             and not (args.quick and n in SLOW)]
    results = {}
    for name in names:
        print(f"run_all: {name}…", file=sys.stderr, flush=True)
        results[name] = run_one(name, args.timeout)
    failed = sorted(n for n, r in results.items() if "error" in r)
    print(json.dumps({"benches": results, "failed": failed}, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
