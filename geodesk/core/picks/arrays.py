"""Base class of per-trace picks (horizons, first breaks): time, provenance and confidence arrays.

All edits go through :meth:`TracePicks.set_times` / :meth:`TracePicks.erase` (or
:meth:`TracePicks.set_picks` for exact restores), which record an
:class:`~geodesk.core.history.ArrayEdit` of only the changed indices, so undo works everywhere.

Beside each pick the model's original value is kept once something else replaces it
(``model_times``/``model_confidence``/``model_provenance``): a correction of a model pick keeps
the (prediction, correction) pair after the undo history is gone, for learning from corrections.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from geodesk.core.history import ArrayEdit, History, apply_command
from geodesk.core.picks.base import (
    MANUAL,
    NO_PROVENANCE,
    Change,
    EditStamp,
    Event,
    ProvenanceTable,
    is_model,
)

#: Anything accepted as an index of picks: a bool mask of the picks' shape, a tuple of index
#: arrays (rows, cols) for a grid, or flat int indices (scalar, list or array).
IndexLike = Any

STATE_FORMAT = 1


class TracePicks:
    """Times (ms, float32, NaN unpicked), provenance codes (int16, -1 unpicked) and confidence
    (float32, NaN where none) of the same shape; plus a name, a provenance table and who/when."""

    kind = "trace_picks"

    def __init__(self, name: str, shape: tuple[int, ...]) -> None:
        self.name = str(name)
        self.times = np.full(shape, np.nan, dtype=np.float32)
        self.provenance = np.full(shape, NO_PROVENANCE, dtype=np.int16)
        self.confidence = np.full(shape, np.nan, dtype=np.float32)
        # the model pick a correction replaced (NaN / -1 where no model pick was replaced)
        self.model_times = np.full(shape, np.nan, dtype=np.float32)
        self.model_confidence = np.full(shape, np.nan, dtype=np.float32)
        self.model_provenance = np.full(shape, NO_PROVENANCE, dtype=np.int16)
        self.provenance_table = ProvenanceTable()
        self.stamp = EditStamp()
        self.changed = Event()

    # -- queries -----------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.times.shape

    @property
    def n_picked(self) -> int:
        return int(np.count_nonzero(np.isfinite(self.times)))

    def provenance_of(self, index: IndexLike) -> list[str | None]:
        """Provenance strings at ``index`` (None where unpicked)."""
        return list(self.provenance_table.decode(self.provenance.reshape(-1)[self.flat(index)]))

    def model_original(self, index: IndexLike) -> tuple[np.ndarray, np.ndarray, list[str | None]]:
        """(times, confidence, provenance) of the model picks that corrections replaced at
        ``index`` (NaN / None where the pick is no corrected model pick)."""
        idx = self.flat(index)
        return (self.model_times.reshape(-1)[idx].copy(),
                self.model_confidence.reshape(-1)[idx].copy(),
                list(self.provenance_table.decode(self.model_provenance.reshape(-1)[idx])))

    @property
    def _arrays(self) -> list[np.ndarray]:
        """Every per-pick array an edit changes, in :class:`ArrayEdit` order."""
        return [self.times, self.provenance, self.confidence, self.model_times,
                self.model_provenance, self.model_confidence]

    def flat(self, index: IndexLike) -> np.ndarray:
        """Normalise ``index`` to flat int64 indices into the picks arrays (validated)."""
        if isinstance(index, tuple):
            idx = np.ravel_multi_index(tuple(np.asarray(i, dtype=np.int64) for i in index),
                                       self.shape)
            return np.asarray(idx, dtype=np.int64).ravel()
        a = np.asarray(index)
        if a.dtype == bool:
            if a.shape != self.shape:
                raise ValueError(f"mask shape {a.shape} does not match picks {self.shape}")
            return np.flatnonzero(a).astype(np.int64)
        a = a.astype(np.int64).ravel()
        if a.size and (a.min() < 0 or a.max() >= self.times.size):
            raise IndexError(f"pick index out of range 0..{self.times.size - 1}")
        return a

    # -- edits -------------------------------------------------------------------------------
    def set_times(self, history: History | None, index: IndexLike, times: Any,
                  provenance: str = MANUAL, confidence: Any = None, label: str | None = None,
                  user: str | None = None) -> ArrayEdit | None:
        """Write ``times`` (scalar or one per index; NaN erases) at ``index`` as one command.

        The stored provenance follows :func:`~geodesk.core.picks.base.edited_provenance`
        (manual over tracked/model → corrected). ``confidence`` defaults to NaN. Only picks that
        actually change are recorded; returns the command, or None when nothing changed.
        """
        idx = self.flat(index)
        t = np.broadcast_to(np.asarray(times, dtype=np.float32), idx.shape)
        c = np.broadcast_to(np.asarray(np.nan if confidence is None else confidence,
                                       dtype=np.float32), idx.shape)
        if idx.size > 1:  # duplicates: the last value wins
            rev_unique = np.unique(idx[::-1], return_index=True)[1]
            keep = np.sort(idx.size - 1 - rev_unique)
            idx, t, c = idx[keep], t[keep], c[keep]
        old_codes = self.provenance.reshape(-1)[idx]
        codes = self.provenance_table.edited_codes(old_codes, provenance)
        empty = ~np.isfinite(t)
        codes = np.where(empty, NO_PROVENANCE, codes).astype(np.int16)
        c = np.where(empty, np.nan, c).astype(np.float32)
        t = np.where(empty, np.nan, t).astype(np.float32)
        old_t = self.times.reshape(-1)[idx]
        old_c = self.confidence.reshape(-1)[idx]
        mt, mc, mp = (a.reshape(-1)[idx].copy() for a in
                      (self.model_times, self.model_confidence, self.model_provenance))
        if is_model(provenance):  # a fresh prediction: nothing corrected any more
            mt[:], mc[:], mp[:] = np.nan, np.nan, NO_PROVENANCE
        else:  # the first replacement of a model pick keeps the model's value
            was_model = self._model_codes(old_codes) & np.isfinite(old_t) & (mp < 0)
            replaced = was_model & ~(_same(old_t, t) & (old_codes == codes) & _same(old_c, c))
            mt[replaced], mc[replaced], mp[replaced] = (old_t[replaced], old_c[replaced],
                                                        old_codes[replaced])
        return self._record(history, idx, [t, codes, c, mt, mp, mc],
                            label or f"Edit {self.name}", user)

    def set_picks(self, history: History | None, index: IndexLike, times: Any,
                  provenance: Any, confidence: Any = None, model_times: Any = None,
                  model_confidence: Any = None, model_provenance: Any = None,
                  label: str | None = None, user: str | None = None) -> ArrayEdit | None:
        """Write picks exactly as given (provenance strings per index, None where unpicked, and
        the model originals), as one command: restoring a file exported with provenance."""
        idx = self.flat(index)

        def values(v: Any, dtype: type) -> np.ndarray:
            return np.broadcast_to(np.asarray(np.nan if v is None else v, dtype=dtype),
                                   idx.shape).copy()

        def codes(names: Any) -> np.ndarray:
            names = [None] * idx.size if names is None else list(names)
            return np.array([NO_PROVENANCE if n is None else self.provenance_table.code(n)
                             for n in names], dtype=np.int16)

        t = values(times, np.float32)
        mt = values(model_times, np.float32)
        arrays = [t, codes(provenance), values(confidence, np.float32), mt,
                  codes(model_provenance), values(model_confidence, np.float32)]
        arrays[1][~np.isfinite(t)] = NO_PROVENANCE
        arrays[4][~np.isfinite(mt)] = NO_PROVENANCE
        return self._record(history, idx, arrays, label or f"Edit {self.name}", user)

    def _model_codes(self, codes: np.ndarray) -> np.ndarray:
        """True where a provenance code names a model."""
        model = [k for k, n in enumerate(self.provenance_table.names) if is_model(n)]
        return np.isin(codes, model)

    def _record(self, history: History | None, idx: np.ndarray, new: list[np.ndarray],
                label: str, user: str | None) -> ArrayEdit | None:
        """Apply ``new`` values (one per :attr:`_arrays`) at ``idx`` as one command, recording
        only the indices where something changes."""
        same = np.ones(idx.shape, dtype=bool)
        for a, v in zip(self._arrays, new):
            old = a.reshape(-1)[idx]
            same &= _same(old, v) if a.dtype.kind == "f" else (old == v)
        if same.all():
            return None
        sel = ~same
        cmd = ArrayEdit.capture(
            label, self._arrays, idx[sel], [v[sel] for v in new],
            notify=self._emit_times, set_meta=self._set_stamp,
            meta_before=EditStamp(self.stamp.user, self.stamp.time),
            meta_after=EditStamp.now(user))
        apply_command(history, cmd)
        return cmd

    def erase(self, history: History | None, index: IndexLike,
              label: str | None = None) -> ArrayEdit | None:
        """Unpick ``index`` (times NaN, no provenance, no confidence) as one command."""
        return self.set_times(history, index, np.nan, label=label or f"Erase {self.name}")

    def _emit_times(self, index: np.ndarray) -> None:
        self.changed.emit(Change(self, "times", index))

    def _set_stamp(self, stamp: object) -> None:
        assert isinstance(stamp, EditStamp)
        self.stamp = EditStamp(stamp.user, stamp.time)

    # -- state -------------------------------------------------------------------------------
    def _base_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        meta = {"type": self.kind, "format": STATE_FORMAT, "name": self.name,
                "provenance_names": list(self.provenance_table.names),
                "last_user": self.stamp.user, "last_modified": self.stamp.time}
        arrays = {"times": self.times.copy(), "provenance": self.provenance.copy(),
                  "confidence": self.confidence.copy()}
        if (self.model_provenance >= 0).any():  # older GeoDesk ignores these extra arrays
            arrays.update(model_times=self.model_times.copy(),
                          model_confidence=self.model_confidence.copy(),
                          model_provenance=self.model_provenance.copy())
        return meta, arrays

    def _load_base(self, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        if meta.get("type") != self.kind:
            raise ValueError(f"state of type {meta.get('type')!r} is not a {self.kind}")
        if int(meta.get("format", 0)) > STATE_FORMAT:
            raise ValueError(f"{self.kind} state format {meta.get('format')} is newer than "
                             f"this GeoDesk ({STATE_FORMAT})")
        self.provenance_table = ProvenanceTable(list(meta["provenance_names"]))
        for key, dtype in (("times", np.float32), ("provenance", np.int16),
                           ("confidence", np.float32), ("model_times", np.float32),
                           ("model_confidence", np.float32), ("model_provenance", np.int16)):
            if key not in arrays and key.startswith("model_"):
                continue  # saved before model originals were kept: none
            a = np.asarray(arrays[key])
            if a.shape != self.shape:
                raise ValueError(f"{key} shape {a.shape} does not match {self.shape}")
            getattr(self, key)[...] = a.astype(dtype, copy=False)
        for codes in (self.provenance, self.model_provenance):
            if codes.size and codes.max(initial=-1) >= len(self.provenance_table.names):
                raise ValueError("provenance code outside the provenance table")
        self.stamp = EditStamp(str(meta.get("last_user", "")), str(meta.get("last_modified", "")))


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise equality treating NaN == NaN."""
    return (a == b) | (np.isnan(a) & np.isnan(b))
