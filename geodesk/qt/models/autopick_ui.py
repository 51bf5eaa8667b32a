"""First-break auto-picking of every shot gather as a background job (progress, cancel).

The job (:func:`~geodesk.core.processing.fb_survey.pick_survey_first_breaks`, the one used by
both the Interpretation and the Pick menu) reads the file through its own survey handle and
returns one time per file trace; the GUI thread then writes them as ONE undoable step with the
picker's provenance (``model:stalta@2``) into the active (or a new) :class:`FirstBreaks`; the
``mer_trend`` picker also writes a confidence per pick (under 0.5 where it disagrees with the
refractor trend, drawn as a hollow ring). Manual
and corrected picks stay unless the user asks to overwrite them; a cancelled or failed job
changes nothing. The method "U-Net model" runs the first-break U-Net instead (shipped or chosen
weights; :mod:`geodesk.qt.models.fb_model_ui`): the shots on screen first, drawn as a preview while
the rest run, then written the same way with ``model:firstbreak-unet@<version>`` and the
model's confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from geodesk.core.jobs import JobContext
from geodesk.core.picks import FirstBreaks
from geodesk.core.processing.fb_survey import (
    FirstBreakParams,
    pick_survey_first_breaks,
    write_auto_picks,
)
from geodesk.qt.models.model_choice import ModelChoice

if TYPE_CHECKING:
    from geodesk.qt.jobs.runner import JobHandle
    from geodesk.qt.main_window import MainWindow

#: "unet" is the first-break U-Net (a model file), the others the classical pickers.
METHOD_LABELS = {"mer_trend": "Energy ratio + refractor trend", "stalta": "STA/LTA",
                 "energy_ratio": "Energy ratio", "unet": "U-Net model"}
MODEL = "unet"


@dataclass(frozen=True)
class AutopickParams(FirstBreakParams):
    """Picker settings (see :class:`FirstBreakParams`) plus the FirstBreaks object written
    (``target``, created when absent) and whether manual/corrected picks are overwritten;
    ``method="unet"`` picks with the first-break model instead (``model_path``, "" = the
    window's current choice or the shipped weights)."""

    target: str = "First breaks"
    overwrite: bool = False
    model_path: str = ""

    def __post_init__(self) -> None:
        if self.method != MODEL:
            super().__post_init__()

    def picker(self) -> FirstBreakParams:
        """The classical picker's settings (the default method when the model is chosen)."""
        values = {f.name: getattr(self, f.name) for f in fields(FirstBreakParams)}
        if self.method == MODEL:
            values["method"] = FirstBreakParams.method
        return FirstBreakParams(**values)


def write_picks(window: MainWindow, fb: FirstBreaks | None, params: AutopickParams,
                times: np.ndarray, survey: Any, provenance: str | None = None,
                confidence: np.ndarray | None = None) -> tuple[FirstBreaks, int]:
    """Write job output (one time per file trace) into ``fb`` (or a new object named
    ``params.target``) as ONE undo step with ``provenance`` (default: the picker's) and an
    optional ``confidence`` per trace. Returns (object, picks written)."""
    picks, history = window.picks, window.history
    label = f"Auto-pick first breaks {params.target}"
    if params.method == MODEL:
        label += " (U-Net)"
    with history.transaction(label):
        if fb is None:
            fb = FirstBreaks.like_survey(picks.unique_name("first_breaks", params.target),
                                         survey)
            picks.add(history, fb)
        n = write_auto_picks(fb, history, np.arange(times.size), times,
                             provenance or params.provenance, label,
                             overwrite=params.overwrite, confidence=confidence)
    return fb, n


class AutopickDialog(QDialog):
    """Method and parameters of the first-break picker, and the object to write."""

    def __init__(self, params: AutopickParams, targets: list[str],
                 parent: QWidget | None = None, models: ModelChoice | None = None) -> None:
        super().__init__(parent)
        self.models = models
        self.setWindowTitle("Auto-pick first breaks")
        form = QFormLayout(self)
        self.method = QComboBox()
        for k, label in METHOD_LABELS.items():
            self.method.addItem(label, k)
        self.method.setCurrentIndex(self.method.findData(params.method))
        form.addRow("Method", self.method)
        self.model_path = params.model_path or (models.path or "" if models else "")
        self.model_label = QLabel()
        self.model_label.setWordWrap(True)
        self.model_button = QPushButton("Model file…")
        self.model_button.clicked.connect(self._choose_model)
        form.addRow("Model", self.model_button)
        form.addRow(self.model_label)  # its own line: wrapped beside the button it was cut
        self._show_model()
        self.spins: dict[str, QDoubleSpinBox] = {}
        for key, label, lo, hi, dec in (("sta_ms", "STA window (ms)", 0.1, 1000, 1),
                                        ("lta_ms", "LTA window (ms)", 0.2, 10000, 1),
                                        ("window_ms", "Energy window (ms)", 0.1, 1000, 1),
                                        ("threshold", "Threshold (fraction of max)", 0.01, 1, 2),
                                        ("trigger", "STA/LTA trigger (0 = off)", 0, 100, 1),
                                        ("max_residual_ms", "Offset cleanup (ms, 0 = off)", 0,
                                         1000, 1)):
            sp = QDoubleSpinBox()
            sp.setRange(lo, hi)
            sp.setDecimals(dec)
            sp.setValue(getattr(params, key))
            self.spins[key] = sp
            form.addRow(label, sp)
        self.back_off = QCheckBox("Move onsets back to where the signal leaves the noise")
        self.back_off.setChecked(params.back_off)
        form.addRow(self.back_off)
        self.target = QComboBox()
        self.target.setEditable(True)
        self.target.addItems(targets or [params.target])
        self.target.setCurrentText(params.target)
        form.addRow("Write into", self.target)
        self.overwrite = QCheckBox("Overwrite manual and corrected picks")
        self.overwrite.setChecked(params.overwrite)
        form.addRow(self.overwrite)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Pick")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.method.currentIndexChanged.connect(self._method_changed)
        self._method_changed()

    def _method_changed(self) -> None:
        method = self.method.currentData()
        stalta, model = method == "stalta", method == MODEL
        own = model or method == "mer_trend"  # these set their windows from the data
        self.spins["sta_ms"].setEnabled(stalta)
        self.spins["lta_ms"].setEnabled(stalta)
        self.spins["trigger"].setEnabled(stalta)
        self.spins["window_ms"].setEnabled(method == "energy_ratio")
        for key in ("threshold", "max_residual_ms"):
            self.spins[key].setEnabled(not own)
        self.back_off.setEnabled(not own)
        self.model_button.setEnabled(model)
        self.model_label.setEnabled(model)

    def _show_model(self) -> None:
        from pathlib import Path

        if self.model_path:
            text = f"{Path(self.model_path).name} (chosen)"
        elif self.models is not None:
            text = self.models.describe()
        else:
            text = "the shipped first-break model"
        self.model_label.setText(text)
        self.model_label.setToolTip(self.model_path)

    def _choose_model(self) -> None:
        path = self.models.ask_path() if self.models is not None else ""
        if path:
            self.model_path = path
            self._show_model()

    def params(self) -> AutopickParams:
        values = {k: sp.value() for k, sp in self.spins.items()}
        return AutopickParams(method=self.method.currentData(), back_off=self.back_off.isChecked(),
                              target=self.target.currentText().strip() or "First breaks",
                              overwrite=self.overwrite.isChecked(), model_path=self.model_path,
                              **values)


class AutopickController:
    """The Auto-pick first breaks… entry: dialog, background job, one undo step."""

    def __init__(self, window: MainWindow) -> None:

        self.window = window
        self.params = AutopickParams()
        self.handle: JobHandle | None = None
        self.models = ModelChoice(window, "firstbreaks")
        self.preview: Any = None  # FirstBreakPreview, made on the first model run
        menu = window.menu("&Interpretation")
        menu.addSeparator()
        menu.addAction("&Auto-pick first breaks…", self.dialog)
        window.sig_survey_changed.connect(self._on_survey)

    def _on_survey(self, _survey: Any) -> None:
        """Another file: a running auto-pick (of the old one) stops, its preview goes."""
        handle, self.handle = self.handle, None
        if handle is not None and handle.running:
            handle.cancel()
        if self.preview is not None:
            self.preview.stop()

    # -- dialogs (replaced in tests) -----------------------------------------------------------
    def error(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    def ask_params(self, params: AutopickParams, targets: list[str]) -> AutopickParams | None:
        dlg = AutopickDialog(params, targets, self.window, self.models)
        try:
            return dlg.params() if dlg.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dlg.deleteLater()

    # -- work ----------------------------------------------------------------------------------
    def dialog(self, picker: FirstBreakParams | None = None) -> JobHandle | None:
        """Ask for the settings (starting from ``picker`` when given, e.g. the picking dock's,
        else the last ones) and start the job; None when cancelled or refused."""
        w = self.window
        active = w.active_pick
        start = self.params
        if picker is not None and start.method != MODEL:  # the model stays the last choice
            start = AutopickParams(**{**vars(picker.picker()), "target": start.target,
                                      "overwrite": start.overwrite,
                                      "model_path": start.model_path})
        if isinstance(active, FirstBreaks):
            start = replace(start, target=active.name)
        params = self.ask_params(start, w.picks.names("first_breaks"))
        if params is None:
            return None
        self.params = params
        return self.start(params)

    def start(self, params: AutopickParams) -> JobHandle | None:
        """Submit the picking job; its result is written when it finishes (None if refused)."""
        w = self.window
        s = w.survey
        if s is None or s.kind != "prestack":
            self.error("Auto-pick first breaks", "open a pre-stack file (shot gathers) first")
            return None
        if self.handle is not None and self.handle.running:
            self.handle.cancel()  # latest wins
        fb = w.picks.get("first_breaks", params.target) \
            if params.target in w.picks.names("first_breaks") else None
        if fb is not None and fb.n_traces != s.n_traces:
            self.error("Auto-pick first breaks",
                       f"{fb.name} has {fb.n_traces} traces, the shown file {s.n_traces}")
            return None
        if params.method == MODEL:
            return self._start_model(params, fb)
        picks, picker = w.picks, params.picker()

        def job(ctx: JobContext) -> tuple[np.ndarray, np.ndarray]:
            return pick_survey_first_breaks(s, picker, ctx, with_confidence=True)

        def finished(result: tuple[np.ndarray, np.ndarray]) -> None:
            times, conf = result  # mer_trend: confidence < 0.5 off the trend (drawn hollow)
            self._apply(picks, s, fb, params, times, None,
                        conf if np.isfinite(conf).any() else None)

        handle = w.runner.submit(job, "Auto-pick first breaks")
        # a superseded run's outcome (it may arrive after a newer run started) is dropped
        handle.finished.connect(lambda r: finished(r) if handle is self.handle else None)
        handle.failed.connect(lambda e: self.error("Auto-pick first breaks",
                                                   str(e).splitlines()[0] if str(e)
                                                   else type(e).__name__)
                              if handle is self.handle else None)
        self.handle = handle
        return handle

    def _start_model(self, params: AutopickParams, fb: FirstBreaks | None) -> JobHandle | None:
        """The U-Net job: shots on screen first, a preview while it runs, one step at the end."""
        from geodesk.ml.run.results import provenance_of
        from geodesk.qt.models.fb_model_ui import FirstBreakPreview, model_job, shots_on_screen

        w = self.window
        if params.model_path:
            self.models.choose(params.model_path)
        load = self.models.loader()  # the model is read in the job, not on the GUI thread
        if load is None:
            return None
        s, picks = w.survey, w.picks
        if self.preview is None:
            self.preview = FirstBreakPreview(w)
        preview = self.preview
        handle = w.runner.submit(model_job(s, load, shots_on_screen(w)),
                                 "Auto-pick first breaks (U-Net)")
        preview.start(s.n_traces)
        handle.published.connect(lambda p: preview.add(p) if handle is self.handle else None)

        def finished(result: tuple[np.ndarray, np.ndarray, Any]) -> None:
            times, confidence, model = result
            self.models.delivered(model)
            if handle is not self.handle:
                return  # superseded by a newer run: its preview and picks are not ours
            preview.stop()
            self._apply(picks, s, fb, params, times, provenance_of(model), confidence)

        def failed(e: BaseException) -> None:
            if handle is not self.handle:
                return
            preview.stop()
            if not self.models.failed(e):
                self.error("Auto-pick first breaks", f"the first-break model failed: "
                           f"{str(e).splitlines()[0] if str(e) else type(e).__name__}")

        handle.finished.connect(finished)
        handle.failed.connect(failed)
        handle.cancelled.connect(lambda: preview.stop() if handle is self.handle else None)
        self.handle = handle
        return handle

    def _apply(self, picks: Any, survey: Any, fb: FirstBreaks | None, params: AutopickParams,
               times: np.ndarray, provenance: str | None = None,
               confidence: np.ndarray | None = None) -> None:
        w = self.window
        if w.picks is not picks or w.survey is None or w.survey.path != survey.path or (
                fb is not None and fb not in picks.objects()):
            self.error("Auto-pick first breaks", "the picks changed while the job ran (another "
                       "survey or project): the result was not written")
            return
        try:
            obj, n = write_picks(w, fb, params, times, survey, provenance, confidence)
        except (ValueError, KeyError) as exc:
            self.error("Auto-pick first breaks", str(exc).splitlines()[0])
            return
        w.set_active_pick(obj)
        w.statusBar().showMessage(f"Auto-picked {n} first breaks into {obj.name}", 5000)


def install(session: Any, window: Any) -> AutopickController:
    """Add the AutopickController to ``window``."""
    return AutopickController(window)
