"""Where each SEG-Y header field lives: byte positions by segyio field name, for the header
viewer (an interpreter setting header bytes needs to see them next to the values)."""

from __future__ import annotations

import segyio

from geodesk.core.segy.traces import TRACE_FIELDS

#: trace-header field name -> (first byte, last byte), 1-based within the 240-byte header
TRACE_BYTES: dict[str, tuple[int, int]] = {
    name: (b, b + width - 1) for b, (name, width) in TRACE_FIELDS.items()}

_BIN_STARTS = sorted(int(v) for v in segyio.BinField.enums())
#: binary-header field name -> (first byte, last byte), file bytes 3201-3600 as the standard
BINARY_BYTES: dict[str, tuple[int, int]] = {
    str(segyio.BinField(b)): (b, b + (4 if nxt - b >= 4 and b < 3261 else 2) - 1)
    for b, nxt in zip(_BIN_STARTS, _BIN_STARTS[1:] + [3601])}


def byte_label(name: str, table: dict[str, tuple[int, int]]) -> str:
    """'9-12' for a field of ``table`` (TRACE_BYTES or BINARY_BYTES); '' when not standard."""
    first, last = table.get(name, (0, 0))
    return f"{first}-{last}" if first else ""
