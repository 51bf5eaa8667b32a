"""Shared pieces of the picks model: change events, provenance tables, who/when of edits.

See :mod:`geodesk.core.picks` for the public API and the state layout.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import getpass
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

MANUAL = "manual"
TRACKED = "tracked"
CORRECTED = "corrected"
IMPORTED = "imported"
#: Code stored where there is no pick (NaN time): no provenance.
NO_PROVENANCE = -1
_MODEL_RE = re.compile(r"^model:[^@\s]+@[^@\s]+$")
_IMPORTED_RE = re.compile(r"^imported(:.+)?$")


def check_provenance(name: str) -> str:
    """Validate a provenance string: manual, tracked, corrected, model:<name>@<version>,
    or imported[:<source>] (picks read from CSV/XYZ/SEG-Y)."""
    if name in (MANUAL, TRACKED, CORRECTED) or _MODEL_RE.match(name) or _IMPORTED_RE.match(name):
        return name
    raise ValueError(f"invalid provenance {name!r} (manual, tracked, corrected, "
                     "model:<name>@<version> or imported[:<source>])")


def is_model(name: str | None) -> bool:
    """True for a model's provenance (``model:<name>@<version>[#<weights>]``)."""
    return bool(name) and str(name).startswith("model:")


def is_machine(name: str) -> bool:
    """True for provenances that a manual edit turns into ``corrected``."""
    return name == TRACKED or name.startswith(("model:", IMPORTED))


def edited_provenance(old: str | None, requested: str) -> str:
    """Provenance after writing a pick with ``requested`` over a pick of provenance ``old``.

    A manual edit of a tracked/model/imported (or already corrected) pick is ``corrected``; a
    manual edit of a manual pick or an empty trace stays ``manual``; machine writes set their own.
    """
    if requested != MANUAL or old is None:
        return requested
    if old == CORRECTED or is_machine(old):
        return CORRECTED
    return MANUAL


class ProvenanceTable:
    """The list of provenance strings of one object; picks store int16 codes into it."""

    def __init__(self, names: list[str] | None = None) -> None:
        given = [MANUAL, TRACKED, CORRECTED] if names is None else list(names)
        if len(set(given)) != len(given):
            raise ValueError(f"duplicate provenance names in {given}")
        self.names: list[str] = [check_provenance(n) for n in given]

    def code(self, name: str) -> int:
        """Code of ``name``, appended to the table on first use."""
        try:
            return self.names.index(name)
        except ValueError:
            self.names.append(check_provenance(name))
            if len(self.names) > np.iinfo(np.int16).max:
                raise ValueError("too many distinct provenances") from None
            return len(self.names) - 1

    def name(self, code: int) -> str | None:
        """Provenance string of ``code`` (None for :data:`NO_PROVENANCE`)."""
        return None if int(code) < 0 else self.names[int(code)]

    def edited_codes(self, old_codes: np.ndarray, requested: str) -> np.ndarray:
        """Vectorised :func:`edited_provenance` over an int16 code array."""
        new = np.full(old_codes.shape, self.code(requested), dtype=np.int16)
        if requested != MANUAL:
            return new
        corrected = self.code(CORRECTED)
        for c in np.unique(old_codes[old_codes >= 0]):
            if edited_provenance(self.names[int(c)], MANUAL) == CORRECTED:
                new[old_codes == c] = corrected
        return new

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """Object array of provenance strings (None where no provenance), for export."""
        lut = np.array(self.names + [None], dtype=object)
        c = np.asarray(codes, dtype=np.int64)
        return lut[np.where(c < 0, len(self.names), c)]


@dataclass(frozen=True)
class Change:
    """What an event reports: the object, what changed and (for array edits) flat indices."""

    source: Any
    what: str  # "times", "seeds", "sticks", "faults", "functions", "name", "colour", "added"…
    index: np.ndarray | None = None
    key: Any = None  # e.g. a CDP, a stick uid, an object name


class Event:
    """A list of callbacks called with one :class:`Change`; ``blocked()`` mutes it (napari)."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[Change], None]] = []
        self._blocked = 0

    def connect(self, callback: Callable[[Change], None]) -> Callable[[Change], None]:
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[[Change], None]) -> None:
        self._callbacks.remove(callback)

    def emit(self, change: Change) -> None:
        if self._blocked:
            return
        for cb in list(self._callbacks):
            cb(change)

    @contextlib.contextmanager
    def blocked(self) -> Iterator[None]:
        self._blocked += 1
        try:
            yield
        finally:
            self._blocked -= 1


def default_user() -> str:
    """The login name recorded with edits (empty if unknown)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user in some containers
        return ""


def now_iso() -> str:
    """UTC timestamp of an edit, ISO 8601 with seconds."""
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


@dataclass
class EditStamp:
    """Who changed an object last and when (restored by undo)."""

    user: str = ""
    time: str = ""

    @classmethod
    def now(cls, user: str | None = None) -> EditStamp:
        return cls(default_user() if user is None else user, now_iso())
