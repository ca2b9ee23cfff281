"""The register of recurring operations as a table model."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from onproduct.domain.operations import KIND_NAMES, Operation, hours_a_week

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NAME = 0
    KIND = 1
    LOAD = 2
    NOW = 3
    STARTS = 4
    ENDS = 5
    AUTOMATION = 6
    NOTES = 7


HEADERS = {
    Column.NAME: "Operation",
    Column.KIND: "Kind",
    Column.LOAD: "Load",
    Column.NOW: "Now",
    Column.STARTS: "Since",
    Column.ENDS: "Until",
    Column.AUTOMATION: "Automated by",
    Column.NOTES: "Notes",
}

OPERATION_ROLE = Qt.ItemDataRole.UserRole + 1


def _day(day: date | None) -> str:
    return "" if day is None else f"{day.day} {day:%b %Y}"


def load_text(operation: Operation) -> str:
    if operation.hours_per_week is not None:
        return hours_a_week(operation.hours_per_week)
    return (
        f"{operation.times_per_week or 0:g} × {operation.minutes_each or 0:g} min a week"
        f" ({round(operation.weekly_hours, 1) + 0.0:g} h)"
    )


class OperationListModel(QAbstractTableModel):
    """Operations by name; "Now" shows today's load after the savings of done automation."""

    def __init__(self, operations: Iterable[Operation] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._operations = sorted(operations, key=lambda o: o.name.casefold())
        # Hours a week an operation costs today, and the automation items that remove it
        # ("title (done)"); the document sets both from the plan.
        self.load_now: Callable[[Operation], float] = lambda operation: operation.weekly_hours
        self.automated_by: Callable[[Operation], list[str]] = lambda operation: []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._operations)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._operations):
            return None
        operation = self._operations[index.row()]
        if role == OPERATION_ROLE:
            return operation
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            if column is Column.NAME:
                return operation.name
            if column is Column.KIND:
                return KIND_NAMES[operation.kind]
            if column is Column.LOAD:
                return load_text(operation)
            if column is Column.NOW:
                if operation.end is not None and operation.end < date.today():
                    return "ended"
                return hours_a_week(self.load_now(operation))
            if column is Column.AUTOMATION:
                return "; ".join(self.automated_by(operation)) or "—"
            if column is Column.STARTS:
                return _day(operation.start)
            if column is Column.ENDS:
                return _day(operation.end) or "—"
            return operation.notes.splitlines()[0] if operation.notes else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is Column.AUTOMATION:
                return "\n".join(self.automated_by(operation)) or None
            return operation.notes or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.LOAD, Column.NOW):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # ------------------------------------------------------------------ reading

    def operations(self) -> list[Operation]:
        return list(self._operations)

    def operation(self, operation_id: int) -> Operation:
        return self._operations[self.row_of(operation_id)]

    def row_of(self, operation_id: int) -> int:
        for row, operation in enumerate(self._operations):
            if operation.id == operation_id:
                return row
        raise KeyError(operation_id)

    def name_taken(self, name: str, except_id: int | None = None) -> bool:
        folded = name.casefold()
        return any(o.name.casefold() == folded and o.id != except_id for o in self._operations)

    # ------------------------------------------------- changing (storage already done)

    def insert(self, operation: Operation) -> None:
        row = sum(1 for o in self._operations if o.name.casefold() < operation.name.casefold())
        self.beginInsertRows(QModelIndex(), row, row)
        self._operations.insert(row, operation)
        self.endInsertRows()

    def remove(self, operation_id: int) -> None:
        row = self.row_of(operation_id)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._operations[row]
        self.endRemoveRows()

    def update(self, operation: Operation) -> None:
        self.remove(operation.id)
        self.insert(operation)

    def refresh(self) -> None:
        """Today's loads or the links changed (an automation item was done, or undone)."""
        if self._operations:
            self.dataChanged.emit(
                self.index(0, Column.NOW),
                self.index(len(self._operations) - 1, Column.AUTOMATION),
            )
