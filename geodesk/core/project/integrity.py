"""Checksums of a project save: sha256 of whole files (checked before h5py or json ever reads
them, so a damaged file cannot mislead or hang a parser) and of small JSON records themselves."""

from __future__ import annotations

import hashlib
import json
import zlib
from pathlib import Path
from typing import Any

import numpy as np

SELF_KEY = "sha256"
_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def canonical_json(record: dict[str, Any]) -> str:
    """The JSON text a record's own checksum is computed over (its ``sha256`` key left out)."""
    body = {k: v for k, v in record.items() if k != SELF_KEY}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)


def sealed(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with a ``sha256`` of its own canonical JSON (any later edit is detectable)."""
    text = canonical_json(record)
    return {**record, SELF_KEY: hashlib.sha256(text.encode("utf-8")).hexdigest()}


def is_sealed(record: dict[str, Any]) -> bool:
    """True when ``record`` carries a ``sha256`` matching its content."""
    try:
        text = canonical_json(record)
    except (TypeError, ValueError):
        return False
    return record.get(SELF_KEY) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def array_crc32(array: np.ndarray) -> int:
    """crc32 of an array's bytes (C order), stored beside each saved dataset."""
    return zlib.crc32(np.ascontiguousarray(array).tobytes()) & 0xFFFFFFFF
