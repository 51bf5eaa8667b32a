"""Survey kinds and their public interface: lazy, file-backed access to sections and gathers.

``geodesk.open(path)`` (implemented in :mod:`geodesk.core.segy.reader`) returns one of
:class:`Post3D`, :class:`Post2D` or :class:`Prestack`. Views, tools, processing and the CLI are
written against the interface here; the SEG-Y backend fills it in. Nothing here imports Qt.
"""

from __future__ import annotations

import abc
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from geodesk.core.section import Section

if TYPE_CHECKING:  # typing.Self is 3.11+; annotations are not evaluated at run time
    from typing_extensions import Self

SURVEY_KINDS = ("post3d", "post2d", "prestack")


class SurveyError(Exception):
    """A file that cannot be opened or read as a survey; the message is one line for the user."""


@dataclass(frozen=True)
class HeaderBytes:
    """Trace-header byte locations (1-based, SEG-Y rev1 defaults) used to build geometry."""

    inline: int = 189
    crossline: int = 193
    cdp_x: int = 181
    cdp_y: int = 185
    cdp: int = 21
    offset: int = 37
    ffid: int = 9
    channel: int = 13

    def replace(self, **changes: int) -> HeaderBytes:
        d = asdict(self)
        unknown = set(changes) - set(d)
        if unknown:
            raise ValueError(f"unknown header field(s): {', '.join(sorted(unknown))}")
        d.update({k: int(v) for k, v in changes.items() if v is not None})
        return HeaderBytes(**d)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class HeaderStat:
    """One row of a trace-header scan: a field's byte, name and value statistics."""

    byte: int
    name: str
    min: int
    max: int
    distinct: int
    first: int


class Survey(abc.ABC):
    """A seismic file opened for lazy browsing. Use as a context manager or call :meth:`close`."""

    kind: str  # one of SURVEY_KINDS
    path: Path
    header_bytes: HeaderBytes
    n_traces: int
    n_samples: int
    dt_ms: float  # sample interval (ms; m for depth files)
    delay_ms: float  # delay recording time (byte 109) = time of sample 0
    format_code: int  # SEG-Y sample format code (1 IBM, 2 int32, 3 int16, 5 IEEE, 7/15 24-bit…)
    endian: str  # "big" or "little"
    text_encoding: str  # "ebcdic", "ascii", "blank" or "none" (SU)
    is_su: bool

    # -- axes ----------------------------------------------------------------------------------
    @property
    def times_ms(self) -> np.ndarray:
        """Time (ms) of every sample, delay applied."""
        return self.delay_ms + self.dt_ms * np.arange(self.n_samples, dtype=float)

    # -- headers -------------------------------------------------------------------------------
    @abc.abstractmethod
    def text_header(self) -> str:
        """The textual file header decoded (EBCDIC or ASCII detected), 40 lines of 80 chars."""

    @abc.abstractmethod
    def binary_header(self) -> dict[str, int]:
        """Binary file header fields by segyio name (empty for SU files)."""

    @abc.abstractmethod
    def trace_header(self, index: int) -> dict[str, int]:
        """All trace-header fields of trace ``index`` by segyio name."""

    @abc.abstractmethod
    def header_values(self, byte: int) -> np.ndarray:
        """One trace-header field (1-based byte) for every trace, as int64."""

    @abc.abstractmethod
    def header_scan(self, n_traces: int = 1000) -> list[HeaderStat]:
        """min/max/distinct of every standard trace-header field over the first ``n_traces``."""

    # -- samples -------------------------------------------------------------------------------
    @abc.abstractmethod
    def trace(self, index: int) -> np.ndarray:
        """Samples of one trace (float32, length ``n_samples``)."""

    @abc.abstractmethod
    def traces(self, indices: np.ndarray | slice) -> np.ndarray:
        """Samples of several traces, shape (len(indices), n_samples), float32."""

    # -- info / lifecycle ----------------------------------------------------------------------
    @abc.abstractmethod
    def info(self) -> dict[str, Any]:
        """Summary for ``geodesk info --json``: kind, traces, samples, dt_ms, format, endian, …"""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the file."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        return Path(self.path).name


class Post3D(Survey):
    """A post-stack 3D volume on an inline/crossline grid (missing traces allowed)."""

    kind = "post3d"
    inlines: np.ndarray  # sorted ascending line numbers
    crosslines: np.ndarray
    live_mask: np.ndarray  # bool (n_inlines, n_crosslines): True where a trace exists
    trace_grid: np.ndarray  # int (n_inlines, n_crosslines): file trace index, -1 if missing
    sorting: str  # "inline" or "crossline" (which one is contiguous in the file)

    @abc.abstractmethod
    def inline(self, il: int) -> Section:
        """Inline section: traces along crosslines × time. Missing traces are zeros, live=False."""

    @abc.abstractmethod
    def crossline(self, xl: int) -> Section:
        """Crossline section: traces along inlines × time."""

    @abc.abstractmethod
    def time_slice(self, t_ms: float) -> Section:
        """Horizontal slice at the sample nearest ``t_ms``: inlines × crosslines."""

    @abc.abstractmethod
    def grid_xy(self) -> tuple[np.ndarray, np.ndarray]:
        """X and Y (scalar applied) of every grid node, each (n_inlines, n_crosslines);
        interpolated/extrapolated from live traces where a trace is missing."""

    def outline_xy(self) -> np.ndarray:
        """Survey outline as a closed polygon (5, 2) of the grid corners' X/Y."""
        gx, gy = self.grid_xy()
        corners = [(0, 0), (0, -1), (-1, -1), (-1, 0), (0, 0)]
        return np.array([(gx[i, j], gy[i, j]) for i, j in corners], dtype=float)


class Post2D(Survey):
    """A post-stack 2D line: one trace per CDP (or per trace number)."""

    kind = "post2d"
    trace_numbers: np.ndarray  # CDP numbers (or 1..n when the CDP header is empty)

    @abc.abstractmethod
    def line(self) -> Section:
        """The whole line: traces × time (loaded lazily, cached; 2D lines are small)."""

    @abc.abstractmethod
    def line_xy(self) -> tuple[np.ndarray, np.ndarray]:
        """X and Y of every trace (scalar applied)."""

    def time_slice(self, t_ms: float) -> np.ndarray:  # pragma: no cover - trivial
        sec = self.line()
        return sec.data[:, sec.axis1.index_of(t_ms)]


class Prestack(Survey):
    """Pre-stack traces grouped into gathers by FFID (shot) or CDP."""

    kind = "prestack"
    gather_key: str  # "ffid" or "cdp"
    gather_keys: np.ndarray  # sorted distinct key values
    gather_sizes: np.ndarray  # traces per gather, aligned with gather_keys

    @abc.abstractmethod
    def gather(self, key: int) -> Section:
        """All traces of one gather (ordered by channel for shots, by offset for CDPs):
        section headers hold ``offset`` (scalar applied), ``ffid``, ``channel``, ``cdp``."""

    @abc.abstractmethod
    def regroup(self, key: str) -> Prestack:
        """The same file grouped by another key ("ffid" or "cdp"), e.g. shots sorted to CMPs."""
