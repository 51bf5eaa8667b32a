"""Which model file a workstation action uses: the one the user chose, else the shipped one.

One :class:`ModelChoice` per task and window. When no weights are shipped for the task and none
was chosen, it asks for a file (like Processing ▸ Fault model…); a file that cannot be used
gives a one-line message. The model is loaded once and kept until another file is chosen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

TASK_LABELS = {"faults": "fault", "firstbreaks": "first-break", "velocities": "velocity",
               "denoise": "denoising"}


class ModelChoice:
    """The model of ``task`` for the actions of one window."""

    def __init__(self, parent: QWidget, task: str) -> None:
        self.parent, self.task = parent, task
        self.path: str | None = None  # chosen by the user; None: the shipped weights
        self.model: Any = None
        self._loaded_from: str | None = None

    @property
    def label(self) -> str:
        return TASK_LABELS.get(self.task, self.task)

    # -- dialogs (replaced in tests) -----------------------------------------------------------
    def ask_path(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self.parent, f"Choose a {self.label} model", "",
                                              "GeoDesk models (*.pt)")
        return path

    def error(self, text: str) -> None:
        QMessageBox.warning(self.parent, f"{self.label.capitalize()} model", text)

    # -- state ---------------------------------------------------------------------------------
    def shipped(self) -> Path | None:
        from geodesk.ml.registry import shipped_weights

        return shipped_weights(self.task)

    def current_path(self) -> str | None:
        """The file that :meth:`load` would use without asking (None: none chosen or shipped)."""
        if self.path:
            return self.path
        shipped = self.shipped()
        return None if shipped is None else str(shipped)

    def describe(self) -> str:
        """One line for a dialog: which file will be used, or that one must be chosen."""
        if self.path:
            return f"{Path(self.path).name} (chosen)"
        shipped = self.shipped()
        if shipped is not None:
            return f"{shipped.name} (shipped with GeoDesk)"
        return f"no {self.label} model is shipped: choose a file (train one with " \
               f"'geodesk train {self.task} --out MODEL.pt')"

    def choose(self, path: str | None = None) -> bool:
        """Use another model file (asking for one when ``path`` is None)."""
        path = path if path is not None else self.ask_path()
        if not path:
            return False
        self.path = str(path)
        if self._loaded_from != self.path:
            self.model, self._loaded_from = None, None
        return True

    def load(self, ask: bool = True) -> Any:
        """The loaded model, or None (after a message) when there is no usable file. With no
        file chosen or shipped, ``ask`` asks for one first."""
        path = self.current_path()
        if path is None and ask and self.choose():
            path = self.path
        if path is None:
            self.error(f"No {self.label} model is installed: train one with 'geodesk train "
                       f"{self.task} --out MODEL.pt' and choose that file.")
            return None
        if self.model is not None and self._loaded_from == path:
            return self.model
        from geodesk.ml.registry import load_model

        try:
            self.model = load_model(path, task=self.task, device="auto")
        except (OSError, ValueError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.error(f"Cannot use {Path(path).name}: {first}")
            self.model, self._loaded_from = None, None
            if path == self.path:
                self.path = None  # the next attempt asks again (or uses the shipped file)
            return None
        self._loaded_from = path
        status = getattr(self.parent, "statusBar", None)
        if status is not None:
            from geodesk.qt.models.device_ui import model_loaded_message

            model_loaded_message(self.parent, self.label.capitalize(), self.model)
        return self.model
