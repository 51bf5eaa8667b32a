"""Processing ▸ Adapt denoiser to this survey…: self-supervised fine-tuning as a background job.

The dialog asks for the adapted model's file and the number of steps; the job
(:func:`geodesk.ml.selfsup.adapt_denoiser`) reports progress in the Jobs panel and stops on
Cancel without writing anything. When it finishes the adapted model becomes the window's
denoising model, and View ▸ Denoised data shows its results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from geodesk.core.jobs import JobContext
from geodesk.core.segy.reader import private_survey
from geodesk.qt.jobs.runner import JobHandle

COMMAND = "GUI: Processing > Adapt denoiser to this survey"


def ok_cancel(dlg: QDialog, ok_text: str) -> QDialogButtonBox:
    """OK (labelled ``ok_text``) and Cancel buttons that accept / reject ``dlg``."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.accepted.connect(dlg.accept)
    buttons.rejected.connect(dlg.reject)
    return buttons


def default_model_path(survey: Any) -> Path:
    """Where the adapted model is offered: next to the survey when that folder is writable,
    else in the home folder."""
    path = Path(str(getattr(survey, "path", "") or "survey"))
    folder = path.parent if path.parent.is_dir() and _writable(path.parent) else Path.home()
    return folder / f"{path.stem}-denoise-adapted.pt"


def _writable(folder: Path) -> bool:
    import os

    return os.access(folder, os.W_OK)


class AdaptDenoiser:
    """The adaptation action of one :class:`~geodesk.qt.models.denoise_view.DenoiseView`."""

    def __init__(self, view: Any) -> None:
        self.view = view
        self.job: JobHandle | None = None

    # -- dialog (replaced in tests) ------------------------------------------------------------
    def ask(self, default: Path, describe: str) -> tuple[str, int] | None:
        """(model file, steps) from the user; None: cancelled."""
        from geodesk.ml.selfsup import AdaptSettings

        dlg = QDialog(self.view.window)
        dlg.setWindowTitle("Adapt denoiser to this survey")
        form = QFormLayout(dlg)
        form.addRow(QLabel(f"Starting model: {describe}\nSelf-supervised training on this "
                           "survey's own sections (no clean data): the model learns to take "
                           "off the survey's own noise; the weights that do best on held-out "
                           "traces are kept."))
        steps = QSpinBox()
        steps.setRange(10, 100000)
        steps.setValue(int(AdaptSettings.steps))
        form.addRow("Training steps", steps)
        edit = QLineEdit(str(default))
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: edit.setText(QFileDialog.getSaveFileName(
            dlg, "Adapted model", edit.text(), "GeoDesk models (*.pt)")[0] or edit.text()))
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(edit)
        lay.addWidget(browse)
        form.addRow("Write to", row)
        form.addRow(ok_cancel(dlg, "Adapt"))
        try:
            if dlg.exec() != QDialog.DialogCode.Accepted or not edit.text().strip():
                return None
            return edit.text().strip(), int(steps.value())
        finally:
            dlg.deleteLater()

    # -- the job -------------------------------------------------------------------------------
    def start(self, steps: int | None = None) -> JobHandle | None:
        """Ask, then adapt the current denoising model to the window's survey in the background
        (``steps`` overrides the dialog's)."""
        from geodesk.ml.selfsup import AdaptSettings, adapt_denoiser, check_adapt_output

        view, w = self.view, self.view.window
        if w.survey is None:
            view.error("Open a survey first: the denoiser is adapted to its sections.")
            return None
        if self.job is not None and self.job.running:
            view.error("The denoiser is already being adapted (see View ▸ Jobs to cancel).")
            return None
        if not view._prepare():
            return None
        answer = self.ask(default_model_path(w.survey), view.models.describe())
        if answer is None:
            return None
        out, n_steps = answer[0], int(steps or answer[1])
        source = view.models.current_path()
        try:
            check_adapt_output(out, survey_path=str(getattr(w.survey, "path", "")),
                               source=source)
        except (OSError, ValueError) as exc:
            view.error(f"Cannot write the adapted model there: {exc}")
            return None
        load, survey = view._load, w.survey

        def job(ctx: JobContext) -> Any:
            model = load(ctx)  # the starting model is read here, not on the GUI thread
            with private_survey(survey) as own:
                return adapt_denoiser(own, model, ctx, settings=AdaptSettings(steps=n_steps),
                                      out=out, source=source, command=COMMAND)

        handle = w.runner.submit(job, f"Adapt denoiser to {w.survey.name}")
        handle.finished.connect(lambda adapted: self._use(out, adapted))
        handle.failed.connect(lambda exc: view.models.failed(exc) or view.error(
            f"Adapting the denoiser failed: {exc}"))
        handle.cancelled.connect(lambda: w.statusBar().showMessage(
            "Denoiser adaptation cancelled: nothing was written", 5000))
        self.job = handle
        return handle

    def _use(self, path: str, adapted: Any) -> None:
        """Make the adapted model the window's denoising model and show its result."""
        view = self.view
        view.models.choose(path)
        view.models.models.put(path, adapted, "denoise")  # the loaded copy of the new file
        view.models.delivered(adapted)
        view._load = None
        view._reset()
        prov = adapted.provenance_
        view.window.statusBar().showMessage(
            f"Denoiser adapted ({Path(path).name}; held-out loss "
            f"{prov['held_out_loss_before']:.3g} → {prov['held_out_loss_after']:.3g}, step "
            f"{prov['kept_step']} kept)", 8000)
        view.set_show("denoised")
