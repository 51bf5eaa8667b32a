"""The network's first breaks combined with the classical picker's (``classical="earlier"``).

Why: the network's onset likelihood is calibrated on its own training family only. On other
data (the evaluation family, real shots) it is just as sure of picks on pre-arrival noise or on
the strong slow arrival, while the classical ``mer_trend`` picker
(:mod:`geodesk.core.processing.fb_classical`) holds up there and fails mostly one way on
GeoDesk's family: a weak head wave missed ahead of the direct wave. So the answer is the
classical pick, moved onto the network's where all of these hold:

* the network's pick is EARLIER (a first break is the earliest arrival), or there is no
  classical pick;
* the network's onset log-likelihood at its pick exceeds that at the classical pick by
  :data:`LL_MARGIN` (it is sure the classical pick is not the onset);
* the data show an energy rise at the network's pick: its onset ratio
  (:func:`~geodesk.core.processing.fb_classical.onset_strength`) is at least
  :data:`SUPPORT_RATIO` x the classical pick's;
* the waveform after the network's pick is coherent with its neighbours' at their picks (the
  moves above applied): mean correlation at least :data:`MIN_COHERENCE`
  (:func:`~geodesk.core.processing.fb_coherence.neighbour_coherence`). A weak head wave is
  coherent from trace to trace; the pre-arrival noise the network is sure of on other data is not.

The network's pick is first placed on the INPUT samples by an AIC split within
:data:`REFINE_MS` of it (the network works on a 1 ms grid; a 0.25 ms record needs 0.5 ms).

Constants chosen on validation data only, by ``bench/bench_fb_hybrid_validation.py``: GeoDesk
draws (``geodesk.ml.data.datasets.examples``, seeds 1e9 + 0..136 at size 192, the network's own
training family) and evaluation-family shots (``bench/evalgen``, seeds 0..15 at the six target
SNRs; the scored bench uses seeds from 1e6). Within 2 samples, GeoDesk / evaluation at >= 6 dB:
network alone 0.479 / 0.406 (classical without / with its optional alignment stage 0.420 /
0.422 and 0.687 / 0.762). LL_MARGIN and SUPPORT_RATIO were first chosen on GeoDesk alone (grid
5..160 / 0..1; of the settings whose switches, where they change the outcome, are right at least
98 % of the time, the most hits): 40 / 0.25 (REFINE_MS 0 / 1 / 2 / 4: 0.462 / 0.462 / 0.464 /
0.464, the smaller of the best kept). Those switches are right only 51 % of the time on the
evaluation family and lost on real shots, so MIN_COHERENCE (off / 0.3 .. 0.7) with LL_MARGIN 10
/ 20 / 40 and SUPPORT_RATIO 0 / 0.25 on both families: of the settings right >= 98 % of the time
on GeoDesk's and >= 85 % on the evaluation family's, the most hits (sum of the two shares). On
the default classical picks (no alignment stage): 0.5 / 40 / 0.25 (GeoDesk 0.464 -> 0.453,
evaluation >= 6 dB 0.696 -> 0.699, switches right 86 % instead of 63 %; evaluation seeds
16..23, printed beside, not used by the rule: 0.670 -> 0.679, classical 0.675). On the aligned
classical picks the same rule gives 0.7 (GeoDesk 0.445, evaluation 0.771), the top of that grid:
pass ``min_coherence=0.7`` with ``align=True``. Lateral checks beside the coherence (the moved
pick within 0.5..3 periods of its neighbours' picks, a moved neighbour agreeing, a cap on the
move in periods, no move within a period of the record start) only lost hits on validation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geodesk.core.processing.fb_classical import (
    arrival_period_ms,
    despike,
    dominant_period_ms,
    onset_strength,
    pick_mer_trend,
)
from geodesk.core.processing.fb_coherence import neighbour_coherence
from geodesk.core.processing.fb_trend import TrendPicks

#: the network's log-likelihood at its pick over that at the classical pick, to override it
LL_MARGIN = 40.0
#: the network's pick needs an energy rise of at least this share of the classical pick's
SUPPORT_RATIO = 0.25
#: the network's pick is placed by AIC on the input samples within this many ms of it
REFINE_MS = 2.0
#: the waveform after the network's pick must correlate with its neighbours' at least this much
MIN_COHERENCE = 0.5


@dataclass
class HybridPicks:
    """Per trace: ``times_ms`` (NaN unpicked), ``from_network`` (the network's pick kept) and
    the ``classical`` picker's result the others come from."""

    times_ms: np.ndarray
    from_network: np.ndarray
    classical: TrendPicks


def loglik_at(loglik: np.ndarray, times_ms: np.ndarray, t0_ms: float,
              work_dt_ms: float) -> np.ndarray:
    """The onset log-likelihood (traces, work samples + 1) at each trace's time (ms); the
    onset lies within the work sample before index k, so k = (t - t0) / dt + 0.5, rounded.
    NaN times read the record's first sample."""
    n = loglik.shape[1] - 1
    t = np.nan_to_num(np.asarray(times_ms, dtype=float), nan=t0_ms)
    k = np.clip(np.round((t - t0_ms) / work_dt_ms + 0.5).astype(np.int64), 0, n)
    return loglik[np.arange(loglik.shape[0]), k]


@dataclass
class SwitchEvidence:
    """What the choice between the two picks of each trace rests on: the ``classical`` result,
    the network's pick ``placed`` on the input samples (ms), ``sure`` (its onset log-likelihood
    over the classical pick's) and the energy rises ``rise_network`` and ``rise_classical``."""

    classical: TrendPicks
    placed: np.ndarray
    sure: np.ndarray
    rise_network: np.ndarray
    rise_classical: np.ndarray
    despiked: np.ndarray
    dt_ms: float
    t0_ms: float
    period_ms: float

    def switch(self, ll_margin: float = LL_MARGIN, support_ratio: float = SUPPORT_RATIO,
               min_coherence: float = MIN_COHERENCE) -> np.ndarray:
        """Traces that take the network's pick (see the module docstring)."""
        c = np.asarray(self.classical.picks_ms, dtype=float)
        with np.errstate(invalid="ignore"):
            earlier = (self.placed < c) & (self.sure > ll_margin) \
                & (self.rise_network >= support_ratio * self.rise_classical)
        take = np.isfinite(self.placed) & (earlier | ~np.isfinite(c))
        return take & (self.coherence(take) >= min_coherence)

    def coherence(self, take: np.ndarray) -> np.ndarray:
        """Per trace in ``take``: how alike its waveform after the network's pick is to its
        neighbours' at their picks once ``take`` is applied
        (:func:`~geodesk.core.processing.fb_coherence.neighbour_coherence`); -1 where it cannot
        be measured (no neighbour, too near the record's ends) and outside ``take``."""
        picks = np.where(take, self.placed, self.classical.picks_ms)
        coh = neighbour_coherence(self.despiked, np.where(take, self.placed, np.nan), picks,
                                  self.dt_ms, self.t0_ms, self.period_ms)
        return np.nan_to_num(coh, nan=-1.0)


def switch_evidence(data: np.ndarray, dt_ms: float, t0_ms: float, offsets: np.ndarray | None,
                    network_ms: np.ndarray, loglik: np.ndarray, work_dt_ms: float, *,
                    refine_ms: float = REFINE_MS) -> SwitchEvidence:
    """The classical picks of the gather ``data`` (traces, input samples) and, beside them, the
    network's picks ``network_ms`` with their onset log-likelihood ``loglik`` (work grid)."""
    from geodesk.ml.tasks.firstbreaks import refine_aic

    raw = np.where(np.isfinite(data), data, 0.0)
    cls = pick_mer_trend(raw, dt_ms, offsets, t0_ms=t0_ms)
    c = np.asarray(cls.picks_ms, dtype=float)
    net = np.asarray(network_ms, dtype=float)
    placed = np.asarray(refine_aic(raw, net, dt_ms, t0_ms, refine_ms), dtype=float) \
        if refine_ms else net
    x = despike(raw)  # the energy rises as the classical picker measures them
    period = arrival_period_ms(x, dt_ms, c - t0_ms, dominant_period_ms(x, dt_ms))
    sure = loglik_at(loglik, net, t0_ms, work_dt_ms) - loglik_at(loglik, c, t0_ms, work_dt_ms)
    return SwitchEvidence(cls, placed, sure, onset_strength(x, placed, dt_ms, period, t0_ms),
                          onset_strength(x, c, dt_ms, period, t0_ms), x, float(dt_ms),
                          float(t0_ms), float(period))


def classical_with_network(data: np.ndarray, dt_ms: float, t0_ms: float,
                           offsets: np.ndarray | None, network_ms: np.ndarray,
                           loglik: np.ndarray, work_dt_ms: float, *,
                           ll_margin: float = LL_MARGIN, support_ratio: float = SUPPORT_RATIO,
                           refine_ms: float = REFINE_MS,
                           min_coherence: float = MIN_COHERENCE) -> HybridPicks:
    """Classical picks of the gather ``data`` (traces, input samples) where the network's
    picks ``network_ms`` (with their onset log-likelihood ``loglik`` on the work grid) do not
    show an earlier onset it is sure of and the data support (see the module docstring)."""
    ev = switch_evidence(data, dt_ms, t0_ms, offsets, network_ms, loglik, work_dt_ms,
                         refine_ms=refine_ms)
    take = ev.switch(ll_margin, support_ratio, min_coherence)
    c = np.asarray(ev.classical.picks_ms, dtype=float)
    return HybridPicks(np.where(take, ev.placed, c).astype(np.float32), take, ev.classical)
