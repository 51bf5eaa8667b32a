"""Which model file a workstation action uses: the one the user chose, else the shipped one,
and the one way the Qt features load it: in the action's job, never on the GUI thread.

One :class:`ModelChoice` per task and window. When no weights are shipped for the task and none
was chosen, it asks for a file (like Processing ▸ Fault model…). :meth:`ModelChoice.loader`
gives the job a function that loads the file through the session's loaded models
(:mod:`geodesk.ml.run.loaded`: one copy per file, shared by every feature) while the status bar
shows the job as busy; the job hands the model back with its result and
:meth:`ModelChoice.delivered` keeps it. A file that cannot be used fails the job with a
:class:`ModelLoadError`, which :meth:`ModelChoice.failed` turns into a one-line message.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from geodesk.core.jobs import JobContext

TASK_LABELS = {"faults": "fault", "firstbreaks": "first-break", "velocities": "velocity",
               "denoise": "denoising"}


class ModelLoadError(Exception):
    """A model file that cannot be used; the message names the file in one line."""

    def __init__(self, path: str, cause: BaseException) -> None:
        first = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
        super().__init__(f"Cannot use {Path(path).name}: {first}")
        self.path = path


def loaded_models(parent: Any) -> Any:
    """The loaded models of ``parent``'s session, else the process's shared ones."""
    from geodesk.ml.run.loaded import SHARED

    models = getattr(getattr(parent, "session", None), "models", None)
    return models if models is not None else SHARED


#: (models folder, its weight files' names/sizes/mtimes, task) -> the shipped file
_SHIPPED: dict[tuple, Path | None] = {}
#: $GEODESK_MODELS (None: unset) -> the models folder it means (resolved once)
_FOLDERS: dict[str | None, Path] = {}


def _folder_stamp(folder: Path) -> tuple:
    """Names, sizes and mtimes of the weight files in ``folder``: changes when one does."""
    try:
        with os.scandir(folder) as entries:
            return tuple(sorted((e.name, st.st_size, st.st_mtime_ns) for e in entries
                                if e.name.endswith(".pt") for st in (e.stat(),)))
    except OSError:  # no folder (nothing shipped) or unreadable
        return ()


def shipped_weights_cached(task: str) -> Path | None:
    """:func:`geodesk.ml.registry.shipped_weights` of ``task``, read again only when the models
    folder's weight files change: features ask on every section shown (the fault overlay
    follows navigation), and reading every file's metadata cost ~20 ms of GUI time a flip."""
    from geodesk.ml.registry import models_dir, shipped_weights

    env = os.environ.get("GEODESK_MODELS")
    if env not in _FOLDERS:
        _FOLDERS[env] = models_dir()
    folder = _FOLDERS[env]
    key = (str(folder), _folder_stamp(folder), task)
    if key not in _SHIPPED:
        if len(_SHIPPED) > 64:
            _SHIPPED.clear()
        _SHIPPED[key] = shipped_weights(task, folder)
    return _SHIPPED[key]


class ModelChoice:
    """The model of ``task`` for the actions of one window."""

    def __init__(self, parent: QWidget, task: str, models: Any = None) -> None:
        self.parent, self.task = parent, task
        self.path: str | None = None  # chosen by the user; None: the shipped weights
        self.model: Any = None  # the last model a job delivered (for messages and tests)
        self.models = models if models is not None else loaded_models(parent)

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
        return shipped_weights_cached(self.task)

    def current_path(self) -> str | None:
        """The file that :meth:`loader` would load without asking (None: none chosen or shipped)."""
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
        if str(path) != self.path:
            self.model = None
        self.path = str(path)
        return True

    def resolve(self, ask: bool = True) -> str | None:
        """The file the next job loads, or None (after a message) when there is none. With no
        file chosen or shipped, ``ask`` asks for one first."""
        path = self.current_path()
        if path is None and ask and self.choose():
            path = self.path
        if path is None:
            self.error(f"No {self.label} model is installed: train one with 'geodesk train "
                       f"{self.task} --out MODEL.pt' and choose that file.")
        return path

    def loader(self, ask: bool = True) -> Callable[[JobContext | None], Any] | None:
        """``load(ctx)`` for a job's thread: the model of :meth:`resolve`'s file (read on the
        first call, the same object after), or :class:`ModelLoadError`; None after a message
        when there is no file. ``ctx`` shows "Loading …" while a file is read."""
        path = self.resolve(ask)
        if path is None:
            return None
        models, task, label = self.models, self.task, self.label

        def load(ctx: JobContext | None = None) -> Any:
            try:
                if ctx is not None and models.peek(path, task) is None:
                    ctx.progress(0.0, f"Loading the {label} model {Path(path).name}…")
                return models.get(path, task)
            except (OSError, ValueError) as exc:
                raise ModelLoadError(path, exc) from None

        return load

    def delivered(self, model: Any) -> None:
        """A job used ``model`` (GUI thread): keep it; the first time, say where it runs."""
        if model is self.model:
            return
        self.model = model
        if getattr(self.parent, "statusBar", None) is not None:
            from geodesk.qt.models.device_ui import model_loaded_message

            model_loaded_message(self.parent, self.label.capitalize(), model)

    def failed(self, exc: BaseException) -> bool:
        """Show a job's :class:`ModelLoadError` (a chosen file that failed is forgotten, so the
        next attempt asks again or uses the shipped one); False for any other failure."""
        if not isinstance(exc, ModelLoadError):
            return False
        self.error(str(exc))
        self.model = None
        if exc.path == self.path:
            self.path = None
        return True

    def load_job(self, runner: Any, ask: bool = True) -> Any:
        """Load the model in a job of ``runner`` (e.g. right after a file is chosen); the job's
        result is the model. None after a message when there is no file."""
        load = self.loader(ask)
        if load is None:
            return None
        handle = runner.submit(load, f"Load the {self.label} model")
        handle.finished.connect(self.delivered)
        handle.failed.connect(self.failed)
        return handle
