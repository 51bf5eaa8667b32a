"""Stacking-velocity picking quality in three columns, one run, one JSON object:

* ``own_held_out``: GeoDesk's own generator (``geodesk.synth.generate_cmps``, multiples on,
  band-limited noise), seeds from 2e9 up (training uses < 1e9, validation 1e9 + k); records of
  2-4 s at 4 ms, 24-60 offsets, per SNR.
* ``evaluation_family``: ``bench/evalgen/cmps.py`` (independent code, never used in training),
  scored seeds from 3e6 up, per SNR. Every choice in the picking code made while looking at
  this family (multiple prediction, local power floor, Dix bound, the multiple notch before
  the network) was checked on validation seeds 1000-1059 of it and 1e9 + 500-517 of GeoDesk's
  generator, never on the scored seeds. Scored between the first and the last primary of at
  least 0.1 of the strongest reflection coefficient.
* ``real``: the 4 Viking Graben line 12 shots (``viking_small.segy``) with the hand-picked
  stacking-velocity function of rmorel/Viking and its mute, scored from 500 to 2200 ms (inside
  the hand knots 511-2211 ms). The four shots give CMPs of fold 1-2, so the analysis runs on
  the shot gathers: for flat layers common-shot and common-midpoint moveout are the same
  hyperbola. Also a picture-only check on the real land CMP ``cdp700.su`` (no picks exist):
  whether each method's picks are plausible (Vrms never drops by more than 2 %, every Dix
  interval velocity real and within 1400-8000 m/s).

Methods, on the same gathers in the same run: ``semblance`` the automatic picker
(:func:`geodesk.core.processing.velpick.auto_pick`) and ``unet`` the picks the workstation
writes (:func:`geodesk.ml.run.results.model_velocity_function`), both sampled as the workstation
applies them (linear between knots, constant beyond); ``semblance_demultiple`` and
``unet_demultiple`` the same on the gather with its multiples subtracted first
(:func:`geodesk.core.processing.velpick.demultiple_gather`: parabolic Radon, water guide, its
q_cut and damping chosen on the validation seeds above). The error is |ΔVrms| / Vrms at every
sample of the scored span, capped at 100 %; a CMP where a method picks nothing is a miss: it
is counted (``misses``) and all its samples enter the figures at the cap. Mean and p90 in %.
The machine may be shared: ``seconds`` are indicative only.

    .venv/bin/python bench/bench_vel_quality.py --model resources/models/velocities.pt \
        --pictures /tmp/vel_pictures
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import numpy as np
from evalgen.cmps import eval_cmp, scored_span_ms

from geodesk.core.processing.nmo import vrms_at
from geodesk.core.processing.velpick import auto_pick, demultiple_gather
from geodesk.core.section import Axis, Section
from geodesk.ml.registry import load_model
from geodesk.ml.run.results import model_velocity_function
from geodesk.synth import generate_cmps

HELD_OUT_SEED = 2_000_000_000
EVAL_SEED = 3_000_000
ERROR_CAP = 1.0
METHODS = ("semblance", "unet", "semblance_demultiple", "unet_demultiple")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "segy"
VIKING = "equinor+segyio/python/tutorials/viking_small.segy"
VIKING_PICKS = "rmorel+Viking/data/raw/first_velan_picks.csv"
VIKING_MUTE = "rmorel+Viking/data/raw/mute_picks.csv"
CDP700 = "msacchi+SeismicLab/SeismicLab_data/cdp700.su"


class Tally:
    """Pooled errors, misses and time of each method over a set of CMPs."""

    def __init__(self) -> None:
        self.errors: dict[str, list[np.ndarray]] = {m: [] for m in METHODS}
        self.misses = dict.fromkeys(METHODS, 0)
        self.seconds = dict.fromkeys(METHODS, 0.0)
        self.cmps = 0

    def add(self, picks: dict, t_ms: np.ndarray, truth: np.ndarray) -> None:
        self.cmps += 1
        for m, (pt, pv, secs) in picks.items():
            self.seconds[m] += secs
            if len(pt) == 0:
                self.misses[m] += 1
                self.errors[m].append(np.full(len(t_ms), ERROR_CAP))
                continue
            e = np.abs(vrms_at(pt, pv, t_ms) - truth) / truth
            self.errors[m].append(np.minimum(e, ERROR_CAP))

    def report(self) -> dict:
        out: dict = {"cmps": self.cmps}
        for m in METHODS:
            e = np.concatenate(self.errors[m]) * 100.0 if self.errors[m] else np.zeros(0)
            out[m] = {"mean_pct": round(float(e.mean()), 2) if e.size else None,
                      "p90_pct": round(float(np.percentile(e, 90)), 2) if e.size else None,
                      "misses": self.misses[m], "seconds": round(self.seconds[m], 1)}
        return out


def gather_section(data: np.ndarray, offsets: np.ndarray, t_ms: np.ndarray) -> Section:
    return Section(np.asarray(data, dtype=np.float32),
                   Axis(np.arange(len(offsets), dtype=float), "trace"),
                   Axis(np.asarray(t_ms, dtype=float), "time", "ms"), "gather",
                   headers={"offset": np.asarray(offsets, dtype=float)})


def pick_all(model, data: np.ndarray, offsets: np.ndarray, t_ms: np.ndarray
             ) -> tuple[dict, np.ndarray]:
    """``{method: (t, v, seconds)}`` on one gather, and the demultipled gather (the
    ``*_demultiple`` methods pick on it; its seconds are counted in both)."""
    data = np.asarray(data, dtype=np.float32)
    s = time.perf_counter()
    clean = demultiple_gather(data, offsets, t_ms)
    dm_secs = time.perf_counter() - s
    out = {}
    for suffix, d, extra in (("", data, 0.0), ("_demultiple", clean, dm_secs)):
        s = time.perf_counter()
        pt, pv = auto_pick(d, offsets, t_ms)
        out["semblance" + suffix] = (pt, pv, time.perf_counter() - s + extra)
        s = time.perf_counter()
        gt, gv = model_velocity_function(model, gather_section(d, offsets, t_ms))
        out["unet" + suffix] = (gt, gv, time.perf_counter() - s + extra)
    return out, clean


# -- columns ------------------------------------------------------------------------------------
def own_column(model, snrs, records, n) -> dict:
    """GeoDesk's own held-out generator."""
    out: dict = {}
    pooled = Tally()
    for i, snr in enumerate(snrs):
        cell = Tally()
        for j, rec in enumerate(records):
            for k in range(n):
                seed = HELD_OUT_SEED + 10_000 * i + 100 * j + k
                rng = np.random.default_rng(seed)
                n_off = int(rng.integers(24, 61))
                c = generate_cmps((1, n_off, round(rec * 250)), seed=seed, dt_ms=4.0,
                                  snr_db=snr, irregular=bool(rng.random() < 0.5),
                                  offset_range_m=(float(rng.uniform(50, 300)),
                                                  float(rng.uniform(1500, 4000))))
                t = np.asarray(c.truth["t0_ms"], dtype=float)
                p_t0 = np.asarray(c.truth["primary_t0_ms"], dtype=float)
                sel = (t >= p_t0.min()) & (t <= p_t0.max())
                picks, _ = pick_all(model, c.data[0], c.offsets_m[0], t)
                for tally in (cell, pooled):
                    tally.add(picks, t[sel], np.asarray(c.truth["vrms"][0], float)[sel])
        out[f"SNR {snr:g} dB"] = cell.report()
    out["pooled"] = pooled.report()
    return out


def eval_column(model, snrs, n, seed0: int = EVAL_SEED, pictures: Path | None = None) -> dict:
    """The evaluation-only family, by SNR (everything else drawn from each seed)."""
    out: dict = {}
    pooled = Tally()
    for i, snr in enumerate(snrs):
        cell = Tally()
        for k in range(n):
            c = eval_cmp(seed0 + 1000 * i + k, snr)
            lo, hi = scored_span_ms(c)
            sel = (c.times_ms >= lo) & (c.times_ms <= hi)
            picks, _ = pick_all(model, c.data, c.offsets_m, c.times_ms)
            for tally in (cell, pooled):
                tally.add(picks, c.times_ms[sel], c.truth["vrms"][sel])
            if pictures is not None and k < 3:
                save_velocity_picture(pictures / f"evalgen_snr{snr:g}_{k}.png", c.data,
                                      c.offsets_m, c.times_ms, picks,
                                      (c.times_ms, c.truth["vrms"]))
        out[f"SNR {snr:g} dB"] = cell.report()
    out["pooled"] = pooled.report()
    return out


def read_knots(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Two-column CSV with a header row -> two float arrays."""
    with open(path, newline="") as f:
        rows = [r for r in csv.reader(f)][1:]
    a = np.array([[float(x) for x in r[:2]] for r in rows if len(r) >= 2])
    return a[:, 0], a[:, 1]


def apply_mute(data: np.ndarray, channels: np.ndarray, t_ms: np.ndarray,
               mute_ch: np.ndarray, mute_t_ms: np.ndarray, taper_ms: float = 40.0
               ) -> np.ndarray:
    """Zero every trace above its mute time (interpolated by channel), with a linear taper."""
    order = np.argsort(mute_ch)
    edge = np.interp(channels, mute_ch[order], mute_t_ms[order])
    ramp = np.clip((t_ms[None, :] - edge[:, None]) / taper_ms, 0.0, 1.0)
    return (np.asarray(data, dtype=np.float32) * ramp).astype(np.float32)


def plausibility(t: np.ndarray, v: np.ndarray) -> dict:
    """Whether picks could be primaries' Vrms: no drop over 2 %, Dix velocities 1400-8000 m/s."""
    if len(t) == 0:
        return {"picks": "", "plausible": False}
    ts, vs = np.asarray(t, float) / 1000.0, np.asarray(v, float)
    drop = bool(np.any(vs[1:] < 0.98 * np.maximum.accumulate(vs)[:-1]))
    with np.errstate(invalid="ignore", divide="ignore"):
        v2 = np.diff(vs ** 2 * ts) / np.diff(ts)
    vint = np.sqrt(np.where(v2 > 0, v2, np.nan))
    bad = int(np.sum(~np.isfinite(vint) | (vint < 1400) | (vint > 8000)))
    return {"picks": " ".join(f"{a:.0f}/{b:.0f}" for a, b in zip(t, v)),
            "vrms_drops_over_2pct": drop,
            "implausible_dix_intervals": bad, "plausible": (not drop) and bad == 0}


def real_column(model, shared: Path, pictures: Path | None) -> dict:
    """Viking shots against the hand function; cdp700 plausibility (picture only)."""
    import geodesk

    out: dict = {}
    path = shared / VIKING
    if path.exists():
        ht, hv = read_knots(shared / VIKING_PICKS)
        mt, mch = read_knots(shared / VIKING_MUTE)
        tally = Tally()
        shots = {}
        with geodesk.open(path) as s:
            t = np.asarray(s.times_ms, dtype=float)
            sel = (t >= 500.0) & (t <= 2200.0)
            truth = np.interp(t, ht * 1000.0, hv * 1000.0)
            for key in s.gather_keys:
                g = s.gather(int(key))
                data = apply_mute(g.data, np.asarray(g.headers["channel"], float), t,
                                  mch, mt * 1000.0)
                picks, clean = pick_all(model, data, np.asarray(g.headers["offset"], float),
                                        t)
                tally.add({m: p for m, p in picks.items()}, t[sel], truth[sel])
                shots[int(key)] = {m: " ".join(f"{a:.0f}/{b:.0f}" for a, b in zip(p[0], p[1]))
                                   for m, p in picks.items()}
                if pictures is not None and int(key) == int(s.gather_keys[0]):
                    save_velocity_picture(pictures / f"viking_ffid{int(key)}.png", data,
                                          np.asarray(g.headers["offset"], float), t, picks,
                                          (ht * 1000.0, hv * 1000.0))
                    save_velocity_picture(pictures / f"viking_ffid{int(key)}_demultiple.png",
                                          clean, np.asarray(g.headers["offset"], float), t,
                                          _demultiple_picks(picks), (ht * 1000.0, hv * 1000.0))
        out["viking_shots"] = {"scored_ms": [500, 2200], **tally.report(),
                               "picks_t_ms/vrms": shots}
    path = shared / CDP700
    if path.exists():
        with geodesk.open(path) as s:
            g = s.gather(int(s.gather_keys[0]))
            t = np.asarray(s.times_ms, dtype=float)
        off = np.asarray(g.headers["offset"], float)
        picks, _ = pick_all(model, g.data, off, t)
        out["cdp700_picture_only"] = {m: plausibility(p[0], p[1]) for m, p in picks.items()}
        if pictures is not None:
            save_velocity_picture(pictures / "cdp700.png", g.data, off, t, picks, None)
    return out


# -- pictures -----------------------------------------------------------------------------------
def _demultiple_picks(picks: dict) -> dict:
    """The demultiple methods' picks under the names the picture draws (red, blue)."""
    return {m: picks[f"{m}_demultiple"] for m in ("semblance", "unet")}


def _gray(a: np.ndarray, w: int, h: int):
    from PySide6.QtGui import QImage

    a = np.nan_to_num(np.asarray(a, dtype=float))
    s = float(np.percentile(np.abs(a), 98)) or 1.0
    img = np.clip(127.5 - 127.5 * a / s, 0, 255).astype(np.uint8)
    ix = (np.arange(w) * a.shape[0] / w).astype(int)
    it = (np.arange(h) * a.shape[1] / h).astype(int)
    img = np.ascontiguousarray(img[ix][:, it].T)
    return QImage(img.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


def save_velocity_picture(path: Path, data, offsets, t_ms, picks: dict, truth) -> None:
    """Gather (AGC'd, by offset) beside its semblance panel with each method's picks (semblance
    red, U-Net blue, the hand function green) and the gather NMO-corrected with the U-Net picks."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen

    from geodesk.core.processing.agc import agc
    from geodesk.core.processing.nmo import nmo_correct
    from geodesk.core.processing.semblance import semblance, velocity_axis

    _app = QGuiApplication.instance() or QGuiApplication([])
    t = np.asarray(t_ms, float)
    dt = t[1] - t[0]
    bal = agc(np.asarray(data, np.float32), max(1, round(500.0 / dt)))
    order = np.argsort(np.abs(offsets), kind="stable")
    vel = velocity_axis(1400.0, 6000.0, 25.0)
    panel = semblance(bal, offsets, t, vel)
    w, h = 260, 600
    img = QImage(3 * w + 20, h, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.drawImage(0, 0, _gray(bal[order], w, h))
    # each time scaled by its best semblance (weak deep peaks stay visible); dark = high
    sv = panel.values / np.maximum(panel.values.max(axis=0, keepdims=True), 0.05)
    p.drawImage(w + 10, 0, _gray(2.0 * np.clip(sv, 0, 1) - 1.0, w, h))
    tu = picks.get("unet", ((), ()))
    if len(tu[0]):
        nmo = nmo_correct(bal, offsets, t, tu[0], tu[1], stretch_mute_pct=60.0)
        p.drawImage(2 * w + 20, 0, _gray(nmo[order], w, h))
    to_xy = lambda tt, vv: QPointF(w + 10 + (vv - vel[0]) / (vel[-1] - vel[0]) * w,
                                   (tt - t[0]) / (t[-1] - t[0]) * h)
    curves = [("semblance", "red"), ("unet", "blue")]
    for name, colour in curves:
        if name not in picks or not len(picks[name][0]):
            continue
        pen = QPen(QColor(colour))
        pen.setWidth(2)
        p.setPen(pen)
        pts = [to_xy(a, b) for a, b in zip(picks[name][0], picks[name][1])]
        for a, b in zip(pts[:-1], pts[1:]):
            p.drawLine(a, b)
        for q in pts:
            p.drawEllipse(q, 3, 3)
    if truth is not None:
        pen = QPen(QColor("green"))
        pen.setWidth(2)
        p.setPen(pen)
        tt = t[::5]
        vv = np.interp(tt, truth[0], truth[1])
        for k in range(len(tt) - 1):
            p.drawLine(to_xy(tt[k], vv[k]), to_xy(tt[k + 1], vv[k + 1]))
    p.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(str(path))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="velocity model file (.pt)")
    ap.add_argument("--own-cmps", type=int, default=4, help="own CMPs per (SNR, record) cell")
    ap.add_argument("--eval-cmps", type=int, default=40, help="evaluation CMPs per SNR")
    ap.add_argument("--snr", type=float, nargs="+", default=[0.0, 10.0, 20.0])
    ap.add_argument("--record-s", type=float, nargs="+", default=[2.0, 3.0, 4.0])
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared SEG-Y folder")
    ap.add_argument("--pictures", type=Path, default=None, help="folder for PNG pictures")
    ap.add_argument("--eval-seed", type=int, default=EVAL_SEED,
                    help="first evaluation seed (below 1e6: validation seeds, for tuning)")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    model = load_model(args.model, task="velocities", device="cpu")
    start = time.perf_counter()
    out = {"model": args.model, "error_cap_pct": 100 * ERROR_CAP,
           "own_held_out": own_column(model, args.snr, args.record_s, args.own_cmps),
           "evaluation_family": eval_column(model, args.snr, args.eval_cmps, args.eval_seed,
                                            args.pictures),
           "real": real_column(model, args.shared, args.pictures)}
    out["wall_s"] = round(time.perf_counter() - start, 1)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
