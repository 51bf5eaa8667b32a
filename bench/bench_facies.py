"""Facies: quality on volumes of known units, reproducibility, and K-means speed and memory
against scikit-learn's KMeans, in one run; one JSON object.

- **quality**: ``evalgen.facies`` volumes (scored seeds 0..N-1; independent of geodesk.synth,
  never used to choose a setting; ``--validation`` runs the validation seeds 100..100+N-1
  instead, the only ones GeoDesk's facies settings were chosen on), written as SEG-Y and
  classified with K = 4 through
  ``geodesk.ml.facies_run.classify_survey`` (what the window and ``geodesk facies`` run):
  adjusted Rand index (scikit-learn) of the classes against the facies of every sample, for
  attributes + K-means (target >= 0.8) and for autoencoder features + K-means, the autoencoder
  trained on ANOTHER evaluation volume (seed + 1000), so it is scored on data it did not see.
  Per volume: the confusion of facies (rows) and classes (columns).
  A majority baseline (all samples one class, ARI 0) needs no run.
- **reproducible**: the same seed twice gives identical classes; another seed: the share of
  samples whose class number is the same (classes are ordered by a centroid).
- **speed**: 10^6 vectors x 8 attributes (a Gaussian mixture of 8 classes), GeoDesk's
  FaciesKMeans.fit_predict (standardise, drop constant attributes, cluster, order the
  classes) on the array against sklearn.cluster.KMeans(...).fit_predict on the array GeoDesk
  clusters (standardised with GeoDesk's statistics beforehand, outside the timing: the same
  iterations), same n_init, max_iter and seed, interleaved, same repetitions, 1 thread; wall
  time (median) and peak traced memory (tracemalloc: numpy's buffers) of each.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_facies.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from evalgen.facies import make_facies_volume

#: First seed of the validation volumes (settings are chosen on these, never on 0..N-1).
VALIDATION_SEED = 100


def _write(vol, path: Path) -> Path:
    from geodesk.core.segy.write import write_post3d

    n_il, n_xl, _ = vol.data.shape
    gx, gy = np.meshgrid(np.arange(n_xl) * 12.5, np.arange(n_il) * 12.5)
    return write_post3d(path, vol.data, np.arange(n_il) + 1, np.arange(n_xl) + 1, gx, gy,
                        dt_ms=vol.dt_ms)


def quality(n_volumes: int, cae_steps: int, folder: Path, first_seed: int = 0,
            with_cae: bool = True) -> dict:
    from sklearn.metrics import adjusted_rand_score, confusion_matrix

    import geodesk
    from geodesk.ml.facies_cae import fit_cae_features
    from geodesk.ml.facies_run import FaciesSettings, classify_survey

    rows = []
    for seed in range(first_seed, first_seed + n_volumes):
        vol = make_facies_volume(seed=seed)
        other = make_facies_volume(seed=seed + 1000)
        settings = FaciesSettings(n_clusters=4, seed=0)
        with geodesk.open(_write(vol, folder / f"v{seed}.sgy")) as s, \
                geodesk.open(_write(other, folder / f"o{seed}.sgy")) as train_on:
            t0 = time.perf_counter()
            attr = classify_survey(s, settings)
            t_attr = time.perf_counter() - t0
            again = classify_survey(s, FaciesSettings(n_clusters=4, seed=0))
            seed1 = classify_survey(s, FaciesSettings(n_clusters=4, seed=1))
            t_train = t_cae = 0.0
            cae = None
            if with_cae:
                t0 = time.perf_counter()
                feats = fit_cae_features(train_on, settings, steps=cae_steps, threads=1)
                t_train = time.perf_counter() - t0
                t0 = time.perf_counter()
                cae = classify_survey(s, settings, featurizer=feats.features,
                                      feature_names=feats.names)
                t_cae = time.perf_counter() - t0
        truth = vol.facies.ravel()
        cae_classes = cae.classes.ravel() if cae is not None else np.zeros_like(truth)
        rows.append({
            "seed": seed,
            "ari_attributes": round(adjusted_rand_score(truth, attr.classes.ravel()), 4),
            "ari_cae": round(adjusted_rand_score(truth, cae_classes), 4) if with_cae else None,
            "same_seed_identical": bool(np.array_equal(attr.classes, again.classes)),
            "other_seed_same_class_share": round(float(np.mean(attr.classes == seed1.classes)),
                                                 4),
            "attributes_s": round(t_attr, 2), "cae_train_s": round(t_train, 2),
            "cae_classify_s": round(t_cae, 2), "samples": int(truth.size),
            "facies_share": np.round(np.bincount(truth, minlength=4) / truth.size, 3).tolist(),
            "confusion_attributes": confusion_matrix(truth, attr.classes.ravel()).tolist(),
            "confusion_cae": confusion_matrix(truth, cae_classes).tolist() if with_cae else None})
    ari_a = [r["ari_attributes"] for r in rows]
    ari_c = [r["ari_cae"] for r in rows] if with_cae else [float("nan")]
    return {"seeds": "validation" if first_seed else "scored", "volumes": rows,
            "ari_attributes_mean": round(float(np.mean(ari_a)), 4),
            "ari_attributes_min": round(float(np.min(ari_a)), 4),
            "ari_cae_mean": round(float(np.mean(ari_c)), 4) if with_cae else None,
            "ari_cae_min": round(float(np.min(ari_c)), 4) if with_cae else None,
            "target_ari_attributes": 0.8,
            "target_met": bool(np.mean(ari_a) >= 0.8),
            "same_seed_identical_all": all(r["same_seed_identical"] for r in rows)}


def _measured(fn) -> tuple[float, float]:
    """(seconds, peak traced MiB) of one call."""
    tracemalloc.start()
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return dt, peak / 2**20


def speed(n: int, d: int, k: int, repeats: int) -> dict:
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    from geodesk.ml.facies import FaciesKMeans, column_stats

    rng = np.random.default_rng(0)
    centres = rng.normal(0, 3, (k, d))
    X = (centres[rng.integers(0, k, n)] + rng.normal(0, 1, (n, d))).astype(np.float32)
    # sklearn gets the array GeoDesk clusters (X standardised by GeoDesk's own statistics, bit
    # for bit), so both run the same K-means iterations; GeoDesk gets X itself
    ref = FaciesKMeans(n_clusters=k)
    mean, std = column_stats(X)
    ref.mean_, ref.scale_ = mean.astype(np.float32), std.astype(np.float32)
    ref.kept_ = np.arange(d)
    Z = ref.standardise(X)
    n_init, max_iter = 4, 100
    out: dict[str, list] = {"geodesk_s": [], "geodesk_mib": [], "sklearn_s": [],
                            "sklearn_mib": [], "geodesk_iter": [], "sklearn_iter": []}
    same = []
    with threadpool_limits(1):
        for _ in range(repeats):  # interleaved: one of each per repetition
            est = FaciesKMeans(n_clusters=k, seed=0, n_init=n_init, max_iter=max_iter)
            box = {}
            s, m = _measured(lambda b=box, e=est: b.setdefault("g", e.fit_predict(X)))
            out["geodesk_s"].append(s)
            out["geodesk_mib"].append(m)
            out["geodesk_iter"].append(est.n_iter_)
            km = KMeans(n_clusters=k, random_state=0, n_init=n_init, max_iter=max_iter)
            s, m = _measured(lambda b=box, e=km: b.setdefault("s", e.fit_predict(Z)))
            out["sklearn_s"].append(s)
            out["sklearn_mib"].append(m)
            out["sklearn_iter"].append(int(km.n_iter_))
            from sklearn.metrics import adjusted_rand_score

            same.append(adjusted_rand_score(box["g"], box["s"]))
    med = {key: statistics.median(v) for key, v in out.items()}
    return {"vectors": n, "attributes": d, "k": k, "n_init": n_init, "max_iter": max_iter,
            "repeats": repeats, "threads": 1,
            "geodesk_s": round(med["geodesk_s"], 3), "sklearn_s": round(med["sklearn_s"], 3),
            "time_overhead_pct": round(100 * (med["geodesk_s"] / med["sklearn_s"] - 1), 1),
            "geodesk_peak_mib": round(med["geodesk_mib"], 1),
            "sklearn_peak_mib": round(med["sklearn_mib"], 1),
            "memory_overhead_pct": round(100 * (med["geodesk_mib"] / med["sklearn_mib"] - 1), 1),
            "iterations_geodesk_sklearn": [out["geodesk_iter"], out["sklearn_iter"]],
            "ari_geodesk_vs_sklearn": round(float(np.min(same)), 4),
            "target_overhead_pct": 20.0,
            "target_met": bool(med["geodesk_s"] <= 1.2 * med["sklearn_s"]
                               and med["geodesk_mib"] <= 1.2 * med["sklearn_mib"]),
            "all_seconds": {k2: [round(x, 3) for x in v] for k2, v in out.items()
                            if k2.endswith("_s")}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--volumes", type=int, default=4)
    ap.add_argument("--cae-steps", type=int, default=300)
    ap.add_argument("--vectors", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--validation", action="store_true",
                    help=f"quality on the validation seeds {VALIDATION_SEED}.. (for choosing "
                    "settings), not the scored ones")
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--skip-cae", action="store_true",
                    help="attributes + K-means only (no autoencoder training)")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    report: dict = {"bench": "facies", "machine": "shared CPU, 1 thread"}
    with tempfile.TemporaryDirectory(prefix="bench_facies_") as tmp:
        if not args.skip_quality:
            report["quality"] = quality(args.volumes, args.cae_steps, Path(tmp),
                                        VALIDATION_SEED if args.validation else 0,
                                        with_cae=not args.skip_cae)
        if not args.skip_speed:
            report["speed"] = speed(args.vectors, 8, 8, args.repeats)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
