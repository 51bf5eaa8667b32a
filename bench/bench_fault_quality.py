"""Fault-detection quality in three columns, the model beside the coherence attribute.

1. GeoDesk's own generators on held-out seeds (from 2e9; training uses < 1e9, validation
   1e9 + k): the original ``generate_post3d`` family (3 faults, 4 x 160 x 200 volumes, by SNR)
   and the wide fault-training family (``fault_training_sections``).
2. The independent evaluation family ``evalgen.faults`` (other geology, wavelets, faults and
   noise; about one section in six without faults, whose false positives count), by SNR, and
   split by the wavelet's phase (zero-phase Ormsby; causal Berlage and minimum-phase, whose
   reflections trail the earth-position fault labels), and with the causal sections' phase
   declared to the model (``wavelet_phase="minimum"``, as an interpreter who knows the data
   were not zero-phased would: it reads the generator's wavelet kind, so it is reported apart),
   and with the model's other wavelet-phase setting (``other_phase``: "zero" for the default
   "auto", which detects the phase from the data, and the reverse), with the detector's hits on
   the causal and the zero-phase sections; ``other_phase`` in the held-out cells too.
3. Real 2D lines in ``../shared`` (no truth): fraction of samples with probability >= 0.5 and
   >= the chosen threshold, the share of fault ridges dipping one way, and a left-right flip
   check (correlation of the map of the flipped section, flipped back, with the map), for the
   network's single pass and for ``predict`` (which averages the two by construction); and what
   the wavelet-phase detector finds on each line (with the other phase's checks where it finds
   minimum phase).

Scores: pooled F1 (one-sample tolerance) over all sections of a cell, of the raw probability,
of its ridges (``thin_ridges``) and of the ridges joined into lines of at least LINE_MIN samples
(``fault_lines``, what the workstation draws), at thresholds chosen once on GeoDesk's validation seeds
(``validation_set("faults", N)``) for every method the same way; the best F1 over thresholds
on the scored data itself is reported apart as ``best_possible`` (an upper bound, not a
result). The coherence attribute is 1 - the normalised correlation of neighbouring traces,
scaled to [0, 1] per section. Prints one JSON object; ``--pictures DIR`` writes PNGs. Run:
``.venv/bin/python bench/bench_fault_quality.py --model resources/models/faults.pt``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from geodesk.ml.registry import load_model
from geodesk.ml.ridges import fault_lines, thin_ridges
from geodesk.ml.tasks.common import dilate

HELD_OUT_SEED = 2_000_000_000
EVAL_SEED = 3_000_000_000
THRESHOLDS = np.round(np.arange(0.05, 0.96, 0.05), 2)
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "segy"
REAL_LINES = {
    "penobscot_xl1155": "seg+tutorials-2014/1410_Phase/data/penobscot_xl1155.sgy",
    "gundih_xline12680": "yohanesnuwara+ccs-gundih/data/seismics/2D_Xline_12680.sgy",
    "volve_twt_arb": "trhallam+segysak/examples/data/volve10r12-full-twt-arb.sgy",
    "volve_z_il10117": "trhallam+segysak/tests/test-data-volve/volve10r12-full-z-il10117sub.sgy",
    "f3_inline": "equinor+segyio/test-data/f3.sgy",
}
METHODS = ("unet", "unet_thin", "unet_lines", "coherence", "coherence_thin", "coherence_lines")
#: The three columns: GeoDesk held-out, the evaluation family, the real lines.
COLUMNS = ("own", "eval", "real")
#: Ridge fragments shorter than this (samples) are dropped in the ``*_lines`` maps.
LINE_MIN = 20


def incoherence(section: np.ndarray, half: int = 4) -> np.ndarray:
    """1 - normalised cross-correlation of each trace with its right neighbour over a
    (2*half+1)-sample window, scaled to [0, 1]: high where reflections are cut (0 where the
    data are zero-filled)."""
    a = section.astype(np.float64)
    b = np.roll(a, -1, axis=0)
    b[-1] = a[-1]
    k = np.ones(2 * half + 1)

    def smooth(x: np.ndarray) -> np.ndarray:
        return np.apply_along_axis(lambda r: np.convolve(r, k, mode="same"), 1, x)

    num = smooth(a * b)
    den = np.sqrt(smooth(a * a) * smooth(b * b))
    live = den > 1e-9 * max(float(den.max()), 1e-30)
    c = np.where(live, 1.0 - num / np.where(live, den, 1.0), 0.0)  # zero-filled: not a fault
    c = 0.5 * (c + np.roll(c, 1, axis=0))
    return ((c - c.min()) / max(float(np.ptp(c)), 1e-12)).astype(np.float32)


def score_maps(model, sections: list) -> dict[str, list[np.ndarray]]:
    """Each method's map of every section (raw and thinned)."""
    maps: dict[str, list[np.ndarray]] = {m: [] for m in METHODS}
    for sec in sections:
        p = model.predict(sec)
        c = incoherence(np.asarray(getattr(sec, "data", sec)))
        for name, m in (("unet", p), ("coherence", c)):
            maps[name].append(m)
            maps[f"{name}_thin"].append(thin_ridges(m))
            maps[f"{name}_lines"] = maps[f"{name}_thin"]  # ridges, joined at each threshold
    return maps


def flagged(score: np.ndarray, t: float, lines: bool) -> np.ndarray:
    """Samples flagged at threshold ``t``; for ``lines``, ridges in lines of >= LINE_MIN."""
    return fault_lines(None, t, LINE_MIN, ridges=score) >= t if lines else score >= t


def counts(score: np.ndarray, truth: np.ndarray, t: float, lines: bool = False) -> np.ndarray:
    """(true predicted, predicted, truth hit, truth) sample counts with one-sample tolerance."""
    pred = flagged(score, t, lines)
    lab = truth > 0
    return np.array([(pred & dilate(lab, 1)).sum(), pred.sum(),
                     (lab & dilate(pred, 1)).sum(), lab.sum()], dtype=np.int64)


def pooled_f1(scores: list[np.ndarray], truths: list[np.ndarray], t: float,
              lines: bool = False) -> float:
    """F1 of the summed counts over sections (false positives on fault-free sections count)."""
    c = sum(counts(s, y, t, lines) for s, y in zip(scores, truths))
    if not c[1] and not c[3]:
        return 1.0  # nothing flagged where there is nothing
    precision = c[0] / c[1] if c[1] else 0.0
    recall = c[2] / c[3] if c[3] else 0.0
    return 0.0 if precision + recall == 0 else float(2 * precision * recall / (precision + recall))


def best_threshold(scores: list[np.ndarray], truths: list[np.ndarray],
                   lines: bool = False) -> tuple[float, float]:
    """(F1, threshold) of the best threshold for these sections."""
    return max((pooled_f1(scores, truths, float(t), lines), float(t)) for t in THRESHOLDS)


def cell(maps: dict, truths: list[np.ndarray], thresholds: dict[str, float]) -> dict:
    """F1 at the validation thresholds, best-possible F1 and fault-free false alarms."""
    out: dict = {"sections": len(truths),
                 "fault_free_sections": int(sum(not y.any() for y in truths))}
    free = [i for i, y in enumerate(truths) if not y.any()]
    for m in METHODS:
        out[f"{m}_f1"] = round(pooled_f1(maps[m], truths, thresholds[m], _lines(m)), 3)
    out["best_possible"] = {
        m: dict(zip(("f1", "threshold"), (round(f, 3), t)))
        for m in METHODS for f, t in [best_threshold(maps[m], truths, _lines(m))]}
    if free:
        out["fault_free_flagged_fraction"] = {
            m: round(float(np.mean([np.mean(flagged(maps[m][i], thresholds[m], _lines(m)))
                                    for i in free])), 4)
            for m in METHODS}
    return out


def choose_thresholds(model, n_validation: int) -> dict[str, float]:
    """Every method's threshold, chosen on GeoDesk's validation seeds (pooled F1)."""
    from geodesk.ml.data.datasets import validation_set

    X, y = validation_set("faults", n_validation)
    maps = score_maps(model, X)
    return {m: best_threshold(maps[m], y, _lines(m))[1] for m in METHODS}


def _lines(method: str) -> bool:
    return method.endswith("_lines")


def own_columns(model, thresholds: dict, snrs: list[float], volumes: int, draws: int) -> dict:
    """Held-out GeoDesk generators: the original family by SNR and the training family."""
    from geodesk.ml.data.datasets import examples
    from geodesk.synth import generate_post3d

    legacy = {}
    for snr in snrs:
        X, y = [], []
        for k in range(volumes):
            r = generate_post3d((4, 160, 200), seed=HELD_OUT_SEED + int(snr) * 100 + k,
                                snr_db=snr, n_faults=3, n_horizons=0)
            for i in range(r.data.shape[0]):
                X.append(r.data[i])
                y.append(r.truth["fault_labels"][i])
        legacy[f"{snr:g}dB"] = c = cell(score_maps(model, X), y, thresholds)
        c["other_phase"] = _other_phase_f1s(model, X, y, thresholds)
    X, y = [], []
    for k in range(draws):
        a, b = examples("faults", HELD_OUT_SEED + 50_000 + k)
        X += a
        y += b
    training = cell(score_maps(model, X), y, thresholds)
    training["other_phase"] = _other_phase_f1s(model, X, y, thresholds)
    return {"original_family_by_snr": legacy, "training_family": training}


def other_phase(model) -> str:
    """The wavelet phase the model is compared with: "zero" for a model that detects it
    ("auto"), else "auto"."""
    return "zero" if model.wavelet_phase == "auto" else "auto"


def _other_phase_f1s(model, sections: list, truths: list, thresholds: dict) -> dict:
    """F1s with the model's ``wavelet_phase`` set to :func:`other_phase`, and how many sections
    the wavelet-phase detector finds minimum phase."""
    from geodesk.core.processing.phase import detect_wavelet_phase

    phase = other_phase(model)
    maps = _phase_maps(model, sections, phase)
    said = sum(detect_wavelet_phase(np.asarray(getattr(s, "data", s))).kind == "minimum"
               for s in sections)
    return {"wavelet_phase": phase, **_f1s(maps, truths, thresholds, range(len(sections))),
            "detected_minimum": int(said)}


#: The evaluation family's wavelets by phase: zero-phase, or causal (energy after the reflector).
WAVELET_PHASE = {"ormsby": "zero_phase", "berlage": "causal", "minphase": "causal"}


def eval_column(model, thresholds: dict, snrs: list[float], n: int) -> dict:
    """The independent evaluation family by SNR (the same geologies at every SNR), with the
    F1s also split by the wavelet's phase: the labels are where the faults are in the earth,
    so with a causal wavelet the breaks in the data lie a fraction of a period below them."""
    from evalgen.faults import fault_suite

    from geodesk.core.processing.phase import detect_wavelet_phase

    out = {}
    for snr in snrs:
        suite = fault_suite(EVAL_SEED, n, snr)
        maps, truths = score_maps(model, [s.data for s in suite]), [s.labels for s in suite]
        out[f"{snr:g}dB"] = c = cell(maps, truths, thresholds)
        causal = [i for i, s in enumerate(suite) if WAVELET_PHASE.get(s.wavelet) == "causal"]
        declared = {m: list(v) for m, v in maps.items()}  # causal sections told "minimum"
        for i, m in zip(causal, _minimum_phase_maps(model, [suite[i].data for i in causal])):
            for name in METHODS:
                declared[name][i] = m[name]
        c["by_wavelet_phase"] = {}
        for phase in sorted(set(WAVELET_PHASE.values())):
            idx = [i for i, s in enumerate(suite) if WAVELET_PHASE.get(s.wavelet) == phase]
            c["by_wavelet_phase"][phase] = _f1s(maps, truths, thresholds, idx)
        c["by_wavelet_phase"]["causal_declared_minimum"] = _f1s(declared, truths, thresholds,
                                                                causal)
        c["all_with_phase_declared"] = _f1s(declared, truths, thresholds, range(len(suite)))
        c["all_other_phase"] = _other_phase_f1s(model, [s.data for s in suite], truths,
                                                thresholds)
        found = [detect_wavelet_phase(s.data).kind == "minimum" for s in suite]
        plain = [i for i in range(len(suite)) if i not in set(causal)]
        c["detector"] = {
            "causal_said_minimum": f"{sum(found[i] for i in causal)}/{len(causal)}",
            "zero_phase_said_zero": f"{sum(not found[i] for i in plain)}/{len(plain)}"}
    return out


def _phase_maps(model, sections: list, phase: str) -> dict[str, list[np.ndarray]]:
    """Every method's maps with the model's ``wavelet_phase`` set to ``phase``."""
    before = model.wavelet_phase
    model.wavelet_phase = phase
    try:
        return score_maps(model, sections)
    finally:
        model.wavelet_phase = before


def _minimum_phase_maps(model, sections: list) -> list[dict]:
    """Every method's map of each section with the model told its wavelet is minimum phase."""
    maps = _phase_maps(model, sections, "minimum")
    return [{m: maps[m][k] for m in METHODS} for k in range(len(sections))]


def _f1s(maps: dict, truths: list, thresholds: dict, idx) -> dict:
    """Pooled F1 of the main methods over the sections ``idx`` at the validation thresholds."""
    idx = list(idx)
    return {"sections": len(idx), **{
        f"{m}_f1": round(pooled_f1([maps[m][i] for i in idx], [truths[i] for i in idx],
                                   thresholds[m], _lines(m)), 3)
        for m in ("unet", "unet_thin", "unet_lines", "coherence")}}


def ridge_dip_share(thin: np.ndarray, t: float) -> float | None:
    """Share of the ridge samples >= ``t`` whose fault dips to larger trace numbers (0.5 =
    no preferred direction), from the structure tensor of the ridge map."""
    from geodesk.ml.ridges import _gauss_smooth

    on = thin >= t
    if on.sum() < 20:
        return None
    gx, gz = np.gradient(_gauss_smooth(on.astype(float), 1.5))
    jxz = _gauss_smooth(gx * gz, 3.0)
    sign = -np.sign(jxz[on])  # a line z = s x has normal (-s, 1): gx gz ~ -s
    sign = sign[sign != 0]
    return round(float(np.mean(sign > 0)), 3) if len(sign) else None


def real_section(name: str, path: Path):
    import geodesk

    survey = geodesk.open(path)
    if survey.kind == "post3d":
        return survey.inline(int(survey.inlines[len(survey.inlines) // 2]))
    return survey.line()


def real_column(model, thresholds: dict, pictures: Path | None) -> dict:
    """Real lines: how much is flagged, dip balance, flip checks, pictures."""
    from geodesk.ml.data.resample import dominant_period

    out = {}
    for name, rel in REAL_LINES.items():
        path = SHARED / rel
        if not path.is_file():
            out[name] = "missing (needs ../shared beside the repository)"
            continue
        sec = real_section(name, path)
        data = np.asarray(sec.data, dtype=np.float32)
        t0 = time.perf_counter()
        prob = model.predict(sec)
        seconds = time.perf_counter() - t0
        averaging = model.flip_average
        model.flip_average = False
        try:
            single = model.predict(data)
            single_flip = model.predict(np.ascontiguousarray(data[::-1]))[::-1]
        finally:
            model.flip_average = averaging
        flip_pred = model.predict(np.ascontiguousarray(data[::-1]))[::-1]
        coh = incoherence(data)
        thin = thin_ridges(prob)
        lines = fault_lines(None, thresholds["unet_lines"], LINE_MIN, ridges=thin)
        out[name] = {
            "shape": list(data.shape),
            "dominant_period_samples": round(dominant_period(data, sec.live), 2),
            "unet_fraction_ge_0.5": round(float(np.mean(prob >= 0.5)), 4),
            "unet_fraction_ge_threshold": round(float(np.mean(prob >= thresholds["unet"])), 4),
            "unet_thin_fraction_ge_threshold": round(
                float(np.mean(thin >= thresholds["unet_thin"])), 4),
            "unet_lines_fraction": round(float(np.mean(lines >= thresholds["unet_lines"])), 4),
            "coherence_fraction_ge_threshold": round(
                float(np.mean(coh >= thresholds["coherence"])), 4),
            "ridge_share_dipping_to_higher_traces": ridge_dip_share(lines,
                                                                    thresholds["unet_lines"]),
            "flip_corr_single_pass": round(float(np.corrcoef(single.ravel(),
                                                             single_flip.ravel())[0, 1]), 3),
            "flip_corr_predict": round(float(np.corrcoef(prob.ravel(), flip_pred.ravel())[0, 1]),
                                       3),
            "predict_seconds": round(seconds, 2),
        }
        out[name]["wavelet_phase_detector"] = _real_phase(model, sec, data)
        if pictures is not None:
            save_pictures(pictures, name, data, prob, lines, thresholds)
    return out


def _real_phase(model, sec, data: np.ndarray) -> dict:
    """What the wavelet-phase detector finds on a real line and, where it finds minimum phase
    (so "zero" and "auto" differ), the checks with the model's phase set to :func:`other_phase`."""
    from geodesk.core.processing.phase import detect_wavelet_phase

    live = np.ones(len(data), bool) if sec.live is None else np.asarray(sec.live, bool)
    est = detect_wavelet_phase(data[live])
    out = {"detected": est.kind,
           "score": round(est.score, 4) if np.isfinite(est.score) else None,  # None: too small
           "threshold": est.threshold, "windows": est.windows}
    if est.kind == "minimum":
        before = model.wavelet_phase
        model.wavelet_phase = phase = other_phase(model)
        try:
            prob = model.predict(sec)
            flip = model.predict(np.ascontiguousarray(data[::-1]))[::-1]
        finally:
            model.wavelet_phase = before
        out[f"{phase}_unet_fraction_ge_0.5"] = round(float(np.mean(prob >= 0.5)), 4)
        out[f"{phase}_flip_corr_predict"] = round(
            float(np.corrcoef(prob.ravel(), flip.ravel())[0, 1]), 3)
    return out


def save_pictures(folder: Path, name: str, data: np.ndarray, prob: np.ndarray,
                  lines: np.ndarray, thresholds: dict) -> None:
    """``NAME.png``: the section, the probability >= threshold over it, and the fault lines
    (``NAME_lines.png``: the section with its fault lines alone)."""
    from _png import section_rgb, write_png

    folder.mkdir(parents=True, exist_ok=True)
    rows = np.nonzero(np.abs(data).max(axis=0) > 0)[0]  # crop zero-filled top and bottom
    if len(rows):
        keep = slice(rows[0], rows[-1] + 1)
        data, prob, lines = data[:, keep], prob[:, keep], lines[:, keep]
    gap = np.full((data.shape[1], 6, 3), 255, dtype=np.uint8)
    panels = [section_rgb(data), gap, section_rgb(data, prob, thresholds["unet"]), gap,
              section_rgb(data, lines, thresholds["unet_lines"])]
    write_png(folder / f"{name}.png", np.concatenate(panels, axis=1))
    write_png(folder / f"{name}_lines.png", section_rgb(data, lines, thresholds["unet_lines"]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True, help="fault model file (.pt)")
    ap.add_argument("--volumes", type=int, default=2, help="original-family volumes per SNR")
    ap.add_argument("--draws", type=int, default=12, help="training-family held-out draws")
    ap.add_argument("--sections", type=int, default=24, help="evaluation sections per SNR")
    ap.add_argument("--validation", type=int, default=8, help="validation draws (thresholds)")
    ap.add_argument("--snr", type=float, nargs="+", default=[0.0, 5.0, 10.0, 20.0])
    ap.add_argument("--no-flip-average", action="store_true",
                    help="single network pass (the behaviour before flip averaging)")
    ap.add_argument("--pictures", type=Path, default=None, help="folder for PNG pictures")
    ap.add_argument("--columns", nargs="+", choices=COLUMNS, default=list(COLUMNS),
                    help="the columns to run (default all; a run can be split in two)")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    t0 = time.perf_counter()
    model = load_model(args.model, task="faults", device="cpu")
    if args.no_flip_average:
        model.flip_average = False
    thresholds = choose_thresholds(model, args.validation)
    out = {"model": args.model,
           "model_params": {k: model.get_params()[k]
                            for k in ("period_samples", "flip_average", "pos_balance",
                                     "wavelet_phase")},
           "thresholds": thresholds,
           "thresholds_chosen_on": f"validation_set('faults', {args.validation}) "
                                   "(GeoDesk validation seeds), pooled F1"}
    if "own" in args.columns:
        out["own_heldout"] = own_columns(model, thresholds, args.snr, args.volumes, args.draws)
    if "eval" in args.columns:
        out["evaluation_family"] = eval_column(model, thresholds, args.snr, args.sections)
    if "real" in args.columns:
        out["real_lines"] = real_column(model, thresholds, args.pictures)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
