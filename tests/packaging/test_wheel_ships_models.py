"""A built wheel, installed apart from the source tree, finds the shipped model weights."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_wheel_installs_the_weights_where_the_registry_finds_them(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    shutil.copytree(REPO / "geodesk", src / "geodesk", symlinks=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "resources" / "models", src / "resources" / "models")
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps",
                    "--no-build-isolation", "-q", "-w", str(wheels)], check=True,
                   capture_output=True, cwd=tmp_path)
    (wheel,) = wheels.glob("geodesk-*.whl")
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, cwd=tmp_path)
    code = ("import json, geodesk\n"
            "from geodesk.ml.registry import TASKS, shipped_weights\n"
            "print(json.dumps({'file': geodesk.__file__,"
            " 'weights': {t: str(shipped_weights(t)) for t in TASKS}}))\n")
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True, cwd=tmp_path, env=env)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(found["file"]).is_relative_to(target)  # the installed copy, not the checkout
    shipped = {p.name for p in (REPO / "resources" / "models").glob("*.pt")}
    assert shipped and all(w != "None" for w in found["weights"].values()), found
    for path in found["weights"].values():
        assert Path(path).is_relative_to(target) and Path(path).name in shipped
