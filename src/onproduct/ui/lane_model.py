"""A board list (the backlog or one lane) as a filtering proxy onto the plan's item model.

The proxy shows one bucket's items that pass the board filter, in board order. It
holds only their ids and reads everything else from the item model. It derives from
QAbstractListModel rather than QAbstractProxyModel so that index() stays in C++: a
list view asks for an index per row while laying out, and with a Python index() a
backlog of 35,000 items cost 0.17 s per layout. It also carries the board's drag
and drop: a drag exports the ids of the dragged items under
our own MIME type, a drop hands them with the target place to the document, which
makes the move an undoable command. The proxy never moves anything itself: it follows
the item model, inserting and removing only the rows that changed.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from onproduct.domain.filtering import ItemFilter
from onproduct.domain.metrics import CategoryTotals
from onproduct.domain.ranking import Bucket
from onproduct.ui.item_model import ItemsDelta, PlanItemModel, row_runs

Index = QModelIndex | QPersistentModelIndex

MIME_TYPE = "application/x-onproduct-item-ids"

# Called with the dropped ids (in list order), the target bucket and the item they go
# before (None: the end of the list); returns whether the drop was taken.
DropHandler = Callable[[list[int], Bucket, int | None], bool]


def encode_ids(token: str, ids: Sequence[int]) -> QMimeData:
    """Drag payload: the ids only, tagged with the document they belong to."""
    data = QMimeData()
    data.setData(MIME_TYPE, json.dumps({"plan": token, "ids": list(ids)}).encode())
    return data


def decode_ids(data: QMimeData | None, token: str) -> list[int] | None:
    """The ids of a drag from this document, or None for anything else."""
    if data is None or not data.hasFormat(MIME_TYPE):
        return None
    try:
        payload = json.loads(bytes(data.data(MIME_TYPE).data()).decode())
        ids = payload["ids"]
        if payload["plan"] != token or not isinstance(ids, list):
            return None
        if not ids or not all(type(item_id) is int for item_id in ids):
            return None
    except (ValueError, KeyError, TypeError):
        return None
    return ids


class LaneModel(QAbstractListModel):
    """The items of one bucket that pass the filter, in board order."""

    def __init__(
        self,
        source: PlanItemModel,
        token: str,
        on_drop: DropHandler,
        bucket: Bucket | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._items = source
        self._token = token
        self._on_drop = on_drop
        self._bucket = bucket
        # Why nothing may be dropped here (a closed sprint's lane), or None.
        self.locked: str | None = None
        self._filter = ItemFilter()
        self._ids: list[int] = []
        self._shown: set[int] = set()
        source.itemsReorganised.connect(self._follow)
        source.dataChanged.connect(self._forward_data_changed)
        source.modelReset.connect(self._reset)
        self._ids = self._compute()
        self._shown = set(self._ids)

    # ------------------------------------------------------------ configuration

    def bucket(self) -> Bucket | None:
        return self._bucket

    def set_bucket(self, bucket: Bucket | None) -> None:
        if bucket != self._bucket:
            self._bucket = bucket
            self._reset()

    def item_filter(self) -> ItemFilter:
        return self._filter

    def set_filter(self, item_filter: ItemFilter) -> None:
        if item_filter == self._filter:
            return
        previous, self._filter = self._filter, item_filter
        # Typing on: what shows now is a subset of what showed (kept up to date).
        self._reset(self._ids if item_filter.narrows(previous) else None)

    def ids(self) -> list[int]:
        """Ids of the rows shown, top to bottom."""
        return list(self._ids)

    def shown_totals(self) -> CategoryTotals:
        """Items, estimated effort and unestimated items of the rows shown (the filter's)."""
        estimates = self._items.estimates(self._ids)
        unestimated = estimates.count(None)
        effort = float(sum(filter(None, estimates)))
        return CategoryTotals(len(self._ids), effort, unestimated)

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, item_id: int) -> int | None:
        return self._ids.index(item_id) if item_id in self._shown else None

    def _compute(self, within: Sequence[int] | None = None) -> list[int]:
        """The ids to show: of the bucket, or of `within` when the filter only narrowed."""
        if self._bucket is None:
            return []
        ids = self._items.bucket_ids(self._bucket) if within is None else within
        if self._filter.is_empty:
            return list(ids)
        return self._filter.select(ids, self._items.search_keys(ids))

    def _accepts(self, item_id: int) -> bool:
        if self._bucket is None or self._items.place_of(item_id) != self._bucket:
            return False
        return self._filter.is_empty or self._filter.matches(self._items.search_key(item_id))

    def _reset(self, within: Sequence[int] | None = None) -> None:
        self.beginResetModel()
        self._ids = self._compute(within)
        self._shown = set(self._ids)
        self.endResetModel()

    # --------------------------------------------------- following the item model

    def _follow(self, delta: ItemsDelta) -> None:
        if self._bucket is None:
            return
        candidates = set(delta.moved.get(self._bucket, ()))
        if not self._filter.is_empty:
            # An edit in place can make an item match the filter, or stop matching.
            candidates.update(i for i in delta.edited if i in self._shown or self._accepts(i))
        if not candidates:
            return
        moved = delta.moved.get(self._bucket, set())
        leaving = [
            i for i in candidates if i in self._shown and (i in moved or not self._accepts(i))
        ]
        self._remove(leaving)
        entering = [i for i in candidates if i not in self._shown and self._accepts(i)]
        self._insert(entering)

    def _remove(self, ids: Iterable[int]) -> None:
        rows = sorted(self._ids.index(i) for i in ids)
        for first, last in row_runs(rows):
            self.beginRemoveRows(QModelIndex(), first, last)
            self._shown.difference_update(self._ids[first : last + 1])
            del self._ids[first : last + 1]
            self.endRemoveRows()

    def _insert(self, ids: list[int]) -> None:
        key = self._items.order_key
        ids.sort(key=key)
        groups: list[tuple[int, list[int]]] = []
        for item_id in ids:
            position = bisect.bisect_left(self._ids, key(item_id), key=key)
            if groups and groups[-1][0] == position:
                groups[-1][1].append(item_id)
            else:
                groups.append((position, [item_id]))
        offset = 0
        for position, group in groups:
            at = position + offset
            self.beginInsertRows(QModelIndex(), at, at + len(group) - 1)
            self._ids[at:at] = group
            self._shown.update(group)
            self.endInsertRows()
            offset += len(group)

    def _forward_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        for source_row in range(top_left.row(), bottom_right.row() + 1):
            row = self.row_of(self._items.id_at(source_row))
            if row is not None:
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)

    # ------------------------------------------------------------- proxy model

    def to_source(self, index: Index) -> QModelIndex:
        """The item model's index of a row shown here."""
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return QModelIndex()
        return self._items.index(self._items.row_of(self._ids[index.row()]), 0)

    def from_source(self, source_index: Index) -> QModelIndex:
        """The row showing an item of the item model, invalid if it is not shown here."""
        if not source_index.isValid():
            return QModelIndex()
        row = self.row_of(self._items.id_at(source_index.row()))
        return QModelIndex() if row is None else self.index(row, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        return self._items.item_data(self._items.item(self._ids[index.row()]), role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            # Dropping on the list itself; items take no drops, so Qt offers the gaps.
            if self._bucket is None:
                return Qt.ItemFlag.NoItemFlags
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    # ------------------------------------------------------------ drag and drop

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({index.row() for index in indexes if index.isValid()})
        return encode_ids(self._token, [self._ids[row] for row in rows])

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: Index,
    ) -> bool:
        if (
            self._bucket is None
            or self.locked is not None
            or action
            not in (
                Qt.DropAction.MoveAction,
                Qt.DropAction.IgnoreAction,
            )
        ):
            return False
        return decode_ids(data, self._token) is not None

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: Index,
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        if action == Qt.DropAction.IgnoreAction:
            return True
        ids = decode_ids(data, self._token)
        assert ids is not None and self._bucket is not None
        if parent.isValid():  # dropped onto an item: it goes before that item
            row = parent.row()
        return self._on_drop(ids, self._bucket, self._first_other(row, set(ids)))

    def _first_other(self, row: int, moving: set[int]) -> int | None:
        """The first shown item at or after `row` that is not being moved."""
        if row < 0:
            return None
        for item_id in self._ids[row:]:
            if item_id not in moving:
                return item_id
        return None
