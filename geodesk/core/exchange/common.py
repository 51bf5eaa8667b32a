"""Shared pieces of pick export/import: the user-facing import error and exact number formatting.

Numbers are written so that reading them back gives the stored value bit for bit: float32 times
with the shortest of ``%.7g``/``%.9g`` that round-trips, float64 coordinates with ``repr``.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Callable, Hashable, Iterable, Iterator
from pathlib import Path

import numpy as np

#: How many problems an :class:`ImportError_` message lists before "… and N more".
MAX_LISTED = 5
#: Physical bounds of numeric fields by column name, checked on import: times from -100 s
#: (a negative delay) to 1000 s, stacking velocities from 100 m/s (slower than any sediment's
#: RMS velocity) to 20 km/s (beyond any rock), so no value can overflow float32 or the save.
FIELD_BOUNDS = {"time_ms": (-1e5, 1e6), "model_time_ms": (-1e5, 1e6),
                "vrms_mps": (100.0, 20000.0)}
#: Integers (line, CDP, FFID, channel, trace numbers) are 32-bit in SEG-Y headers.
INT_RANGE = (-(2**31), 2**31 - 1)
#: Control characters (all but tab) that no field of a pick file may hold (NUL, newlines…).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class ImportError_(ValueError):  # trailing underscore: not the builtin ImportError
    """A file that cannot be imported; ``problems`` holds ``(line_number, reason)`` pairs and
    the message is one line for the user (line numbers are 1-based, the header is line 1)."""

    def __init__(self, source: str | os.PathLike, problems: list[tuple[int, str]] | str) -> None:
        self.source = str(source)
        if isinstance(problems, str):
            problems = [(0, problems)]
        self.problems: list[tuple[int, str]] = list(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        name = Path(self.source).name or self.source
        parts = [f"line {ln}: {why}" if ln > 0 else why for ln, why in self.problems[:MAX_LISTED]]
        more = len(self.problems) - MAX_LISTED
        tail = f"; … and {more} more" if more > 0 else ""
        count = f"{len(self.problems)} problems: " if len(self.problems) > 1 else ""
        return f"{name}: {count}{'; '.join(parts)}{tail}"


class Problems:
    """Collects ``(line, reason)`` while a whole file is parsed, so all errors are reported at
    once and nothing is applied when there is any."""

    def __init__(self, source: str | os.PathLike) -> None:
        self.source = source
        self.items: list[tuple[int, str]] = []

    def add(self, line: int, reason: str) -> None:
        self.items.append((int(line), reason))

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportError_(self.source, sorted(self.items, key=lambda p: p[0]))

    def __bool__(self) -> bool:
        return bool(self.items)


def format_float32(values: Iterable[float] | np.ndarray) -> list[str]:
    """Shortest decimal text (of ``%.7g``/``%.9g``) that reads back to the same float32;
    NaN becomes an empty string (an unpicked value)."""
    v = np.asarray(values, dtype=np.float32).ravel()
    out: list[str] = []
    for x in v.tolist():
        if math.isnan(x):
            out.append("")
            continue
        s = f"{x:.7g}"
        if np.float32(float(s)) != np.float32(x):
            s = f"{x:.9g}"
        out.append(s)
    return out


def format_float64(values: Iterable[float] | np.ndarray) -> list[str]:
    """Shortest round-trip text of float64 values (coordinates); NaN becomes empty."""
    vals = np.asarray(values, dtype=np.float64).ravel().tolist()
    return ["" if math.isnan(x) else repr(x) for x in vals]


def format_int(values: Iterable[int] | np.ndarray) -> list[str]:
    return [str(x) for x in np.asarray(values, dtype=np.int64).ravel().tolist()]


def parse_float(text: str, what: str, allow_empty: bool = False) -> float:
    """Parse a decimal field; ValueError with a user-facing reason otherwise."""
    t = text.strip()
    if t == "":
        if allow_empty:
            return float("nan")
        raise ValueError(f"{what} is empty")
    try:
        v = float(t)
    except ValueError:
        raise ValueError(f"{what} {t!r} is not a number") from None
    if not math.isfinite(v):
        raise ValueError(f"{what} {t!r} is not a finite number")
    lo, hi = FIELD_BOUNDS.get(what, (-math.inf, math.inf))
    if not lo <= v <= hi:
        raise ValueError(f"{what} {t} is outside {lo:g}..{hi:g}")
    return v


def parse_int(text: str, what: str) -> int:
    """Parse an integer field (``12`` or ``12.0``); ValueError with a reason otherwise."""
    t = text.strip()
    if t == "":
        raise ValueError(f"{what} is empty")
    try:
        n = int(t)
    except ValueError:
        try:
            v = float(t)
        except ValueError:
            raise ValueError(f"{what} {t!r} is not an integer") from None
        if not v.is_integer():
            raise ValueError(f"{what} {t!r} is not an integer")
        n = int(v)
    if not INT_RANGE[0] <= n <= INT_RANGE[1]:
        raise ValueError(f"{what} {t} is outside the 32-bit range of SEG-Y header numbers")
    return n


def read_csv_rows(path: str | os.PathLike, columns: tuple[str, ...],
                  aliases: dict[str, str] | None = None, optional: tuple[str, ...] = (),
                  ) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line_number, {column: text})`` for each data row of a CSV with a header.

    The header must name every column of ``columns`` (case-insensitive, in any order; ``aliases``
    maps other spellings, e.g. ``crossline`` → ``xline``); columns of ``optional`` the header
    names are yielded too (absent ones are not keys of the row). Blank lines and ``#`` comments are
    skipped. Raises :class:`ImportError_` for a missing file, header or column; rows with the
    wrong number of fields are yielded with ``None`` values for the caller to report.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportError_(path, "file not found") from None
    except UnicodeDecodeError as exc:
        raise ImportError_(path, f"not a UTF-8 text file ({exc.reason})") from None
    except OSError as exc:
        raise ImportError_(path, exc.strerror or str(exc)) from None
    aliases = aliases or {}
    raw_lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    first = 1  # physical line where the next record starts
    for row in _records(path, reader):
        line, start, first = reader.line_num, first, reader.line_num + 1
        # a comment is a line whose raw text starts with '#'; a quoted "#name" cell is data
        raw = raw_lines[start - 1] if start - 1 < len(raw_lines) else ""
        if not row or all(not c.strip() for c in row) or raw.lstrip().startswith("#"):
            continue
        if header is None:
            header = [aliases.get(c.strip().lower(), c.strip().lower()) for c in row]
            missing = [c for c in columns if c not in header]
            if missing:
                why = (f"header lacks column(s) {', '.join(missing)} "
                       f"(expected {','.join(columns)})")
                raise ImportError_(path, [(line, why)])
            index = {c: header.index(c) for c in (*columns, *optional) if c in header}
            continue
        if len(row) != len(header):
            yield line, {"__error__": f"expected {len(header)} fields, found {len(row)}"}
            continue
        bad = next((k for k, c in enumerate(row) if CONTROL_CHARS.search(c)), None)
        if bad is not None:
            char = CONTROL_CHARS.search(row[bad]).group()
            yield start, {"__error__": f"field {bad + 1} holds the control character {char!r}"}
            continue
        yield line, {c: row[i] for c, i in index.items()}
    if header is None:
        raise ImportError_(path, f"empty file (expected a header {','.join(columns)})")


def _records(path: Path, reader) -> Iterator[list[str]]:
    """The records of a csv reader; a record it cannot read (a field over the csv module's
    limit, a quote left open) is an :class:`ImportError_` with its line number."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            why = str(exc)
            if "field larger than field limit" in why:
                why = f"a field is longer than {csv.field_size_limit()} characters"
            raise ImportError_(path, [(max(reader.line_num, 1), why)]) from None
        yield row


def first_lines(path: str | os.PathLike, columns: tuple[str, ...],
                key: Callable[[dict[str, str]], Hashable], wanted: set,
                aliases: dict[str, str] | None = None) -> dict[Hashable, int]:
    """Line of the first row whose ``key(row)`` is in ``wanted`` (rows it cannot parse are
    passed over): where a check made after parsing (e.g. CDPs of the survey) reports."""
    out: dict[Hashable, int] = {}
    for line, row in read_csv_rows(path, columns, aliases):
        try:
            k = key(row)
        except (ValueError, KeyError):
            continue
        if k in wanted and k not in out:
            out[k] = line
    return out


def write_csv(path: str | os.PathLike, header: list[str], columns: list[list[str]]) -> None:
    """Write text columns as CSV atomically (``\\n`` line ends, minimal quoting)."""
    from geodesk.core.atomic import atomic_open

    with atomic_open(path, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        quoted = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL)
        w.writerow(header)
        for row in zip(*columns):
            # a row starting with '#' would read back as a comment: quote it
            (quoted if row and str(row[0]).lstrip().startswith("#") else w).writerow(row)
