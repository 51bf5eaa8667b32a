"""How unsure a model's picks are: per first-break pick and per fault pixel, by several measures.

Why several: the review queue sends the interpreter where the model is likeliest wrong, and which
signal ranks the wrong picks first is measured, not assumed (``bench/bench_uncertainty.py``).
Every first-break measure is "higher = more likely wrong", per trace:

* ``mc_std``: spread (input samples) of the pick over Monte-Carlo dropout passes
  (``predict(x, mc_samples=N)``; the shipped U-Nets have dropout 0.1);
* ``margin``: the probability that the second-best onset peak of the network's onset
  likelihood, more than the tolerance away from the pick, beats the pick (0 to 1; the pick can
  be a trend re-pick that is not the network's best peak, then it is above 0.5);
* ``classical``: disagreement (input samples) with the classical picker ``mer_trend``;
* ``classical_centred``: the same less the gather's median disagreement (the two pickers may
  place an onset a constant few samples apart: a convention, not an error);
* ``confidence``: one minus the confidence the workstation already stores per pick;
* ``network``: disagreement (input samples) between the network's OWN picks (what it picks with
  ``classical="none"``) and the classical ``mer_trend`` picks: the combined picker's answer is
  mostly the classical pick, so ``classical`` (final pick against mer_trend) is near zero on
  most traces whatever is wrong, while two independent pickers that disagree say that one is;
* ``network_final``: disagreement between the network's own picks and the final picks;
* ``network_mc``: the Monte-Carlo dropout spread (input samples) of the network's own picks;
* ``coherence``: one minus the correlation of the waveform after the final pick with its
  neighbours' at theirs (:func:`~geodesk.core.processing.fb_coherence.neighbour_coherence`;
  0 to 2, 1 where it cannot be measured);
* ``trend``: distance (input samples) of the final pick from the classical refractor trend.

A trace the model left unpicked gets :data:`CAP` in every measure. The network measures come
from the one pass that picks (the classical picks of the combination are reused, the network's
own picks are decoded from the same probabilities). torch only through the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

MEASURES = ("mc_std", "margin", "classical", "classical_centred", "confidence", "network",
            "network_final", "network_mc", "coherence", "trend")
#: the measures that run the model (the others read the stored picks)
NEEDS_MODEL = ("mc_std", "margin", "network", "network_final", "network_mc")
#: the measures valued in input samples (the gather score saturates them at the tolerance)
SAMPLE_VALUED = ("classical", "classical_centred", "mc_std", "network", "network_final",
                 "network_mc", "trend")
#: the measure the workstation ranks by, chosen on validation shots with the COMBINED picker the
#: workstation picks with (bench_uncertainty.py, shipped U-Net, wrong = over 2 samples off; rule:
#: the highest mean per-gather Spearman against the share wrong over GeoDesk validation seeds
#: 1e9 + 1000 i (24 shots, 5 and 15 dB) / evaluation seeds 0-11 at 5 and 10 dB (24) / the same
#: seeds in bench_active_learning's style (12); 1 thread, shared machine). Per gather: margin
#: 0.87 / 0.31 / 0.53 (mean 0.57), network_final 0.72 / 0.27 / 0.53, coherence 0.12 / 0.49 /
#: 0.47, network -0.21 / 0.34 / 0.64, classical -0.32 / 0.01 / 0.24 (the combined picks are
#: mostly the classical picks themselves), mc_std -0.16 / 0.02 / 0.23. Per trace AUROC: margin
#: 0.88 / 0.84 / 0.77, network_final 0.88 / 0.80 / 0.75, network 0.54 / 0.84 / 0.78, classical
#: 0.30 / 0.52 / 0.51. Margin needs one pass of the model per gather (the auto-pick's cost)
DEFAULT_MEASURE = "margin"
#: cap (and the value of an unpicked trace) of the sample-valued measures; margin and confidence
#: are at most 1
CAP = 50.0
#: a pick is wrong when it is more than this many input samples off (the issue's tolerance)
TOLERANCE_SAMPLES = 2.0
#: Monte-Carlo passes for ``mc_std``
MC_SAMPLES = 8


@dataclass
class PickUncertainty:
    """One gather's model picks (ms, NaN unpicked), their stored confidence, the input sample
    interval and the per-trace score of each measure computed (higher = likelier wrong)."""

    times_ms: np.ndarray
    confidence: np.ndarray
    dt_ms: float
    scores: dict[str, np.ndarray] = field(default_factory=dict)

    def score(self, measure: str = DEFAULT_MEASURE) -> np.ndarray:
        """Per-trace score of ``measure``, capped (unpicked traces at the cap)."""
        return self.scores[measure]


def _capped(values: np.ndarray, picked: np.ndarray, cap: float) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    v = np.where(np.isfinite(v), np.minimum(v, cap), cap)
    return np.where(picked, v, cap).astype(np.float32)


def peak_margin(loglik: np.ndarray, k: np.ndarray, exclude: int) -> np.ndarray:
    """Per row of an onset log-likelihood (traces, samples + 1; the last column "no onset"), the
    probability that the best candidate farther than ``exclude`` samples from ``k`` beats the
    one at ``k``: 1 / (1 + exp(ll[k] - ll[second])), in [0, 1]."""
    ll = np.asarray(loglik, dtype=np.float64)
    n_tr, n1 = ll.shape
    kk = np.clip(np.round(np.asarray(k, dtype=float)).astype(np.int64), 0, n1 - 1)
    s = np.arange(n1)[None, :]
    far = np.abs(s - kk[:, None]) > int(exclude)
    far[:, n1 - 1] = kk != n1 - 1  # "no onset" is always an alternative to a pick
    second = np.where(far, ll, -np.inf).max(axis=1)
    first = ll[np.arange(n_tr), kk]
    with np.errstate(over="ignore", invalid="ignore"):
        p = 1.0 / (1.0 + np.exp(np.clip(first - second, -700, 700)))
    return np.where(np.isfinite(second), p, 0.0)


@dataclass
class NetworkPass:
    """One deterministic pass as the workstation picks, with what the measures compare: final
    times (ms), their confidence and peak margin, the network's own picks (ms), the classical
    mer_trend picks and trend (ms) and the input sample interval."""

    times: np.ndarray
    confidence: np.ndarray
    margin: np.ndarray
    network_ms: np.ndarray
    classical_ms: np.ndarray
    trend_ms: np.ndarray
    dt: float


def network_pass(model: Any, gather: Any, own_picks: bool = True) -> NetworkPass:
    """Decode ``gather`` once as the workstation does and, from the same probabilities, the
    network's own picks (``own_picks``; NaN otherwise); the classical picks come from the
    combination when it ran."""
    from geodesk.ml.run.results import decode_first_breaks

    d = decode_first_breaks(model, gather)
    k = np.round(d.onsets.k).astype(np.int64)
    dt = float(d.prep.meta["dt"])
    exclude = max(1, int(np.ceil(TOLERANCE_SAMPLES * dt / float(model.work_dt_ms))))
    margin = peak_margin(model.loglik(d.prob), k, exclude)
    times = np.asarray(d.times, dtype=np.float64)
    if d.hybrid is None:  # the network's own picks already (or a model without the combination)
        own, cls = times, classical_result(gather)
    else:
        own = np.asarray(model.onset_times(model.combined(d.prob, d.prep).k, d.prep,
                                           d.prob.shape[-1]), dtype=np.float64) \
            if own_picks else np.full(times.shape, np.nan)
        cls = d.hybrid.classical
    return NetworkPass(times, d.confidence, margin,
                       np.where(d.prep.meta["live"], own, np.nan),
                       np.asarray(cls.picks_ms, dtype=np.float64),
                       np.asarray(cls.trend.times_ms, dtype=np.float64), dt)


def classical_result(gather: Any) -> Any:
    """The classical ``mer_trend`` result (picks, trend) of a gather Section."""
    from geodesk.core.processing.fb_classical import pick_mer_trend

    t = np.asarray(gather.axis1.values, dtype=float)
    return pick_mer_trend(gather.data, float(t[1] - t[0]), gather.headers.get("offset"),
                          t0_ms=float(t[0]))


def classical_times(gather: Any) -> np.ndarray:
    """The classical ``mer_trend`` picks (ms, NaN unpicked) of a gather Section."""
    return classical_result(gather).picks_ms


def pick_coherence(gather: Any, times_ms: np.ndarray) -> np.ndarray:
    """Per trace: the correlation of the waveform after its pick with its neighbours' at
    theirs (despiked, as the combination measures it), NaN where it cannot be measured."""
    from geodesk.core.processing.fb_classical import (
        arrival_period_ms,
        despike,
        dominant_period_ms,
    )
    from geodesk.core.processing.fb_coherence import neighbour_coherence

    axis = np.asarray(gather.axis1.values, dtype=float)
    dt, t0 = float(axis[1] - axis[0]), float(axis[0])
    x = despike(np.where(np.isfinite(gather.data), gather.data, 0.0))
    t = np.asarray(times_ms, dtype=float)
    period = arrival_period_ms(x, dt, t - t0, dominant_period_ms(x, dt))
    return neighbour_coherence(x, t, t, dt, t0, period)


def own_mc_spread(model: Any, gather: Any, mc_samples: int = MC_SAMPLES) -> np.ndarray:
    """Monte-Carlo dropout spread (ms) of the network's own picks (``classical="none"``)."""
    own = getattr(model, "classical", None)
    if own is not None:
        model.classical = "none"
    try:
        _, sd = model.predict(gather, mc_samples=max(int(mc_samples), 2))
    finally:
        if own is not None:
            model.classical = own
    return np.asarray(sd, dtype=float)


def firstbreak_uncertainty(model: Any, gather: Any, *, measures: tuple[str, ...] = MEASURES,
                           mc_samples: int = MC_SAMPLES,
                           classical: np.ndarray | None = None) -> PickUncertainty:
    """Model picks of one gather Section with the per-trace score of each of ``measures``
    (see the module docstring) from one picking pass (and the Monte-Carlo passes of the
    spreads); ``classical`` are precomputed ``mer_trend`` picks (ms)."""
    unknown = set(measures) - set(MEASURES)
    if unknown:
        raise ValueError(f"unknown uncertainty measure(s) {sorted(unknown)}; "
                         f"choose from {', '.join(MEASURES)}")
    ps = network_pass(model, gather, bool({"network", "network_final"} & set(measures)))
    times, dt = ps.times, ps.dt
    picked = np.isfinite(times)
    conf = np.where(picked, ps.confidence, np.nan)
    out = PickUncertainty(times.astype(np.float32), conf.astype(np.float32), dt)
    ref = ps.classical_ms if classical is None else np.asarray(classical, float)
    if "margin" in measures:
        out.scores["margin"] = _capped(ps.margin, picked, 1.0)
    if "mc_std" in measures:
        _, sd = model.predict(gather, mc_samples=max(int(mc_samples), 2))
        out.scores["mc_std"] = _capped(np.asarray(sd, dtype=float) / dt, picked, CAP)
    if "network_mc" in measures:
        out.scores["network_mc"] = _capped(own_mc_spread(model, gather, mc_samples) / dt,
                                           picked, CAP)
    if "network" in measures:
        out.scores["network"] = _capped(np.abs(ps.network_ms - ref) / dt, picked, CAP)
    if "network_final" in measures:
        out.scores["network_final"] = _capped(np.abs(ps.network_ms - times) / dt, picked, CAP)
    for m in {"classical", "classical_centred", "confidence", "coherence", "trend"} \
            & set(measures):
        out.scores[m] = stored_scores(times, conf, dt, m, ref, gather=gather,
                                      trend_ms=ps.trend_ms)
    return out


def gather_score(trace_scores: np.ndarray, live: np.ndarray | None = None,
                 saturate: float = 1.0) -> float:
    """A gather's expected-error score from its per-trace scores: the mean over live traces of
    each score saturated at ``saturate`` (``min(score / saturate, 1)``): for the sample-valued
    measures with ``saturate`` = the tolerance, about the share of traces off by more than it,
    so a few wild traces cannot outweigh a gather that is a little off everywhere."""
    s = np.asarray(trace_scores, dtype=np.float64)
    if live is not None:
        s = s[np.asarray(live, dtype=bool)]
    s = s[np.isfinite(s)]
    return float(np.minimum(s / float(saturate), 1.0).mean()) if s.size else 0.0


def gather_saturation(measure: str) -> float:
    """The ``saturate`` of :func:`gather_score` for ``measure``: the tolerance (2 samples) for
    the sample-valued measures (chosen on validation shots: Spearman against the gather's share
    of wrong picks, classical, 0.65 / 0.63 unsaturated, 0.59 / 0.91 at 2 samples on 12 GeoDesk
    validation shots / 24 evaluation validation shots), 1 for the others (they are at most 1)."""
    return TOLERANCE_SAMPLES if measure in SAMPLE_VALUED else 1.0


def fault_uncertainty(prob: np.ndarray, std: np.ndarray | None = None,
                      measure: str = "margin") -> np.ndarray:
    """Per-pixel uncertainty of a fault probability section: ``margin`` = 1 - |2p - 1| (1 where
    fault and no fault are equally likely) or ``mc_std`` = the Monte-Carlo dropout spread
    ``std`` of ``predict(x, mc_samples=N)``. Margin is the default: per-pixel AUROC against the
    wrong calls 0.88 / 0.88 against 0.87 / 0.85 for mc_std, per section Spearman 0.45 / 0.40
    against -0.20 / 0.29 (bench_uncertainty.py --faults: GeoDesk validation draws / evaluation
    seeds 0-23), and it needs one pass instead of N."""
    if measure == "margin":
        p = np.asarray(prob, dtype=np.float32)
        return np.clip(1.0 - np.abs(2.0 * p - 1.0), 0.0, 1.0)
    if measure == "mc_std":
        if std is None:
            raise ValueError("mc_std needs the spread of predict(x, mc_samples=N)")
        return np.asarray(std, dtype=np.float32)
    raise ValueError(f"unknown fault uncertainty measure {measure!r} (margin or mc_std)")


def section_score(pixel_uncertainty: np.ndarray, prob: np.ndarray, level: float = 0.5) -> float:
    """A fault section's expected-error score: the mean pixel uncertainty where the network
    comes near a fault (probability above a tenth of ``level``), so quiet sections rank low."""
    u = np.asarray(pixel_uncertainty, dtype=np.float64)
    near = np.asarray(prob, dtype=np.float64) > 0.1 * float(level)
    return float(u[near].mean()) if near.any() else 0.0


def stored_scores(times_ms: np.ndarray, confidence: np.ndarray, dt_ms: float,
                  measure: str, classical: np.ndarray | None = None, *, gather: Any = None,
                  trend_ms: np.ndarray | None = None) -> np.ndarray:
    """Per-trace score of a measure that needs no network pass (``classical``,
    ``classical_centred``, ``confidence``, ``coherence`` or ``trend``) from stored picks and
    their confidence (NaN where none) and, as the measure needs, the classical picks, the
    gather Section or the classical refractor trend (ms)."""
    t = np.asarray(times_ms, dtype=np.float64)
    picked = np.isfinite(t)
    if measure == "confidence":
        return _capped(1.0 - np.asarray(confidence, dtype=np.float64), picked, 1.0)
    if measure in ("classical", "classical_centred"):
        if classical is None:
            raise ValueError(f"the {measure} measure needs the classical picks")
        d = (t - np.asarray(classical, dtype=float)) / dt_ms
        if measure == "classical_centred" and np.isfinite(d).any():
            d = d - np.nanmedian(d)
        return _capped(np.abs(d), picked, CAP)
    if measure == "coherence":
        if gather is None:
            raise ValueError("the coherence measure needs the gather")
        coh = np.nan_to_num(pick_coherence(gather, t), nan=0.0)
        return _capped(1.0 - coh, picked, 2.0)
    if measure == "trend":
        if trend_ms is None:
            raise ValueError("the trend measure needs the classical refractor trend")
        return _capped(np.abs(t - np.asarray(trend_ms, dtype=float)) / dt_ms, picked, CAP)
    raise ValueError(f"{measure!r} needs the network (use firstbreak_uncertainty)")


def survey_scores(survey: Any, times_ms: np.ndarray, confidence: np.ndarray, measure: str,
                  ctx: Any = None, model: Any = None) -> tuple[np.ndarray, dict[int, float]]:
    """Per file trace score (NaN on traces without a pick) and per gather (key -> mean score
    of its picked traces) of a pre-stack ``survey``'s first breaks ``times_ms``, by ``measure``;
    the :data:`NEEDS_MODEL` measures run ``model`` on every gather once (as the auto-pick
    does; the Monte-Carlo ones N times), the others use the stored picks.
    ``ctx`` (a job context) gets progress and may cancel."""
    times = np.asarray(times_ms, dtype=np.float64).ravel()
    conf = np.asarray(confidence, dtype=np.float64).ravel()
    per_trace = np.full(times.size, np.nan, dtype=np.float32)
    per_gather: dict[int, float] = {}
    keys = [int(k) for k in survey.gather_keys]
    for n, key in enumerate(keys):
        if ctx is not None:
            ctx.check_cancel()
            ctx.progress(n / max(len(keys), 1), f"Uncertainty: gather {key} ({n + 1} of "
                                                f"{len(keys)})")
        g = survey.gather(key)
        ti = np.asarray(g.trace_index, dtype=np.int64)
        ok = (ti >= 0) & (ti < times.size)
        t = np.full(ti.size, np.nan)
        t[ok] = times[ti[ok]]
        if not np.isfinite(t).any():
            continue
        axis = np.asarray(g.axis1.values, dtype=float)
        dt = float(axis[1] - axis[0])
        if measure in NEEDS_MODEL:
            if model is None:
                raise ValueError(f"the {measure} measure needs a first-break model")
            s = firstbreak_uncertainty(model, g, measures=(measure,)).scores[measure]
        else:
            c = np.full(ti.size, np.nan)
            c[ok] = conf[ti[ok]]
            cls = classical_result(g) if measure.startswith("classical") or \
                measure == "trend" else None
            s = stored_scores(t, c, dt, measure, None if cls is None else cls.picks_ms,
                              gather=g, trend_ms=None if cls is None else cls.trend.times_ms)
        s = np.where(np.isfinite(t), s, np.nan)
        per_trace[ti[ok]] = s[ok]
        per_gather[key] = gather_score(s[np.isfinite(s)], saturate=gather_saturation(measure))
    return per_trace, per_gather
