"""The PyInstaller bundle (``make bundle``: dist/geodesk/geodesk) runs on its own: the demo
window renders a screenshot and the shipped U-Net picks first breaks, with no Python on PATH
and no source tree. Skipped when no bundle was built (CI without ``make bundle``)."""

import csv
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("GEODESK_BUNDLE", REPO / "dist" / "geodesk" / "geodesk"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not BUNDLE.is_file(), reason=f"no bundle at {BUNDLE} (run make bundle)"),
]


def _run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    """Run the bundle from an empty folder with a bare environment (no venv, no PYTHONPATH)."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "GEODESK_CACHE": os.environ.get("GEODESK_CACHE", str(tmp_path / "cache")),
           "GEODESK_SETTINGS": str(tmp_path / "settings.ini"), "OMP_NUM_THREADS": "1"}
    return subprocess.run([str(BUNDLE), *args], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=600, check=False)


def test_the_bundle_renders_the_demo_window_to_a_png(tmp_path):
    from PySide6.QtGui import QImage

    png = tmp_path / "demo.png"
    res = _run(["demo", "--screenshot", str(png)], tmp_path)
    assert res.returncode == 0, res.stderr
    img = QImage(str(png))
    assert (img.width(), img.height()) == (1400, 900)
    ptr = img.convertToFormat(QImage.Format.Format_RGB32).constBits()
    pixels = np.frombuffer(ptr, dtype=np.uint8).reshape(900, 1400, 4)[:, :, :3]
    assert pixels.std() > 10  # a section, not a blank or one-colour window
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 200


def test_the_bundle_picks_first_breaks_with_its_shipped_weights(tmp_path):
    shots, out = tmp_path / "shots.sgy", tmp_path / "fb.csv"
    res = _run(["synth", "shots", str(shots), "--size", "2x48x500"], tmp_path)
    assert res.returncode == 0, res.stderr
    res = _run(["firstbreaks", str(shots), str(out), "--method", "unet", "--device", "cpu",
                "--with-provenance", "--quiet"], tmp_path)
    assert res.returncode == 0, res.stderr
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2 * 48
    assert all(r["provenance"].startswith("model:firstbreak-unet@") for r in rows)
    times = np.array([float(r["time_ms"]) for r in rows])
    assert np.isfinite(times).mean() > 0.9 and np.nanmax(times) < 500
