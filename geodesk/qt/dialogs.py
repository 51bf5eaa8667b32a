"""Dialogs: import with header-byte overrides (shows the trace-header scan), and About."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from geodesk.core.survey import HeaderBytes, HeaderStat

BYTE_FIELDS = (("inline", "Inline"), ("crossline", "Crossline"), ("cdp_x", "CDP X"),
               ("cdp_y", "CDP Y"), ("cdp", "CDP"), ("offset", "Offset"), ("ffid", "FFID"),
               ("channel", "Channel"))
#: keyword names that geodesk.open accepts for each HeaderBytes field
OPEN_KEYWORDS = {"inline": "iline", "crossline": "xline", "cdp_x": "cdp_x", "cdp_y": "cdp_y",
                 "cdp": "cdp", "offset": "offset", "ffid": "ffid", "channel": "channel"}


class ImportDialog(QDialog):
    """Header scan table plus spin boxes for the geometry bytes and the survey kind."""

    def __init__(self, path: str | Path, scan: list[HeaderStat], header_bytes: HeaderBytes,
                 kind: str | None = None, reason: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {Path(path).name}")
        self.resize(760, 620)
        lay = QVBoxLayout(self)
        if reason:
            msg = QLabel(reason)
            msg.setWordWrap(True)
            lay.addWidget(msg)
        self.table = QTableWidget(len(scan), 6)
        self.table.setHorizontalHeaderLabels(["byte", "field", "min", "max", "distinct", "first"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, st in enumerate(scan):
            for c, v in enumerate((st.byte, st.name, st.min, st.max, st.distinct, st.first)):
                self.table.setItem(r, c, QTableWidgetItem(str(v)))
        self.table.resizeColumnsToContents()
        lay.addWidget(self.table, 1)
        box = QGroupBox("Header bytes (1-based)")
        form = QFormLayout(box)
        self.spins: dict[str, QSpinBox] = {}
        for name, label in BYTE_FIELDS:
            sp = QSpinBox()
            sp.setRange(1, 237)
            sp.setValue(getattr(header_bytes, name))
            self.spins[name] = sp
            form.addRow(label, sp)
        self.kind_combo = QComboBox()
        for k, text in ((None, "automatic"), ("post3d", "3D post-stack"),
                        ("post2d", "2D post-stack"), ("prestack", "pre-stack gathers")):
            self.kind_combo.addItem(text, k)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(kind), 0))
        form.addRow("Kind", self.kind_combo)
        self.su_check = QCheckBox("Seismic Unix file (no text/binary header)")
        form.addRow(self.su_check)
        row = QHBoxLayout()
        row.addWidget(box)
        lay.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Open")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def overrides(self) -> dict[str, object]:
        """Keyword arguments for ``geodesk.open`` from the current choices."""
        out: dict[str, object] = {OPEN_KEYWORDS[n]: sp.value() for n, sp in self.spins.items()}
        kind = self.kind_combo.currentData()
        if kind:
            out["kind"] = kind
        if self.su_check.isChecked():
            out["su"] = True
        return out


def show_about(parent: QWidget) -> None:
    from geodesk import __version__

    QMessageBox.about(parent, "About GeoDesk",
                      f"<b>GeoDesk {__version__}</b><br>Seismic interpretation workstation:<br>"
                      "SEG-Y browsing, picking and deep models.")
