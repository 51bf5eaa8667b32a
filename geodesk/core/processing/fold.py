"""Where velocity analysis opens: the first CMP with enough traces for a semblance to mean
anything (a shot file sorted to CDPs starts with one-trace CDPs at the spread's ends)."""

from __future__ import annotations

from typing import Any

import numpy as np

#: Fewest traces of a CMP that velocity analysis opens on (the auto-pick's ``min_fold``).
MIN_FOLD = 6


def fold_of(cmps: Any) -> tuple[np.ndarray, np.ndarray]:
    """(CDP numbers, traces per CDP) of a CDP-grouped pre-stack survey, from its headers."""
    keys = np.asarray(cmps.gather_keys, dtype=np.int64)
    sizes = getattr(cmps, "gather_sizes", None)
    if sizes is None:
        sizes = [len(cmps.gather_indices(int(k))) for k in keys]
    return keys, np.asarray(sizes, dtype=np.int64)


def start_cdp(cmps: Any, min_fold: int = MIN_FOLD) -> tuple[int, str | None]:
    """The first CDP with at least ``min_fold`` traces and None; when none has that many, the
    CDP of the highest fold and a one-line reason to show."""
    keys, sizes = fold_of(cmps)
    enough = np.flatnonzero(sizes >= min_fold)
    if enough.size:
        return int(keys[enough[0]]), None
    best = int(np.argmax(sizes))
    return int(keys[best]), (
        f"No CDP has {min_fold} traces or more (the most is {int(sizes[best])} at CDP "
        f"{int(keys[best])}): the semblance has too few offsets to measure moveout; check "
        "the CDP header (byte 21) or open a CMP-sorted file")
