"""VelocityFunctions: per CDP a time-sorted list of (time_ms, vrms_mps) picks with provenance.

Each function also keeps the knots a model last wrote there (``model_*``), carried through manual
edits, so the (prediction, correction) pair survives once the undo history is gone.

Checks never raise: :func:`check_function` returns warnings (times out of order, duplicates,
non-positive velocities, impossible Dix interval velocities) for the UI to show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geodesk.core.history import FunctionCommand, History, apply_command
from geodesk.core.picks.arrays import STATE_FORMAT
from geodesk.core.picks.base import (
    CORRECTED,
    MANUAL,
    Change,
    EditStamp,
    Event,
    ProvenanceTable,
    check_provenance,
    edited_provenance,
    is_model,
)

#: Interval velocities outside this range (m/s) are reported as implausible.
VINT_RANGE_MPS = (300.0, 10000.0)


@dataclass(frozen=True)
class VelocityFunction:
    """Picks of one CDP: ``times_ms`` ascending, ``vrms_mps`` and one provenance per pick; plus
    the knots a model wrote there before any correction (``model_*``, empty if none)."""

    times_ms: np.ndarray
    vrms_mps: np.ndarray
    provenance: tuple[str, ...]
    model_times_ms: np.ndarray = field(default_factory=lambda: np.zeros(0))
    model_vrms_mps: np.ndarray = field(default_factory=lambda: np.zeros(0))
    model_provenance: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for times, vrms, prov in (("times_ms", "vrms_mps", "provenance"),
                                  ("model_times_ms", "model_vrms_mps", "model_provenance")):
            t = np.array(getattr(self, times), dtype=np.float64).ravel()
            v = np.array(getattr(self, vrms), dtype=np.float64).ravel()
            if t.shape != v.shape or len(getattr(self, prov)) != t.size:
                raise ValueError("a velocity function needs one time, velocity and provenance "
                                 "per pick")
            for a in (t, v):
                a.setflags(write=False)
            object.__setattr__(self, times, t)
            object.__setattr__(self, vrms, v)
            object.__setattr__(self, prov, tuple(check_provenance(p)
                                                 for p in getattr(self, prov)))

    def model_original(self) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
        """(times, vrms, provenance) of the knots the model wrote at this CDP (empty if none)."""
        return self.model_times_ms, self.model_vrms_mps, self.model_provenance

    def __len__(self) -> int:
        return int(self.times_ms.size)


def dix(times_ms: np.ndarray, vrms_mps: np.ndarray) -> np.ndarray:
    """Dix interval velocity of each layer above each pick (NaN where imaginary or dt <= 0)."""
    t = np.asarray(times_ms, dtype=np.float64)
    v = np.asarray(vrms_mps, dtype=np.float64)
    out = np.full(t.shape, np.nan)
    if t.size == 0:
        return out
    out[0] = v[0] if t[0] > 0 and v[0] > 0 else np.nan
    num = v[1:] ** 2 * t[1:] - v[:-1] ** 2 * t[:-1]
    dt = np.diff(t)
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (dt > 0) & (num > 0)
        out[1:] = np.where(ok, np.sqrt(np.where(ok, num / np.where(dt > 0, dt, 1.0), 1.0)),
                           np.nan)
    return out


def check_function(times_ms: Any, vrms_mps: Any,
                   vint_range: tuple[float, float] = VINT_RANGE_MPS) -> list[str]:
    """Warnings about one function as given (order, duplicates, velocities, Dix); never raises."""
    t = np.asarray(times_ms, dtype=np.float64).ravel()
    v = np.asarray(vrms_mps, dtype=np.float64).ravel()
    warnings: list[str] = []
    if t.shape != v.shape:
        return [f"{t.size} times but {v.size} velocities"]
    if not (np.isfinite(t).all() and np.isfinite(v).all()):
        warnings.append("non-finite time or velocity")
    if (t < 0).any():
        warnings.append("negative time")
    if (v <= 0).any():
        warnings.append("non-positive velocity")
    if (np.diff(t) < 0).any():
        warnings.append("times out of order")
    if (np.diff(np.sort(t)) == 0).any():
        warnings.append("duplicate times")
    order = np.argsort(t, kind="stable")
    vint = dix(t[order], v[order])
    lo, hi = vint_range
    for k in range(1, t.size):
        tk = t[order][k]
        if np.isnan(vint[k]) and t[order][k] > t[order][k - 1]:
            warnings.append(f"impossible interval velocity above {tk:g} ms (Dix imaginary)")
        elif np.isfinite(vint[k]) and not lo <= vint[k] <= hi:
            warnings.append(f"implausible interval velocity {vint[k]:.0f} m/s above {tk:g} ms")
    return warnings


class VelocityFunctions:
    """Velocity picks of many CDPs with history-aware edits and ``changed`` events."""

    kind = "velocity_functions"

    def __init__(self, name: str) -> None:
        self.name = str(name)
        self.functions: dict[int, VelocityFunction] = {}
        self.stamp = EditStamp()
        self.changed = Event()

    @property
    def cdps(self) -> list[int]:
        return sorted(self.functions)

    def function(self, cdp: int) -> VelocityFunction:
        return self.functions[int(cdp)]

    # -- edits -------------------------------------------------------------------------------
    def _put(self, history: History | None, cdp: int, new: VelocityFunction | None,
             label: str) -> None:
        cdp = int(cdp)
        old = self.functions.get(cdp)
        before, after = EditStamp(self.stamp.user, self.stamp.time), EditStamp.now()

        def put(f: VelocityFunction | None, stamp: EditStamp) -> Any:
            def run() -> None:
                if f is None:
                    self.functions.pop(cdp, None)
                else:
                    self.functions[cdp] = f
                self.stamp = stamp
                self.changed.emit(Change(self, "functions", key=cdp))
            return run

        size = 64 + sum(24 * len(f) for f in (old, new) if f is not None)
        apply_command(history, FunctionCommand(label, put(new, after), put(old, before), size))

    def set_function(self, history: History | None, cdp: int, times_ms: Any, vrms_mps: Any,
                     provenance: str | Sequence[str] = MANUAL,
                     label: str | None = None,
                     model_original: tuple[Any, Any, Sequence[str]] | None = None) -> list[str]:
        """Replace the function of ``cdp`` (sorted by time); returns :func:`check_function`
        warnings about the input. Non-finite picks are dropped.

        A model writing the whole function (one ``model:…`` provenance) makes these knots the
        model original; any other write keeps the CDP's model original, unless
        ``model_original`` (times, vrms, provenances) gives it (a restore)."""
        t = np.asarray(times_ms, dtype=np.float64).ravel()
        v = np.asarray(vrms_mps, dtype=np.float64).ravel()
        warnings = check_function(t, v)
        if t.shape != v.shape:
            return warnings
        prov = [provenance] * t.size if isinstance(provenance, str) else list(provenance)
        keep = np.isfinite(t) & np.isfinite(v)
        order = [k for k in np.argsort(t, kind="stable") if keep[k]]
        picks = (t[order], v[order], tuple(prov[k] for k in order))
        old = self.functions.get(int(cdp))
        if model_original is None:
            model_original = (picks if isinstance(provenance, str) and is_model(provenance)
                              else old.model_original() if old is not None else ((), (), ()))
        f = VelocityFunction(*picks, *model_original)
        self._put(history, cdp, f, label or f"Set velocity function CDP {cdp}")
        return warnings

    def add_pick(self, history: History | None, cdp: int, time_ms: float, vrms_mps: float,
                 provenance: str = MANUAL, label: str | None = None) -> list[str]:
        """Insert one pick in time order; returns warnings about the resulting function."""
        f = self.functions.get(int(cdp))
        t = np.append(f.times_ms if f else [], time_ms)
        v = np.append(f.vrms_mps if f else [], vrms_mps)
        prov = [*(f.provenance if f else ()), provenance]
        self.set_function(history, cdp, t, v, prov, label or f"Add velocity pick CDP {cdp}")
        return self.validate(cdp)

    def move_pick(self, history: History | None, cdp: int, k: int, time_ms: float,
                  vrms_mps: float, provenance: str = MANUAL,
                  label: str | None = None) -> list[str]:
        """Move pick ``k`` (a manual move of a model pick makes it corrected)."""
        f = self.function(cdp)
        t, v, prov = f.times_ms.copy(), f.vrms_mps.copy(), list(f.provenance)
        t[k], v[k] = time_ms, vrms_mps
        prov[k] = edited_provenance(prov[k], provenance)
        self.set_function(history, cdp, t, v, prov, label or f"Move velocity pick CDP {cdp}")
        return self.validate(cdp)

    def remove_pick(self, history: History | None, cdp: int, k: int,
                    label: str | None = None) -> None:
        """Delete pick ``k`` of ``cdp`` (the function stays, possibly empty)."""
        f = self.function(cdp)
        keep = np.arange(len(f)) != k
        self.set_function(history, cdp, f.times_ms[keep], f.vrms_mps[keep],
                          [p for n, p in enumerate(f.provenance) if n != k],
                          label or f"Delete velocity pick CDP {cdp}")

    def add_beside(self, history: History | None, cdp: int, times_ms: Any, vrms_mps: Any,
                   provenance: str, min_gap_ms: float = 20.0,
                   label: str | None = None) -> list[str]:
        """Write a model's knots beside the interpreter's: the CDP's manual and corrected picks
        stay, its other knots are replaced by the new ones, minus those within ``min_gap_ms``
        of a kept pick; the new knots become the model original. Returns the warnings."""
        t = np.asarray(times_ms, dtype=np.float64).ravel()
        v = np.asarray(vrms_mps, dtype=np.float64).ravel()
        old = self.functions.get(int(cdp))
        hand = [k for k, p in enumerate(old.provenance if old else ()) if p in (MANUAL, CORRECTED)]
        kt = old.times_ms[hand] if old else np.zeros(0)
        far = np.array([not np.any(np.abs(kt - x) < min_gap_ms) for x in t], dtype=bool)
        self.set_function(history, cdp, np.concatenate([kt, t[far]]),
                          np.concatenate([old.vrms_mps[hand] if old else [], v[far]]),
                          [old.provenance[k] for k in hand] + [provenance] * int(far.sum()),
                          label or f"Add model velocity picks CDP {cdp}",
                          model_original=(t, v, (provenance,) * t.size))
        return self.validate(cdp)

    def remove_function(self, history: History | None, cdp: int,
                        label: str | None = None) -> None:
        """Delete the whole function of ``cdp``."""
        self.function(cdp)
        self._put(history, cdp, None, label or f"Delete velocity function CDP {cdp}")

    # -- derived -----------------------------------------------------------------------------
    def validate(self, cdp: int) -> list[str]:
        """Warnings about the stored function of ``cdp``."""
        f = self.function(cdp)
        return check_function(f.times_ms, f.vrms_mps)

    def interval_velocity(self, cdp: int) -> tuple[np.ndarray, np.ndarray]:
        """Pick times and Dix interval velocities (NaN where impossible) of ``cdp``."""
        f = self.function(cdp)
        return f.times_ms.copy(), dix(f.times_ms, f.vrms_mps)

    def vrms_at(self, cdp: float, times_ms: Any) -> np.ndarray:
        """RMS velocity at ``times_ms``: linear in time (constant beyond the ends) and linear
        between the nearest picked CDPs on either side; NaN when no CDP has picks."""
        t = np.asarray(times_ms, dtype=np.float64)
        cdps = [c for c in self.cdps if len(self.functions[c])]
        if not cdps:
            return np.full(t.shape, np.nan)

        def at(c: int) -> np.ndarray:
            f = self.functions[c]
            return np.interp(t, f.times_ms, f.vrms_mps)

        k = int(np.searchsorted(cdps, cdp))
        if k == 0 or k == len(cdps) or cdps[k] == cdp:
            return at(cdps[min(k, len(cdps) - 1)])
        c0, c1 = cdps[k - 1], cdps[k]
        w = (cdp - c0) / (c1 - c0)
        return (1 - w) * at(c0) + w * at(c1)

    # -- state -------------------------------------------------------------------------------
    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Metadata and flat arrays (cdp, offsets, times, vrms, provenance codes)."""
        table = ProvenanceTable()
        cdps = self.cdps
        fs = [self.functions[c] for c in cdps]
        counts = [len(f) for f in fs]
        arrays = {
            "cdp": np.array(cdps, dtype=np.int64),
            "offsets": np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
            "times": np.concatenate([f.times_ms for f in fs] or [np.empty(0)]),
            "vrms": np.concatenate([f.vrms_mps for f in fs] or [np.empty(0)]),
            "provenance": np.array([table.code(p) for f in fs for p in f.provenance],
                                   dtype=np.int16),
        }
        if any(f.model_provenance for f in fs):  # older GeoDesk ignores these extra arrays
            arrays.update(
                model_offsets=np.concatenate(
                    [[0], np.cumsum([len(f.model_provenance) for f in fs])]).astype(np.int64),
                model_times=np.concatenate([f.model_times_ms for f in fs]),
                model_vrms=np.concatenate([f.model_vrms_mps for f in fs]),
                model_provenance=np.array([table.code(p) for f in fs
                                           for p in f.model_provenance], dtype=np.int16))
        meta = {"type": self.kind, "format": STATE_FORMAT, "name": self.name,
                "provenance_names": list(table.names), "last_user": self.stamp.user,
                "last_modified": self.stamp.time}
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict[str, Any],
                   arrays: dict[str, np.ndarray]) -> VelocityFunctions:
        """Rebuild velocity functions from :meth:`to_state` output (stored order is kept)."""
        if meta.get("type") != cls.kind:
            raise ValueError(f"state of type {meta.get('type')!r} is not a {cls.kind}")
        vf = cls(meta["name"])
        names = list(meta["provenance_names"])
        off = np.asarray(arrays["offsets"], dtype=np.int64)
        moff = np.asarray(arrays.get("model_offsets", np.zeros(off.size)), dtype=np.int64)
        _check_model_arrays(arrays, "model_offsets", off.size, len(names))
        for n, c in enumerate(np.asarray(arrays["cdp"], dtype=np.int64)):
            sl, ml = slice(off[n], off[n + 1]), slice(moff[n], moff[n + 1])
            model = ((arrays["model_times"][ml], arrays["model_vrms"][ml],
                      tuple(names[int(p)] for p in arrays["model_provenance"][ml]))
                     if "model_offsets" in arrays else ((), (), ()))
            vf.functions[int(c)] = VelocityFunction(
                arrays["times"][sl], arrays["vrms"][sl],
                tuple(names[int(p)] for p in arrays["provenance"][sl]), *model)
        vf.stamp = EditStamp(str(meta.get("last_user", "")), str(meta.get("last_modified", "")))
        return vf


def _check_model_arrays(arrays: dict[str, np.ndarray], offsets: str, n_offsets: int,
                        n_names: int) -> None:
    """Refuse damaged model-original arrays (offsets and provenance codes) with a ValueError."""
    if offsets not in arrays:
        return
    off = np.asarray(arrays[offsets], dtype=np.int64)
    codes = np.asarray(arrays["model_provenance"], dtype=np.int64)
    if (off.size != n_offsets or off[0] != 0 or np.any(np.diff(off) < 0)
            or off[-1] != codes.size or codes.size and (codes.min() < 0 or codes.max() >= n_names)):
        raise ValueError("damaged model originals (offsets or provenance codes)")
