"""`geodesk demo --screenshot` / `geodesk FILE --screenshot` as a user runs them (subprocess)."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage

SHARED = Path(os.environ.get("GEODESK_SHARED_DATA",
                             Path(__file__).resolve().parents[3] / "shared" / "data")) / "segy"


def _run(args, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "GEODESK_CACHE": os.environ.get("GEODESK_CACHE", str(tmp_path / "c")),
           "GEODESK_SETTINGS": str(tmp_path / "settings.ini")}
    code = "import sys\nfrom geodesk.cli import main\nsys.exit(main())\n"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          check=False,
                          env=env, timeout=120)


def _image_is_not_uniform(png: Path) -> None:
    img = QImage(str(png))
    assert (img.width(), img.height()) == (1400, 900)
    ptr = img.convertToFormat(QImage.Format.Format_RGB32).constBits()
    px = np.frombuffer(ptr, dtype=np.uint8)
    assert px.std() > 10


@pytest.mark.slow
def test_demo_screenshot_writes_a_non_uniform_png(tmp_path):
    import geodesk.synth.demo  # noqa: F401  (an import error must fail, not skip)
    png = tmp_path / "shot.png"
    res = _run(["demo", "--screenshot", str(png), "--inline", "150"], tmp_path)
    assert res.returncode == 0, res.stderr
    _image_is_not_uniform(png)


def test_file_screenshot_in_wiggle_mode(tmp_path):
    path = SHARED / "equinor+segyio/python/tutorials/viking_small.segy"
    if not path.exists():
        pytest.skip(f"shared test data not found: {path}")
    png = tmp_path / "gather.png"
    # `geodesk FILE …` is routed to the `open` command
    res = _run([str(path), "--display", "va", "--gather", "4", "--screenshot", str(png)],
               tmp_path)
    assert res.returncode == 0, res.stderr
    _image_is_not_uniform(png)


def test_bad_file_is_one_line_error_without_loading_a_window(tmp_path):
    bad = tmp_path / "bad.sgy"
    bad.write_bytes(b"\0" * 100)
    res = _run(["open", str(bad), "--screenshot", str(tmp_path / "x.png")], tmp_path)
    assert res.returncode == 2 and not (tmp_path / "x.png").exists()
    assert res.stderr.startswith("geodesk: error:") and len(res.stderr.splitlines()) == 1


def test_display_option_of_one_run_leaves_the_saved_display_mode_alone(tmp_path):
    from geodesk.synth.post3d import generate_post3d

    path = generate_post3d((4, 5, 40), seed=2).write(tmp_path / "v.sgy")
    settings = tmp_path / "settings.ini"
    settings.write_text("[display]\nmode=density\ncolormap=seismic\n")
    res = _run([str(path), "--display", "va", "--colormap", "gray", "--screenshot",
                str(tmp_path / "s.png")], tmp_path)
    assert res.returncode == 0, res.stderr
    text = settings.read_text()
    assert "mode=density" in text and "colormap=seismic" in text
