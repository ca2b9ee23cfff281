"""The one model holding every item of the open plan; each board list is a proxy onto it.

Besides its rows it keeps, for every bucket (the backlog and each lane of each sprint),
the ids in board order and running totals, updated item by item as changes come in,
so neither a lane switch nor the totals ever rescan 100,000 items.

A big plan starts with only its first screen (see `load_all`): the readings that need
every item (`items`, `labels`, `owner_of_key`) read the rest first.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import IntEnum
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from onproduct.domain.categories import category
from onproduct.domain.filtering import SearchKey, search_key
from onproduct.domain.items import STATUS_NAMES, Item, format_effort
from onproduct.domain.metrics import CategoryTotals
from onproduct.domain.ranking import BACKLOG, Bucket

Index = QModelIndex | QPersistentModelIndex


class ItemRole(IntEnum):
    """Data roles of item rows, for delegates, proxies and tests."""

    ITEM = Qt.ItemDataRole.UserRole + 1
    ID = Qt.ItemDataRole.UserRole + 2
    CATEGORY = Qt.ItemDataRole.UserRole + 3
    ESTIMATE = Qt.ItemDataRole.UserRole + 4
    ACTUAL = Qt.ItemDataRole.UserRole + 5
    STATUS = Qt.ItemDataRole.UserRole + 6
    LABELS = Qt.ItemDataRole.UserRole + 7
    EXTERNAL_KEY = Qt.ItemDataRole.UserRole + 8
    SPRINT_ID = Qt.ItemDataRole.UserRole + 9
    RANK = Qt.ItemDataRole.UserRole + 10


_ROLE_FIELDS = {
    ItemRole.ID: attrgetter("id"),
    ItemRole.CATEGORY: attrgetter("category"),
    ItemRole.ESTIMATE: attrgetter("estimate"),
    ItemRole.ACTUAL: attrgetter("actual"),
    ItemRole.STATUS: attrgetter("status"),
    ItemRole.LABELS: attrgetter("labels"),
    ItemRole.EXTERNAL_KEY: attrgetter("external_key"),
    ItemRole.SPRINT_ID: attrgetter("sprint_id"),
    ItemRole.RANK: attrgetter("rank"),
    Qt.ItemDataRole.DisplayRole: attrgetter("title"),
    Qt.ItemDataRole.EditRole: attrgetter("title"),
}


@dataclass(slots=True)
class _RunningTotals:
    count: int = 0
    effort: float = 0.0
    unestimated: int = 0

    def add(self, item: Item, sign: int) -> None:
        self.count += sign
        if item.estimate is None:
            self.unestimated += sign
        else:
            self.effort += sign * item.estimate

    def snapshot(self) -> CategoryTotals:
        # Sums of floats drift (0.1 + 0.2 - 0.1 ...); efforts are entered to 0.1 at most.
        return CategoryTotals(self.count, round(self.effort, 6), self.unestimated)


@dataclass(slots=True)
class ItemsDelta:
    """What a change did to the lists: ids that entered, left or moved in each bucket,
    and ids whose content changed in place (which can change whether a filter matches)."""

    moved: dict[Bucket, set[int]] = field(default_factory=dict)
    edited: set[int] = field(default_factory=set)


def _bucket_of(item: Item) -> Bucket:
    return BACKLOG if item.sprint_id is None else Bucket(item.sprint_id, item.category)


_order = attrgetter("rank", "id")  # board order inside a bucket


def tooltip(item: Item, unit: str = "h") -> str:
    lines = [item.title]
    facts = [category(item.category).name, STATUS_NAMES[item.status]]
    if item.estimate is not None:
        facts.append(f"estimate {format_effort(item.estimate, unit)}")
    if item.actual is not None:
        facts.append(f"actual {format_effort(item.actual, unit)}")
    lines.append(" · ".join(facts))
    if item.external_key:
        lines.append(item.external_key)
    if item.labels:
        lines.append("Labels: " + ", ".join(item.labels))
    if item.description:
        text = item.description if len(item.description) <= 300 else item.description[:300] + "…"
        lines.append("")
        lines.append(text)
    return "\n".join(lines)


_ESTIMATE = attrgetter("estimate")


def _values_of(item: Item) -> dict[str, Any]:
    """Every field of an item but its id, for update_items."""
    return {name: getattr(item, name) for name in item.__slots__ if name != "id"}


class PlanItemModel(QAbstractListModel):
    """Every item of a plan, one row each, plus the board order of each bucket."""

    # ItemsDelta, emitted after the buckets changed and before dataChanged.
    itemsReorganised = Signal(object)
    # set[Bucket] whose totals changed.
    totalsChanged = Signal(object)

    def __init__(
        self,
        items: Iterable[Item] = (),
        parent: Any = None,
        *,
        every_item: Callable[[], Iterable[Item]] | None = None,
    ) -> None:
        """`items`: every item, or only the first screen of a big plan; then `every_item`
        reads them all when `load_all` is called (or something needs them all)."""
        super().__init__(parent)
        self._every_item = every_item
        self._items: list[Item] = []
        self._row: dict[int, int] = {}
        self._place: dict[int, Bucket] = {}
        self._buckets: dict[Bucket, list[int]] = {}
        self._totals: dict[Bucket, _RunningTotals] = {}
        self._search: dict[int, SearchKey] = {}
        self.unit = "h"
        self._load(items)

    def _load(self, items: Iterable[Item]) -> None:
        # The one pass over every item when a plan opens, so it avoids per-item calls.
        self._items = sorted(items, key=_order)
        self._row = {item.id: row for row, item in enumerate(self._items)}
        self._search = {}
        self._search_cursor = 0
        place: dict[int, Bucket] = {}
        buckets: dict[Bucket, list[int]] = {}
        totals: dict[Bucket, _RunningTotals] = {}
        canonical: dict[tuple[int | None, str | None], Bucket] = {}
        for item in self._items:
            key = BACKLOG if item.sprint_id is None else (item.sprint_id, item.category)
            bucket = canonical.get(key)
            if bucket is None:
                bucket = canonical[key] = Bucket(*key)
                buckets[bucket] = []
                totals[bucket] = _RunningTotals()
            place[item.id] = bucket
            # Items are in rank order, so appending keeps every bucket sorted.
            buckets[bucket].append(item.id)
            running = totals[bucket]
            running.count += 1
            if item.estimate is None:
                running.unestimated += 1
            else:
                running.effort += item.estimate
        self._place, self._buckets, self._totals = place, buckets, totals

    @property
    def complete(self) -> bool:
        """False while only the first screen of a big plan is loaded."""
        return self._every_item is None

    def load_all(self) -> None:
        """Read every item, if only the first screen was read; the lists follow.

        Raises StorageError if the plan cannot be read (the first screen stays).
        """
        if self._every_item is None:
            return
        items = self._every_item()
        self.beginResetModel()
        self._every_item = None
        self._load(items)
        self.endResetModel()
        self.totalsChanged.emit(set(self._buckets))

    def _totals_for(self, bucket: Bucket) -> _RunningTotals:
        totals = self._totals.get(bucket)
        if totals is None:
            totals = self._totals[bucket] = _RunningTotals()
        return totals

    # ------------------------------------------------------------------ Qt API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        return self.item_data(self._items[index.row()], role)

    def item_data(self, item: Item, role: int) -> Any:
        if role == ItemRole.ITEM:
            return item
        getter = _ROLE_FIELDS.get(role)  # type: ignore[call-overload]
        if getter is not None:
            return getter(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(item, self.unit)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return (
                f"{item.title}, {category(item.category).name}, "
                f"{STATUS_NAMES[item.status]}, {format_effort(item.estimate, self.unit)}"
            )
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def roleNames(self) -> dict[int, bytes]:
        names = super().roleNames()
        names.update({role.value: role.name.lower().encode() for role in ItemRole})
        return names

    # ------------------------------------------------------------------ reading

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._row

    def __len__(self) -> int:
        return len(self._items)

    def item(self, item_id: int) -> Item:
        return self._items[self._row[item_id]]

    def items(self) -> list[Item]:
        self.load_all()
        return list(self._items)

    def row_of(self, item_id: int) -> int:
        return self._row[item_id]

    def id_at(self, row: int) -> int:
        return self._items[row].id

    def place_of(self, item_id: int) -> Bucket | None:
        """The bucket an item is shown in, None once it has been removed."""
        return self._place.get(item_id)

    def order_key(self, item_id: int) -> tuple[float, int]:
        return _order(self._items[self._row[item_id]])

    def bucket_ids(self, bucket: Bucket) -> Sequence[int]:
        """Ids of a bucket in board order. The live list: read it, never change it."""
        return self._buckets.get(bucket, [])

    def totals(self, bucket: Bucket) -> CategoryTotals:
        """Items, estimated effort and unestimated items of a list: what the gauge reads."""
        totals = self._totals.get(bucket)
        return totals.snapshot() if totals is not None else CategoryTotals()

    def search_keys(self, item_ids: Iterable[int]) -> Mapping[int, SearchKey]:
        """The search keys of these items (made on first use), by id."""
        keys = self._search
        for item_id in item_ids:
            if item_id not in keys:
                keys[item_id] = search_key(self.item(item_id))
        return keys

    def estimates(self, item_ids: Iterable[int]) -> list[float | None]:
        """The estimates of these items, looked up in C (a filter's totals, per keystroke)."""
        rows = map(self._row.__getitem__, item_ids)
        return list(map(_ESTIMATE, map(self._items.__getitem__, rows)))

    def prepare_search(self, count: int) -> bool:
        """Make the search keys of up to `count` more items; True when every item has one.

        Called in slices while the window is idle, so the filter's first keystroke finds
        them made (building 35,000 at once took ~150 ms, several frames)."""
        keys = self._search
        items = self._items
        start = self._search_cursor
        end = min(start + count, len(items))
        for item in items[start:end]:
            if item.id not in keys:
                keys[item.id] = search_key(item)
        # Rows added meanwhile may be passed over: the filter makes those on its own.
        self._search_cursor = end
        return end >= len(items)  # a big plan's rest starts it again (modelReset)

    def search_key(self, item_id: int) -> SearchKey:
        key = self._search.get(item_id)
        if key is None:
            key = self._search[item_id] = search_key(self.item(item_id))
        return key

    def labels(self) -> list[str]:
        """Every label in use, sorted case-insensitively, for completion."""
        self.load_all()
        found: dict[str, str] = {}
        for item in self._items:
            for label in item.labels:
                found.setdefault(label.casefold(), label)
        return sorted(found.values(), key=str.casefold)

    def owner_of_key(self, external_key: str) -> int | None:
        self.load_all()
        folded = external_key.casefold()
        for item in self._items:
            if item.external_key is not None and item.external_key.casefold() == folded:
                return item.id
        return None

    # --------------------------------------------------- changing (storage already done)

    def insert_items(self, items: Sequence[Item]) -> None:
        """Add items; one the model has already (someone else's change seen first) is
        updated to the item given instead."""
        known = [item for item in items if item.id in self._row]
        if known:
            self.update_items({item.id: _values_of(item) for item in known})
            items = [item for item in items if item.id not in self._row]
        if not items:
            return
        first = len(self._items)
        self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
        for offset, item in enumerate(items):
            self._items.append(item)
            self._row[item.id] = first + offset
        self.endInsertRows()
        delta = ItemsDelta()
        for item in items:
            place = _bucket_of(item)
            self._enter(item, place)
            delta.moved.setdefault(place, set()).add(item.id)
        self._announce(delta, set(delta.moved))

    def remove_items(self, item_ids: Iterable[int]) -> None:
        ids = [item_id for item_id in item_ids if item_id in self._row]
        if not ids:
            return
        delta = ItemsDelta()
        for item_id in ids:
            place = self._place.pop(item_id)
            self._leave(self.item(item_id), place)
            self._search.pop(item_id, None)
            delta.moved.setdefault(place, set()).add(item_id)
        # Lists drop the rows while the items can still be read, then the rows go.
        self.itemsReorganised.emit(delta)
        for first, last in row_runs(sorted(self._row[item_id] for item_id in ids)):
            self.beginRemoveRows(QModelIndex(), first, last)
            for item in self._items[first : last + 1]:
                del self._row[item.id]
            del self._items[first : last + 1]
            for row in range(first, len(self._items)):
                self._row[self._items[row].id] = row
            self.endRemoveRows()
        self.totalsChanged.emit(set(delta.moved))

    def update_items(self, values: Mapping[int, Mapping[str, Any]]) -> None:
        """Set fields of items; moves them between buckets when sprint, category or rank change."""
        delta = ItemsDelta()
        changed_totals: set[Bucket] = set()
        rows = []
        for item_id, fields in values.items():
            row = self._row[item_id]
            old = self._items[row]
            new = replace(old, **fields)
            if new == old:
                continue
            rows.append(row)
            old_place, new_place = self._place[item_id], _bucket_of(new)
            self._leave(old, old_place)
            self._items[row] = new
            self._enter(new, new_place)
            self._search.pop(item_id, None)
            changed_totals.update((old_place, new_place))
            if old_place != new_place or _order(old) != _order(new):
                delta.moved.setdefault(old_place, set()).add(item_id)
                delta.moved.setdefault(new_place, set()).add(item_id)
            else:
                delta.edited.add(item_id)
        if not rows:
            return
        self.itemsReorganised.emit(delta)
        for first, last in row_runs(sorted(rows)):
            self.dataChanged.emit(self.index(first), self.index(last))
        self.totalsChanged.emit(changed_totals)

    def _enter(self, item: Item, place: Bucket) -> None:
        self._place[item.id] = place
        ids = self._buckets.setdefault(place, [])
        bisect.insort(ids, item.id, key=self.order_key)
        self._totals_for(place).add(item, +1)

    def _leave(self, item: Item, place: Bucket) -> None:
        ids = self._buckets[place]
        # Bucket lists are sorted by (rank, id): find the item by bisection, not a scan.
        position = bisect.bisect_left(ids, _order(item), key=self.order_key)
        if position < len(ids) and ids[position] == item.id:
            del ids[position]
        else:  # pragma: no cover - only if a list ever got out of order
            ids.remove(item.id)
        self._totals_for(place).add(item, -1)

    def _announce(self, delta: ItemsDelta, buckets: set[Bucket]) -> None:
        self.itemsReorganised.emit(delta)
        self.totalsChanged.emit(buckets)


def row_runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Contiguous runs of sorted rows, last run first, so removing them keeps rows valid."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    runs.reverse()
    return runs
