"""Header viewer: textual header, binary header table and one trace header at a time, each
field with its byte positions (what Open with header bytes asks for)."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from geodesk.core.segy.fields import BINARY_BYTES, TRACE_BYTES, byte_label
from geodesk.core.survey import Survey


def _fill_table(table: QTableWidget, rows: list[tuple[str, object]],
                bytes_of: dict[str, tuple[int, int]]) -> None:
    """One row per field: its byte positions (``bytes_of``), name and value."""
    table.setRowCount(len(rows))
    for r, (name, value) in enumerate(rows):
        table.setItem(r, 0, QTableWidgetItem(byte_label(str(name), bytes_of)))
        table.setItem(r, 1, QTableWidgetItem(str(name)))
        table.setItem(r, 2, QTableWidgetItem(str(value)))
    table.resizeColumnsToContents()


def _table() -> QTableWidget:
    t = QTableWidget(0, 3)
    t.setHorizontalHeaderLabels(["bytes", "field", "value"])
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    return t


class HeaderViewer(QDialog):
    """Three tabs: text header (monospace), binary header, trace header with prev/next."""

    def __init__(self, survey: Survey, trace: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.survey = survey
        self.setWindowTitle(f"Headers — {survey.name}")
        self.resize(720, 640)
        tabs = QTabWidget()
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setPlainText(survey.text_header())
        self.binary = _table()
        _fill_table(self.binary, list(survey.binary_header().items()), BINARY_BYTES)
        trace_tab = QWidget()
        self.trace_spin = QSpinBox()
        self.trace_spin.setRange(0, max(survey.n_traces - 1, 0))
        self.prev_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        self.trace_table = _table()
        row = QHBoxLayout()
        for w in (QLabel("Trace"), self.trace_spin, self.prev_button, self.next_button):
            row.addWidget(w)
        row.addStretch(1)
        lay = QVBoxLayout(trace_tab)
        lay.addLayout(row)
        lay.addWidget(self.trace_table)
        tabs.addTab(self.text, "Text header")
        tabs.addTab(self.binary, "Binary header")
        tabs.addTab(trace_tab, "Trace header")
        self.tabs = tabs
        QVBoxLayout(self).addWidget(tabs)
        self.trace_spin.valueChanged.connect(self.show_trace)
        self.prev_button.clicked.connect(lambda: self.trace_spin.setValue(self.trace_spin.value() - 1))
        self.next_button.clicked.connect(lambda: self.trace_spin.setValue(self.trace_spin.value() + 1))
        self.trace_spin.setValue(trace)
        self.show_trace(self.trace_spin.value())

    def show_trace(self, index: int) -> None:
        """Fill the trace-header table with every field of trace ``index``."""
        _fill_table(self.trace_table, list(self.survey.trace_header(int(index)).items()),
                    TRACE_BYTES)
