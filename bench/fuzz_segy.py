"""SEG-Y header fuzzing: mutate binary- and trace-header fields of small valid files and check
that GeoDesk either opens each mutant as segyio reads it (with the consistent ns/dt) or refuses
it with a one-line SurveyError. Prints one JSON object (count, refusals, opened, tracebacks,
hangs, silent misreads).

A *misread* is an opened mutant whose trace count, samples per trace, sample interval or
samples differ from the reference: segyio's own reading of the same bytes with the binary
header's ns and dt set to the consistent values, i.e. what the trace headers (every one, or
all but the few mutated) say when it fits the file, else the binary header's (a lie told by
every header alike cannot be seen, and is then the consistent reading). It is *silent* when no warning of the
survey names what differs (ns, sample interval, format). Each case runs in a forked worker
killed after ``--timeout`` seconds (a hang).

    python bench/fuzz_segy.py --cases 2000 --seed 0
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import struct
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import segyio

#: binary-header fields mutated: start byte (1-based, file offset + 1) -> width in bytes
BINARY_FIELDS = {3217: 2, 3219: 2, 3221: 2, 3223: 2, 3225: 2, 3269: 4, 3501: 2, 3503: 2,
                 3505: 2, 3507: 4}
#: trace-header fields mutated: start byte -> width in bytes
TRACE_FIELDS = {1: 4, 9: 4, 13: 4, 21: 4, 37: 4, 71: 2, 109: 2, 115: 2, 117: 2, 181: 4, 185: 4,
                189: 4, 193: 4}
TEXT, BINARY, HEADER = 3200, 400, 240
NS_BYTE, DT_BYTE = 3221, 3217
BASE_NS, BASE_DT_US = 50, 2000


@dataclass(frozen=True)
class Mutation:
    """One header field set to ``value``: binary header (``trace`` None) or trace ``trace``
    (-1: every trace)."""

    byte: int
    value: int
    trace: int | None = None


def write_base(path: Path, kind: str) -> None:
    """A small valid big-endian IEEE file: a 6 × 5 3D grid ("post3d") or a 24-trace shot
    ("prestack"), ns 50 at 2 ms, every trace header filled (ns, dt, lines, offsets)."""
    n = 30 if kind == "post3d" else 24
    spec = segyio.spec()
    spec.format, spec.samples, spec.tracecount = 5, range(BASE_NS), n
    rng = np.random.default_rng(7)
    with segyio.create(str(path), spec) as f:
        for i in range(n):
            head = {115: BASE_NS, 117: BASE_DT_US, 1: i + 1, 71: -10}
            if kind == "post3d":
                head.update({189: 100 + i // 5, 193: 200 + i % 5, 21: i + 1,
                             181: 10 * (i // 5), 185: 10 * (i % 5)})
            else:
                head.update({9: 7, 13: i + 1, 37: 25 * (i + 1), 21: 1000 + i})
            f.header[i] = head
            f.trace[i] = rng.standard_normal(BASE_NS).astype(np.float32)
        f.bin.update(hns=BASE_NS, hdt=BASE_DT_US, format=5)


def _pack(value: int, width: int) -> bytes:
    fmt = {2: ">H", 4: ">I"}[width]
    return struct.pack(fmt, value % (1 << (8 * width)))


def apply(raw: bytes, mutations: list[Mutation], n_traces: int) -> bytes:
    """``raw`` with the mutations written in (big-endian, values wrapped to the field width)."""
    out = bytearray(raw)
    trace_bytes = HEADER + 4 * BASE_NS
    for m in mutations:
        if m.trace is None:
            width = BINARY_FIELDS[m.byte]
            out[m.byte - 1:m.byte - 1 + width] = _pack(m.value, width)
            continue
        width = TRACE_FIELDS[m.byte]
        rows = range(n_traces) if m.trace == -1 else [m.trace % n_traces]
        for r in rows:
            at = TEXT + BINARY + r * trace_bytes + m.byte - 1
            out[at:at + width] = _pack(m.value, width)
    return bytes(out)


def _said(mutations: list[Mutation], trace_byte: int, binary_byte: int,
          base: int) -> tuple[int, int]:
    """(value every trace header holds, binary header value) of one 2-byte field after the
    mutations."""
    in_traces, in_binary = base, base
    for m in mutations:
        if m.trace == -1 and m.byte == trace_byte:
            in_traces = m.value % 65536
        if m.trace is None and m.byte == binary_byte:
            in_binary = m.value % 65536
    return in_traces, in_binary


def consistent_dt_us(mutations: list[Mutation], n_traces: int) -> int:
    """The dt the file means: the trace headers' when every one says the same valid dt (and
    the consistent ns puts the headers where they were written), else the binary header's
    when valid, else segyio's 4 ms."""
    trace_dt, bin_dt = _said(mutations, 117, DT_BYTE, BASE_DT_US)
    if 0 < trace_dt < 32768 and consistent_ns(mutations, n_traces) in (None, BASE_NS):
        return trace_dt
    return bin_dt if 0 < bin_dt < 32768 else 4000


def consistent_ns(mutations: list[Mutation], n_traces: int) -> int | None:
    """The ns the file means: the trace headers' (every one, or all but a few, says it) when it
    divides the file into whole traces, else the binary header's when that does, else None."""
    trace_ns, bin_ns = _said(mutations, 115, NS_BYTE, BASE_NS)
    body = n_traces * (HEADER + 4 * BASE_NS)
    for ns in (trace_ns, bin_ns):
        if ns and body % (HEADER + 4 * ns) == 0:
            return ns
    return None


def reference(raw: bytes, mutations: list[Mutation], workdir: Path,
              n_traces: int) -> dict | None:
    """segyio's reading of ``raw`` with binary ns/dt put back to the consistent values, or
    None when there is no consistent ns or segyio cannot read even that."""
    ns = consistent_ns(mutations, n_traces)
    if ns is None:
        return None
    fixed = bytearray(raw)
    fixed[NS_BYTE - 1:NS_BYTE + 1] = _pack(ns, 2)
    fixed[DT_BYTE - 1:DT_BYTE + 1] = _pack(consistent_dt_us(mutations, n_traces), 2)
    path = workdir / "reference.sgy"
    path.write_bytes(bytes(fixed))
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with segyio.open(str(path), ignore_geometry=True, endian="big") as f:
                data = np.asarray(f.trace.raw[:], dtype=np.float32).reshape(
                    f.tracecount, len(f.samples))
                return {"n": f.tracecount, "ns": len(f.samples), "format": int(f.format),
                        "data": data}
    except Exception:  # noqa: BLE001 - segyio refuses the bytes: nothing to compare with
        return None


#: formats whose samples segyio decodes exactly (IBM is not; see geodesk.core.segy.traces)
EXACT = {2, 3, 5, 8}


def judge(path: Path, raw: bytes, mutations: list[Mutation], workdir: Path,
          n_traces: int) -> dict:
    """Open ``path`` with GeoDesk and classify the outcome (refused / opened / misread)."""
    from geodesk.core.segy.reader import open_survey
    from geodesk.core.survey import SurveyError

    try:
        survey = open_survey(path)
    except SurveyError as exc:
        msg = str(exc)
        return {"outcome": "refused" if msg and "\n" not in msg else "bad_message",
                "message": msg}
    with survey:
        data = survey.traces(slice(None))
        got = {"n": survey.n_traces, "ns": survey.n_samples, "dt": survey.dt_ms,
               "warnings": list(survey.warnings)}
    ref = reference(raw, mutations, workdir, n_traces)
    if ref is None:
        return {"outcome": "opened_unverifiable", **got}
    differs = []
    if (got["n"], got["ns"]) != (ref["n"], ref["ns"]):
        differs.append("ns")
    if got["dt"] != consistent_dt_us(mutations, n_traces) / 1000.0:
        differs.append("sample interval")
    elif not differs and ref["format"] in EXACT and not np.array_equal(data, ref["data"],
                                                                       equal_nan=True):
        differs.append("format")
    if not differs:
        return {"outcome": "opened", **got}
    warned = all(any(word in w for w in got["warnings"]) for word in differs)
    return {"outcome": "opened_warned" if warned else "silent_misread", "differs": differs,
            **got}


def dividing_ns(n_traces: int) -> list[int]:
    """Samples per trace, other than the true one, that divide the base file into whole traces."""
    body = n_traces * (HEADER + 4 * BASE_NS)
    return [ns for ns in range(1, body // 4) if body % (HEADER + 4 * ns) == 0 and ns != BASE_NS]


def random_mutations(rng: np.random.Generator, n_traces: int) -> list[Mutation]:
    """One to three field mutations with edge values (0, -1, extremes, base ± 1) or noise."""
    out = []
    for _ in range(int(rng.integers(1, 4))):
        binary = rng.random() < 0.5
        table = BINARY_FIELDS if binary else TRACE_FIELDS
        byte = int(rng.choice(list(table)))
        width = table[byte]
        top = (1 << (8 * width)) - 1
        values = [0, 1, top, top // 2, top // 2 + 1, BASE_NS - 1, BASE_NS + 1, 2 * BASE_NS,
                  BASE_DT_US * 2, 4000, int(rng.integers(0, top))]
        if byte in (115, NS_BYTE):  # ns values that also divide the file: the lies that fit
            values += dividing_ns(n_traces)
        value = int(rng.choice(values))
        trace = None if binary else int(rng.choice([0, 1, -1, n_traces // 2,
                                                     int(rng.integers(0, n_traces))]))
        out.append(Mutation(byte, value, trace))
    return out


def run_case(base: Path, kind: str, mutations: list[Mutation], workdir: Path) -> dict:
    """Write one mutant under ``workdir`` and judge it; a traceback becomes its own outcome."""
    raw = base.read_bytes()
    n = 30 if kind == "post3d" else 24
    mutant = apply(raw, mutations, n)
    path = workdir / "mutant.sgy"
    path.write_bytes(mutant)
    try:
        return judge(path, mutant, mutations, workdir, n)
    except Exception as exc:  # noqa: BLE001 - counted, that is the point of the fuzzer
        return {"outcome": "traceback", "error": f"{type(exc).__name__}: {exc}",
                "where": traceback.format_exc(limit=-3)}


def _worker(conn, base_paths: dict, workdir: str) -> None:
    while True:
        job = conn.recv()
        if job is None:
            return
        kind, muts = job
        conn.send(run_case(Path(base_paths[kind]), kind, [Mutation(*m) for m in muts],
                           Path(workdir)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per case (a hang)")
    ap.add_argument("--examples", type=int, default=3, help="failing cases shown per outcome")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    counts: dict[str, int] = {}
    examples: dict[str, list] = {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="geodesk-fuzz-") as tmp:
        bases = {k: str(Path(tmp) / f"base-{k}.sgy") for k in ("post3d", "prestack")}
        for k, p in bases.items():
            write_base(Path(p), k)
        ctx = mp.get_context("fork")
        proc = conn = None
        for _ in range(args.cases):
            if proc is None:
                conn, child = ctx.Pipe()
                proc = ctx.Process(target=_worker, args=(child, bases, tmp), daemon=True)
                proc.start()
            kind = "post3d" if rng.random() < 0.6 else "prestack"
            muts = random_mutations(rng, 30 if kind == "post3d" else 24)
            conn.send((kind, [(m.byte, m.value, m.trace) for m in muts]))
            if conn.poll(args.timeout):
                result = conn.recv()
            else:
                proc.kill()
                proc.join()
                proc = None
                result = {"outcome": "hang"}
            outcome = result["outcome"]
            counts[outcome] = counts.get(outcome, 0) + 1
            if outcome in ("traceback", "hang", "silent_misread", "bad_message") and \
                    len(examples.setdefault(outcome, [])) < args.examples:
                examples[outcome].append({"kind": kind, "mutations": [vars(m) for m in muts],
                                          **{k: v for k, v in result.items()
                                             if k in ("error", "differs", "warnings")}})
        if proc is not None:
            conn.send(None)
            proc.join(5)
    report = {
        "count": args.cases, "seed": args.seed,
        "clean_refusals": counts.get("refused", 0),
        "opened": counts.get("opened", 0) + counts.get("opened_warned", 0),
        "opened_as_reference": counts.get("opened", 0),
        "opened_differs_with_warning": counts.get("opened_warned", 0),
        "opened_unverifiable": counts.get("opened_unverifiable", 0),
        "tracebacks": counts.get("traceback", 0), "hangs": counts.get("hang", 0),
        "silent_misreads": counts.get("silent_misread", 0),
        "multi_line_messages": counts.get("bad_message", 0),
        "seconds": round(time.perf_counter() - start, 1),
        "examples": examples,
    }
    json.dump(report, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main())
