"""The core must import without Qt and torch (dependencies flow qt -> ml -> core only)."""

import subprocess
import sys

import pytest

HEAVY = ("PySide6", "pyqtgraph", "torch")


def _loaded_after_import(module: str) -> list[str]:
    code = (
        "import sys, importlib, pkgutil\n"
        f"pkg = importlib.import_module({module!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


@pytest.mark.parametrize("package", ["geodesk.core", "geodesk.synth"])
def test_core_packages_import_without_qt_or_torch(package):
    assert _loaded_after_import(package) == []


def test_cli_info_path_does_not_load_qt():
    code = (
        "import sys\n"
        "from geodesk.cli import build_parser\n"
        "build_parser()\n"
        "print(','.join(m for m in ('PySide6', 'pyqtgraph', 'torch') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
