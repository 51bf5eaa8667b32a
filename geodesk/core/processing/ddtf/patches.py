"""Patches of 2D or 3D arrays on a regular grid, and their overlap-add back (numpy only).

Patches are views of :func:`numpy.lib.stride_tricks.sliding_window_view` taken every ``step``
samples; no Python loop runs per patch. A :class:`Grid` plans one axis: reflect padding of
``patch - step`` at a true edge of the data (so edge samples are covered as often as inner
ones) and none at an edge that is a block's halo, where the grid continues from the
neighbouring block (``start`` keeps the patch positions on the whole survey's grid).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

#: Patches handled at once (float32 × patch size), so memory stays bounded on volumes.
CHUNK_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Grid:
    """Patch positions along one axis of length ``n``: pad ``before``/``after`` (reflect),
    first patch at ``start`` of the padded axis, then every ``step``."""

    n: int
    patch: int
    step: int
    before: int
    after: int
    start: int

    @property
    def count(self) -> int:
        span = self.n + self.before + self.after - self.start - self.patch
        return span // self.step + 1 if span >= 0 else 0


def plan_axis(n: int, patch: int, step: int, *, edge_before: bool = True,
              edge_after: bool = True, start: int = 0) -> Grid:
    """The :class:`Grid` of an axis of ``n`` samples; ``edge_*`` False marks a halo side."""
    if not 1 <= step <= patch:
        raise ValueError(f"step must be within 1..{patch}, got {step}")
    before = patch - step if edge_before else 0
    after = 0
    if edge_after:
        after = patch - step
        extra = (n + before + after - start - patch) % step
        after += (step - extra) % step
    return Grid(n, patch, step, before, after, start if not edge_before else 0)


def check_patch(shape: Sequence[int], patch: Sequence[int]) -> None:
    """Refuse a patch of another dimension than the data, or larger than it on any axis."""
    if len(shape) != len(patch):
        raise ValueError(f"a {len(patch)}D patch {fmt_patch(patch)} does not fit {len(shape)}D "
                         f"data {tuple(shape)}")
    if any(int(p) < 1 for p in patch):
        raise ValueError(f"patch sizes must be >= 1, got {fmt_patch(patch)}")
    big = [f"{p} > {n}" for p, n in zip(patch, shape) if int(p) > int(n)]
    if big:
        raise ValueError(f"patch {fmt_patch(patch)} is larger than the data "
                         f"{'x'.join(map(str, shape))} ({', '.join(big)})")


def fmt_patch(patch: Sequence[int]) -> str:
    return "x".join(str(int(p)) for p in patch)


def padded(x: np.ndarray, grids: Sequence[Grid]) -> np.ndarray:
    pads = [(g.before, g.after) for g in grids]
    return np.pad(x, pads, mode="reflect") if any(a or b for a, b in pads) else x


def grid_windows(xp: np.ndarray, grids: Sequence[Grid]) -> np.ndarray:
    """View (count_0, …, count_k, patch_0, …, patch_k) of the padded array's patches."""
    patch = tuple(g.patch for g in grids)
    view = sliding_window_view(xp, patch)
    sl = tuple(slice(g.start, g.start + g.step * (g.count - 1) + 1, g.step) for g in grids)
    return view[sl]


def random_patches(x: np.ndarray, patch: Sequence[int], count: int,
                   rng: np.random.Generator) -> np.ndarray:
    """``count`` patches of ``x`` at distinct positions drawn uniformly (all of them when
    there are fewer), as rows (m, prod(patch)) float32; gathered from the sliding-window
    view, so memory is that of the rows drawn only."""
    x = np.asarray(x, dtype=np.float32)
    check_patch(x.shape, patch)
    view = sliding_window_view(x, tuple(int(p) for p in patch))
    places = view.shape[:x.ndim]
    total = int(np.prod(places))
    pick = np.arange(total) if total <= count else rng.choice(total, int(count), replace=False)
    idx = np.unravel_index(np.sort(pick), places)
    return view[idx].reshape(len(pick), int(np.prod(patch)))


def _row_chunks(grids: Sequence[Grid]) -> Iterator[slice]:
    per_row = int(np.prod([g.count for g in grids[1:]])) * int(np.prod([g.patch for g in grids]))
    rows = max(CHUNK_BYTES // max(per_row * 4, 1), 1)
    for a in range(0, grids[0].count, rows):
        yield slice(a, min(a + rows, grids[0].count))


def map_patches(x: np.ndarray, patch: Sequence[int], step: Sequence[int],
                fn: Callable[[np.ndarray], np.ndarray], *,
                edges: Sequence[tuple[bool, bool]] | None = None,
                starts: Sequence[int] | None = None,
                check: Callable[[], None] | None = None) -> np.ndarray:
    """``fn`` applied to the patches of ``x`` as rows (m, n) → rows, averaged back where
    patches overlap. ``edges`` (per axis, before/after) False marks halo sides; samples no
    patch covers (only in a halo) come back as they were. ``check`` runs per chunk (cancel)."""
    x = np.asarray(x, dtype=np.float32)
    check_patch(x.shape, patch)
    edges = edges or [(True, True)] * x.ndim
    starts = starts or [0] * x.ndim
    grids = [plan_axis(n, p, s, edge_before=e[0], edge_after=e[1], start=st)
             for n, p, s, e, st in zip(x.shape, patch, step, edges, starts)]
    xp = padded(x, grids)
    acc = np.zeros(xp.shape, dtype=np.float32)
    hits = np.zeros(xp.shape, dtype=np.float32)
    windows = grid_windows(xp, grids)
    n = int(np.prod(patch))
    for rows in _row_chunks(grids):
        if check is not None:
            check()
        w = windows[rows]
        out = fn(w.reshape(-1, n)).astype(np.float32, copy=False).reshape(w.shape)
        _overlap_add(acc, hits, out, grids, rows.start)
    covered = hits > 0
    acc[covered] /= hits[covered]
    crop = tuple(slice(g.before, g.before + g.n) for g in grids)
    res, cov = acc[crop], covered[crop]
    return np.where(cov, res, x)


def _overlap_add(acc: np.ndarray, hits: np.ndarray, patches: np.ndarray,
                 grids: Sequence[Grid], row0: int) -> None:
    """Add patches (c_0..c_k, p_0..p_k) into ``acc`` at their grid places: one strided slice
    add per offset inside the patch (prod(patch) adds), never one per patch."""
    k = len(grids)
    counts = patches.shape[:k]
    for offset in np.ndindex(*patches.shape[k:]):
        sl = []
        for ax, (g, d) in enumerate(zip(grids, offset)):
            first = g.start + g.step * (row0 if ax == 0 else 0) + d
            sl.append(slice(first, first + g.step * (counts[ax] - 1) + 1, g.step))
        sl = tuple(sl)
        acc[sl] += patches[(Ellipsis, *offset)]
        hits[sl] += 1.0
