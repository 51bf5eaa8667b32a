"""Before Qt starts: the system libraries Qt's X11 (xcb) platform plugin needs, and the hint
naming the Debian/Ubuntu packages that provide them.

Without them (``libxcb-cursor0`` is the one a fresh desktop most often lacks since Qt 6.5) Qt
prints a message and aborts the process; GeoDesk checks first and says what to install. This
module imports no Qt, so the check runs before ``QApplication`` exists.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

#: Shared libraries the PySide6 xcb platform plugin and QtGui load (``readelf -d``), and the
#: Debian/Ubuntu package of each (Debian 12, Ubuntu 22.04/24.04 names).
XCB_LIBRARIES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
}


def apt_command(packages: list[str] | None = None) -> str:
    """``sudo apt install …`` for ``packages`` (default: every package of :data:`XCB_LIBRARIES`)."""
    names = packages if packages is not None else sorted(set(XCB_LIBRARIES.values()))
    return "sudo apt install " + " ".join(names)


def uses_xcb(env: Mapping[str, str] | None = None) -> bool:
    """Whether Qt will start its X11 (xcb) plugin: Linux, ``QT_QPA_PLATFORM`` unset or xcb, and
    not a Wayland session (there Qt 6 tries its wayland plugin first)."""
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return not (env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE") == "wayland")


def _bundled_dirs() -> list[Path]:
    """Folders with libraries shipped beside Qt (the PySide6 wheel, a PyInstaller bundle)."""
    dirs = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        dirs += [Path(frozen), Path(frozen) / "PySide6" / "Qt" / "lib"]
    for entry in sys.path:
        dirs.append(Path(entry) / "PySide6" / "Qt" / "lib")
    return dirs


def _loadable(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_libraries(load: Callable[[str], bool] = _loadable,
                      bundled: list[Path] | None = None) -> dict[str, str]:
    """The libraries of :data:`XCB_LIBRARIES` neither shipped beside Qt nor loadable from the
    system (``load(soname)``), with their packages."""
    dirs = _bundled_dirs() if bundled is None else bundled
    return {so: pkg for so, pkg in XCB_LIBRARIES.items()
            if not any((d / so).exists() for d in dirs) and not load(so)}


def hint(missing: Mapping[str, str] | None = None) -> str:
    """What to tell the user when the Qt platform plugin cannot start (several lines)."""
    lines = []
    if missing:
        lines.append("geodesk: error: the Qt X11 (xcb) platform plugin needs system libraries "
                     f"that are missing: {', '.join(missing)}")
        lines.append(f"  Debian/Ubuntu: {apt_command(sorted(set(missing.values())))}")
    else:
        lines.append("geodesk: error: the Qt platform plugin could not start (no X display, or "
                     "system libraries missing)")
        lines.append(f"  Debian/Ubuntu, the libraries Qt needs: {apt_command()}")
    lines.append("  Without a display: QT_QPA_PLATFORM=offscreen geodesk demo --screenshot out.png")
    return "\n".join(lines)
