"""GeoDesk against Seismic Unix 44R24, side by side in one run, on the same CMP gathers.

Gathers: 60 traces x 2000 samples at 2 ms (hyperbolic Ricker primaries, Vrms = 1500 + 0.45 t0,
5 % in-band noise), CDP-sorted IEEE SEG-Y for GeoDesk and the same file through ``segyread``
for SU (its native input). Every repetition runs the SU program, GeoDesk and GeoDesk's numpy
reference one after the other (the order alternating), so load on this shared machine hits
them alike; the figures are the median and min-max of the per-repetition ratio
reference time / GeoDesk time (> 1: GeoDesk is faster). Outputs are compared before any speed
is quoted.

* semblance, in process, per gather, 200 velocities: ``suvelan`` (a process over K gathers,
  time / K) against :func:`geodesk.core.processing.semblance.semblance` at 1 and 2 threads,
  at matched settings (every sample, 21-sample window, SU's stretch mute smute=1.5 = 50 %)
  and at each tool's defaults (SU: dtratio=5, nsmooth=11; GeoDesk: 40 ms window, t0
  decimation from the band, no mute); beside them the numpy path and the textbook loop;
* whole processes on N gathers: ``geodesk velocities`` against ``suvelan`` (same trial
  velocities), ``geodesk nmo`` (1 and 2 threads) against ``sunmo``, ``geodesk stack`` (1 and 2
  threads) against ``sunmo | sustack``, with peak RSS (file pages included) and, from one more
  untimed run each, the peak anonymous memory of the whole process tree (RssAnon sampled every
  2 ms); GeoDesk runs with its bytecode cached, as installed; beside them what a process pays
  before its first gather (interpreter, numpy, segyio, each command on two gathers);
* ``--only scaling``: the same at 10 / 100 / 1000 gathers (velocities on 10 only), with a
  straight line time = fixed + per gather fitted for each tool.

Run: ``flock /tmp/geodesk-heavy.lock .venv/bin/python bench/bench_vs_su.py [--reps 5]
[--gathers 100] [--only semblance|processes|scaling] [--scaling-reps 3]``. Prints one JSON
object; where SU does not run it says so and times GeoDesk alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _anchors as an
import numpy as np

from geodesk.core.processing import moveout_sums
from geodesk.core.processing.semblance import (
    reference_semblance,
    semblance,
    velocity_axis,
)

WORK = Path(os.environ.get("GEODESK_BENCH_DIR", tempfile.gettempdir())) / "geodesk-bench-su"
N_TR, N_S = 60, 2000
V_IN_PROCESS = (1500.0, 10.0, 200)  # fv, dv, nv: the in-process semblance problem
V_PICK = (1400.0, 20.0, 231)  # geodesk velocities' default trial range, given to suvelan too
#: settings name -> (suvelan arguments, GeoDesk semblance keywords)
SETTINGS = {
    "matched": (["dtratio=1", f"nsmooth={an.MATCHED_NSMOOTH}", "smute=1.5"],
                {"window_ms": 40.0, "stretch_mute_pct": an.MATCHED_MUTE_PCT, "decimate": 1}),
    "defaults": ([], {}),
}
KNOTS_MS = np.arange(0.0, 4001.0, 500.0)


def velan_args(fv: float, dv: float, nv: int) -> list[str]:
    return [f"nv={nv}", f"dv={dv:g}", f"fv={fv:g}"]


def su_panels(path: Path, n_gathers: int, nv: int) -> np.ndarray:
    """suvelan output as (gather, velocity, time)."""
    data, _ = an.read_su(path)
    return data.reshape(n_gathers, nv, -1)


def panel_agreement(su: np.ndarray, gd: np.ndarray, step: int) -> dict:
    """Correlation of the panels and the share of times whose best velocity is the same
    (within one step), where SU's panel holds a clear peak (>= 0.2); GeoDesk's panel is
    compared at SU's output times (every ``step``-th sample)."""
    gd = gd[:, :, ::step][:, :, :su.shape[2]]
    su = su[:, :, :gd.shape[2]]
    corr = float(np.corrcoef(su.ravel(), gd.ravel())[0, 1])
    clear = su.max(axis=1) >= 0.2
    same = np.abs(su.argmax(axis=1) - gd.argmax(axis=1)) <= 1
    return {"panel_correlation": round(corr, 4),
            "same_peak_velocity_pct": round(100.0 * float(same[clear].mean()), 1),
            "times_compared": int(clear.sum())}


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def semblance_bench(env, su_file: Path, gathers: list, reps: int) -> dict:
    """Per-gather semblance, SU process over K gathers against GeoDesk in process."""
    fv, dv, nv = V_IN_PROCESS
    v = velocity_axis(fv, fv + dv * (nv - 1), dv)
    k = len(gathers)
    out: dict = {"gathers_per_repetition": k, "velocities": nv,
                 "problem": f"{N_TR} traces x {N_S} samples (2 ms) x {nv} velocities"}
    for name, (su_extra, gd_kw) in SETTINGS.items():
        def run_gd(workers, kw=gd_kw):
            return [semblance(g, x, t, v, workers=workers, **kw) for g, x, t in gathers]

        panels = run_gd(2)  # also compiles / loads the kernels before any timing
        res: dict = {"suvelan_args": " ".join(velan_args(fv, dv, nv) + su_extra),
                     "geodesk_kwargs": gd_kw or "defaults",
                     "geodesk_t0_decimation": panels[0].decimation}
        su_out = WORK / f"velan_{name}.su"
        cmd = (f"suvelan {' '.join(velan_args(fv, dv, nv) + su_extra)} < {su_file} > {su_out}"
               if env else None)
        if env:
            an.run_timed(cmd, env)
            step = 1 if su_extra else 5
            res["agreement"] = panel_agreement(su_panels(su_out, k, nv),
                                               np.stack([p.values for p in panels]), step)
        numpy_panel = None
        times: dict[str, list[float]] = {key: [] for key in
                                         ("su", "gd1", "gd2", "numpy1", "textbook1")}
        for rep in range(reps):
            order = ["su", "gd1", "gd2", "numpy1", "textbook1"]
            for key in (order if rep % 2 == 0 else order[::-1]):
                if key == "su":
                    if env:
                        times["su"].append(an.run_timed(cmd, env)[0] / k)
                elif key.startswith("gd"):
                    times[key].append(timed(lambda w=int(key[-1]): run_gd(w)) / k)
                elif key == "numpy1":  # the same function on its numpy path
                    keep, moveout_sums.HAVE_NUMBA = moveout_sums.HAVE_NUMBA, False
                    try:
                        t0 = time.perf_counter()
                        numpy_panel = run_gd(1)[0]
                        times[key].append((time.perf_counter() - t0) / k)
                    finally:
                        moveout_sums.HAVE_NUMBA = keep
                else:
                    g, x, t = gathers[0]
                    kw = {key: gd_kw[key] for key in ("window_ms", "stretch_mute_pct")
                          if key in gd_kw}
                    times[key].append(timed(lambda: reference_semblance(g, x, t, v, **kw)))
        res["numpy_path_max_abs_diff"] = round(float(np.abs(
            numpy_panel.values - panels[0].values).max()), 6)
        for w in (1, 2):
            gd = times[f"gd{w}"]
            row = {"threads": w, "geodesk_median_ms": round(1000 * statistics.median(gd), 2),
                   "gathers_per_s": round(1.0 / statistics.median(gd), 1),
                   "traces_per_s": round(N_TR / statistics.median(gd))}
            if env:
                row["vs_suvelan"] = an.ratio_summary(times["su"], gd)
            row["vs_numpy_path_1_thread"] = an.ratio_summary(times["numpy1"], gd)
            row["vs_textbook_loop"] = an.ratio_summary(times["textbook1"], gd)
            res[f"{w}_thread" + ("s" if w > 1 else "")] = row
        out[name] = res
    return out


def write_picks(path: Path, n_gathers: int) -> Path:
    """The true velocity function at the first and the last CDP."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["cdp", "time_ms", "vrms_mps"])
        for cdp in sorted({1, n_gathers}):
            for t in KNOTS_MS:
                w.writerow([cdp, f"{t:g}", f"{an.true_vrms(t):g}"])
    return path


def sunmo_args() -> str:
    tn = ",".join(f"{t / 1000:g}" for t in KNOTS_MS)
    vn = ",".join(f"{an.true_vrms(t):g}" for t in KNOTS_MS)
    return f"tnmo={tn} vnmo={vn} smute=1.5 sscale=0"  # GeoDesk does not scale by stretch


def _read_segy(path: Path) -> np.ndarray:
    import segyio

    with segyio.open(str(path), ignore_geometry=True) as f:
        return segyio.tools.collect(f.trace[:]).astype(np.float32)


def velocity_agreement(csv_path: Path, su_panel: Path | None, n_gathers: int) -> dict:
    """GeoDesk's picks against the true Vrms, and against suvelan's best velocity at each pick
    time (its matched-settings panel), on the first 10 CMPs."""
    rows = list(csv.DictReader(open(csv_path)))
    t = np.array([float(r["time_ms"]) for r in rows])
    vp = np.array([float(r["vrms_mps"]) for r in rows])
    cdp = np.array([int(r["cdp"]) for r in rows])
    out = {"picks": len(rows), "cmps_picked": int(np.unique(cdp).size),
           "median_rel_error_vs_truth_pct": round(100 * float(np.median(
               np.abs(vp - an.true_vrms(t)) / an.true_vrms(t))), 2)}
    if su_panel is not None:
        fv, dv, nv = V_PICK
        pan = su_panels(su_panel, n_gathers, nv)
        sel = cdp <= 10
        j = np.clip(np.rint(t[sel] / an.DT_MS).astype(int), 0, pan.shape[2] - 1)
        best = fv + dv * pan[cdp[sel] - 1, :, j].argmax(axis=1)
        out["picks_within_2_steps_of_suvelan_peak_pct"] = round(
            100 * float(np.mean(np.abs(best - vp[sel]) <= 2 * dv)), 1)
    return out


def _geodesk_variants(work: str, cmd: str) -> dict[str, str]:
    """GeoDesk's command at the thread counts timed: nmo and stack at 1 thread (as the SU
    programs) and 2; velocities at its default (its semblance uses up to 2)."""
    if work == "velocities":
        return {"default threads (up to 2)": cmd}
    return {"1 thread": f"{cmd} --threads 1", "2 threads": f"{cmd} --threads 2"}


def _interleaved(commands: dict[str, tuple[str, dict | None]], reps: int) -> dict:
    """Each command once to warm (page cache, bytecode, numba's on-disk cache), then ``reps``
    rounds running every command once, the order reversed every other round:
    ``{name: (wall times s, peak RSS MiB)}``."""
    for c, env in commands.values():
        an.run_timed(c, env)
    walls: dict[str, list[float]] = {n: [] for n in commands}
    rss = dict.fromkeys(commands, 0.0)
    names = list(commands)
    for rep in range(reps):
        for name in names if rep % 2 == 0 else names[::-1]:
            w, r = an.run_timed(*commands[name])
            walls[name].append(w)
            rss[name] = max(rss[name], r)
    return {n: (walls[n], rss[n]) for n in names}


def _agreement(work: str, o: dict, env, matched_velan: bool, n_gathers: int) -> dict | None:
    if work == "velocities":
        return velocity_agreement(
            o["vel_gd.csv"], o["vel_su_matched.su"] if env and matched_velan else None,
            n_gathers)
    if not env:
        return None
    if work == "nmo":
        a, b = _read_segy(o["nmo_gd.sgy"]), an.read_su(o["nmo_su.su"])[0]
        live = (np.abs(a) > 0) & (np.abs(b) > 0)
        return {
            "sample_correlation": round(float(np.corrcoef(a.ravel(), b.ravel())[0, 1]), 4),
            "rms_difference_rel": round(float(np.sqrt(np.mean((a - b) ** 2))
                                              / np.sqrt(np.mean(b ** 2))), 4),
            "same_live_samples_pct": round(100 * float(np.mean(
                (np.abs(a) > 0) == (np.abs(b) > 0))), 2),
            "correlation_where_both_live": round(float(np.corrcoef(a[live], b[live])[0, 1]),
                                                 4)}
    a, b = _read_segy(o["stk_gd.sgy"]), an.read_su(o["stk_su.su"])[0]
    c = [np.corrcoef(x, y)[0, 1] for x, y in zip(a, b)]
    return {"trace_correlation_median": round(float(np.median(c)), 4),
            "trace_correlation_min": round(float(np.min(c)), 4),
            "amplitude_ratio_median": round(float(np.median(
                np.sqrt((a ** 2).mean(axis=1) / (b ** 2).mean(axis=1)))), 3)}


def process_bench(env, sgy: Path, su: Path, n_gathers: int, reps: int,
                  matched_velan: bool = True, works=("velocities", "nmo", "stack"),
                  memory: bool = True) -> dict:
    """Whole processes on one file: velocities, nmo, stack against their SU counterparts
    (``matched_velan``: suvelan also at GeoDesk's window and every sample), timed interleaved;
    then (``memory``) one more run of each nmo and stack command, untimed, sampling its peak
    anonymous memory."""
    gd = " ".join(an.geodesk_cmd())
    gd_env = an.geodesk_env(WORK / "pycache")
    picks = write_picks(WORK / f"picks{n_gathers}.csv", n_gathers)
    fv, dv, nv = V_PICK
    vmax = fv + dv * (nv - 1)
    o = {k: WORK / f"{k}{n_gathers}" for k in ("vel_gd.csv", "vel_su.su", "vel_su_matched.su",
                                                "nmo_gd.sgy", "nmo_su.su", "stk_gd.sgy",
                                                "stk_su.su")}
    jobs = {
        "velocities": (f"{gd} velocities {sgy} {o['vel_gd.csv']} --quiet",
                       {"suvelan (defaults: dtratio=5, nsmooth=11)":
                        f"suvelan {' '.join(velan_args(fv, dv, nv))} < {su} > {o['vel_su.su']}",
                        "suvelan (matched: dtratio=1, nsmooth=21)":
                        f"suvelan {' '.join(velan_args(fv, dv, nv))} dtratio=1 nsmooth=21 "
                        f"< {su} > {o['vel_su_matched.su']}"}),
        "nmo": (f"{gd} nmo {sgy} {picks} {o['nmo_gd.sgy']}",
                {"sunmo": f"sunmo {sunmo_args()} < {su} > {o['nmo_su.su']}"}),
        "stack": (f"{gd} stack {sgy} {picks} {o['stk_gd.sgy']}",
                  {"sunmo | sustack": f"sunmo {sunmo_args()} < {su} | sustack > "
                                      f"{o['stk_su.su']}"}),
    }
    out: dict = {"gathers": n_gathers, "traces": n_gathers * N_TR,
                 "geodesk_velocities_range": f"{fv:g}..{vmax:g} step {dv:g} m/s",
                 "geodesk_bytecode": "cached (PYTHONPYCACHEPREFIX), as an installed package "
                                     "has it"}
    for work in works:
        gd_cmd, su_cmds = jobs[work]
        variants = {f"geodesk {k}": (c, gd_env) for k, c in _geodesk_variants(work, gd_cmd).items()}
        su_used = {n: (c, env) for n, c in su_cmds.items()
                   if matched_velan or "matched" not in n} if env else {}
        timed_runs = _interleaved({**variants, **su_used}, reps)
        res: dict = {}
        for name in variants:
            walls, rss = timed_runs[name]
            med = statistics.median(walls)
            row = {"command": variants[name][0], "median_s": round(med, 3),
                   "min_s": round(min(walls), 3), "max_s": round(max(walls), 3),
                   "gathers_per_s": round(n_gathers / med, 1),
                   "traces_per_s": round(n_gathers * N_TR / med),
                   "peak_rss_mib": round(rss, 1)}
            for su_name in su_used:
                row[f"vs {su_name}"] = an.ratio_summary(timed_runs[su_name][0], walls)
            res[name] = row
        for su_name, (c, _) in su_used.items():
            walls, rss = timed_runs[su_name]
            res[su_name] = {"command": c, "median_s": round(statistics.median(walls), 3),
                            "gathers_per_s": round(n_gathers / statistics.median(walls), 1),
                            "peak_rss_mib": round(rss, 1)}
        if memory and work != "velocities":  # suvelan takes ~0.15 s a gather: time only
            for name, (c, e) in {**variants, **su_used}.items():
                res[name]["peak_anon_mib"] = an.peak_anon(c, e)["peak_anon_mib"]
        agreement = _agreement(work, o, env, matched_velan, n_gathers)
        if agreement is not None:
            res["agreement"] = agreement
        out[work] = res
    return out


def start_up(env, reps: int) -> dict:
    """What every whole process pays before its first gather, medians of ``reps`` runs: the
    interpreter, numpy, segyio, the nmo command's parser and imports (``--help``), and each
    tool's whole command on a two-gather file (about the fixed cost)."""
    py = sys.executable
    gd_env = an.geodesk_env(WORK / "pycache")
    sgy, su = files(env, 2)  # one gather: a constant CDP header, refused
    picks = write_picks(WORK / "picks2.csv", 2)
    gd = " ".join(an.geodesk_cmd())
    cmds = {"python -c pass": (f"{py} -c pass", gd_env),
            "python: import numpy": (f"{py} -c 'import numpy'", gd_env),
            "python: import numpy, segyio": (f"{py} -c 'import numpy, segyio'", gd_env),
            "geodesk nmo --help": (f"{gd} nmo --help > /dev/null", gd_env),
            "geodesk nmo, 2 gathers": (
                f"{gd} nmo {sgy} {picks} {WORK / 'nmo_gd2.sgy'} --threads 1", gd_env),
            "geodesk stack, 2 gathers": (
                f"{gd} stack {sgy} {picks} {WORK / 'stk_gd2.sgy'} --threads 1", gd_env)}
    if env:
        cmds["sunmo, 2 gathers"] = (f"sunmo {sunmo_args()} < {su} > {WORK / 'nmo_su2.su'}", env)
        cmds["sunmo | sustack, 2 gathers"] = (
            f"sunmo {sunmo_args()} < {su} | sustack > {WORK / 'stk_su2.su'}", env)
    runs = _interleaved(cmds, reps)
    return {name: round(1000 * statistics.median(w), 1) for name, (w, _) in runs.items()}


def scaling(env, reps: int, sizes=(10, 100, 1000), velocities_up_to: int = 10,
            works=("velocities", "nmo", "stack")) -> dict:
    """nmo and stack (velocities up to ``velocities_up_to`` gathers: suvelan takes ~0.15 s a
    gather, minutes on 1000; the processes section has it on 100) at each size: time, throughput and peak anonymous memory, and for each tool the
    straight line time = fixed + per gather fitted through the sizes."""
    out: dict = {"sizes": list(sizes), "per_size": {}}
    for n in sizes:
        s_sgy, s_su = files(env, n)
        here = tuple(w for w in works if w != "velocities" or n <= velocities_up_to)
        out["per_size"][str(n)] = process_bench(env, s_sgy, s_su, n, reps,
                                                matched_velan=False, works=here)
    fits: dict = {}
    for work in (w for w in ("nmo", "stack") if w in works):
        rows = [out["per_size"][str(n)][work] for n in sizes]
        for name in rows[0]:
            if name == "agreement":
                continue
            t = np.array([r[name]["median_s"] for r in rows])
            slope, fixed = np.polyfit(np.array(sizes, dtype=float), t, 1)
            fits[f"{work}: {name}"] = {
                "fixed_s": round(float(fixed), 3), "per_gather_ms": round(1000 * float(slope), 3),
                "time_ratio_largest_to_smallest": round(float(t[-1] / t[0]), 2),
                "peak_anon_mib_by_size": [r[name].get("peak_anon_mib") for r in rows]}
    out["linear_fit"] = fits
    return out


def files(env, n_gathers: int) -> tuple[Path, Path]:
    sgy = an.write_cmp_file(WORK / f"cmp{n_gathers}.sgy", n_gathers, N_TR, N_S)
    su = WORK / f"cmp{n_gathers}.su"
    if env:
        an.to_su(sgy, su, env)
    return sgy, su


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5, help="repetitions (default 5)")
    ap.add_argument("--gathers", type=int, default=100, help="gathers in the file (100)")
    ap.add_argument("--per-rep", type=int, default=10, help="gathers per semblance repetition")
    ap.add_argument("--works", default="velocities,nmo,stack",
                    help="whole processes to time, comma-separated (default all three)")
    ap.add_argument("--scaling-reps", type=int, default=3,
                    help="repetitions per size in --only scaling (default 3)")
    ap.add_argument("--only", choices=("semblance", "processes", "scaling"), default=None,
                    help="one section (default: semblance and processes; scaling, 10 / 100 / "
                    "1000 gathers with suvelan at its defaults, only when asked)")
    args = ap.parse_args(argv)
    works = tuple(w for w in ("velocities", "nmo", "stack") if w in args.works.split(","))
    WORK.mkdir(parents=True, exist_ok=True)
    env, why = an.su_env()
    out: dict = {"machine": an.machine(), "su": "Seismic Unix 44R24 (-O, as built)" if env
                 else f"skipped: {why}", "ratio": "reference time / GeoDesk time, per "
                 "repetition, interleaved (> 1: GeoDesk faster)"}
    if not env:
        print(f"bench_vs_su: {why}; timing GeoDesk alone", file=sys.stderr)
    if args.only in (None, "semblance"):
        k = min(args.per_rep, args.gathers)
        su_k = files(env, k)[1]
        gathers = [an.cmp_gather(N_TR, N_S, seed=s) for s in range(k)]
        out["semblance_in_process"] = semblance_bench(env, su_k, gathers, args.reps)
    if args.only in (None, "processes"):
        sgy, su = files(env, args.gathers)
        out["start_up_ms"] = start_up(env, max(3, args.reps))
        out["whole_process"] = process_bench(env, sgy, su, args.gathers, max(3, args.reps // 2),
                                             works=works)
    if args.only == "scaling":
        out["scaling"] = scaling(env, args.scaling_reps, works=works)
    return out


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
