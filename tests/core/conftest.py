"""Fixtures for core tests: the shared real SEG-Y folder (skipped when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def shared_segy_dir() -> Path:
    """Folder of real SEG-Y test files: $GEODESK_SHARED_DATA/segy or <repo>/../shared/data/segy."""
    env = os.environ.get("GEODESK_SHARED_DATA")
    base = Path(env) if env else REPO.parent / "shared" / "data"
    return base / "segy"


@pytest.fixture
def segy_dir() -> Path:
    d = shared_segy_dir()
    if not (d / "MANIFEST.md").exists():
        pytest.skip(f"shared SEG-Y data not found at {d} (set GEODESK_SHARED_DATA)")
    return d


@pytest.fixture
def segyio_data(segy_dir) -> Path:
    return segy_dir / "equinor+segyio" / "test-data"
