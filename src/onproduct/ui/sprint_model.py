"""The plan's sprints in date order, for the sprint selector."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from onproduct.domain.items import Sprint, SprintFields, format_effort

Index = QModelIndex | QPersistentModelIndex


class SprintRole(IntEnum):
    SPRINT = Qt.ItemDataRole.UserRole + 1
    ID = Qt.ItemDataRole.UserRole + 2


def format_dates(start: date, end: date) -> str:
    """A date range as people write it: "3 – 16 Nov 2026", "24 Nov – 7 Dec 2026"."""
    if start.year != end.year:
        return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"
    if start.month != end.month:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} – {end.day} {end:%b %Y}"


def _order(sprint: Sprint) -> tuple[date, int]:
    return (sprint.start, sprint.id)


class SprintListModel(QAbstractListModel):
    """Sprints sorted by start date; rows move when dates change."""

    def __init__(self, sprints: Iterable[Sprint] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sprints = sorted(sprints, key=_order)
        self.unit = "h"

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._sprints)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._sprints):
            return None
        sprint = self._sprints[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            closed = "   (closed)" if sprint.closed else ""
            return f"{sprint.name}   {format_dates(sprint.start, sprint.end)}{closed}"
        if role == SprintRole.SPRINT:
            return sprint
        if role == SprintRole.ID:
            return sprint.id
        if role == Qt.ItemDataRole.ToolTipRole:
            capacity = format_effort(sprint.capacity, self.unit)
            return f"{sprint.name}\n{format_dates(sprint.start, sprint.end)}\nCapacity {capacity}"
        return None

    # ------------------------------------------------------------------ reading

    def sprints(self) -> list[Sprint]:
        return list(self._sprints)

    def sprint(self, sprint_id: int) -> Sprint:
        return self._sprints[self.row_of(sprint_id)]

    def row_of(self, sprint_id: int) -> int:
        for row, sprint in enumerate(self._sprints):
            if sprint.id == sprint_id:
                return row
        raise KeyError(sprint_id)

    def name_taken(self, name: str, except_id: int | None = None) -> bool:
        folded = name.casefold()
        return any(s.name.casefold() == folded and s.id != except_id for s in self._sprints)

    def current(self, today: date) -> Sprint | None:
        """The sprint to show first: the one running today, else the next, else the last."""
        for sprint in self._sprints:
            if sprint.contains(today):
                return sprint
        upcoming = [s for s in self._sprints if s.start > today]
        if upcoming:
            return upcoming[0]
        return self._sprints[-1] if self._sprints else None

    def next_defaults(self, today: date) -> SprintFields:
        """A sensible new sprint: right after the last one, as long, numbered on."""
        if not self._sprints:
            return SprintFields("Sprint 1", today, today + timedelta(days=13), None)
        last = max(self._sprints, key=lambda s: (s.end, s.id))
        length = last.end - last.start
        start = last.end + timedelta(days=1)
        name = _next_name(last.name, self)
        return SprintFields(name, start, start + length, last.capacity)

    # ------------------------------------------------- changing (storage already done)

    def insert(self, sprint: Sprint) -> None:
        row = self._position(sprint)
        self.beginInsertRows(QModelIndex(), row, row)
        self._sprints.insert(row, sprint)
        self.endInsertRows()

    def remove(self, sprint_id: int) -> None:
        row = self.row_of(sprint_id)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._sprints[row]
        self.endRemoveRows()

    def update(self, sprint: Sprint) -> None:
        row = self.row_of(sprint.id)
        others = self._sprints[:row] + self._sprints[row + 1 :]
        target = sum(1 for s in others if _order(s) < _order(sprint))
        if target != row:
            # beginMoveRows counts the destination before the row is taken out.
            destination = target + 1 if target > row else target
            self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
            del self._sprints[row]
            self._sprints.insert(target, sprint)
            self.endMoveRows()
        else:
            self._sprints[row] = sprint
        index = self.index(target)
        self.dataChanged.emit(index, index)

    def _position(self, sprint: Sprint) -> int:
        return sum(1 for s in self._sprints if _order(s) < _order(sprint))


_TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)\s*$")


def _next_name(last: str, sprints: SprintListModel) -> str:
    match = _TRAILING_NUMBER.match(last)
    prefix, number = (match.group(1), int(match.group(2))) if match else ("Sprint ", 0)
    number += 1
    while sprints.name_taken(f"{prefix}{number}"):
        number += 1
    return f"{prefix}{number}"
