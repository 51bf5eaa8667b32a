"""Textual file header decoding: EBCDIC, ASCII or blank, detected from the bytes themselves.

Many writers put ASCII where the standard says EBCDIC, some leave the header blank or NUL, and
some mangle EBCDIC; segyio always assumes EBCDIC, so the encoding is detected here.
"""

from __future__ import annotations

import codecs

_PRINTABLE_ASCII = set(range(0x20, 0x7F))
# EBCDIC (cp037) printable: space, letters, digits and the usual punctuation
_PRINTABLE_EBCDIC = {b for b in range(256)
                     if codecs.decode(bytes([b]), "cp037").isprintable() and b >= 0x40}


def detect_encoding(raw: bytes) -> str:
    """Return "ascii", "ebcdic" or "blank" (all NUL/space) for a 3200-byte text header."""
    body = bytes(raw)
    if not body.strip(b"\x00 \x40"):
        return "blank"
    ascii_score = sum(b in _PRINTABLE_ASCII for b in body)
    ebcdic_score = sum(b in _PRINTABLE_EBCDIC for b in body)
    return "ascii" if ascii_score > ebcdic_score else "ebcdic"


def decode_text(raw: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode a text header into 40 lines of 80 characters; returns (text, encoding).

    Unprintable bytes (NULs, mangled EBCDIC) become spaces so the header always displays.
    """
    enc = encoding or detect_encoding(raw)
    if enc == "blank":
        return "\n".join(" " * 80 for _ in range(len(raw) // 80)), enc
    text = bytes(raw).decode("cp037" if enc == "ebcdic" else "latin-1")
    clean = "".join(c if c.isprintable() else " " for c in text)
    lines = [clean[i:i + 80] for i in range(0, len(clean), 80)]
    return "\n".join(lines), enc
