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
  :data:`SUPPORT_RATIO` x the classical pick's.

The network's pick is first placed on the INPUT samples by an AIC split within
:data:`REFINE_MS` of it (the network works on a 1 ms grid; a 0.25 ms record needs 0.5 ms).

Constants chosen on GeoDesk validation draws only (``geodesk.ml.data.datasets.examples``,
seeds 1e9 + 0..136 at size 192, the network's own training family; within 2 samples):
network alone 0.479, classical 0.420. Grid: SUPPORT_RATIO 0 / 0.25 / 0.5 / 1, LL_MARGIN
5 / 10 / 20 / 40 / 80 / 160. Rule fixed before looking further: of the settings whose switches,
where they change the outcome, are right at least 98 % of the time, the one with the most hits:
0.25 / 40 (0.464, 555 right against 11 wrong; REFINE_MS 0 / 1 / 2 / 4 there: 0.462 / 0.462 /
0.464 / 0.464, the smaller of the best kept). Looser settings gain on GeoDesk (0 / 5: 0.501)
but the network's confidence does not transfer: they lose badly elsewhere.
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
from geodesk.core.processing.fb_trend import TrendPicks

#: the network's log-likelihood at its pick over that at the classical pick, to override it
LL_MARGIN = 40.0
#: the network's pick needs an energy rise of at least this share of the classical pick's
SUPPORT_RATIO = 0.25
#: the network's pick is placed by AIC on the input samples within this many ms of it
REFINE_MS = 2.0


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

    def switch(self, ll_margin: float = LL_MARGIN,
               support_ratio: float = SUPPORT_RATIO) -> np.ndarray:
        """Traces that take the network's pick (see the module docstring)."""
        c = np.asarray(self.classical.picks_ms, dtype=float)
        with np.errstate(invalid="ignore"):
            earlier = (self.placed < c) & (self.sure > ll_margin) \
                & (self.rise_network >= support_ratio * self.rise_classical)
        return np.isfinite(self.placed) & (earlier | ~np.isfinite(c))


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
                          onset_strength(x, c, dt_ms, period, t0_ms))


def classical_with_network(data: np.ndarray, dt_ms: float, t0_ms: float,
                           offsets: np.ndarray | None, network_ms: np.ndarray,
                           loglik: np.ndarray, work_dt_ms: float, *,
                           ll_margin: float = LL_MARGIN, support_ratio: float = SUPPORT_RATIO,
                           refine_ms: float = REFINE_MS) -> HybridPicks:
    """Classical picks of the gather ``data`` (traces, input samples) where the network's
    picks ``network_ms`` (with their onset log-likelihood ``loglik`` on the work grid) do not
    show an earlier onset it is sure of and the data support (see the module docstring)."""
    ev = switch_evidence(data, dt_ms, t0_ms, offsets, network_ms, loglik, work_dt_ms,
                         refine_ms=refine_ms)
    take = ev.switch(ll_margin, support_ratio)
    c = np.asarray(ev.classical.picks_ms, dtype=float)
    return HybridPicks(np.where(take, ev.placed, c).astype(np.float32), take, ev.classical)
