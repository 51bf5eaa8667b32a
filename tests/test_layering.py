"""The core must import without Qt and torch (dependencies flow qt -> ml -> core only)."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
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


def test_import_linter_contracts_are_kept():
    """The [tool.importlinter] contracts of pyproject.toml: core/synth free of Qt and torch, ml free
    of Qt, layers cli > commands > qt > ml > synth > core."""
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        pytest.fail("lint-imports is missing: install the test extras (pip install -e '.[test]')")
    out = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True, cwd=REPO)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
