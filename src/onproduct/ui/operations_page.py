"""The Operations tab: the register of recurring manual operations and today's load."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from onproduct.domain.operations import Operation, hours_a_week
from onproduct.ui.document import PlanDocument
from onproduct.ui.operations_model import OPERATION_ROLE, Column

INTRO = (
    "Recurring operations are manual processes that cost hours every week while they run:"
    " product operations are done for customers, development operations because of"
    " technical debt. An automation item that removes one (Edit Item) lowers its load from"
    " the day it is done; planned automation lowers the forecast from its sprint's end."
)


class OperationsPage(QWidget):
    """Lists the register; add, edit and delete go through the main window's actions."""

    # The user asked to edit an operation (double-click or Enter).
    editRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document: PlanDocument | None = None
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        self.add_button = QPushButton("&Add Operation…")
        self.edit_button = QPushButton("&Edit…")
        self.delete_button = QPushButton("&Delete")
        self.load_label = QLabel()
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addSpacing(self.fontMetrics().averageCharWidth() * 4)
        buttons.addWidget(self.load_label, 1)

        self.table = QTableView()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.activated.connect(self._on_activated)
        self.table.setAccessibleName("Recurring operations")

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)

    def set_document(self, document: PlanDocument | None) -> None:
        if self._document is not None:
            self._document.changed.disconnect(self._on_change)
        self._document = document
        self.table.setModel(document.operations if document is not None else None)
        if document is None:
            return
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The two long texts share what is left, but never squeeze their headings:
        # "Automated by" keeps its width (and can be dragged), Notes takes the rest,
        # and a window too narrow for all of it scrolls sideways instead.
        chars = header.fontMetrics().averageCharWidth()
        header.setSectionResizeMode(Column.AUTOMATION, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(Column.AUTOMATION, chars * 34)
        header.setSectionResizeMode(Column.NOTES, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(header.sectionSizeFromContents(Column.NOTES).width())
        document.changed.connect(self._on_change)
        self.table.selectionModel().selectionChanged.connect(self._enable)
        self.refresh()

    def selected(self) -> Operation | None:
        if self._document is None:
            return None
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        operation = rows[0].data(OPERATION_ROLE)
        return operation if isinstance(operation, Operation) else None

    def select(self, operation_id: int) -> None:
        if self._document is None:
            return
        row = self._document.operations.row_of(operation_id)
        self.table.selectRow(row)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def _on_change(self) -> None:
        # Today's load costs a query: work it out only while the tab is shown.
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        document = self._document
        self._enable()
        if document is None:
            self.load_label.setText("")
            return
        today = date.today()
        product = development = 0.0
        for operation in document.operations.operations():
            load = document.load_now(operation) if operation.active(today) else 0.0
            if operation.kind == "product":
                product += load
            else:
                development += load
        self.load_label.setText(
            f"Today: product operations {hours_a_week(product)},"
            f" development operations {hours_a_week(development)}."
        )

    def _enable(self, *_: object) -> None:
        chosen = self.selected() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def _on_activated(self) -> None:
        operation = self.selected()
        if operation is not None:
            self.editRequested.emit(operation.id)
