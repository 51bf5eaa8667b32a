"""Horizon tracking: follow a peak, trough or zero crossing from seed picks, on a section or in 3D.

Both trackers share one vectorised kernel (:func:`best_events`): around a parent time it finds
every event of the chosen kind within the search window, scores each by normalised
cross-correlation of its waveform with the parent's (or the seed's) waveform, keeps the best
one within the maximum jump, and refines its time to a fraction of a sample. Tracking stops
where the best correlation falls below the threshold. Pure numpy; no Qt.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from geodesk.core.jobs import JobContext
from geodesk.core.processing.track_report import Rejections, StopReport

EVENTS = ("peak", "trough", "zc+", "zc-")
REFERENCES = ("previous", "seed")


@dataclass(frozen=True)
class TrackParams:
    """How to follow an event.

    ``event``: ``peak`` (positive maximum), ``trough`` (negative minimum), ``zc+`` (zero crossing
    from + to - as time increases) or ``zc-`` (from - to +). ``search_ms``: half-width of the
    window searched around the previous pick. ``window_ms``: length of the waveform compared by
    correlation. ``threshold``: minimum normalised cross-correlation to accept a pick.
    ``max_jump_ms``: largest time change allowed between neighbouring traces.
    ``reference``: compare with the ``previous`` trace's waveform or with the ``seed``'s.
    ``min_amplitude_ratio``: reject a candidate whose waveform RMS is below this fraction of the
    reference's (correlation alone is blind to amplitude: weak noise wiggles can correlate).
    """

    event: str = "peak"
    search_ms: float = 12.0
    window_ms: float = 24.0
    threshold: float = 0.7
    max_jump_ms: float = 8.0
    reference: str = "previous"
    min_amplitude_ratio: float = 0.3

    def __post_init__(self) -> None:
        if self.event not in EVENTS:
            raise ValueError(f"unknown event {self.event!r}; choose one of {', '.join(EVENTS)}")
        if self.reference not in REFERENCES:
            raise ValueError(f"unknown reference {self.reference!r}")
        if self.search_ms <= 0 or self.window_ms <= 0 or self.max_jump_ms <= 0:
            raise ValueError("search, window and max jump must be positive (ms)")
        if not -1.0 <= self.threshold <= 1.0:
            raise ValueError("threshold is a correlation in [-1, 1]")
        if self.min_amplitude_ratio < 0:
            raise ValueError("min_amplitude_ratio must be >= 0")


@dataclass(frozen=True)
class SampleParams:
    """:class:`TrackParams` converted to samples for one sample interval."""

    event: str
    search: int  # half-width (samples) of the candidate window around the parent
    half: int  # half-length (samples) of the correlation window
    jump: float  # max jump (samples)
    threshold: float
    min_ratio: float = 0.0

    @classmethod
    def from_params(cls, params: TrackParams, dt_ms: float) -> SampleParams:
        if dt_ms <= 0:
            raise ValueError("sample interval must be positive")
        jump = params.max_jump_ms / dt_ms
        search = max(1, min(round(params.search_ms / dt_ms), math.ceil(jump) + 1))
        half = max(1, round(params.window_ms / dt_ms / 2))
        return cls(params.event, search, half, jump, params.threshold,
                   params.min_amplitude_ratio)

    @property
    def margin(self) -> int:
        """Samples a segment needs on each side of the centre offset range."""
        return self.half + 2


def _windows_at(seg: np.ndarray, pos: np.ndarray, h: int) -> np.ndarray:
    """Waveforms of ``2h+1`` samples centred on fractional positions ``pos`` (m, k) of each row
    of ``seg``, linearly interpolated so that windows of neighbouring traces align exactly."""
    base = np.floor(pos).astype(np.int64)
    f = (pos - base)[..., None].astype(np.float32)
    idx = base[..., None] + np.arange(-h, h + 1)[None, None, :]
    idx = np.clip(idx, 0, seg.shape[1] - 2)
    rows = np.arange(seg.shape[0])[:, None, None]
    return (1 - f) * seg[rows, idx] + f * seg[rows, idx + 1]


def event_mask(seg: np.ndarray, event: str) -> np.ndarray:
    """True at sample ``c`` of each row (1 <= c <= n-2) where the event occurs; edges are False."""
    a, b, c = seg[..., :-2], seg[..., 1:-1], seg[..., 2:]
    if event == "peak":
        core = (b > a) & (b >= c) & (b > 0)
    elif event == "trough":
        core = (b < a) & (b <= c) & (b < 0)
    elif event == "zc+":  # + to - between b and c
        core = (b > 0) & (c <= 0)
    elif event == "zc-":
        core = (b < 0) & (c >= 0)
    else:
        raise ValueError(f"unknown event {event!r}")
    out = np.zeros(seg.shape, dtype=bool)
    out[..., 1:-1] = core
    return out


def refine_offset(seg: np.ndarray, event: str) -> np.ndarray:
    """Sub-sample offset of the event at every sample: parabola vertex for extrema, linear root
    for zero crossings (both in [-0.5, 1]); meaningful only where :func:`event_mask` is True."""
    a = seg[..., :-2].astype(np.float64)
    b = seg[..., 1:-1].astype(np.float64)
    c = seg[..., 2:].astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if event in ("peak", "trough"):
            den = a - 2 * b + c
            off = np.where(den != 0, 0.5 * (a - c) / den, 0.0)
            off = np.clip(off, -0.5, 0.5)
        else:
            den = b - c
            off = np.where(den != 0, b / den, 0.0)
            off = np.clip(off, 0.0, 1.0)
    out = np.zeros(seg.shape, dtype=np.float64)
    out[..., 1:-1] = off
    return out


def best_events(
    seg: np.ndarray,
    ref: np.ndarray | None,
    sp: SampleParams,
    k_max: int,
    jump: float,
    center_frac: np.ndarray | float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Best event in each row of ``seg`` (m, 2*(k_max+margin)+1) centred on the parent sample.

    With ``ref`` (m, 2*half+1) the candidate with the highest correlation wins; without it, the
    nearest event (seed snapping). Returns (found, offset in samples from the centre sample,
    correlation, waveform (m, 2*half+1) of the chosen event).
    """
    m = seg.shape[0]
    h = sp.half
    seg = np.ascontiguousarray(seg, dtype=np.float32)
    lo = sp.margin  # index of k = -k_max in seg
    n_k = 2 * k_max + 1
    mask = event_mask(seg, sp.event)[:, lo : lo + n_k]
    frac = refine_offset(seg, sp.event)[:, lo : lo + n_k]
    ks = np.arange(-k_max, k_max + 1, dtype=np.float64)
    t_rel = ks[None, :] + frac  # offset of each candidate from the centre sample
    mask &= np.abs(t_rel - np.asarray(center_frac, dtype=np.float64).reshape(-1, 1)) <= jump + 1e-9
    wins = _windows_at(seg, lo + k_max + t_rel, h)
    if ref is None:
        corr = np.where(mask, 1.0, 0.0)
        score = np.where(mask, -np.abs(t_rel), -np.inf)
    else:
        ref = np.asarray(ref, dtype=np.float32)
        num = np.einsum("mkw,mw->mk", wins, ref, dtype=np.float64)
        e_win = np.einsum("mkw,mkw->mk", wins, wins, dtype=np.float64)
        e_ref = np.einsum("mw,mw->m", ref, ref, dtype=np.float64)[:, None]
        den = np.sqrt(e_win * e_ref)
        mask &= e_win >= sp.min_ratio**2 * e_ref
        with np.errstate(divide="ignore", invalid="ignore"):
            corr = np.where(den > 0, num / den, 0.0)
        # ties (periodic signals) go to the nearest candidate
        score = np.where(mask, corr - 1e-6 * np.abs(ks)[None, :], -np.inf)
    best = np.argmax(score, axis=1) if n_k else np.zeros(m, dtype=int)
    rows = np.arange(m)
    found = np.isfinite(score[rows, best])
    offset = t_rel[rows, best]
    return found, offset, corr[rows, best], wins[rows, best, :].copy()


# -- section tracking --------------------------------------------------------------------------
def track_section(
    data: np.ndarray,
    times_ms: np.ndarray,
    seeds: Sequence[tuple[int, float]],
    params: TrackParams | None = None,
    live: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Track an event along a section ``data`` (n_traces, n_samples) from seed picks.

    Each seed ``(trace_index, t_ms)`` is snapped to the nearest event within the search window,
    then followed both ways until correlation drops below the threshold, the jump is too large,
    or a trace already tracked from an earlier seed is reached. Dead traces (``live`` False) are
    skipped and the jump allowance grows with the gap. Returns (times_ms with NaN where not
    tracked, confidence = correlation in [0, 1], 0 where not tracked).
    """
    params = params or TrackParams()
    data = np.asarray(data, dtype=np.float32)
    times_ms = np.asarray(times_ms, dtype=np.float64)
    n_tr, n_s = data.shape
    if len(times_ms) != n_s or n_s < 3:
        raise ValueError("times_ms must give the time of every sample (at least 3)")
    dt = float(times_ms[1] - times_ms[0])
    sp = SampleParams.from_params(params, dt)
    live = np.ones(n_tr, dtype=bool) if live is None else np.asarray(live, dtype=bool)
    pad = max(sp.search, math.ceil(sp.jump * 4) + 1) + sp.margin + 2
    padded = np.pad(data, ((0, 0), (pad, pad)))
    valid_lo, valid_hi = pad + 1, pad + n_s - 2  # event centres that lie inside the trace

    out_t = np.full(n_tr, np.nan)
    conf = np.zeros(n_tr)

    def segment(tr: int, centre: int, k_max: int) -> np.ndarray:
        r = k_max + sp.margin
        return padded[tr : tr + 1, centre - r : centre + r + 1]

    def pick(tr: int, pos: float, ref: np.ndarray | None, k_max: int, jump: float):
        centre = round(pos)
        k_max = min(k_max, pad - sp.margin - 1)
        found, off, corr, wave = best_events(
            segment(tr, centre, k_max), ref, sp, k_max, jump, center_frac=pos - centre
        )
        t = centre + off[0]
        if not found[0] or not valid_lo <= round(t) <= valid_hi:
            return None
        return t, float(corr[0]), wave

    for trace, t_ms in seeds:
        trace = int(trace)
        if not 0 <= trace < n_tr:
            raise ValueError(f"seed trace {trace} outside 0..{n_tr - 1}")
        if not live[trace]:
            continue
        pos = (float(t_ms) - times_ms[0]) / dt + pad
        got = pick(trace, pos, None, sp.search, float(sp.search))
        if got is None:
            continue
        t0, _, seed_wave = got
        out_t[trace], conf[trace] = t0, 1.0
        for step in (1, -1):
            prev_t, ref, gap = t0, seed_wave, 1
            i = trace + step
            while 0 <= i < n_tr and np.isnan(out_t[i]):
                if not live[i]:
                    gap += 1
                    i += step
                    continue
                jump = sp.jump * gap
                got = pick(i, prev_t, ref, max(sp.search, math.ceil(jump)), jump)
                if got is None or got[1] < sp.threshold:
                    break
                out_t[i], conf[i] = got[0], max(got[1], 0.0)
                prev_t, gap = got[0], 1
                if params.reference == "previous":
                    ref = got[2]
                i += step
    out_t = times_ms[0] + (out_t - pad) * dt
    return out_t, conf


# -- 3D tracking -------------------------------------------------------------------------------
_NEIGHBOURS = np.array([(-1, 0), (1, 0), (0, -1), (0, 1)], dtype=np.int64)
_LEVELS = 128  # correlation quantisation of the priority queue
_MIN_BATCH = 512  # merge buckets until a batch has this many candidates...
_MERGE_LEVELS = 6  # ...as long as they are within 6/128 of the best correlation


def track_3d(source, seeds: Sequence[tuple[float, float, float]],
             params: TrackParams | None = None, ctx: JobContext | None = None,
             **options) -> tuple[np.ndarray, np.ndarray]:
    """(times_ms, confidence) of :func:`track_3d_report` without its report."""
    times, conf, _ = track_3d_report(source, seeds, params, ctx, **options)
    return times, conf


def track_3d_report(
    source,
    seeds: Sequence[tuple[float, float, float]],
    params: TrackParams | None = None,
    ctx: JobContext | None = None,
    *,
    times_ms: np.ndarray | None = None,
    inlines: np.ndarray | None = None,
    crosslines: np.ndarray | None = None,
    live_mask: np.ndarray | None = None,
    time_pad_ms: float = 300.0,
    cache_mb: float = 512.0,
) -> tuple[np.ndarray, np.ndarray, StopReport]:
    """Track a horizon through a 3D volume by flood fill, best-correlated neighbour first.

    ``source`` is a :class:`~geodesk.core.survey.Post3D` or an ndarray (n_il, n_xl, n_samples)
    with ``times_ms`` (and optionally ``inlines``/``crosslines`` numbers and ``live_mask``).
    Seeds are ``(inline, crossline, t_ms)`` in line numbers. Only the time window spanning the
    seeds +/- ``time_pad_ms`` is read, inline by inline, into a cache of at most ``cache_mb``;
    the horizon cannot leave that window. Accepted traces are processed in batches taken from
    a priority queue quantised to 1/128 of correlation (small batches merged within 0.05), so
    neighbour evaluation is vectorised.
    Returns (times_ms (n_il, n_xl) with NaN where not tracked, confidence (n_il, n_xl), a
    :class:`~geodesk.core.processing.track_report.StopReport` saying why it stopped).
    """
    params = params or TrackParams()
    ctx = ctx or JobContext()
    seeds = [(float(a), float(b), float(c)) for a, b, c in seeds]
    if not seeds:
        raise ValueError("at least one seed is needed")
    probe = open_volume(source, times_ms=times_ms, inlines=inlines, crosslines=crosslines,
                        live_mask=live_mask)
    dt = probe.dt_ms
    sp = SampleParams.from_params(params, dt)
    seed_t = [s[2] for s in seeds]
    reach = sp.search + sp.margin + 2
    vol = VolumeReader(probe, min(seed_t) - time_pad_ms, max(seed_t) + time_pad_ms,
                       pad=reach, cache_mb=cache_mb)
    n_il, n_xl = vol.shape
    live = vol.live
    times = np.full((n_il, n_xl), np.nan)
    conf = np.zeros((n_il, n_xl))
    done = ~live  # dead nodes are never visited
    rejected = Rejections((n_il, n_xl))
    total = max(int(live.sum()), 1)
    n_done = 0

    # seeds: snap to the nearest event, they start the flood with correlation 1
    f_il, f_xl, f_pos, f_ref = [], [], [], []
    for il_no, xl_no, t in seeds:
        i, j = vol.node_of(il_no, xl_no)
        if not live[i, j]:
            raise ValueError(f"seed at inline {il_no:g}, crossline {xl_no:g} has no trace")
        pos = vol.position_of(t)
        c = np.array([round(pos)])
        seg = vol.segments(np.array([i]), np.array([j]), c, sp.search + sp.margin)
        found, off, _, wave = best_events(seg, None, sp, sp.search, float(sp.search),
                                          center_frac=pos - c[0])
        if not found[0] or not vol.inside(c[0] + off[0]):
            raise ValueError(f"no {params.event} within {params.search_ms:g} ms of the seed "
                             f"at inline {il_no:g}, crossline {xl_no:g}, {t:g} ms")
        if done[i, j]:
            continue
        times[i, j], conf[i, j], done[i, j] = c[0] + off[0], 1.0, True
        n_done += 1
        f_il.append(i), f_xl.append(j), f_pos.append(c[0] + off[0]), f_ref.append(wave[0])
    frontier = (np.array(f_il), np.array(f_xl), np.array(f_pos), np.array(f_ref))

    buckets: dict[int, list[tuple[np.ndarray, ...]]] = {}
    heap: list[int] = []  # negated bucket levels
    last_publish = time.monotonic()
    while True:
        _expand(vol, sp, params, frontier, done, buckets, heap, rejected)
        frontier = _pop_best(buckets, heap, done, n_xl)
        if frontier is None:
            break
        il, xl, pos, _ref, corr = frontier
        times[il, xl], conf[il, xl], done[il, xl] = pos, corr, True
        frontier = frontier[:4]
        n_done += len(il)
        ctx.progress(n_done / total, f"tracked {n_done} of {total} traces")
        if ctx.on_publish and time.monotonic() - last_publish > 0.5:
            last_publish = time.monotonic()
            ctx.publish((vol.to_ms(times), conf.copy()))
    report = rejected.report(times, live, params)
    ctx.progress(1.0, report.message("the horizon"))  # the job's last word says why it stopped
    return vol.to_ms(times), conf, report


def _expand(vol: VolumeReader, sp: SampleParams, params: TrackParams, frontier, done, buckets,
            heap, rejected: Rejections | None = None) -> None:
    """Evaluate the untracked live neighbours of newly accepted nodes and queue the good ones."""
    il, xl, pos, ref = frontier
    if len(il) == 0:
        return
    n_il, n_xl = done.shape
    c_il = (il[:, None] + _NEIGHBOURS[None, :, 0]).ravel()
    c_xl = (xl[:, None] + _NEIGHBOURS[None, :, 1]).ravel()
    parent = np.repeat(np.arange(len(il)), len(_NEIGHBOURS))
    ok = (c_il >= 0) & (c_il < n_il) & (c_xl >= 0) & (c_xl < n_xl)
    c_il, c_xl, parent = c_il[ok], c_xl[ok], parent[ok]
    ok = ~done[c_il, c_xl]
    c_il, c_xl, parent = c_il[ok], c_xl[ok], parent[ok]
    if len(c_il) == 0:
        return
    p_pos = pos[parent]
    centre = np.rint(p_pos).astype(np.int64)
    seg = vol.segments(c_il, c_xl, centre, sp.search + sp.margin)
    p_ref = ref[parent]
    found, off, corr, wave = best_events(seg, p_ref, sp, sp.search, sp.jump,
                                         center_frac=p_pos - centre)
    new_pos = centre + off
    inside = vol.inside(new_pos)
    keep = found & (corr >= sp.threshold) & inside
    if rejected is not None and not keep.all():
        _note_rejected(rejected, sp, seg, p_ref, p_pos - centre, c_il, c_xl, found, corr,
                       inside)
    if not keep.any():
        return
    child_ref = wave if params.reference == "previous" else p_ref
    levels = np.minimum((np.clip(corr, 0, 1) * _LEVELS).astype(np.int64), _LEVELS - 1)
    entry = (c_il, c_xl, new_pos, child_ref, corr)
    for lev in np.unique(levels[keep]):
        sel = keep & (levels == lev)
        lev = int(lev)
        if lev not in buckets:
            buckets[lev] = []
            heapq.heappush(heap, -lev)
        buckets[lev].append(tuple(a[sel] for a in entry))


def _note_rejected(rejected: Rejections, sp: SampleParams, seg, ref, frac, il, xl, found, corr,
                   inside) -> None:
    """Record why neighbours were turned down; those with no acceptable event are looked at
    again without the amplitude test to tell a fading event from one out of reach."""
    low = found & (corr < sp.threshold)
    rejected.add("threshold", il[low], xl[low], corr[low])
    out = found & (corr >= sp.threshold) & ~inside
    rejected.add("window", il[out], xl[out])
    miss = ~found
    if not miss.any():
        return
    il, xl = il[miss], xl[miss]
    if sp.min_ratio <= 0:
        rejected.add("jump", il, xl)
        return
    f2, _, c2, _ = best_events(seg[miss], ref[miss], replace(sp, min_ratio=0.0), sp.search,
                               sp.jump, center_frac=frac[miss])
    weak = f2 & (c2 >= sp.threshold)
    rejected.add("weak", il[weak], xl[weak])
    low = f2 & (c2 < sp.threshold)
    rejected.add("threshold", il[low], xl[low], c2[low])
    rejected.add("jump", il[~f2], xl[~f2])


def _pop_best(buckets, heap, done, n_xl):
    """Take the best bucket of candidates (merged with the next ones while the batch is small
    and their correlation is within ``_MERGE_LEVELS``): best per node first, done nodes dropped."""
    while heap:
        top = -heapq.heappop(heap)
        parts = buckets.pop(top)
        n = sum(len(p[0]) for p in parts)
        while heap and n < _MIN_BATCH and -heap[0] >= top - _MERGE_LEVELS:
            more = buckets.pop(-heapq.heappop(heap))
            parts += more
            n += sum(len(p[0]) for p in more)
        il, xl, pos, ref, corr = (np.concatenate(p) for p in zip(*parts))
        order = np.argsort(-corr, kind="stable")
        flat = (il * n_xl + xl)[order]
        _, first = np.unique(flat, return_index=True)
        sel = order[first]
        sel = sel[~done[il[sel], xl[sel]]]
        if len(sel):
            return il[sel], xl[sel], pos[sel], ref[sel], corr[sel]
    return None


# -- volume access in bounded chunks -----------------------------------------------------------
@dataclass
class VolumeSource:
    """What the 3D tracker needs from a volume: geometry and a way to read one inline."""

    inlines: np.ndarray
    crosslines: np.ndarray
    live: np.ndarray  # bool (n_il, n_xl)
    times_ms: np.ndarray
    read_inline: object  # callable(index) -> (n_xl, n_samples) float32

    @property
    def dt_ms(self) -> float:
        return float(self.times_ms[1] - self.times_ms[0])


def open_volume(source, *, times_ms=None, inlines=None, crosslines=None,
                live_mask=None) -> VolumeSource:
    """Wrap a Post3D survey or an in-memory ndarray (n_il, n_xl, n_samples) for the tracker."""
    if isinstance(source, np.ndarray):
        if source.ndim != 3:
            raise ValueError(f"volume must be 3D (n_il, n_xl, n_samples), got {source.shape}")
        if times_ms is None:
            raise ValueError("times_ms is required with an in-memory volume")
        n_il, n_xl, _n_s = source.shape
        live = np.any(source != 0, axis=2) if live_mask is None else np.asarray(live_mask, bool)
        return VolumeSource(
            np.arange(n_il) if inlines is None else np.asarray(inlines),
            np.arange(n_xl) if crosslines is None else np.asarray(crosslines),
            live, np.asarray(times_ms, dtype=np.float64), lambda i: source[i])
    if getattr(source, "kind", None) != "post3d":
        raise ValueError("3D tracking needs a post-stack 3D survey or a 3D array")
    return VolumeSource(np.asarray(source.inlines), np.asarray(source.crosslines),
                        np.asarray(source.live_mask, dtype=bool),
                        np.asarray(source.times_ms, dtype=np.float64),
                        lambda i: source.inline(int(source.inlines[i])).data)


class VolumeReader:
    """Time window [t_lo, t_hi] of a volume, zero-padded by ``pad`` samples, read inline by
    inline on demand: whole if it fits in ``cache_mb``, else through an LRU cache of inlines."""

    def __init__(self, src: VolumeSource, t_lo: float, t_hi: float, *, pad: int,
                 cache_mb: float) -> None:
        self.src, self.pad = src, pad
        t0, dt = float(src.times_ms[0]), src.dt_ms
        n_s = len(src.times_ms)
        self.s0 = int(np.clip(math.floor((t_lo - t0) / dt), 0, n_s - 1))
        self.s1 = int(np.clip(math.ceil((t_hi - t0) / dt) + 1, self.s0 + 1, n_s))
        self.n_win = self.s1 - self.s0
        self.width = self.n_win + 2 * pad
        self.live = src.live
        self.shape = src.live.shape
        inline_bytes = self.shape[1] * self.width * 4
        self._max_cached = max(2, int(cache_mb * 2**20 // max(inline_bytes, 1)))
        self._full = None
        if self._max_cached >= self.shape[0]:
            self._full = np.zeros((*self.shape, self.width), dtype=np.float32)
            self._loaded = np.zeros(self.shape[0], dtype=bool)
        self._cache: OrderedDict[int, np.ndarray] = OrderedDict()

    @property
    def dt_ms(self) -> float:
        return self.src.dt_ms

    def node_of(self, il_no: float, xl_no: float) -> tuple[int, int]:
        """Grid indices of an (inline, crossline) pair of line numbers."""
        i = np.flatnonzero(np.isclose(self.src.inlines, il_no))
        j = np.flatnonzero(np.isclose(self.src.crosslines, xl_no))
        if not len(i) or not len(j):
            raise ValueError(f"inline {il_no:g}, crossline {xl_no:g} is not in the survey")
        return int(i[0]), int(j[0])

    def position_of(self, t_ms: float) -> float:
        return (t_ms - self.src.times_ms[0]) / self.dt_ms - self.s0 + self.pad

    def to_ms(self, pos: np.ndarray) -> np.ndarray:
        return self.src.times_ms[0] + (pos - self.pad + self.s0) * self.dt_ms

    def inside(self, pos) -> np.ndarray:
        """True where a (fractional) position lies inside the window, away from its ends."""
        r = np.rint(pos)
        return (r >= self.pad + 1) & (r <= self.pad + self.n_win - 2)

    def _read(self, i: int) -> np.ndarray:
        raw = np.asarray(self.src.read_inline(i), dtype=np.float32)[:, self.s0 : self.s1]
        out = np.zeros((self.shape[1], self.width), dtype=np.float32)
        out[:, self.pad : self.pad + self.n_win] = raw
        return out

    def _inline(self, i: int) -> np.ndarray:
        if self._full is not None:
            if not self._loaded[i]:
                self._full[i] = self._read(i)
                self._loaded[i] = True
            return self._full[i]
        if i in self._cache:
            self._cache.move_to_end(i)
        else:
            self._cache[i] = self._read(i)
            if len(self._cache) > self._max_cached:
                self._cache.popitem(last=False)
        return self._cache[i]

    def segments(self, il: np.ndarray, xl: np.ndarray, centre: np.ndarray, r: int) -> np.ndarray:
        """Samples centre-r .. centre+r of each node's trace, shape (m, 2r+1)."""
        cols = np.clip(centre[:, None] + np.arange(-r, r + 1)[None, :], 0, self.width - 1)
        uniq = np.unique(il)
        if self._full is not None:
            for i in uniq[~self._loaded[uniq]]:
                self._inline(int(i))
            return self._full[il[:, None], xl[:, None], cols]
        out = np.empty((len(il), 2 * r + 1), dtype=np.float32)
        for i in uniq:
            sel = np.flatnonzero(il == i)
            out[sel] = self._inline(int(i))[xl[sel, None], cols[sel]]
        return out
