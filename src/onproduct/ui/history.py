"""View ▸ History: who changed what in the plan, and when — newest first, all of it or
the changes of the selected item; choosing an entry shows its item on the board.

The entries are the plan's own history (change_log), the same for a file and a team
plan, so they include what others changed from their windows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from onproduct.domain.history import when
from onproduct.storage.changelog import Change
from onproduct.storage.errors import StorageError
from onproduct.ui.document import PlanDocument

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("When", "Who", "What")
SHOWN = 500


class HistoryModel(QAbstractTableModel):
    """Entries of a plan's history, newest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._changes: list[Change] = []

    def set_changes(self, changes: list[Change]) -> None:
        self.beginResetModel()
        self._changes = list(changes)
        self.endResetModel()

    def change(self, row: int) -> Change:
        return self._changes[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._changes)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._changes):
            return None
        change = self._changes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (when(change.at), change.who, change.what)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{change.who}, {change.at.replace('T', ' ')} UTC\n{change.what}"
        return None


class HistoryPanel(QWidget):
    """The history list with its filter; `show_item` puts an item on the board."""

    def __init__(
        self,
        selected_item: Callable[[], int | None],
        show_item: Callable[[int], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._document: PlanDocument | None = None
        self._selected_item = selected_item
        self._show_item = show_item
        self.model = HistoryModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # One line of text a row: the panel sits under the board, where height is scarce.
        rows = self.table.verticalHeader()
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        rows.setMinimumSectionSize(self.table.fontMetrics().height() + 4)
        self.table.setWordWrap(False)
        self.table.setAccessibleName("Plan history")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        self.only_item = QCheckBox("Only the &selected item")
        self.only_item.toggled.connect(self.refresh)
        self.note = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.only_item)
        top.addStretch(1)
        top.addWidget(self.note)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)

    def set_document(self, document: PlanDocument | None) -> None:
        if self._document is not None:
            self._document.changed.disconnect(self.refresh)
        self._document = document
        if document is not None:
            document.changed.connect(self.refresh)
        self.refresh()

    def selection_changed(self) -> None:
        if self.only_item.isChecked():
            self.refresh()

    def refresh(self, *_: object) -> None:
        document = self._document
        if document is None or not self.isVisible():
            self.model.set_changes([])
            return
        item = self._selected_item() if self.only_item.isChecked() else None
        if self.only_item.isChecked() and item is None:
            self.model.set_changes([])
            self.note.setText("Select an item on the board.")
            return
        try:
            changes = document.plan.history(item, SHOWN)
        except StorageError as error:
            self.note.setText(str(error))
            return
        self.model.set_changes(changes)
        self.note.setText(f"the newest {SHOWN}" if len(changes) == SHOWN else "")

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        self.refresh()

    def _chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        change = self.model.change(current.row())
        items = sorted(int(i) for i in change.touches("item"))
        document = self._document
        if document is None:
            return
        present = [i for i in items if i in document.items]
        if present:
            self._show_item(present[0])
