"""Model files are read in jobs, never on the GUI thread (the first use used to freeze the
window ~2 s); every feature reads a file once, through the session's loaded models."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from geodesk.ml import registry
from geodesk.ml.run import loaded
from geodesk.synth.cmps import generate_cmps
from geodesk.synth.post3d import generate_post3d
from geodesk.synth.shots import generate_shots
from tests.qt.models import tiny_model_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def loads(monkeypatch, tmp_path):
    """(file name, loaded on the GUI thread?) of every registry.load_model call."""
    monkeypatch.setenv("GEODESK_MODELS", str(tmp_path / "none"))  # nothing shipped
    loaded.clear()
    calls = []
    real = registry.load_model

    def load_model(path, **kw):
        calls.append((Path(path).name, threading.current_thread() is threading.main_thread()))
        return real(path, **kw)

    monkeypatch.setattr(registry, "load_model", load_model)
    yield calls
    loaded.clear()


def _wait(qtbot, handle):
    assert handle is not None
    if handle.running:
        with qtbot.waitSignal(handle.done, timeout=30000):
            pass
    assert handle.outcome == "finished", handle.error


def test_fault_overlay_and_denoising_read_their_files_in_jobs_once(qtbot, window, loads,
                                                                   tmp_path):
    path = generate_post3d((4, 24, 64), seed=2, n_faults=1, n_horizons=0).write(
        tmp_path / "v.sgy")
    faults = tiny_model_file("faults", tmp_path / "faults.pt")
    denoise = tiny_model_file("denoise", tmp_path / "denoise.pt")
    assert window.open_path(path)
    fo, dv = window.fault_overlay, window.denoise
    fo.choose_model(str(faults))
    _wait(qtbot, fo.toggle(True))
    window.step(1)
    qtbot.waitUntil(lambda: fo.prob is not None, timeout=30000)  # its job, once stepping stops
    assert fo.job.outcome == "finished"
    dv.models.ask_path = lambda: str(denoise)
    _wait(qtbot, dv.set_show("denoised"))
    _wait(qtbot, dv.start_rest())
    fo.toggle(False)
    assert sorted(loads) == [("denoise.pt", False), ("faults.pt", False)]


def test_first_break_and_velocity_models_are_read_in_jobs(qtbot, window, loads, tmp_path):
    shots = generate_shots((2, 12, 150), seed=1, dt_ms=2.0, snr_db=30.0).write(
        tmp_path / "shots.sgy")
    fb = tiny_model_file("firstbreaks", tmp_path / "fb.pt")
    assert window.open_path(shots)
    from geodesk.qt.models.autopick_ui import AutopickParams

    ctrl = window.autopick
    _wait(qtbot, ctrl.start(AutopickParams(method="unet", target="FB", model_path=str(fb))))
    cmps = generate_cmps((2, 12, 300), seed=3, snr_db=30.0).write(tmp_path / "cmps.sgy")
    vel = tiny_model_file("velocities", tmp_path / "vel.pt")
    assert window.open_path(cmps)
    mp = window.velocity.model_picker
    mp.models.choose(str(vel))
    _wait(qtbot, mp.pick_all())
    assert sorted(loads) == [("fb.pt", False), ("vel.pt", False)]


@pytest.mark.slow
def test_the_window_imports_torch_only_in_a_job_thread(tmp_path):
    """A fresh process: open a survey, switch the fault overlay on; torch comes in a job."""
    path = generate_post3d((4, 24, 64), seed=2, n_faults=1, n_horizons=0).write(
        tmp_path / "v.sgy")
    model = tiny_model_file("faults", tmp_path / "f.pt")
    code = f"""
import json, os, sys, threading
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["GEODESK_MODELS"] = {str(tmp_path / "none")!r}
imports = []

class Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch":
            imports.append(threading.current_thread() is threading.main_thread())

sys.meta_path.insert(0, Watch())
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from geodesk.qt.main_window import MainWindow
from geodesk.qt.settings import make_settings
w = MainWindow(settings=make_settings({str(tmp_path / "g.ini")!r}))
w.project_controller.interactive = False
w.show()
assert w.open_path({str(path)!r})
before = "torch" in sys.modules
w.fault_overlay.choose_model({str(model)!r})
job = w.fault_overlay.toggle(True)
loop = QEventLoop()
job.done.connect(loop.quit)
QTimer.singleShot(60000, loop.quit)
if job.running:
    loop.exec()
print(json.dumps({{"before": before, "outcome": job.outcome, "main_thread": imports}}))
w.close()
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["before"] is False and got["outcome"] == "finished"
    assert got["main_thread"] == [False]  # imported once, by the job's thread
