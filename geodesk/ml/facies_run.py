"""Facies of a whole post-stack survey, as the window and ``geodesk facies`` both run them.

Passes over the survey in blocks of inlines: the first computes the features (attributes,
or the autoencoder's latent maps) and keeps a random sample of them for fitting K-means, the
second labels every sample (kept in memory when the features fit :data:`KEEP_FEATURES_BYTES`).
K-means finds a few more classes than asked for and the classes that touch most in space (one
unit split along its reflections) are merged (:mod:`geodesk.ml.facies_merge`); a third pass
cuts each trace into segments of few class changes (:mod:`geodesk.ml.facies_regularise`),
and thin layers enclosed by one class are taken into it, body by body
(:mod:`geodesk.ml.facies_lateral`).
With a horizon, each trace gets one vector, the mean of its per-sample features in a window
centred on the horizon, and the result is a map. Classes are 1..K in the outputs, 0 where no
class was given (dead traces, unpicked horizon nodes, samples outside the horizon window).
Bad input (NaN/Inf samples, K above the samples, a window leaving the data, a horizon outside
the survey, constant attributes) raises :class:`~geodesk.ml.facies.FaciesError` before any
file is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from geodesk.core.jobs import JobContext, PartContext
from geodesk.core.processing.attributes import HALO_TRACES, check_names, compute_attributes
from geodesk.ml.facies import FaciesError, FaciesKMeans

#: Attributes K-means uses by default: amplitude, frequency (instantaneous, envelope-weighted
#: in the window, and dominant) and continuity. First chosen on geodesk.synth.facies volumes;
#: on the VALIDATION volumes of the evaluation family (evalgen.facies seeds 100-109, never the
#: scored seeds 0..N-1; bench_facies.py --validation), with 64 ms windows and no merging,
#: dropping the instantaneous frequency lowered the mean ARI from 0.72 to 0.65 and dropping the
#: dominant frequency to 0.63; a lateral-similarity (lagged correlation) attribute added 0.01
#: and was left out. The coherence is steered along the local dip: with the merging, on seeds
#: 100-119, flat 0.774, steered 0.799 (no volume lower by more than 0.01); on seeds 100-111
#: (steered 0.793) a 5 x 5 steered aperture gave 0.768 and 96 ms RMS / dominant frequency /
#: coherence added as more attributes 0.74-0.76.
DEFAULT_ATTRIBUTES = ("rms", "frequency", "dominant_frequency", "steered_coherence")
#: Attributes whose logarithm is clustered (amplitudes spread over decades).
LOG_ATTRIBUTES = ("envelope", "rms")
#: Features kept between the two passes below this size (else computed again).
KEEP_FEATURES_BYTES = 512 * 2**20
#: Vectors K-means is fitted on at most (a random sample of the survey's).
MAX_FIT_VECTORS = 200_000

Featurizer = Callable[[np.ndarray, float], np.ndarray]


@dataclass
class FaciesSettings:
    """What to classify and how: K, features, attribute window and smoothing, horizon window."""

    n_clusters: int = 4
    features: str = "attributes"  # or "cae"
    attributes: tuple[str, ...] = DEFAULT_ATTRIBUTES
    window_ms: float = 32.0  # windowed attributes (RMS, dominant frequency, coherence)
    smooth_ms: float = 48.0  # features averaged over this time window...
    smooth_traces: int = 9  # ...and this many traces (inlines and crosslines)
    # K-means finds this many more classes, then those that touch most in space are merged.
    # Chosen with K = 4 on the validation volumes of both families (evalgen.facies seeds
    # 100-109 / geodesk.synth.facies seeds 50-55), mean ARI: none 0.69 / 0.82, 1 0.76 / 0.84,
    # 2 0.785 / 0.83, 3 0.785 / 0.83; with 2, windows of 24-40 ms and smoothing of 32-48 ms
    # all gave 0.775-0.79 / 0.82-0.83. Tried and left out (evalgen validation, all merged):
    # 64 ms windows with an edge-preserving 100 ms time mean 0.77 / 0.71, windows scaled to
    # the estimated dominant period 0.77, a mode filter of the classes 0.74-0.77.
    extra_classes: int = 2
    # Then each trace is cut into segments (facies_regularise.trace_potts): this penalty per
    # change of class, in squared standardised distance; 0 = off. Chosen with the steered
    # coherence on the validation volumes (evalgen.facies seeds 100-119; K-means fitted on
    # every sample, 4 restarts), mean ARI: 0 0.799, 10 0.805, 20 0.811, 40 0.814 (one volume
    # 0.83 -> 0.76), 80 0.792; with 10 restarts on the 200 000-vector fit sample, 30 0.809.
    trace_penalty: float = 20.0
    # Whole-unit alternatives tried on the same validation volumes (seeds 100-119, this
    # pipeline 0.808; harness fitted as here) and left out, mean ARI: segments first, then
    # K-means of the segments weighted by size: optimal piecewise-constant fit of each trace
    # (penalty 20 / 80) 0.73 / 0.74, piecewise-stationary fit of the local histogram of 8
    # K-means classes (30 nats) 0.809, 0.802 with the spread in each segment; a second K-means
    # on histograms of 6 / 8 / 12 K-means classes over 96 ms x 9 traces 0.801 / 0.791 / 0.767;
    # segmental K-means (Potts chain and centroid update alternated, penalty 20 / 60) 0.796 /
    # 0.793; features smoothed over 96 / 144 ms 0.775 / 0.749, over 48 + 144 ms 0.775, plus the
    # spread of log RMS over 144 ms 0.728; log RMS grey-closed over 64 / 96 ms 0.796 / 0.788;
    # band-limited log RMS (< 14 Hz, 3 bands) 0.76-0.78; the chain before the merge 0.75-0.79.
    # Volumes 111 and 113 stay near 0.5 in every variant: one K-means class holds the quiet
    # unit and the weak stretches of the parallel units. With the true units of each trace as
    # segments the same features give 0.96 (segment means, K-means): what is missing is a
    # segmentation into whole units; none of the segmentations above came close (0.85-0.87
    # with each segment given its majority facies).
    # Then thin layers are taken into the class that encloses them (facies_lateral: a body of
    # one class, connected across traces, with most of its samples in runs thinner than this
    # with one class above and below, joins it); 0 = off. Chosen on the validation volumes
    # (evalgen.facies seeds 100-119, after the chain with penalty 20, the rest as here; with it
    # bench_facies --validation gives 0.820, min 0.625), mean ARI: off 0.808, 128 / 144-176 /
    # 192 / 240 ms 0.812 / 0.820 / 0.811 / 0.803 (the volume of weak stretches in a parallel
    # unit 0.52 -> 0.67, the one with the top parallel unit split 0.57 -> 0.65; above 176 ms two
    # real units of 190 / 225 ms are swallowed); a share of 0.75 instead of 0.5 of the body the
    # same. Decided trace by trace instead of body by body 160 ms 0.821, 96 / 240 ms 0.809 /
    # 0.803 (kept by body: a layer is absorbed or kept everywhere at once). Lateral stages tried
    # on the same volumes and left out, mean ARI: a Potts term across traces (neighbours read
    # along the local dip, red-black sweeps of the exact chain on each trace, 2 / 5 per
    # differing neighbour) 0.808 / 0.808, unchanged: the errors are laterally continuous already
    # (a weak stretch of a parallel unit follows its layering through the whole volume);
    # features smoothed along the local dip instead of flat over 9 traces (13 / 30 binomial
    # passes) 0.798 / 0.781; a minimum run of 64 / 128 ms in the chain 0.810 / 0.807; fine
    # classes chained and thin layers absorbed before the merge 0.69-0.71. Penalty 10 / 30 / 40
    # with it 0.817 / 0.821 / 0.820 (20 kept). Checked once chosen, same run without / with it:
    # on 40 fresh validation volumes (seeds 120-159, used for nothing else) 0.762 / 0.779, 7
    # higher (+0.004 to +0.17), 1 lower (-0.008); on the 20 scored volumes (seeds 0-19) 0.719 /
    # 0.718, 2 higher (+0.08), 1 lower (-0.18: a real quiet unit about 110 ms thick taken into
    # the class around it), not tuned further. The pipeline as a whole gives 0.76 on the fresh
    # seeds against 0.808 on 100-119: its earlier choices fit those 20. With the 6 K-means
    # classes grouped by the truth instead of by contacts (best of the 65 groupings; chain and
    # this stage as here) seeds 100-119 would give 0.861: the merge leaves 0.04, the features
    # and segmentation the rest to the 0.96 of true units.
    thin_layer_ms: float = 160.0
    seed: int = 0
    # K-means restarts (the best inertia kept): 1 fell into poor minima; on seeds 100-119 with
    # the steered coherence and the penalty, 4 gave 0.796 (0.813 on another fit sample), 10
    # gave 0.808 (0.809); 1 or 3 extra classes then gave 0.794 / 0.808
    n_init: int = 10
    horizon_window_ms: float | None = None  # set with a horizon: one vector per trace
    block: int = 16  # inlines per block
    max_fit: int = MAX_FIT_VECTORS

    def check(self) -> None:
        if self.features not in ("attributes", "cae"):
            raise FaciesError(f"--features must be attributes or cae, got {self.features!r}")
        try:
            check_names(self.attributes)
        except ValueError as exc:
            raise FaciesError(str(exc)) from None
        if self.n_clusters < 2:
            raise FaciesError(f"--clusters must be at least 2, got {self.n_clusters}")
        if self.extra_classes < 0:
            raise FaciesError(f"extra classes must be 0 or more, got {self.extra_classes}")
        if not np.isfinite(self.trace_penalty) or self.trace_penalty < 0:
            raise FaciesError(f"the penalty per class change must be 0 or more, got "
                              f"{self.trace_penalty:g}")
        for what, v in (("attribute window", self.window_ms), ("smoothing", self.smooth_ms),
                        ("thin-layer thickness", self.thin_layer_ms)):
            if not np.isfinite(v) or v < 0:
                raise FaciesError(f"{what} must be a non-negative number of ms, got {v:g}")
        if self.horizon_window_ms is not None and not (np.isfinite(self.horizon_window_ms)
                                                       and self.horizon_window_ms > 0):
            raise FaciesError(f"--window must be a positive number of ms, got "
                              f"{self.horizon_window_ms:g}")


@dataclass
class FaciesResult:
    """Classes 1..K (0 = none): per sample (inlines, crosslines, samples) int8, held in memory
    (one byte per sample), or with a horizon a map (inlines, crosslines) int8; the fitted
    K-means (its classes before merging), the class each of them went to, and what was said."""

    classes: np.ndarray
    model: FaciesKMeans
    feature_names: tuple[str, ...]
    horizon: bool
    messages: list[str] = field(default_factory=list)
    window_first: np.ndarray | None = None  # with a horizon: first sample of each window
    window_len: int = 0
    n_samples: int = 0
    groups: np.ndarray | None = None  # class 0..K-1 of each K-means class (None: not merged)

    def trace_classes(self):
        """``(rows, cols) -> (k, samples)`` classes of grid traces (for the SEG-Y export)."""
        from geodesk.core.exchange.facies_io import volume_classes, window_classes

        if not self.horizon:
            return volume_classes(self.classes)
        return window_classes(self.classes, self.window_first, self.window_len, self.n_samples)

    @property
    def n_clusters(self) -> int:
        return int(self.model.n_clusters) if self.groups is None else int(self.groups.max()) + 1


def attribute_featurizer(settings: FaciesSettings) -> Featurizer:
    """Raw features of a block (lines, traces, samples): the attributes, amplitudes as log10
    (:func:`smoothed` averages them as K-means sees them)."""
    names = tuple(settings.attributes)

    def features(block: np.ndarray, dt_ms: float) -> np.ndarray:
        f = compute_attributes(block, dt_ms, names, window_ms=settings.window_ms)
        for j, n in enumerate(names):
            if n in LOG_ATTRIBUTES:
                a = f[..., j]
                f[..., j] = np.log10(a + 1e-3 * max(float(a.mean()), 1e-30))
        return f

    return features


def smoothed(featurizer: Featurizer, settings: FaciesSettings) -> Featurizer:
    """``featurizer`` followed by :func:`smooth_features` (what K-means clusters)."""
    return lambda block, dt_ms: smooth_features(featurizer(block, dt_ms), dt_ms, settings)


def smooth_features(f: np.ndarray, dt_ms: float, settings: FaciesSettings) -> np.ndarray:
    """Features (lines, traces, samples, d) averaged over the settings' trace and time window."""
    nt = max(1, round(settings.smooth_ms / dt_ms) | 1) if settings.smooth_ms else 1
    nl = max(1, int(settings.smooth_traces))
    size = (min(nl, f.shape[0]), min(nl, f.shape[1]), nt, 1)
    from scipy import ndimage  # on first use: the CLI imports this module at every start

    return ndimage.uniform_filter(f, size, mode="nearest") if max(size) > 1 else f


class SurveyBlocks:
    """A post-stack survey read as blocks of inlines (a 2D line is one inline), with a halo."""

    def __init__(self, survey) -> None:
        if survey.kind == "prestack":
            raise FaciesError(f"{survey.name} is a pre-stack file; facies need a post-stack "
                              "volume or line")
        self.survey = survey
        self.is_3d = survey.kind == "post3d"
        self.dt_ms, self.delay_ms = float(survey.dt_ms), float(survey.delay_ms)
        self.n_samples = int(survey.n_samples)
        if self.is_3d:
            self.n_lines, self.n_traces = len(survey.inlines), len(survey.crosslines)
            self.live = np.asarray(survey.live_mask, dtype=bool)
        else:
            sec = survey.line()
            self.n_lines, self.n_traces = 1, sec.data.shape[0]
            self.live = np.asarray(sec.live, dtype=bool).reshape(1, -1) if sec.live is not None \
                else np.ones((1, self.n_traces), dtype=bool)

    def read(self, a: int, b: int) -> np.ndarray:
        """Lines a..b-1 as (b - a, traces, samples) float32; NaN/Inf refused."""
        if self.is_3d:
            out = np.stack([self.survey.inline(int(il)).data
                            for il in self.survey.inlines[a:b]]).astype(np.float32)
        else:
            out = np.asarray(self.survey.line().data, dtype=np.float32)[None]
        bad = ~np.isfinite(out)
        if bad.any():
            i, j, k = (int(v[0]) for v in np.nonzero(bad))
            where = (f"inline {int(self.survey.inlines[a + i])} crossline "
                     f"{int(self.survey.crosslines[j])}" if self.is_3d else f"trace {j}")
            raise FaciesError(f"{int(bad.sum())} samples of {self.survey.name} are NaN or Inf "
                              f"(first at {where}, sample {k}); fix or mute them first")
        return out

    def blocks(self, block: int, halo: int) -> list[tuple[int, int, int, int]]:
        """(a, b, lo, hi): lines a..b-1 to keep, read as lo..hi-1."""
        out = []
        for a in range(0, self.n_lines, max(int(block), 1)):
            b = min(a + max(int(block), 1), self.n_lines)
            out.append((a, b, max(a - halo, 0), min(b + halo, self.n_lines)))
        return out


def horizon_windows(blocks: SurveyBlocks, horizon_ms: np.ndarray, window_ms: float
                    ) -> tuple[np.ndarray, int]:
    """First sample of each trace's window (-1 where the horizon is unpicked or the trace
    dead) and the window length in samples; a window leaving the data is refused."""
    h = np.asarray(horizon_ms, dtype=np.float64)
    if h.shape != (blocks.n_lines, blocks.n_traces):
        raise FaciesError(f"horizon grid {h.shape} does not match the survey "
                          f"({blocks.n_lines} x {blocks.n_traces})")
    n = max(1, round(window_ms / blocks.dt_ms) | 1)
    picked = np.isfinite(h) & blocks.live
    if not picked.any():
        raise FaciesError("the horizon has no picked node on a live trace of the survey")
    centre = np.rint((np.where(picked, h, 0.0) - blocks.delay_ms) / blocks.dt_ms)
    first = centre - n // 2
    out = picked & ((first < 0) | (first + n > blocks.n_samples))
    if out.any():
        i, j = (int(v[0]) for v in np.nonzero(out))
        t_end = blocks.delay_ms + (blocks.n_samples - 1) * blocks.dt_ms
        raise FaciesError(f"the {window_ms:g} ms window around the horizon leaves the data at "
                          f"{int(out.sum())} nodes (first: line {i}, trace {j}, horizon "
                          f"{h[i, j]:g} ms; data {blocks.delay_ms:g}-{t_end:g} ms)")
    return np.where(picked, first, -1).astype(np.int64), n


def _window_means(feats: np.ndarray, first: np.ndarray, n: int) -> np.ndarray:
    """Mean of (lines, traces, samples, d) over samples first..first+n-1 of each trace."""
    c = np.concatenate([np.zeros(feats.shape[:2] + (1, feats.shape[3])),
                        np.cumsum(feats, axis=2, dtype=np.float64)], axis=2)
    f = np.clip(first, 0, feats.shape[2] - n)[..., None, None]
    d = feats.shape[3]
    hi = np.take_along_axis(c, np.broadcast_to(f + n, first.shape + (1, d)), 2)[:, :, 0]
    lo = np.take_along_axis(c, np.broadcast_to(f, first.shape + (1, d)), 2)[:, :, 0]
    return ((hi - lo) / n).astype(np.float32)


def merged_order(model: FaciesKMeans, classes: np.ndarray, n_target: int,
                 sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(groups, lookup): the group 0..n_target-1 of each K-means class after merging by
    contacts, numbered like K-means classes (by the size-weighted centroid of the group), and
    the table taking classes 0..K' (0 = none) to 0..n_target."""
    from geodesk.ml.facies_merge import contact_counts, merge_by_contact

    k = len(sizes)
    raw = merge_by_contact(contact_counts(classes, k), sizes, n_target)
    w = np.maximum(sizes.astype(np.float64), 1.0)
    centers = np.stack([np.average(model.centers_[raw == g], axis=0, weights=w[raw == g])
                        for g in range(int(raw.max()) + 1)])
    order = model.class_order(centers.astype(np.float32))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    groups = rank[raw]
    return groups, np.concatenate([[0], groups + 1]).astype(np.int8)


def classify_survey(survey, settings: FaciesSettings, ctx: JobContext | None = None, *,
                    horizon_ms: np.ndarray | None = None,
                    featurizer: Featurizer | None = None,
                    feature_names: Sequence[str] | None = None) -> FaciesResult:
    """Facies of every sample of ``survey`` (or, with ``horizon_ms`` (inlines, crosslines) and
    ``settings.horizon_window_ms``, of every trace along the horizon)."""
    ctx = ctx or JobContext()
    settings.check()
    blocks = SurveyBlocks(survey)
    raw_featurizer = featurizer or attribute_featurizer(settings)
    names = tuple(feature_names or settings.attributes)
    with_horizon = horizon_ms is not None
    if with_horizon:
        first, n_win = horizon_windows(blocks, horizon_ms, settings.horizon_window_ms or 0.0)
    halo = HALO_TRACES + settings.smooth_traces
    plan = blocks.blocks(settings.block, halo)
    rng = np.random.default_rng(settings.seed)
    n_live = int(blocks.live.sum()) if not with_horizon else int((first >= 0).sum())
    per_vector = blocks.n_samples if not with_horizon else 1
    total = n_live * per_vector
    if total < settings.n_clusters:
        raise FaciesError(f"{settings.n_clusters} classes asked for but only {total} samples "
                          "to classify; choose fewer classes")
    keep = total * len(names) * 4 <= KEEP_FEATURES_BYTES
    featurizer = smoothed(raw_featurizer, settings)
    n_fine = min(settings.n_clusters + settings.extra_classes, total)
    take = min(1.0, settings.max_fit / max(total, 1))
    kept: list[np.ndarray] = []
    sample: list[np.ndarray] = []

    def block_vectors(k: int, a: int, b: int, lo: int, hi: int, part: JobContext):
        feats = featurizer(blocks.read(lo, hi), blocks.dt_ms)[a - lo: a - lo + (b - a)]
        part.progress(1.0)
        if with_horizon:
            return _window_means(feats, first[a:b], n_win)[first[a:b] >= 0]
        return feats[blocks.live[a:b]].reshape(-1, feats.shape[-1])

    passes = 3 if settings.trace_penalty > 0 and not with_horizon else 2
    for k, (a, b, lo, hi) in enumerate(plan):
        part = PartContext(ctx, k, passes * len(plan), "features")
        v = block_vectors(k, a, b, lo, hi, part)
        if keep:
            kept.append(v)
        pick = rng.random(len(v)) < take if take < 1.0 else slice(None)
        sample.append(v[pick])
    fit_on = np.concatenate(sample) if sample else np.zeros((0, len(names)), np.float32)
    ctx.progress(0.5, f"K-means on {len(fit_on)} vectors")
    model = FaciesKMeans(n_clusters=n_fine, seed=settings.seed,
                         n_init=settings.n_init, attribute_names=names).fit(fit_on)
    if with_horizon:
        classes = np.zeros((blocks.n_lines, blocks.n_traces), dtype=np.int8)
    else:
        classes = np.zeros((blocks.n_lines, blocks.n_traces, blocks.n_samples), dtype=np.int8)
    for k, (a, b, lo, hi) in enumerate(plan):
        part = PartContext(ctx, len(plan) + k, passes * len(plan), "classes")
        v = kept[k] if keep else block_vectors(k, a, b, lo, hi, part)
        labels = (model.predict(v) + 1).astype(np.int8)
        mask = (first[a:b] >= 0) if with_horizon else blocks.live[a:b]
        out = classes[a:b]
        out[mask] = labels.reshape(-1, *out.shape[2:]) if not with_horizon else labels
        part.progress(1.0)
    messages = list(model.messages_)
    groups = None
    if n_fine > settings.n_clusters:
        sizes = np.bincount(classes.ravel(), minlength=n_fine + 1)[1:]
        groups, lookup = merged_order(model, classes, settings.n_clusters, sizes)
        classes = lookup[classes]
        messages.append(f"K-means found {n_fine} classes; the {n_fine - settings.n_clusters} "
                        "that touched others most in space were merged with them")
    if settings.trace_penalty > 0 and not with_horizon:
        from geodesk.ml.facies_regularise import regularise_traces

        members = groups if groups is not None else np.arange(n_fine)
        for k, (a, b, lo, hi) in enumerate(plan):
            part = PartContext(ctx, 2 * len(plan) + k, passes * len(plan), "along traces")
            v = kept[k] if keep else block_vectors(k, a, b, lo, hi, part)
            labels = regularise_traces(model, v, members, blocks.n_samples,
                                       settings.trace_penalty) + 1
            classes[a:b][blocks.live[a:b]] = labels.reshape(-1, blocks.n_samples)
            part.progress(1.0)
        messages.append(f"classes cut into segments along each trace (penalty "
                        f"{settings.trace_penalty:g} per change of class)")
    thin = round(settings.thin_layer_ms / blocks.dt_ms) if not with_horizon else 0
    if thin > 1:
        from geodesk.ml.facies_lateral import absorb_thin_layers

        ctx.progress(0.99, "thin layers")
        before = classes
        classes = absorb_thin_layers(classes, thin)
        share = float(np.mean(classes != before))
        messages.append(f"layers thinner than {settings.thin_layer_ms:g} ms enclosed by one "
                        f"class taken into it ({100 * share:.1f} % of the samples)")
    ctx.progress(1.0, "done")
    return FaciesResult(classes, model, names, with_horizon, messages,
                        first if with_horizon else None, n_win if with_horizon else 0,
                        blocks.n_samples, groups)


def section_classes(result: FaciesResult, survey, mode: str, value: float) -> np.ndarray | None:
    """The classes of section ``(mode, value)`` (traces, samples), None for other sections."""
    if survey.kind != "post3d":
        if mode != "line":
            return None
        rows, cols = np.zeros(survey.n_traces, int), np.arange(survey.n_traces)
    elif mode == "inline":
        cols = np.arange(len(survey.crosslines))
        rows = np.full(cols.size, int(np.searchsorted(survey.inlines, int(value))))
    elif mode == "crossline":
        rows = np.arange(len(survey.inlines))
        cols = np.full(rows.size, int(np.searchsorted(survey.crosslines, int(value))))
    else:
        return None
    return np.asarray(result.trace_classes()(rows, cols), dtype=np.int8)
