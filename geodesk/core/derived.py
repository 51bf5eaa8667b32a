"""Derived sections computed on demand (denoised data): a bounded cache and the order of work.

The workstation shows a derived version of the section on screen (e.g. the DnCNN-denoised
data): each section is computed once, kept in a :class:`SectionCache` bounded in bytes (least
recently used dropped first), and a background job that works through the rest takes the
section nearest to the one on screen next (:class:`SectionQueue`, thread-safe: the GUI moves the
focus while a worker pops). Keys are ``(mode, value)`` of the navigator ("inline", 112.0).
Qt-free and torch-free.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from geodesk.core.section import Section
from geodesk.core.survey import Survey

#: Section modes a section model works on (time slices are not vertical sections).
VERTICAL_MODES = ("inline", "crossline", "line", "gather")


def positions(survey: Survey, mode: str) -> np.ndarray:
    """Every value of ``mode`` in ``survey``: line numbers, time-slice times, gather keys (one
    value for a 2D line); the navigator's choices and the derived sections' keys."""
    if mode == "inline":
        return np.asarray(survey.inlines, dtype=float)
    if mode == "crossline":
        return np.asarray(survey.crosslines, dtype=float)
    if mode == "time":
        return np.asarray(survey.times_ms, dtype=float)
    if mode == "gather":
        return np.asarray(survey.gather_keys, dtype=float)
    if mode == "line":
        return np.zeros(1)
    raise ValueError(f"no sections for {mode!r}; choose one of {(*VERTICAL_MODES, 'time')}")


def read_section(survey: Survey, mode: str, value: float) -> Section:
    """The section ``(mode, value)`` of ``survey``, as the window reads it (time slices too)."""
    if mode == "time":
        return survey.time_slice(float(value))
    if mode == "inline":
        return survey.inline(int(value))
    if mode == "crossline":
        return survey.crossline(int(value))
    if mode == "gather":
        return survey.gather(int(value))
    if mode == "line":
        return survey.line()
    raise ValueError(f"no sections for {mode!r}")


def neighbour_indices(i: int, n: int, context: int) -> list[int]:
    """Indices of section ``i`` and its ``context`` neighbours each side among ``n`` sections,
    mirrored at the ends (section 0's missing left neighbour is section 1)."""
    out = []
    for k in range(i - int(context), i + int(context) + 1):
        if n == 1:
            out.append(0)
            continue
        while k < 0 or k >= n:
            k = -k if k < 0 else 2 * (n - 1) - k
        out.append(k)
    return out


def model_input(survey: Survey, mode: str, section: Section, value: float,
                context: int) -> Section | np.ndarray:
    """What a section model is given for ``section`` (``mode``, ``value``): the section itself,
    or, for a 2.5D model (``context`` > 0) on the inlines or crosslines of a 3D volume, the
    (2 context + 1, traces, samples) stack of it and its neighbours (mirrored at the ends)."""
    if not context or mode not in ("inline", "crossline"):
        return section
    vals = positions(survey, mode)
    i = int(np.argmin(np.abs(vals - float(value))))
    rows = [section.data if j == i else read_section(survey, mode, vals[j]).data
            for j in neighbour_indices(i, len(vals), int(context))]
    return np.stack([np.asarray(r, dtype=np.float32) for r in rows])


def like(section: Section, data: np.ndarray, title: str) -> Section:
    """A section with ``section``'s axes, headers and geometry and other samples."""
    d = np.asarray(data, dtype=np.float32)
    if d.shape != section.shape:
        raise ValueError(f"derived data {d.shape} does not match the section {section.shape}")
    return Section(d, section.axis0, section.axis1, section.kind, title, live=section.live,
                   x=section.x, y=section.y, trace_index=section.trace_index,
                   headers=section.headers)


class SectionCache:
    """Derived arrays by key, least recently used dropped first beyond ``max_bytes``."""

    def __init__(self, max_bytes: int = 512 * 2**20) -> None:
        self.max_bytes = int(max_bytes)
        self._items: OrderedDict[Hashable, np.ndarray] = OrderedDict()

    def get(self, key: Hashable) -> np.ndarray | None:
        a = self._items.get(key)
        if a is not None:
            self._items.move_to_end(key)
        return a

    def put(self, key: Hashable, data: np.ndarray) -> None:
        self._items[key] = np.asarray(data)
        self._items.move_to_end(key)
        while len(self._items) > 1 and self.nbytes > self.max_bytes:
            self._items.popitem(last=False)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Hashable]:
        """The keys, least recently used first (a copy: the cache may change meanwhile)."""
        return iter(list(self._items))

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self._items.values())

    def clear(self) -> None:
        self._items.clear()

    def room_for(self, item_bytes: int) -> int:
        """How many items of ``item_bytes`` the cache holds at most."""
        return max(1, self.max_bytes // max(int(item_bytes), 1))


class SectionQueue:
    """Sections still to compute, handed out nearest to the focus first (thread-safe).

    ``values`` are the positions of one mode in navigation order; the distance between two
    sections is the difference of their indices in that order.
    """

    def __init__(self, mode: str, values: Sequence[float], focus: float | None = None,
                 done: Iterable[float] = (), limit: int | None = None) -> None:
        self.mode = mode
        self._order = {float(v): i for i, v in enumerate(values)}
        self._lock = threading.Lock()
        self._focus = 0
        self.focus(focus if focus is not None else (values[0] if len(values) else 0.0))
        skip = {float(v) for v in done}
        pending = [float(v) for v in values if float(v) not in skip]
        if limit is not None:  # keep the ``limit`` nearest to the focus (the cache's room)
            pending = sorted(pending, key=self._distance)[:max(int(limit), 0)]
        self._pending = set(pending)

    def _distance(self, value: float) -> tuple[int, int]:
        d = self._order[value] - self._focus
        return abs(d), 0 if d >= 0 else 1  # ties: the next section before the previous one

    def focus(self, value: float) -> None:
        """The section on screen moved to ``value`` (of this queue's mode)."""
        with self._lock:
            i = self._order.get(float(value))
            if i is not None:
                self._focus = i

    def pop(self) -> float | None:
        """The pending value nearest to the focus, removed; None when all are done."""
        with self._lock:
            if not self._pending:
                return None
            v = min(self._pending, key=self._distance)
            self._pending.discard(v)
            return v

    def is_pending(self, value: float) -> bool:
        """True while ``value`` is still to be handed out."""
        with self._lock:
            return float(value) in self._pending

    def discard(self, value: float) -> None:
        """``value`` was computed elsewhere (e.g. on demand)."""
        with self._lock:
            self._pending.discard(float(value))

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)


#: Where a derived layer is shown: in place of its source, in a view beside it, or drawn over it.
PLACEMENTS = ("instead", "beside", "over")
#: A layer's transform: the derived section of a source section and the section whose amplitudes
#: set its clip (None: its own), or None while it is not computed yet.
Transform = Callable[[Section], "tuple[Section, Section | None] | None"]


@dataclass
class DerivedLayer:
    """One named derived-data layer: source → transform → cached sections, and how it is shown.

    ``transform`` is called for the section on screen (the feature that owns the layer computes
    in the background and keeps its own :class:`SectionCache`); ``opacity`` applies to layers
    drawn ``over`` the data. Layers never change the survey's samples.
    """

    name: str
    transform: Transform | None = None
    placement: str = "instead"
    opacity: float = 1.0
    visible: bool = True
    source: str = "original"
    cache: SectionCache | None = None

    def __post_init__(self) -> None:
        if self.placement not in PLACEMENTS:
            raise ValueError(f"placement must be one of {PLACEMENTS}, got {self.placement!r}")
        if not 0.0 <= float(self.opacity) <= 1.0:
            raise ValueError(f"opacity must be within [0, 1], got {self.opacity!r}")


class DerivedLayers:
    """The ordered derived-data layers of a session (denoised data, fault probability, DDTF,
    facies… side by side, not one slot); ``changed`` is called with the layer name on edits."""

    def __init__(self) -> None:
        self._layers: dict[str, DerivedLayer] = {}
        self._listeners: list[Callable[[str], None]] = []

    def add(self, layer: DerivedLayer) -> DerivedLayer:
        if layer.name in self._layers:
            raise ValueError(f"a derived layer called {layer.name!r} exists already")
        self._layers[layer.name] = layer
        self._notify(layer.name)
        return layer

    def remove(self, name: str) -> None:
        del self._layers[name]
        self._notify(name)

    def get(self, name: str) -> DerivedLayer:
        return self._layers[name]

    def __contains__(self, name: object) -> bool:
        return name in self._layers

    def __iter__(self) -> Iterator[DerivedLayer]:
        return iter(list(self._layers.values()))

    def __len__(self) -> int:
        return len(self._layers)

    def names(self) -> list[str]:
        return list(self._layers)

    def update(self, name: str, **fields) -> DerivedLayer:
        """Change ``visible``, ``opacity`` or ``placement`` of a layer (validated)."""
        layer = self._layers[name]
        new = DerivedLayer(**{**layer.__dict__, **fields})
        layer.__dict__.update(new.__dict__)
        self._notify(name)
        return layer

    def connect(self, callback: Callable[[str], None]) -> None:
        self._listeners.append(callback)

    def _notify(self, name: str) -> None:
        for cb in list(self._listeners):
            cb(name)

    def placed(self, placement: str) -> list[DerivedLayer]:
        """The visible layers shown ``placement``, in the order they were added."""
        return [ly for ly in self._layers.values() if ly.visible and ly.placement == placement]

    def displayed(self, section: Section) -> tuple[Section, Section | None]:
        """What the main view shows of ``section``: the last visible ``instead`` layer with an
        answer for it, else the section itself; and the section that sets the clip."""
        for layer in reversed(self.placed("instead")):
            out = layer.transform(section) if layer.transform is not None else None
            if out is not None:
                return out
        return section, None
