"""SEG-Y inputs that used to hang or exhaust memory: time, peak memory and outcome of opening
each (and reading its first section), one child process per case. Prints one JSON object.

Cases (all written under a temporary folder): a 20 GB sparse file (info), a 1 TB sparse file,
diagonal inline/crossline lines of 8000 and 60000 traces, a named pipe, a non-UTF-8 file name.

    python bench/bench_segy_limits.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import segyio

CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from geodesk.core.segy.reader import open_survey
from geodesk.core.survey import SurveyError
out = {}
try:
    with open_survey(sys.argv[1]) as s:
        info = s.info()
        out.update(outcome="opened", kind=s.kind, traces=s.n_traces, samples=s.n_samples,
                   warnings=len(info["warnings"]))
        t1 = time.perf_counter()
        try:
            sec = s.line() if s.kind == "post2d" else s.inline(int(s.inlines[0])) \
                if s.kind == "post3d" else s.gather(int(s.gather_keys[0]))
            out["section_shape"] = list(sec.data.shape)
        except SurveyError as exc:
            out["section_refused"] = str(exc)
        out["section_s"] = round(time.perf_counter() - t1, 3)
except SurveyError as exc:
    out.update(outcome="refused", message=str(exc))
out["seconds"] = round(time.perf_counter() - t0, 3)
out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(out))
"""


def _segy(path: Path, n: int, ns: int, lines: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    spec = segyio.spec()
    spec.format, spec.samples, spec.tracecount = 5, range(ns), n
    with segyio.create(str(path), spec) as f:
        for i in range(n):
            head = {115: ns, 117: 4000}
            if lines is not None:
                head.update({189: int(lines[0][i]), 193: int(lines[1][i]), 21: i + 1})
            f.header[i] = head
            f.trace[i] = np.full(ns, i, dtype=np.float32)
        f.bin.update(hns=ns, hdt=4000)


def _sparse(path: Path, size: int, ns: int) -> int:
    _segy(path, 4, ns)
    n = (size - 3600) // (240 + 4 * ns)
    os.truncate(path, 3600 + n * (240 + 4 * ns))
    return n


def _run(path: Path | str, timeout: float = 120.0) -> dict:
    arg = os.fsdecode(path) if isinstance(path, Path) else path
    t0 = time.perf_counter()
    try:
        res = subprocess.run([sys.executable, "-c", CHILD, arg], check=False, capture_output=True,
                             timeout=timeout, env={**os.environ, "OMP_NUM_THREADS": "1"},
                             errors="surrogateescape")
    except subprocess.TimeoutExpired:
        return {"outcome": "hang", "seconds": timeout}
    if res.returncode != 0:
        return {"outcome": "traceback", "stderr": res.stderr.strip().splitlines()[-1:]}
    out = json.loads(res.stdout)
    out["wall_s"] = round(time.perf_counter() - t0, 3)
    return out


def main() -> int:
    report = {}
    with tempfile.TemporaryDirectory(prefix="geodesk-limits-") as tmp:
        d = Path(tmp)
        n = _sparse(d / "sparse20g.sgy", 20 * 10**9, 1000)
        report["sparse_20GB"] = {"traces": n, **_run(d / "sparse20g.sgy")}
        n = _sparse(d / "sparse1t.sgy", 10**12, 1000)
        report["sparse_1TB"] = {"traces": n, **_run(d / "sparse1t.sgy")}
        for n in (8000, 60000):
            il = np.arange(1000, 1000 + n)
            _segy(d / f"diag{n}.sgy", n, 50, (il, il + 5000))
            size = (d / f"diag{n}.sgy").stat().st_size
            report[f"diagonal_{n}"] = {"bytes": size, **_run(d / f"diag{n}.sgy")}
        os.mkfifo(d / "pipe.sgy")
        report["named_pipe"] = _run(d / "pipe.sgy", timeout=30)
        odd = d / os.fsdecode(b"line-\xe9\xff.sgy")  # segyio.create cannot take this name
        _segy(d / "plain.sgy", 10, 50)
        os.rename(d / "plain.sgy", odd)
        report["non_utf8_name"] = _run(odd)
    report["note"] = "one child process per case; peak RSS counts mapped file pages"
    json.dump(report, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
