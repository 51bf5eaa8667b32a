"""Fault probability from the fault U-Net as a coloured overlay on the shown section.

Processing ▸ Fault probability overlay runs the shipped (or a chosen) fault model on the
section on screen in a background job and draws the probability above the data, transparent
below a threshold, with adjustable opacity; by default thinned to fault lines (the probability
kept only on its ridges, :func:`geodesk.ml.ridges.thin_ridges`, in lines of at least 20 samples,
:func:`geodesk.ml.ridges.fault_lines`), or the whole probability with "Thin fault lines" off.
While the overlay is on, every inline / crossline / 2D line the user moves to is computed once
they stop stepping for :data:`STEP_PAUSE_MS` (a job per flip took the cores from the flips:
bench_section_flip); moving on cancels the running job within one network layer
(:mod:`geodesk.ml.run.cancel_hooks`) and a stale result is never drawn. The last sections'
results are kept (:class:`~geodesk.ml.run.fault_overlay_job.OverlayCache`), so stepping back
shows them at once. The job also makes the image drawn
(:mod:`geodesk.ml.run.fault_overlay_job`): the GUI thread only hands it to the view. The model
is loaded in the first job (:class:`~geodesk.qt.models.model_choice.ModelChoice`, shared with
the other features), never on the GUI thread. "Fault model wavelet phase…" tells the model the
data's wavelet phase (zero, minimum: converted to zero phase first, or auto: detected).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QInputDialog, QMessageBox

from geodesk.core import display
from geodesk.core.derived import DerivedLayer, like
from geodesk.ml.run.fault_overlay_job import (
    OverlayCache,
    OverlayResult,
    OverlayStyle,
    probability_rgba,
    restyled,
    section_key,
    section_overlay_job,
)
from geodesk.qt.jobs.runner import JobHandle
from geodesk.qt.models.model_choice import ModelChoice
from geodesk.qt.views.colour_bars import LegendEntry
from geodesk.qt.views.section_image import SectionImage

__all__ = ["FaultOverlay", "install", "probability_rgba"]

SECTION_KINDS = ("inline", "crossline", "line")
#: Milliseconds without a move before the section on screen is computed (while the user steps
#: no job starts: the flips keep both cores).
STEP_PAUSE_MS = 150
#: The wavelet-phase menu's choices (None: the model file's own setting).
WAVELET_PHASE_LABELS = {
    None: "As the model file says",
    "auto": "Detect it on each section (auto)",
    "zero": "Zero phase (processed, zero-phased data)",
    "minimum": "Minimum phase (raw source signature): convert to zero phase first",
}


class FaultOverlay:
    """Menu entries, the model, the job and the overlay image of one main window."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.models = ModelChoice(window, "faults")
        self.models.error = lambda text: self.error(text)  # one place for the messages
        self._token = 0  # bumped on every move: a slower job's result is dropped
        self.threshold = 0.5
        self.job: JobHandle | None = None
        self.result: OverlayResult | None = None  # the section on screen's, once computed
        self.cache = OverlayCache()
        #: called after a new section's result is drawn (the uncertainty overlay follows it)
        self.listeners: list[Callable[[], None]] = []
        self.thin = True
        self.item = SectionImage()  # ARGB32: no format conversion per paint
        self.shown = False
        self.pause_timer = QTimer(window)  # the section is computed once stepping stops
        self.pause_timer.setSingleShot(True)
        self.pause_timer.setInterval(STEP_PAUSE_MS)
        self.pause_timer.timeout.connect(lambda: self._start(self.window.section))
        # one of the session's derived layers, drawn over the data (its opacity is the overlay's)
        self.layer = window.session.layers.add(DerivedLayer(
            "Fault probability", self._layer_view, placement="over", opacity=0.8, visible=False))
        window.session.layers.connect(lambda name: name == self.layer.name and self._draw())
        menu = window.menu("&Processing")
        menu.addSeparator()
        self.action = menu.addAction("Fault &probability overlay (U-Net)", self.toggle)
        self.action.setCheckable(True)
        menu.addAction("Fault overlay &threshold…", self.ask_threshold)
        self.thin_action = menu.addAction("T&hin fault lines", self.set_thin)
        self.thin_action.setCheckable(True)
        self.thin_action.setChecked(True)
        menu.addAction("Fault &model…", self.choose_model)
        menu.addAction("Fault model wavelet p&hase…", self.ask_wavelet_phase)
        #: the data's wavelet phase the model is told ("zero", "minimum", "auto"); None: the
        #: model file's own setting
        self.wavelet_phase: str | None = None
        window.sig_section_changed.connect(self._on_section)

    @property
    def opacity(self) -> float:
        return self.layer.opacity

    @property
    def prob(self) -> np.ndarray | None:
        """Fault probability (traces, samples) of the section on screen; None until computed."""
        return None if self.result is None else self.result.prob

    @property
    def ridges(self) -> np.ndarray | None:
        return None if self.result is None else self.result.ridges

    @property
    def waiting(self) -> bool:
        """True while the section on screen waits for the user to stop stepping."""
        return self.pause_timer.isActive()

    def style(self) -> OverlayStyle:
        return OverlayStyle(float(self.threshold), float(self.opacity), bool(self.thin))

    def _layer_view(self, section: Any) -> tuple[Any, None] | None:
        """The layer's section: the fault probability of ``section`` once it is computed."""
        if self.prob is None or section is not self.window.section \
                or self.prob.shape != section.data.shape:
            return None
        return like(section, self.prob, f"{section.title} — fault probability"), None

    def error(self, text: str) -> None:  # tests replace it
        QMessageBox.warning(self.window, "Fault probability", text)

    @property
    def model(self) -> Any:
        """The fault model of the last result (None before the first)."""
        return self.models.model

    def _use_model(self, model: Any) -> None:
        if model is self.models.model:
            return
        self.models.delivered(model)
        # start at the threshold that gave the best validation F1 when the model was trained
        validation = getattr(model, "provenance_", {}).get("validation", {})
        self.threshold = float(validation.get("threshold", 0.5))

    def choose_model(self, path: str | None = None) -> None:
        """Use another fault model file (the results kept are forgotten: the file may be new)."""
        if self.models.choose(path):
            self.cache.clear()
            if self.shown:
                self._on_section(self.window.section, pause=False)

    def ask_wavelet_phase(self) -> None:
        labels = list(WAVELET_PHASE_LABELS.values())
        current = labels.index(WAVELET_PHASE_LABELS[self.wavelet_phase])
        label, ok = QInputDialog.getItem(self.window, "Fault model", "The data's wavelet:",
                                         labels, current, False)
        if ok:
            self.set_wavelet_phase(next(k for k, v in WAVELET_PHASE_LABELS.items() if v == label))

    def set_wavelet_phase(self, phase: str | None) -> None:
        """Tell the model the data's wavelet phase (None: as its file says); the sections are
        computed again."""
        if phase not in WAVELET_PHASE_LABELS:
            raise ValueError(f"unknown wavelet phase {phase!r}")
        self.wavelet_phase = phase
        self.cache.clear()
        if self.shown:
            self._on_section(self.window.section, pause=False)

    def _loader(self) -> Callable | None:
        """The job's model loader, with the wavelet phase chosen here set on the model."""
        load = self.models.loader(ask=False)
        phase = self.wavelet_phase
        if load is None or phase is None:
            return load
        return lambda ctx=None: load(ctx).set_params(wavelet_phase=phase)

    def ask_threshold(self) -> None:
        t, ok = QInputDialog.getDouble(self.window, "Fault overlay", "Show probabilities from:",
                                       self.threshold, 0.0, 1.0, 2)
        if ok:
            self.set_threshold(t)

    def set_threshold(self, threshold: float) -> None:
        self.threshold = float(threshold)
        self._draw()

    def set_thin(self, on: bool | None = None) -> None:
        """Draw fault lines (the probability's ridges) or the whole probability."""
        self.thin = (not self.thin) if on is None else bool(on)
        self.thin_action.setChecked(self.thin)
        self._draw()

    def toggle(self, on: bool | None = None) -> JobHandle | None:
        """Show (computing the current section first) or hide the overlay."""
        on = (not self.shown) if on is None else bool(on)
        self.action.setChecked(on)
        if not on:
            self._hide()
            return None
        if self.models.resolve(ask=False) is None:  # no file: a message, nothing loaded
            self.action.setChecked(False)
            return None
        self.shown = True
        self.window.session.layers.update(self.layer.name, visible=True)
        self.window.view.add_overlay(self.item, z=5)
        self._scale(True)
        return self._on_section(self.window.section, pause=False)

    def _scale(self, on: bool) -> None:
        """The overlay's colour bar (threshold to 1) and legend row beside the section."""
        view = self.window.view
        if not on:
            view.hide_overlay_scale("fault_probability")
            view.set_legend("fault_probability", [])
            return
        full = display.colormap_lut("viridis")  # probability_rgba colours p over 0..1
        lut = full[round(self.threshold * (len(full) - 1)):]  # the part drawn
        view.show_overlay_scale("fault_probability", lut, (self.threshold, 1.0),
                                "fault probability" + (" (lines)" if self.thin else ""))
        view.set_legend("fault_probability", [LegendEntry(
            "fault probability" + (", thinned" if self.thin else ""), "#{:02x}{:02x}{:02x}".format(
            *lut[-1, :3]), "patch")])

    def _hide(self) -> None:
        self.shown = False
        self.pause_timer.stop()
        self._cancel_job()
        self.action.setChecked(False)
        self.window.session.layers.update(self.layer.name, visible=False)
        self.window.view.remove_overlay(self.item)
        self._scale(False)
        self.result = None
        self.cache.clear()

    def _cancel_job(self) -> None:
        if self.job is not None and self.job.running:
            self.job.cancel()  # latest wins: it stops within one network layer

    def _key(self, section: Any) -> tuple:
        """The cache key of ``section``'s result (the cache is cleared when the model changes:
        looking the model file up on every flip cost ~0.2 ms)."""
        survey = self.window.survey
        ident = None if survey is None else (str(getattr(survey, "path", "")),
                                             getattr(survey, "gather_key", None))
        return section_key(ident, section)

    def _clear_item(self) -> None:
        """Nothing drawn: the item hidden too (an empty ImageItem still runs its paint)."""
        if self.item.image is not None:
            self.item.clear()
        if self.item.isVisible():
            self.item.setVisible(False)

    def _on_section(self, section: Any, pause: bool = True) -> JobHandle | None:
        """The section on screen changed: show its kept result, or compute it once the user
        stops stepping (``pause``) or now."""
        if not self.shown or section is None:
            return None
        self._token += 1
        self.pause_timer.stop()
        self._cancel_job()
        self.result = None  # only the section on screen is drawn
        if section.kind not in SECTION_KINDS:
            self._clear_item()
            return None  # time slices and gathers: the model works on vertical sections
        kept = self.cache.get(self._key(section))
        if kept is not None:
            self._show_result(kept)
            return None
        self._clear_item()
        if pause:
            self.pause_timer.start()
            return None
        return self._start(section)

    def _start(self, section: Any) -> JobHandle | None:
        """Submit the job for ``section`` (the one on screen); its result is drawn only if the
        view is still on it."""
        if not self.shown or section is None or section.kind not in SECTION_KINDS:
            return None
        load = self._loader()
        if load is None:
            self._hide()
            return None
        self._cancel_job()
        self.job = self.window.runner.submit(
            section_overlay_job(load, section.data, self.style()), "Fault probability")
        # the slots hold the token and key, not the section (the handle lets them go once
        # delivered)
        self.job.finished.connect(partial(self._finished, self._token, self._key(section)))
        self.job.failed.connect(self._failed)
        return self.job

    def _failed(self, exc: BaseException) -> None:
        if self.models.failed(exc):  # the file cannot be used: the overlay goes off
            self._hide()
        else:
            self.error(f"Fault model failed: {exc}")

    def _finished(self, token: int, key: tuple, out: tuple[Any, OverlayResult]) -> None:
        model, result = out
        self._use_model(model)
        if not self.shown:
            return
        self.cache.put(key, result)  # stepping back to it is free
        if token != self._token:
            return  # the user moved on; the current section's job draws it
        self._show_result(result)

    def _show_result(self, result: OverlayResult) -> None:
        self.result = result
        self._draw()
        for listener in list(self.listeners):
            listener()

    def _draw(self) -> None:
        if self.result is None or not self.shown:
            return
        if self.layer.placement != "over":  # shown instead of the data or beside it
            self._clear_item()
            return
        self.result = restyled(self.result, self.style())  # the job's image unless changed
        self._scale(True)
        self.item.setImage(self.result.image, levels=None)
        self.item.setRect(self.window.view.image_rect())
        self.item.setVisible(True)


def install(session: Any, window: Any) -> FaultOverlay:
    """Add the fault-probability overlay to ``window``."""
    return FaultOverlay(window)
