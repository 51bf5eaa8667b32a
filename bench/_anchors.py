"""Shared helpers for the benches against outside anchors (Seismic Unix, ObsPy).

Bench CMP data (hyperbolic Ricker primaries with in-band noise), the SU programs from
``../shared/tools/seismic-unix`` (``None`` with the reason where they do not run), a timer for
whole processes with their peak RSS, and the per-repetition ratio summary every anchor bench
prints (ratio = reference time / GeoDesk time: above 1, GeoDesk is faster).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SU_HOME = REPO.parent / "shared" / "tools" / "seismic-unix"
DT_MS = 2.0
#: matched settings: the same 40 ms window (21 samples at 2 ms), every sample, and SU's
#: default stretch mute (smute=1.5, i.e. t / t0 <= 1.5) as GeoDesk's 50 %
MATCHED_NSMOOTH, MATCHED_MUTE_PCT = 21, 50.0


def cmp_gather(n_traces: int = 60, n_samples: int = 2000, dt_ms: float = DT_MS,
               seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hyperbolic 30 Hz Ricker primaries (Vrms = 1500 + 0.45 t0) on offsets 100..3000 m with
    5 % in-band noise: ``(gather float32 (n_traces, n_samples), offsets m, times ms)``."""
    rng = np.random.default_rng(seed)
    x = np.linspace(100.0, 3000.0, n_traces)
    t = dt_ms * np.arange(n_samples)
    g = np.zeros((n_traces, n_samples), dtype=np.float32)
    for t0 in np.arange(200.0, 0.95 * t[-1], 150.0):
        v = 1500.0 + 0.45 * t0
        tm = np.sqrt(t0**2 + (x * 1000.0 / v) ** 2)
        a = (np.pi * 30.0 * (t[None, :] - tm[:, None]) / 1000.0) ** 2
        g += (rng.choice([-1, 1]) * (1 - 2 * a) * np.exp(-a)).astype(np.float32)
    w = np.arange(-30, 31) * dt_ms
    a = (np.pi * 30.0 * w / 1000.0) ** 2
    wavelet = (1 - 2 * a) * np.exp(-a)
    noise = np.array([np.convolve(row, wavelet, "same") for row in rng.standard_normal(g.shape)])
    g += (0.05 * np.abs(g).max() / noise.std() * noise).astype(np.float32)
    return g, x, t


def true_vrms(t_ms: np.ndarray) -> np.ndarray:
    """The Vrms the bench gathers were made with (m/s)."""
    return 1500.0 + 0.45 * np.asarray(t_ms, dtype=float)


def write_cmp_file(path: Path, n_gathers: int, n_traces: int = 60, n_samples: int = 2000,
                   distinct: int = 10) -> Path:
    """A CDP-sorted IEEE SEG-Y of ``n_gathers`` CMPs (``distinct`` different ones, cycled):
    CDP in byte 21, offset in 37. Reused when it is already there with the right size."""
    from geodesk.core.segy.write import write_prestack

    size = 3600 + n_gathers * n_traces * (240 + 4 * n_samples)
    if path.exists() and path.stat().st_size == size:
        return path
    base = [cmp_gather(n_traces, n_samples, seed=s)[0] for s in range(min(distinct, n_gathers))]
    x = np.linspace(100.0, 3000.0, n_traces)
    data = np.concatenate([base[k % len(base)] for k in range(n_gathers)])
    cdp = np.repeat(np.arange(1, n_gathers + 1), n_traces)
    off = np.tile(x, n_gathers)
    mid = cdp * 25.0
    write_prestack(path, data, ffid=cdp, channel=np.tile(np.arange(1, n_traces + 1), n_gathers),
                   offset=off, cdp=cdp, source_xy=(mid - off / 2, np.zeros_like(mid)),
                   group_xy=(mid + off / 2, np.zeros_like(mid)), dt_ms=DT_MS,
                   cdp_trace=np.tile(np.arange(1, n_traces + 1), n_gathers), sorting=2)
    return path


def su_env() -> tuple[dict[str, str] | None, str]:
    """Environment that runs the SU programs, or ``None`` and why they cannot run here."""
    bin_dir = SU_HOME / "bin"
    if not (bin_dir / "suvelan").exists():
        return None, f"Seismic Unix not found at {SU_HOME} (needs ../shared/tools/seismic-unix)"
    env = dict(os.environ, CWPROOT=str(SU_HOME), PATH=f"{bin_dir}:{os.environ.get('PATH', '')}")
    try:
        out = subprocess.run(["suvelan"], stdin=subprocess.DEVNULL, capture_output=True,
                             env=env, timeout=30, check=False)
    except OSError as exc:
        return None, f"suvelan does not run here: {exc}"
    if b"error while loading shared libraries" in out.stderr:
        return None, f"suvelan does not run here: {out.stderr.decode(errors='replace').strip()}"
    return env, ""


def to_su(segy: Path, su: Path, env: dict[str, str]) -> Path:
    """The SEG-Y converted by ``segyread`` (SU's native input for its programs)."""
    if not su.exists() or su.stat().st_mtime < segy.stat().st_mtime:
        with open(su, "wb") as out:
            subprocess.run(["segyread", f"tape={segy}", "hfile=/dev/null", "bfile=/dev/null",
                            "verbose=0"], stdout=out, stderr=subprocess.DEVNULL, env=env,
                           check=True, cwd=su.parent)
    return su


def read_su(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Samples (n_traces, ns) float32 and the 240-byte headers of a big-endian SU file (this
    SU build writes XDR); ``ns`` from the first header (bytes 115-116)."""
    head = np.fromfile(path, dtype=np.uint8, count=240)
    ns = int(head[114:116].view(">u2")[0])
    rec = np.dtype([("h", np.uint8, (240,)), ("s", ">f4", (ns,))])
    raw = np.fromfile(path, dtype=rec)
    return raw["s"].astype(np.float32), raw["h"]


def run_timed(command: str, env: dict | None = None) -> tuple[float, float]:
    """Run a shell command line as a whole process: ``(wall s, peak RSS MiB)``. A fresh child
    Python times it and reads the rusage of what it waited for (the shell and its pipeline)."""
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            "subprocess.run(sys.argv[1],shell=True,check=True,stderr=subprocess.DEVNULL);"
            "print(time.perf_counter()-t,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, command], capture_output=True, text=True,
                         env=env, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{command!r} failed (exit {out.returncode})")
    wall, kib = out.stdout.split()
    return float(wall), float(kib) / 1024.0


def _process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux ``/proc/PID/task/TID/children``)."""
    tree, i = [pid], 0
    while i < len(tree):
        p, i = tree[i], i + 1
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    tree += [int(c) for c in f.read().split()]
        except OSError:  # gone meanwhile
            pass
    return tree


def _anon_kib(pid: int) -> int:
    """Anonymous resident memory of one process (RssAnon: heap, arrays; not mapped file pages)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def peak_anon(command: str, env: dict | None = None, interval_s: float = 0.002) -> dict:
    """Run a shell command line and sample the summed RssAnon of its process tree (a pipeline
    counts all its programs) every ``interval_s``: ``{"peak_anon_mib", "samples", "wall_s"}``.
    A sampled peak is a lower bound of the true one; timed runs do not sample (no load added)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, shell=True, env=env, stderr=subprocess.DEVNULL)
    peak, samples = 0, 0
    while proc.poll() is None:
        peak = max(peak, sum(_anon_kib(p) for p in _process_tree(proc.pid)))
        samples += 1
        time.sleep(interval_s)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{command!r} failed (exit {proc.returncode})")
    return {"peak_anon_mib": round(peak / 1024.0, 1), "samples": samples,
            "wall_s": round(wall, 3)}


def geodesk_env(cache_dir: Path) -> dict[str, str]:
    """Environment for timing ``geodesk`` as installed: bytecode cached (``cache_dir``) as pip or
    the bundle leave it, where this environment may set PYTHONDONTWRITEBYTECODE (then every run
    compiles GeoDesk's modules from source)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache_dir)
    return env


def geodesk_cmd() -> list[str]:
    """The ``geodesk`` command of this checkout (the venv's entry point, else ``-m``)."""
    exe = Path(sys.executable).with_name("geodesk")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "geodesk"]


def ratio_summary(ref_s: list[float], ours_s: list[float]) -> dict:
    """Median and min-max of the per-repetition ratio reference / GeoDesk, and both medians."""
    r = [a / b for a, b in zip(ref_s, ours_s)]
    return {"ratio_median": round(statistics.median(r), 2),
            "ratio_min": round(min(r), 2), "ratio_max": round(max(r), 2),
            "reference_median_ms": round(1000 * statistics.median(ref_s), 2),
            "geodesk_median_ms": round(1000 * statistics.median(ours_s), 2),
            "repetitions": len(r)}


def machine() -> str:
    """What the figures were measured on (shared with other work: ratios are the robust part)."""
    import platform

    return (f"{platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}; shared "
            "machine, so absolute times vary and the same-run ratios are the figures to quote")


def which(name: str, env: dict) -> str | None:
    return shutil.which(name, path=env.get("PATH"))
