"""Hostile values (NaN, inf, negative, zero, 1e9, 1e-9, 20-digit integers) for the numeric
options of every command of ``geodesk`` (taken from its own parser), each run in a child process
with a time limit on small inputs. Prints one JSON object: how many runs ran, were refused with
one line (exit 2), failed otherwise (exit 1, tracebacks, several stderr lines) or timed out.

Run: ``python bench/fuzz_cli_options.py [COUNT] [SEED]`` (default 120 runs, seed 0; minutes).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import bench_cli_safety as safety
import numpy as np

HOSTILE = ["nan", "inf", "-inf", "-1", "0", "1e9", "1e-9", "99999999999999999999", ""]
#: Commands not fuzzed: the window (interactive) and listing commands with no numbers.
SKIP = {("open",), ("demo",), ("models",)}
TIME_LIMIT_S = 60


def numeric_options(parser: argparse.ArgumentParser) -> list[str]:
    """The long option strings of ``parser`` that take an int or float."""
    return [a.option_strings[-1] for a in parser._actions
            if a.option_strings and a.type in (int, float)]


def base_lines(root: Path) -> dict[tuple[str, ...], list[str]]:
    """A valid command line per command, writing a new file under ``root``."""
    paths = safety.make_inputs(root)
    out: dict[tuple[str, ...], list[str]] = {}
    for k, case in enumerate(safety.cases(paths)):
        if case.words in out:
            continue
        ext = {"train": ".pt", "adapt": ".pt"}.get(case.words[0], case.target.suffix or ".csv")
        if case.words[0] in ("track", "velocities", "firstbreaks", "export"):
            ext = ".csv"
        out[case.words] = [str(root / f"new{k}{ext}") if a == "{OUT}" else a for a in case.argv]
    out[("info",)] = ["info", str(paths["post3d"])]
    out[("import",)] = ["import", str(paths["project"]), "velocities", str(paths["picks"]),
                        "--name", "fuzzed"]
    return out


def run_one(argv: list[str], env: dict) -> dict:
    try:
        p = subprocess.run([sys.executable, "-m", "geodesk.cli", *argv], capture_output=True,
                           text=True, timeout=TIME_LIMIT_S, env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"outcome": "timeout"}
    err = [ln for ln in p.stderr.splitlines() if ln.strip()]
    if "Traceback" in p.stderr:
        outcome = "traceback"
    elif p.returncode == 0:
        outcome = "ran"
    elif p.returncode == 2:
        outcome = "refused" if len(err) == 1 else "refused_several_lines"
    else:
        outcome = f"exit_{p.returncode}"
    return {"outcome": outcome, "stderr": err[-3:]}


def main() -> int:
    from geodesk.cli import build_parser, leaf_parsers

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 120
    rng = np.random.default_rng(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    parsers = {w: p for w, p in leaf_parsers(build_parser()).items() if w not in SKIP}
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OMP_NUM_THREADS": "1"}
    results = []
    with tempfile.TemporaryDirectory(prefix="cli_fuzz_") as tmp:
        lines = base_lines(Path(tmp))
        pool = [(w, opt) for w, p in parsers.items() for opt in numeric_options(p)
                if w in lines]
        for _ in range(count):
            words, opt = pool[int(rng.integers(len(pool)))]
            value = HOSTILE[int(rng.integers(len(HOSTILE)))]
            argv = [*lines[words], f"{opt}={value}"]
            results.append({"command": " ".join(words), "option": f"{opt}={value}",
                            **run_one(argv, env)})
    counts: dict[str, int] = {}
    for r in results:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    bad = [r for r in results if r["outcome"] not in ("ran", "refused")]
    ran = sorted({f"{r['command']} {r['option']}" for r in results if r["outcome"] == "ran"})
    print(json.dumps({"runs": count, "options": len(pool), **counts, "not_clean": bad,
                      "accepted": ran}, indent=1))
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())
