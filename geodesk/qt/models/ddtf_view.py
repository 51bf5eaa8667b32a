"""DDTF in the window: Processing ▸ DDTF denoise / fill dead traces / atoms, as a derived layer.

The frame is learned from the open survey in a background job (progress and cancel in the
Jobs panel), then the section on screen is denoised (or its dead traces filled) with its
neighbouring sections for a 3D frame (:func:`geodesk.ml.ddtf.ddtf_section`, the CLI's code).
View ▸ DDTF data switches Original / DDTF / Difference like the DnCNN result; navigating
computes the new section on demand (latest wins). Processing ▸ DDTF atoms shows the learned
filters as a grid of tiles.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox, QVBoxLayout

from geodesk.core.derived import VERTICAL_MODES, DerivedLayer, SectionCache, like
from geodesk.core.jobs import JobContext, PartContext
from geodesk.core.processing.ddtf.atoms import atom_mosaic, atom_tiles
from geodesk.core.section import Section
from geodesk.core.segy.reader import private_survey
from geodesk.qt.jobs.runner import JobHandle
from geodesk.qt.models.show_menu import add_show_menu

SHOW_MODES = ("original", "ddtf", "difference")
SHOW_LABELS = {"original": "&Original", "ddtf": "&DDTF result",
               "difference": "D&ifference (original − DDTF)"}
TITLES = {("denoise", "ddtf"): "DDTF denoised", ("interpolate", "ddtf"): "DDTF filled",
          ("denoise", "difference"): "removed by DDTF (original − DDTF)",
          ("interpolate", "difference"): "added by DDTF (original − DDTF)"}


class AtomsDialog(QDialog):
    """The learned atoms of a frame as a grid of grey tiles (middle slice of 3D atoms)."""

    def __init__(self, parent, model) -> None:
        super().__init__(parent)
        self.setWindowTitle("DDTF atoms")
        lay = QVBoxLayout(self)
        patch = "x".join(str(int(p)) for p in model.patch)
        n = int(np.asarray(model.frame_).shape[1])
        mid = " (middle inline of each 3D atom)" if model.ndim == 3 else ""
        units = " (of the despiked, whitened data)" if model.adaptive else ""
        lay.addWidget(QLabel(f"{n} atoms of {patch}{mid}; threshold {float(model.threshold_):.4g}"
                             f", noise estimate {float(model.sigma_):.4g}{units}"))
        self.mosaic = atom_mosaic(atom_tiles(model.frame_, tuple(model.patch)))
        self.plot = pg.GraphicsLayoutWidget()
        box = self.plot.addViewBox(lockAspect=True, invertY=True)
        img = np.nan_to_num(self.mosaic, nan=1.0)  # gaps white
        self.image = pg.ImageItem(img, axisOrder="row-major", levels=(-1.0, 1.0))
        box.addItem(self.image)
        box.setMouseEnabled(False, False)
        lay.addWidget(self.plot)
        self.resize(520, 560)


class DDTFView:
    """Menus, jobs, learned frame and cache of the DDTF layer of one main window."""

    def __init__(self, window: Any, max_bytes: int = 256 * 2**20) -> None:
        self.window = window
        self.cache = SectionCache(max_bytes)
        self.show, self.op = "original", "denoise"
        self.model: Any = None  # the frame learned from the current survey
        self.job: JobHandle | None = None
        self._survey_id: tuple | None = None
        self._token = 0
        self.atoms_dialog: AtomsDialog | None = None
        self._atoms_wanted = False  # open the atoms once the frame is learned
        menu = window.menu("&Processing")
        menu.addSeparator()
        menu.addAction("DDTF de&noise (learned tight frame)", lambda: self.run("denoise"))
        menu.addAction("DDTF &fill dead traces", lambda: self.run("interpolate"))
        menu.addAction("DDTF a&toms…", self.show_atoms)
        self.actions: dict[str, QAction] = add_show_menu(
            window, "DD&TF data", {m: SHOW_LABELS[m] for m in SHOW_MODES}, self.set_show)
        self.layer = window.session.layers.add(DerivedLayer("DDTF", self._layer_view))
        window.sig_section_changed.connect(self._on_section)
        window.sig_survey_changed.connect(lambda _s: self._check_survey())

    # -- messages (replaced in tests) ----------------------------------------------------------
    def error(self, text: str) -> None:
        QMessageBox.warning(self.window, "DDTF", text)

    # -- state ---------------------------------------------------------------------------------
    def current_key(self) -> tuple[str, str, float] | None:
        w = self.window
        if w.survey is None or w.section is None or w.navigator.mode not in VERTICAL_MODES:
            return None
        return self.op, w.navigator.mode, float(w.navigator.value)

    def _check_survey(self) -> None:
        survey = self.window.survey
        ident = None if survey is None else (str(survey.path), getattr(survey, "gather_key",
                                                                      None))
        if ident != self._survey_id:
            self._survey_id = ident
            self._token += 1
            if self.job is not None and self.job.running:
                self.job.cancel()
            self.cache.clear()
            self.model = None

    def too_small(self, sec: Section) -> str | None:
        """Why DDTF cannot run on ``sec`` (a gather with fewer traces than the 2D patch), or
        None; volumes (3D frames) work on blocks of inlines and always fit."""
        survey = self.window.survey
        if survey is None or survey.kind == "post3d":
            return None
        patch = tuple(self.model.patch[-2:]) if self.model is not None else (8, 8)
        if sec.shape[0] < patch[0] or sec.shape[1] < patch[1]:
            return (f"{sec.title or 'this section'} has {sec.shape[0]} traces x "
                    f"{sec.shape[1]} samples, fewer than the {patch[0]}x{patch[1]} patch")
        return None

    def _layer_view(self, sec: Section) -> tuple[Section, Section | None] | None:
        if self.show == "original" or self.too_small(sec):
            return None  # too small: the data as it is (the status bar says why)
        key = self.current_key()
        if key is None:
            return None
        self._check_survey()
        res = self.cache.get(key)
        if res is None or res.shape != sec.shape:
            return like(sec, sec.data, f"{sec.title} — original, DDTF running…"), None
        data = res if self.show == "ddtf" else sec.data - res
        return like(sec, data, f"{sec.title} — {TITLES[(self.op, self.show)]}"), sec

    # -- actions -------------------------------------------------------------------------------
    def run(self, op: str) -> JobHandle | None:
        """Processing ▸ DDTF denoise / fill dead traces: the section on screen, shown as the
        DDTF layer (learning the frame first if this survey has none yet)."""
        if self.current_key() is None:
            self.error("Show an inline, crossline, 2D line or gather first: DDTF works on "
                       "vertical sections.")
            return None
        self.op = op
        return self.set_show("ddtf" if self.show == "original" else self.show)

    def set_show(self, show: str) -> JobHandle | None:
        if show not in SHOW_MODES:
            raise ValueError(f"show must be one of {SHOW_MODES}, got {show!r}")
        self.show = show
        self.actions[show].setChecked(True)
        if self.window.section is not None:
            self.window.refresh_display()
        return self._on_section(self.window.section)

    def _learn(self, own, ctx: JobContext):
        from geodesk.ml.ddtf import learn_from_survey, model_for

        return learn_from_survey(own, model_for(own), PartContext(ctx, 0, 2, "DDTF: learning"))

    def _on_section(self, sec: Section | None) -> JobHandle | None:
        self._check_survey()
        key = self.current_key()
        if self.show == "original" or sec is None or key is None or key in self.cache:
            return None
        why = self.too_small(sec)
        if why:
            self.window.statusBar().showMessage(f"DDTF: {why}; shown as it is", 8000)
            return None
        if self.job is not None and self.job.running:
            self.job.cancel()  # latest wins
        from geodesk.ml.ddtf import ddtf_section

        survey, model, token = self.window.survey, self.model, self._token
        op, mode, value = key

        def job(ctx: JobContext):
            with private_survey(survey) as own:
                m = model if model is not None else self._learn(own, ctx)
                part = PartContext(ctx, 1, 2, f"DDTF: {sec.title}")
                out = ddtf_section(m, own, mode, value, sec, interpolate=op == "interpolate",
                                   ctx=part)
            return m, out

        handle = self.window.runner.submit(job, f"DDTF {op} {sec.title}")
        handle.finished.connect(lambda res: self._store(token, key, res))
        handle.failed.connect(lambda exc: self.error(f"DDTF failed: {exc}"))
        self.job = handle
        return handle

    def _store(self, token: int, key: tuple, res: tuple[Any, np.ndarray]) -> None:
        if token != self._token:
            return
        self.model = res[0]
        self.cache.put(key, np.asarray(res[1], dtype=np.float32))
        if key == self.current_key() and self.show != "original":
            self.window.refresh_display()
        if self.atoms_dialog is None and self._atoms_wanted:
            self._atoms_wanted = False
            self.show_atoms()

    def show_atoms(self) -> AtomsDialog | None:
        """Processing ▸ DDTF atoms: the learned filters (learned first if needed)."""
        if self.model is None:
            if self.current_key() is None:
                self.error("Open a survey and show a vertical section first: the atoms are "
                           "learned from the survey.")
                return None
            self._atoms_wanted = True
            self.run(self.op)
            return None
        if self.atoms_dialog is not None:
            self.atoms_dialog.close()
            self.atoms_dialog.deleteLater()
        self.atoms_dialog = AtomsDialog(self.window, self.model)
        self.atoms_dialog.finished.connect(self._atoms_closed)
        self.atoms_dialog.show()
        return self.atoms_dialog

    def _atoms_closed(self, _code: int = 0) -> None:
        if self.atoms_dialog is not None:
            self.atoms_dialog.deleteLater()
            self.atoms_dialog = None


def install(session: Any, window: Any) -> DDTFView:
    """Add Processing ▸ DDTF… and View ▸ DDTF data to ``window``."""
    return DDTFView(window)
