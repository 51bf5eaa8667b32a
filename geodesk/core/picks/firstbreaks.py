"""FirstBreaks: one time per trace of a pre-stack file, keyed by file trace index and (FFID, channel)."""

from __future__ import annotations

from typing import Any

import numpy as np

from geodesk.core.picks.arrays import TracePicks


class FirstBreaks(TracePicks):
    """First-break picks ``times[k]`` of file trace ``k`` with ``ffid[k]`` and ``channel[k]``.

    Pick indices are file trace indices, the same as ``Section.trace_index`` of a gather, so a
    gather sorted by FFID or regrouped by CDP edits the same picks.
    """

    kind = "first_breaks"

    def __init__(self, name: str, ffid: Any, channel: Any) -> None:
        self.ffid = np.asarray(ffid, dtype=np.int64).ravel().copy()
        self.channel = np.asarray(channel, dtype=np.int64).ravel().copy()
        if self.ffid.shape != self.channel.shape:
            raise ValueError("ffid and channel must have one value per trace")
        super().__init__(name, self.ffid.shape)
        self._lookup: dict[tuple[int, int], int] | None = None
        self._gathers: dict[int, np.ndarray] | None = None

    @classmethod
    def like_survey(cls, name: str, survey: Any) -> FirstBreaks:
        """Empty picks for every trace of a :class:`Prestack` survey (FFID/channel headers)."""
        hb = survey.header_bytes
        return cls(name, survey.header_values(hb.ffid), survey.header_values(hb.channel))

    @property
    def n_traces(self) -> int:
        return int(self.ffid.size)

    def index_of(self, ffid: int, channel: int) -> int:
        """File trace index of ``(ffid, channel)``; KeyError if absent (first trace if repeated)."""
        if self._lookup is None:
            self._lookup = {}
            for k in range(self.ffid.size - 1, -1, -1):
                self._lookup[(int(self.ffid[k]), int(self.channel[k]))] = k
        return self._lookup[(int(ffid), int(channel))]

    def gather_indices(self, ffid: int) -> np.ndarray:
        """File trace indices of shot ``ffid`` ordered by channel (empty if none)."""
        if self._gathers is None:
            order = np.lexsort((self.channel, self.ffid))
            keys, starts = np.unique(self.ffid[order], return_index=True)
            bounds = np.append(starts, order.size)
            self._gathers = {int(k): order[bounds[n]:bounds[n + 1]] for n, k in enumerate(keys)}
        return self._gathers.get(int(ffid), np.empty(0, dtype=np.int64)).copy()

    def gather_times(self, ffid: int) -> tuple[np.ndarray, np.ndarray]:
        """Channels and picked times (NaN unpicked) of shot ``ffid``, ordered by channel."""
        idx = self.gather_indices(ffid)
        return self.channel[idx].copy(), self.times[idx].copy()

    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """JSON-able metadata and numpy arrays that :meth:`from_state` restores exactly."""
        meta, arrays = self._base_state()
        arrays.update(ffid=self.ffid.copy(), channel=self.channel.copy())
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> FirstBreaks:
        """Rebuild first breaks from :meth:`to_state` output."""
        fb = cls(meta["name"], arrays["ffid"], arrays["channel"])
        fb._load_base(meta, arrays)
        return fb
