"""CSV import mutants: valid pick files (velocities, horizons, first breaks, faults) with one
field replaced by a hostile token (overflowing integers, 1e39, NaN, NUL, a 131073-character
field…) or one line broken, imported into an interpretation that already holds an object of
that name. Each mutant must be imported exactly as an independent oracle reads it, or refused
with line numbers and the interpretation unchanged. Prints one JSON object.

Run: ``python bench/bench_csv_mutants.py [COUNT] [SEED]`` (default 2000 mutants, seed 0).
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: The survey the files are imported into.
CDPS = np.arange(1, 21)
INLINES, XLINES = np.arange(1, 11), np.arange(101, 111)
FFID, CHANNEL = np.repeat(np.arange(1, 4), 8), np.tile(np.arange(1, 9), 3)
KINDS = ("velocities", "horizon", "firstbreaks", "faults")
HEADERS = {"velocities": ["cdp", "time_ms", "vrms_mps"],
           "horizon": ["inline", "xline", "x", "y", "time_ms"],
           "firstbreaks": ["ffid", "channel", "trace", "offset", "time_ms"],
           "faults": ["fault", "stick", "node", "inline", "xline", "x", "y", "time_ms"]}
#: Tokens a field is replaced with (valid ones too: a mutant may stay importable).
TOKENS = ["", " ", "abc", "nan", "inf", "-inf", "1e39", "-1e39", "1e400",
          "99999999999999999999", "2147483648", "-2147483649", "2147483647", "0", "-1", "-0",
          "50", "99.9", "100", "20000", "20001", "1e5", "1000000", "1000001", "-100000",
          "-100001", "3.5", " 7 ", "7.0", "7.5", "1_0", "0x10", "1e-300", "\x00", "a\x00b",
          "F\x01", "tab\there", "line\nbreak", "999", "#5", "é", "1" * 131073]
STRUCTURAL = ("extra_field", "missing_field", "duplicate_row", "open_quote", "comment_line")
INT32 = (-(2**31), 2**31 - 1)


@dataclass
class Mutant:
    """A pick file as records (lists of fields, or raw text lines) and what was changed."""

    kind: str
    records: list = field(default_factory=list)
    mutation: str = ""

    def text(self) -> tuple[str, list[int]]:
        """The file text and the first line of each record (header = line 1)."""
        out, starts, line = io.StringIO(), [], 2
        out.write(",".join(HEADERS[self.kind]) + "\n")
        for rec in self.records:
            starts.append(line)
            if isinstance(rec, str):
                s = rec + "\n"
            else:
                buf = io.StringIO()
                csv.writer(buf, lineterminator="\n").writerow(rec)
                s = buf.getvalue()
            out.write(s)
            line += s.count("\n")
        return out.getvalue(), starts


def base(kind: str, rng: np.random.Generator) -> Mutant:
    """A valid file of ``kind``."""
    m = Mutant(kind)
    if kind == "velocities":
        for cdp in rng.choice(CDPS, size=3, replace=False):
            for t in sorted(rng.choice(np.arange(0, 4000, 4), size=3, replace=False)):
                m.records.append([str(cdp), str(t), f"{rng.uniform(1500, 4000):.1f}"])
    elif kind == "horizon":
        nodes = rng.choice(INLINES.size * XLINES.size, size=6, replace=False)
        for n in nodes:
            m.records.append([str(INLINES[n // XLINES.size]), str(XLINES[n % XLINES.size]),
                              "", "", f"{rng.uniform(100, 2000):.2f}"])
    elif kind == "firstbreaks":
        for k in rng.choice(FFID.size, size=10, replace=False):
            m.records.append([str(FFID[k]), str(CHANNEL[k]), str(k), f"{rng.uniform(0, 2000):.1f}",
                              f"{rng.uniform(10, 500):.3f}" if rng.random() < 0.8 else ""])
    else:
        for name in ("F1", "Fault B"):
            for stick in range(2):
                il = rng.integers(1, 11)
                for node in range(3):
                    m.records.append([name, str(stick), str(node), str(il),
                                      str(rng.integers(101, 111)), "", "",
                                      f"{100 + 300 * node + rng.uniform(0, 50):.1f}"])
    return m


def mutate(m: Mutant, rng: np.random.Generator) -> Mutant:
    """One field replaced by a token, or one structural change."""
    k = int(rng.integers(len(m.records)))
    if rng.random() < 0.8:
        col = int(rng.integers(len(HEADERS[m.kind])))
        token = TOKENS[int(rng.integers(len(TOKENS)))]
        m.records[k] = list(m.records[k])
        m.records[k][col] = token
        m.mutation = f"{HEADERS[m.kind][col]}={token[:12]!r}"
        return m
    what = STRUCTURAL[int(rng.integers(len(STRUCTURAL)))]
    row = m.records[k]
    if what == "extra_field":
        m.records[k] = ",".join(row) + ",1"
    elif what == "missing_field":
        m.records[k] = ",".join(row[:-1])
    elif what == "duplicate_row":
        m.records.insert(k + 1, list(row))
    elif what == "open_quote":
        m.records[k] = '"' + ",".join(row)
    else:
        m.records.insert(k, "# a comment")
    m.mutation = what
    return m


# -- the oracle: an independent reading of the records ------------------------------------------
class Bad(Exception):
    pass


def _num(t: str, lo: float = -math.inf, hi: float = math.inf, empty: bool = False) -> float:
    t = t.strip()
    if t == "" and empty:
        return math.nan
    try:
        v = float(t)
    except ValueError:
        raise Bad from None
    if not (math.isfinite(v) and lo <= v <= hi):
        raise Bad
    return v


def _int(t: str) -> int:
    t = t.strip()
    try:
        n = int(t)
    except ValueError:
        v = _num(t)
        if not v.is_integer():
            raise Bad from None
        n = int(v)
    if not INT32[0] <= n <= INT32[1]:
        raise Bad
    return n


def oracle(m: Mutant) -> tuple[object, set[int], bool]:
    """(expected content or None, lines that are bad, whether a raw line was changed)."""
    _, starts = m.text()
    rows, bad, raw = [], set(), False
    for rec, line in zip(m.records, starts):
        if isinstance(rec, str):
            if rec.startswith("#"):
                continue
            raw = True
            bad.add(line)
            continue
        if rec[0].lstrip().startswith("#"):  # written unquoted: the line reads as a comment
            continue
        if any(any(ord(c) < 32 and c != "\t" or ord(c) == 127 for c in f) for f in rec) or \
                any(len(f) > 131072 for f in rec):
            bad.add(line)
            continue
        try:
            rows.append((line, _parse(m.kind, rec)))
        except Bad:
            bad.add(line)
    if bad:
        return None, bad, raw
    return _assemble(m.kind, rows)


def _parse(kind: str, r: list[str]) -> tuple:
    if kind == "velocities":
        return _int(r[0]), _num(r[1], 0, 1e6), _num(r[2], 100, 20000)
    if kind == "horizon":
        _num(r[2], empty=True), _num(r[3], empty=True)
        return _int(r[0]), _int(r[1]), _num(r[4], -1e5, 1e6)
    if kind == "firstbreaks":
        tr = -1 if not r[2].strip() else _int(r[2])
        if r[2].strip() and tr < 0:
            raise Bad
        _num(r[3], empty=True)
        return _int(r[0]), _int(r[1]), tr, _num(r[4], -1e5, 1e6, empty=True)
    name = r[0].strip()
    stick, node = _int(r[1]), _int(r[2])
    if not name or stick < 0 or node < 0:
        raise Bad
    _num(r[5], empty=True), _num(r[6], empty=True)
    return name, stick, node, _num(r[3]), _num(r[4]), _num(r[7], -1e5, 1e6)


def _assemble(kind: str, rows: list) -> tuple[object, set[int], bool]:
    seen: dict = {}
    bad: set[int] = set()
    key_len = {"velocities": 2, "horizon": 2, "firstbreaks": 2, "faults": 3}[kind]
    for line, v in rows:
        key = v[:key_len]
        if key in seen:
            bad.add(line)
        seen.setdefault(key, line)
    if bad:
        return None, bad, False
    if kind == "velocities":
        out: dict = {}
        for line, (cdp, t, v) in rows:
            if cdp not in set(CDPS.tolist()):
                bad.add(line)
            out.setdefault(cdp, []).append((t, v))
        return (None if bad else {c: sorted(p) for c, p in out.items()}), bad, False
    if kind == "horizon":
        grid = np.full((INLINES.size, XLINES.size), np.nan, np.float32)
        for line, (il, xl, t) in rows:
            if il not in set(INLINES.tolist()) or xl not in set(XLINES.tolist()):
                bad.add(line)
                continue
            grid[il - INLINES[0], xl - XLINES[0]] = np.float32(t)
        return (None if bad else grid), bad, False
    if kind == "firstbreaks":
        times = np.full(FFID.size, np.nan, np.float32)
        keys = {(int(f), int(c)): k for k, (f, c) in enumerate(zip(FFID, CHANNEL))}
        for line, (f, c, _tr, t) in rows:
            if (f, c) not in keys:
                bad.add(line)
                continue
            times[keys[(f, c)]] = np.float32(t)
        return (None if bad else times), bad, False
    faults: dict = {}
    for line, (name, stick, node, il, xl, t) in rows:
        if not (INLINES[0] <= il <= INLINES[-1] and XLINES[0] <= xl <= XLINES[-1]):
            bad.add(line)
        faults.setdefault(name, {}).setdefault(stick, {})[node] = (il, xl, t)
    expected = {n: [[s[k] for k in sorted(s)] for _, s in sorted(st.items())]
                for n, st in faults.items()}
    return (None if bad else expected), bad, False


# -- importing with GeoDesk -----------------------------------------------------------------------
def _import(kind: str, interp, history, path: Path):
    from geodesk.core.exchange import picks_io as ex

    if kind == "velocities":
        return ex.import_velocities(interp, history, path, "X", cdps=CDPS)
    if kind == "horizon":
        return ex.import_horizon(interp, history, path, "X", INLINES, XLINES, "csv")
    if kind == "firstbreaks":
        return ex.import_firstbreaks(interp, history, path, "X", FFID, CHANNEL, "csv")
    return ex.import_faults(interp, history, path, "X", INLINES, XLINES)


def _content(kind: str, obj) -> object:
    if kind == "velocities":
        return {c: list(zip(f.times_ms.tolist(), f.vrms_mps.tolist()))
                for c, f in obj.functions.items()}
    if kind in ("horizon", "firstbreaks"):
        return np.asarray(obj.times, np.float32)
    return {f.name: [[tuple(p) for p in s.points.tolist()] for s in f.sticks]
            for f in obj.faults}


def _same(kind: str, a, b) -> bool:
    if kind in ("horizon", "firstbreaks"):
        return np.array_equal(a, b, equal_nan=True)
    if kind == "faults":
        return a == {n: [[tuple(p) for p in s] for s in st] for n, st in b.items()}
    return a == b


def _snapshot(kind: str, interp, folder: Path) -> tuple:
    from geodesk.core.exchange import picks_io as ex

    key = {"velocities": "velocity_functions", "horizon": "horizon",
           "firstbreaks": "first_breaks", "faults": "fault_set"}[kind]
    obj = interp.get(key, "X")
    out = folder / "snapshot.csv"
    {"velocities": ex.export_velocities, "horizon": ex.export_horizon,
     "firstbreaks": ex.export_firstbreaks, "faults": ex.export_faults}[kind](obj, out)
    return tuple(interp.names(key)), out.read_bytes()


def run_mutant(seed: int, folder: Path) -> dict:
    """Build mutant ``seed``, import it, and classify the outcome."""
    from geodesk.core.exchange.common import ImportError_
    from geodesk.core.history import History
    from geodesk.core.picks import Interpretation

    rng = np.random.default_rng(seed)
    kind = KINDS[seed % len(KINDS)]
    original = base(kind, rng)
    m = mutate(Mutant(kind, [list(r) for r in original.records]), rng)
    interp, history = Interpretation(), History()
    start = folder / "base.csv"
    start.write_text(original.text()[0], encoding="utf-8")
    _import(kind, interp, history, start)
    before = _snapshot(kind, interp, folder)
    path = folder / "mutant.csv"
    path.write_text(m.text()[0], encoding="utf-8")
    expected, bad_lines, raw = oracle(m)
    result = {"seed": seed, "kind": kind, "mutation": m.mutation}
    try:
        obj = _import(kind, interp, history, path)
    except ImportError_ as exc:
        lines = {ln for ln, _ in exc.problems}
        unchanged = _snapshot(kind, interp, folder) == before
        with_line = bool(lines) and min(lines) > 0 and (raw or bool(lines & bad_lines))
        outcome = "refused_with_line" if with_line else "refused_without_line"
        if not unchanged:
            outcome = "half_imported"
        elif expected is not None:
            outcome = "wrongly_refused"
        return {**result, "outcome": outcome, "problems": exc.problems[:3]}
    except Exception as exc:  # noqa: BLE001 - a traceback is what is being counted
        return {**result, "outcome": "crash", "error": f"{type(exc).__name__}: {exc}"[:200]}
    if expected is None:
        return {**result, "outcome": "wrongly_accepted", "bad_lines": sorted(bad_lines)}
    ok = _same(kind, _content(kind, obj), expected)
    return {**result, "outcome": "imported_exactly" if ok else "half_imported"}


def measure(count: int, seed: int = 0) -> dict:
    """Run ``count`` mutants from ``seed``; the counts by outcome and the failures."""
    with tempfile.TemporaryDirectory(prefix="csv_mutants_") as tmp:
        results = [run_mutant(seed + k, Path(tmp)) for k in range(count)]
    counts: dict[str, int] = {}
    for r in results:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    failures = [r for r in results
                if r["outcome"] not in ("refused_with_line", "imported_exactly")]
    return {"mutants": count, "seed": seed, **{k: counts.get(k, 0) for k in (
        "refused_with_line", "imported_exactly", "refused_without_line", "half_imported",
        "wrongly_accepted", "wrongly_refused", "crash")}, "failures": failures[:20]}


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    report = measure(count, seed)
    print(json.dumps(report, indent=1, default=str))
    return 0 if not report["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
