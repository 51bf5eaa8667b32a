"""``geodesk.ml``, its registry and the command parsers load without torch (lazy import)."""

import subprocess
import sys


def test_ml_package_registry_and_commands_do_not_import_torch():
    code = (
        "import sys, argparse\n"
        "import geodesk.ml, geodesk.ml.registry, geodesk.ml.data.normalize, geodesk.ml.data.tiling\n"
        "from geodesk.commands import models, apply_models\n"
        "p = argparse.ArgumentParser(); s = p.add_subparsers()\n"
        "models.register(s); apply_models.register(s)\n"
        "print(sorted(geodesk.ml.registry.REGISTRY), 'torch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("False")
    assert "fault-unet" in out.stdout


def test_block_runs_import_neither_torch_nor_dask_until_used():
    code = (
        "import sys\n"
        "import geodesk.ml.run.apply, geodesk.ml.run.blocks, geodesk.ml.run.cluster\n"
        "from geodesk.commands import velocities\n"
        "r = geodesk.ml.run.cluster.runner_for(None)\n"
        "print([m for m in ('torch', 'dask', 'distributed') if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
