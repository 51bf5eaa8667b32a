"""Import… and Export… of picks: horizons (CSV / XYZ), faults (CSV), first breaks (CSV or a
trace-header field of a SEG-Y copy) and velocities (CSV), through
:mod:`geodesk.core.exchange.api`, the code ``geodesk export/import`` run too (same files).

This module holds only the dialogs: file and options, then the report (warnings in the status
bar) or the errors. An import is parsed and checked completely before anything changes and lands
as ONE undoable step; a file with problems changes nothing and its line-numbered problems are
listed in a dialog.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from geodesk.core.exchange import api
from geodesk.core.exchange import picks_io as ex
from geodesk.core.exchange.api import FORMATS, ExchangeReport
from geodesk.core.exchange.segy_io import ENCODINGS, UNITS
from geodesk.core.survey import SurveyError
from geodesk.qt import settings as app_settings

if TYPE_CHECKING:
    from geodesk.qt.main_window import MainWindow

KIND_LABELS = {"horizon": "Horizon", "fault_set": "Faults", "first_breaks": "First breaks",
               "velocity_functions": "Velocity functions"}
FORMAT_LABELS = {"csv": "CSV", "xyz": "XYZ (x y time)", "segy": "SEG-Y header copy"}
FILE_FILTERS = {"csv": "CSV (*.csv *.txt);;All files (*)",
                "xyz": "XYZ (*.xyz *.dat *.txt);;All files (*)",
                "segy": "SEG-Y (*.sgy *.segy *.SGY *.SEGY *.su);;All files (*)"}
ERRORS = (ValueError, OSError, KeyError, SurveyError)
MAX_SHOWN = 20


@dataclass
class ExchangeSpec:
    """One import or export: object kind and name, file format and path, SEG-Y header field,
    and (exports) whether CSV gets the provenance columns."""

    kind: str
    fmt: str
    path: str
    name: str
    byte: int = 237
    encoding: str = "int32"
    unit: str = "ms"
    with_provenance: bool = False

    def problem(self) -> str | None:
        """Why this cannot run as given (one line), or None."""
        if self.fmt not in FORMATS.get(self.kind, ()):
            return f"{KIND_LABELS.get(self.kind, self.kind)} cannot use format {self.fmt!r}"
        if not self.path:
            return "choose a file"
        if not self.name:
            return "give the object a name"
        try:
            api.check_request(self.kind, self.fmt, self.byte, self.encoding, self.unit)
        except api.ExchangeError as exc:
            return str(exc)
        return None


def problem_lines(exc: ex.ImportError_) -> list[str]:
    """``line N: reason`` for each problem of a failed import (file-level ones unnumbered)."""
    return [f"line {ln}: {why}" if ln > 0 else why for ln, why in exc.problems]


class ExchangeDialog(QDialog):
    """The Import… / Export… form; :meth:`spec` reads it without running anything."""

    def __init__(self, mode: str, names: dict[str, list[str]], start_dir: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode = mode  # "import" or "export"
        self.names = names
        self.start_dir = start_dir
        self.setWindowTitle("Import picks" if mode == "import" else "Export picks")
        form = QFormLayout()
        self.kind_combo = QComboBox()
        for k, label in KIND_LABELS.items():
            self.kind_combo.addItem(label, k)
        form.addRow("Kind", self.kind_combo)
        self.object_combo = QComboBox()
        self.name_edit = QLineEdit()
        form.addRow("Object", self.object_combo if mode == "export" else self.name_edit)
        self.format_combo = QComboBox()
        form.addRow("Format", self.format_combo)
        self.path_edit = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow("File", row)
        self.provenance_check = QCheckBox("Confidence, provenance and model originals", self)
        self.provenance_check.setToolTip("CSV: add the columns confidence, provenance, "
                                         "model_time_ms, model_confidence, model_provenance")
        if mode == "export":
            form.addRow("Columns", self.provenance_check)
        else:  # an import reads the columns when the file has them
            self.provenance_check.hide()
        self.segy_box = QGroupBox("Trace-header field (SEG-Y)")
        sform = QFormLayout(self.segy_box)
        self.byte_spin = QSpinBox()
        self.byte_spin.setRange(1, 240)
        self.byte_spin.setValue(237)
        self.encoding_combo = QComboBox()
        self.encoding_combo.addItems(list(ENCODINGS))
        self.encoding_combo.setCurrentText("int32")
        self.unit_combo = QComboBox()
        self.unit_combo.addItems(list(UNITS))
        sform.addRow("Byte (1-based)", self.byte_spin)
        sform.addRow("Encoding", self.encoding_combo)
        sform.addRow("Unit", self.unit_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(mode.capitalize())
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.segy_box)
        lay.addWidget(buttons)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.path_edit.textChanged.connect(self._path_changed)
        self._kind_changed()

    def set_kind(self, kind: str) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))

    def set_format(self, fmt: str) -> None:
        self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))

    def _kind_changed(self) -> None:
        kind = self.kind_combo.currentData()
        self.format_combo.clear()
        for f in FORMATS[kind]:
            self.format_combo.addItem(FORMAT_LABELS[f], f)
        self.object_combo.clear()
        self.object_combo.addItems(self.names.get(kind, []))
        self._format_changed()

    def _format_changed(self) -> None:
        self.segy_box.setEnabled(self.format_combo.currentData() == "segy")
        self.provenance_check.setEnabled(self.format_combo.currentData() == "csv")

    def _path_changed(self, text: str) -> None:
        if self.mode == "import" and text and not self.name_edit.isModified():
            self.name_edit.setText(Path(text).stem)

    def browse(self) -> None:
        fmt = self.format_combo.currentData() or "csv"
        if self.mode == "import":
            path, _ = QFileDialog.getOpenFileName(self, "Import from", self.start_dir,
                                                  FILE_FILTERS[fmt])
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export to", self.start_dir,
                                                  FILE_FILTERS[fmt])
        if path:
            self.path_edit.setText(path)

    def spec(self) -> ExchangeSpec:
        """The choices as an :class:`ExchangeSpec`."""
        name = (self.object_combo.currentText() if self.mode == "export"
                else self.name_edit.text().strip())
        fmt = self.format_combo.currentData() or ""
        return ExchangeSpec(self.kind_combo.currentData(), fmt, self.path_edit.text().strip(),
                            name, self.byte_spin.value(), self.encoding_combo.currentText(),
                            self.unit_combo.currentText(),
                            self.mode == "export" and fmt == "csv"
                            and self.provenance_check.isChecked())

    def _accept(self) -> None:
        why = self.spec().problem()
        if why:
            QMessageBox.warning(self, self.windowTitle(), why)
            return
        self.accept()


class ExchangeController:
    """Import/Export menu entries of the window and the code they run."""

    def __init__(self, window: MainWindow) -> None:

        self.window = window
        self.last_dir = ""
        menu = window.menu("&Interpretation")
        menu.addAction("&Import picks…", self.import_dialog)
        menu.addAction("&Export picks…", self.export_dialog)

    # -- dialogs (replaced in tests) -----------------------------------------------------------
    def error(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)

    def show_problems(self, title: str, exc: ex.ImportError_) -> None:
        """List the problems of a refused import (line numbers first); nothing was imported."""
        lines = problem_lines(exc)
        box = QMessageBox(QMessageBox.Icon.Warning, title,
                          f"Nothing was imported from {Path(exc.source).name}: "
                          f"{len(lines)} problem(s).", parent=self.window)
        shown = lines[:MAX_SHOWN] + ([f"… and {len(lines) - MAX_SHOWN} more"]
                                     if len(lines) > MAX_SHOWN else [])
        box.setInformativeText("\n".join(shown))
        box.setDetailedText("\n".join(lines))
        box.exec()

    def ask_replace(self, kind: str, name: str) -> bool:
        b = QMessageBox.StandardButton
        return QMessageBox.question(
            self.window, "Import picks", f"Replace the picks of {KIND_LABELS[kind].lower()} "
            f"{name!r} with the file's? (Undo brings them back.)", b.Yes | b.No) == b.Yes

    def ask_spec(self, dialog: ExchangeDialog) -> ExchangeSpec | None:
        return dialog.spec() if dialog.exec() == QDialog.DialogCode.Accepted else None

    # -- menu entries --------------------------------------------------------------------------
    def make_dialog(self, mode: str) -> ExchangeDialog:
        names = {k: self.window.picks.names(k) for k in FORMATS}
        start = self.last_dir or app_settings.start_folder(self.window.settings)
        return ExchangeDialog(mode, names, start, self.window)

    def import_dialog(self) -> Any:
        dlg = self.make_dialog("import")
        active = self.window.active_pick
        if active is not None:
            dlg.set_kind(active.kind)
        spec = self.ask_spec(dlg)
        dlg.deleteLater()
        return self.run_import(spec) if spec is not None else None

    def export_dialog(self) -> int | None:
        dlg = self.make_dialog("export")
        active = self.window.active_pick
        if active is not None:
            dlg.set_kind(active.kind)
            dlg.object_combo.setCurrentText(active.name)
        spec = self.ask_spec(dlg)
        dlg.deleteLater()
        return self.run_export(spec) if spec is not None else None

    # -- work ----------------------------------------------------------------------------------
    def run_import(self, spec: ExchangeSpec) -> Any:
        """Import as one undoable step; returns the object, or None after saying why not."""
        w = self.window
        why = spec.problem()
        if why:
            self.error("Import picks", why)
            return None
        if spec.name in w.picks.names(spec.kind) and not self.ask_replace(spec.kind, spec.name):
            return None
        self.last_dir = str(Path(spec.path).parent)
        try:
            obj = self._import(spec)
        except ex.ImportError_ as exc:
            self.show_problems("Import picks", exc)
            return None
        except ERRORS as exc:
            self.error("Import picks", f"{Path(spec.path).name}: {_first_line(exc)}")
            return None
        w.set_active_pick(obj)
        w.statusBar().showMessage(f"Imported {spec.name} from {Path(spec.path).name}", 5000)
        return obj

    def _import(self, spec: ExchangeSpec) -> Any:
        w = self.window
        return api.import_picks(w.picks, w.history, w.survey, spec.kind, spec.name, spec.path,
                                spec.fmt, byte=spec.byte, encoding=spec.encoding,
                                unit=spec.unit).obj

    def run_export(self, spec: ExchangeSpec) -> int | None:
        """Write the object to the file (atomically); returns rows/picks written or None."""
        why = spec.problem()
        if why:
            self.error("Export picks", why)
            return None
        self.last_dir = str(Path(spec.path).parent)
        try:
            report = self._export(spec)
        except ERRORS as exc:
            self.error("Export picks", f"{Path(spec.path).name}: {_first_line(exc)}")
            return None
        note = "".join(f"; {w}" for w in report.warnings)
        self.window.statusBar().showMessage(
            f"Exported {spec.name}: {report.count} rows to {spec.path}{note}", 8000)
        return report.count

    def _export(self, spec: ExchangeSpec) -> ExchangeReport:
        w = self.window
        return api.export_picks(w.picks, w.survey, spec.kind, spec.name, spec.path, spec.fmt,
                                byte=spec.byte, encoding=spec.encoding, unit=spec.unit,
                                with_provenance=spec.with_provenance)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def install(session: Any, window: Any) -> ExchangeController:
    """Add the ExchangeController to ``window``."""
    return ExchangeController(window)
