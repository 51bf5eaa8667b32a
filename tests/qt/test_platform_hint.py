"""When Qt's platform plugin cannot start, GeoDesk names the Debian/Ubuntu packages and exits 1
instead of Qt's abort (issue 14, defect 7)."""

import os
import subprocess
import sys

from geodesk.cli import main
from geodesk.qt import platform_check


def test_a_library_neither_bundled_nor_loadable_is_missing_with_its_package(tmp_path):
    (tmp_path / "libxcb-icccm.so.4").touch()  # shipped beside Qt: not missing
    missing = platform_check.missing_libraries(
        load=lambda so: so not in ("libxcb-cursor.so.0", "libxcb-icccm.so.4"), bundled=[tmp_path])
    assert missing == {"libxcb-cursor.so.0": "libxcb-cursor0"}
    text = platform_check.hint(missing)
    assert "libxcb-cursor.so.0" in text and "sudo apt install libxcb-cursor0" in text


def test_the_check_applies_only_where_qt_starts_xcb():
    linux = sys.platform.startswith("linux")
    assert platform_check.uses_xcb({}) == linux
    assert platform_check.uses_xcb({"QT_QPA_PLATFORM": "xcb"}) == linux
    assert not platform_check.uses_xcb({"QT_QPA_PLATFORM": "offscreen"})
    assert not platform_check.uses_xcb({"WAYLAND_DISPLAY": "wayland-0",
                                        "XDG_SESSION_TYPE": "wayland"})


def test_missing_libraries_stop_the_window_before_qt_with_the_apt_line(monkeypatch, capsys):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(platform_check, "missing_libraries",
                        lambda: {"libxcb-cursor.so.0": "libxcb-cursor0"})
    assert main(["open"]) == 1
    err = capsys.readouterr().err
    assert "sudo apt install libxcb-cursor0" in err and "Traceback" not in err


def _open_window(tmp_path, platform: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": platform, "DISPLAY": ":987",
           "GEODESK_SETTINGS": str(tmp_path / "s.ini"), "GEODESK_CACHE": str(tmp_path / "c")}
    env.pop("WAYLAND_DISPLAY", None)
    code = "import sys\nfrom geodesk.cli import main\nsys.exit(main())\n"
    return subprocess.run([sys.executable, "-c", code, "open"], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def test_a_platform_plugin_that_fails_inside_qt_prints_the_hint_and_exits_1(tmp_path):
    res = _open_window(tmp_path, "nosuchplugin")  # past the library check, Qt's own fatal
    assert res.returncode == 1, res.stderr  # not Qt's abort (-6)
    assert "sudo apt install" in res.stderr and "libxcb-cursor0" in res.stderr
    assert "QT_QPA_PLATFORM=offscreen" in res.stderr


def test_xcb_without_a_display_or_libraries_exits_1_with_the_hint(tmp_path):
    res = _open_window(tmp_path, "xcb")  # the check (libraries missing) or Qt (no display :987)
    assert res.returncode == 1, res.stderr
    assert "sudo apt install" in res.stderr and "Traceback" not in res.stderr
