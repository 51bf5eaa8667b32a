"""Fault probability from the fault U-Net as a coloured overlay on the shown section.

Processing ▸ Fault probability overlay runs the shipped (or a chosen) fault model on the
section on screen in a background job and draws the probability above the data, transparent
below a threshold, with adjustable opacity; by default thinned to fault lines (the probability
kept only on its ridges, :func:`geodesk.ml.ridges.thin_ridges`, in lines of at least 20 samples,
:func:`geodesk.ml.ridges.fault_lines`), or the whole probability with "Thin fault lines" off. While the overlay is on, every inline / crossline / 2D line the user
moves to is computed next (latest wins: a stale job is cancelled; while the user steps faster
than the model, the next job waits for a pause first). The model is loaded in the
first job (:class:`~geodesk.qt.models.model_choice.ModelChoice`, shared with the other
features), never on the GUI thread; the overlay keeps only the probability and fault lines
of the section on screen.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any

import numpy as np
from PySide6.QtWidgets import QInputDialog, QMessageBox

from geodesk.core import display
from geodesk.core.derived import DerivedLayer, like
from geodesk.core.jobs import JobContext
from geodesk.qt.jobs.runner import JobHandle
from geodesk.qt.models.model_choice import ModelChoice
from geodesk.qt.views.colour_bars import LegendEntry
from geodesk.qt.views.section_image import SectionImage

SECTION_KINDS = ("inline", "crossline", "line")
#: Seconds a section's model job waits before it starts when the previous section's job was
#: still running (the user is stepping): stepping on cancels it before it takes a core.
STEPPING_GRACE_S = 0.15


def _wait_unless_cancelled(ctx: JobContext, seconds: float) -> None:
    """Sleep ``seconds`` in a job, raising :class:`~geodesk.core.jobs.Cancelled` as soon as the
    job is cancelled."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ctx.check_cancel()
        time.sleep(0.01)
    ctx.check_cancel()


def probability_rgba(prob: np.ndarray, threshold: float, opacity: float) -> np.ndarray:
    """RGBA image (traces, samples, 4) of a probability: hot colours, alpha 0 below threshold."""
    lut = display.colormap_lut("viridis")[:, :3]
    p = np.clip(np.nan_to_num(prob), 0.0, 1.0)
    rgba = np.zeros(p.shape + (4,), dtype=np.uint8)
    rgba[..., :3] = lut[(p * (len(lut) - 1)).astype(int)]
    span = max(1.0 - threshold, 1e-6)
    alpha = np.clip((p - threshold) / span, 0.0, 1.0) * 0.5 + 0.5
    rgba[..., 3] = np.where(p >= threshold, alpha * 255 * opacity, 0).astype(np.uint8)
    return rgba


class FaultOverlay:
    """Menu entries, the model, the job and the overlay image of one main window."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.models = ModelChoice(window, "faults")
        self.models.error = lambda text: self.error(text)  # one place for the messages
        self._token = 0  # bumped on every move: a slower job's result is dropped
        self.threshold = 0.5
        self.job: JobHandle | None = None
        self.prob: np.ndarray | None = None
        self.ridges: np.ndarray | None = None
        self.thin = True
        self.item = SectionImage()  # ARGB32: no format conversion per paint
        self.shown = False
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
        window.sig_section_changed.connect(self._on_section)

    @property
    def opacity(self) -> float:
        return self.layer.opacity

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
        """Use another fault model file."""
        if self.models.choose(path) and self.shown:
            self._on_section(self.window.section)

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
        return self._on_section(self.window.section)

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
        self.action.setChecked(False)
        self.window.session.layers.update(self.layer.name, visible=False)
        self.window.view.remove_overlay(self.item)
        self._scale(False)
        self.prob = self.ridges = None

    def _on_section(self, section: Any) -> JobHandle | None:
        if not self.shown or section is None:
            return None
        self._token += 1
        self.item.clear()
        self.prob = self.ridges = None  # only the section on screen is kept
        stepping = self.job is not None and self.job.running
        if stepping:
            self.job.cancel()  # latest wins
        if section.kind not in SECTION_KINDS:
            return None  # time slices and gathers: the model works on vertical sections
        load = self.models.loader(ask=False)
        if load is None:
            self._hide()
            return None
        data = section.data
        # moved on before the last result came: the user is stepping, so the model waits for a
        # pause instead of taking a core from the flips (a job cancelled while it waits is free)
        grace = STEPPING_GRACE_S if stepping else 0.0

        def job(ctx: JobContext) -> tuple[Any, np.ndarray, np.ndarray]:
            from geodesk.ml.ridges import thin_ridges

            _wait_unless_cancelled(ctx, grace)
            model = load(ctx)
            prob = model.predict(data, ctx=ctx)
            return model, prob, thin_ridges(prob)

        self.job = self.window.runner.submit(job, "Fault probability")
        # the slots hold the token, not the section (the handle lets them go once delivered)
        self.job.finished.connect(partial(self._show, self._token))
        self.job.failed.connect(self._failed)
        return self.job

    def _failed(self, exc: BaseException) -> None:
        if self.models.failed(exc):  # the file cannot be used: the overlay goes off
            self._hide()
        else:
            self.error(f"Fault model failed: {exc}")

    def _show(self, token: int, out: tuple[Any, np.ndarray, np.ndarray]) -> None:
        model, prob, ridges = out
        self._use_model(model)
        if token != self._token or not self.shown:
            return  # the user moved on; the current section's job draws it
        self.prob, self.ridges = prob, ridges
        self._draw()

    def _draw(self) -> None:
        if self.prob is None or not self.shown:
            return
        if self.layer.placement != "over":  # shown instead of the data or beside it
            self.item.clear()
            return
        shown = self.prob
        if self.thin and self.ridges is not None:
            from geodesk.ml.ridges import fault_lines

            shown = fault_lines(None, self.threshold, ridges=self.ridges)
        self._scale(True)
        rgba = probability_rgba(shown, self.threshold, self.opacity)
        self.item.setImage(np.ascontiguousarray(rgba.transpose(1, 0, 2)), levels=None)
        self.item.setRect(self.window.view.image_rect())


def install(session: Any, window: Any) -> FaultOverlay:
    """Add the fault-probability overlay to ``window``."""
    return FaultOverlay(window)
