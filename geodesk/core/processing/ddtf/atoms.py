"""The learned atoms as one image: a grid of small tiles, as in Figure 5 of Yu & Ma's review."""

from __future__ import annotations

import numpy as np


def atom_tiles(frame: np.ndarray, patch: tuple[int, ...]) -> np.ndarray:
    """The atoms (columns of ``frame``) as 2D tiles (n_atoms, rows, cols): the middle slice
    along the first axis for 3D patches; time down (traces across, samples down)."""
    atoms = np.asarray(frame, dtype=np.float64).T.reshape(-1, *[int(p) for p in patch])
    if atoms.ndim == 4:
        atoms = atoms[:, atoms.shape[1] // 2]
    return np.swapaxes(atoms, 1, 2)


def atom_mosaic(tiles: np.ndarray, columns: int | None = None, gap: int = 1) -> np.ndarray:
    """The tiles (n, h, w), each scaled to [-1, 1] by its own largest amplitude, laid out on a
    grid of ``columns`` (default about square) with ``gap`` pixels of NaN between them."""
    n, h, w = tiles.shape
    cols = int(columns or np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    out = np.full((rows * (h + gap) - gap, cols * (w + gap) - gap), np.nan)
    peak = np.abs(tiles).reshape(n, -1).max(axis=1)
    scaled = tiles / np.where(peak > 0, peak, 1.0)[:, None, None]
    for k in range(n):  # one slice assignment per atom (at most a few hundred)
        r, c = divmod(k, cols)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = scaled[k]
    return out
