"""An open plan: every query and write the app makes goes through here.

Each write method is one transaction, so a change is on disk the moment the call
returns and a killed process leaves either all of it or none of it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from functools import wraps
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any, TypeVar, cast

from peewee import SqliteDatabase

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import (
    ITEM_FIELD_NAMES,
    Baseline,
    Item,
    ItemFields,
    Sprint,
    SprintFields,
    SprintRecord,
)
from onproduct.domain.metrics import CategoryTotals
from onproduct.domain.operations import (
    AutomationPlan,
    Operation,
    OperationFields,
    SprintOperations,
)
from onproduct.storage.errors import DATABASE_ERRORS, StorageError, explain_write_error
from onproduct.storage.lock import PlanLock
from onproduct.storage.models import (
    MODELS,
    ItemLabelRow,
    ItemRow,
    OperationRow,
    PlanSettingRow,
    SprintRow,
)
from onproduct.storage.records import (
    OPERATION_COLUMNS,
    SPRINT_COLUMNS,
    baseline_text,
    operation_from_row,
    operation_values,
    record_values,
    sprint_from_row,
    sprint_values,
)
from onproduct.storage.schema import bad_date, item_rows_problem, unusable

F = TypeVar("F", bound=Callable[..., Any])

# Columns of item in the order rows are read and bulk-written.
_ITEM_COLUMNS = (
    "id",
    "title",
    "category",
    "description",
    "estimate",
    "actual",
    "status",
    "external_key",
    "operation_id",
    "saves_hours_per_week",
    "done_on",
    "sprint_id",
    "rank",
)
# Item attributes that are columns of the item table (labels live in item_label).
_ITEM_UPDATABLE = frozenset(_ITEM_COLUMNS) - {"id"}
# Item attributes whose peewee field has another name (foreign keys).
_FIELD_OF = {"sprint_id": "sprint", "operation_id": "operation"}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# Dates are stored as ISO text (what peewee's DateField reads back). Python's own
# default adapter did the same but is deprecated since 3.12; registering it ourselves
# lets raw cursor writes hand dates over as they are.
sqlite3.register_adapter(date, date.isoformat)
# An item's row for the item table, in _ITEM_COLUMNS order, picked in C.
_ITEM_ROW = attrgetter(*_ITEM_COLUMNS)


def _check_foreign_keys(cursor: sqlite3.Cursor) -> None:
    """StorageError if an item or label points at a row the plan does not have."""
    for table in ("item", "item_label"):
        broken = cursor.execute(f"PRAGMA foreign_key_check({table})").fetchone()
        if broken is not None:
            raise StorageError(
                f"An item would point at a {broken[2].replace('_', ' ')} the plan does not"
                " have (it was removed meanwhile?); nothing was written."
            )


def connect(path: Path, *, journal_mode: str = "wal") -> SqliteDatabase:
    """A peewee database on `path` with the pragmas every plan connection uses."""
    database = SqliteDatabase(None)
    database.init(
        str(path),
        pragmas={
            "journal_mode": journal_mode,
            "foreign_keys": 1,
            # FULL: a committed change survives a power cut, not only a killed process.
            "synchronous": 2,
        },
        timeout=5,
    )
    return database


def connect_memory() -> SqliteDatabase:
    """An empty in-memory database with the pragmas of a plan (for read-only snapshots)."""
    database = SqliteDatabase(None)
    database.init(":memory:", pragmas={"foreign_keys": 1})
    database.connect()
    return database


def _writes(method: F) -> F:
    """Run a write in one transaction (see Plan.transaction)."""

    @wraps(method)
    def run(self: Plan, *args: Any, **kwargs: Any) -> Any:
        with self.transaction():
            return method(self, *args, **kwargs)

    return cast(F, run)


@dataclass(frozen=True, slots=True)
class Upgrade:
    """An older plan that was brought to the current format when it was opened."""

    from_version: int
    backup: Path


class Plan:
    """One open plan file."""

    def __init__(
        self,
        path: Path,
        database: SqliteDatabase,
        upgrade: Upgrade | None = None,
        read_only: str | None = None,
        lock: PlanLock | None = None,
    ) -> None:
        self.path = path
        self.upgrade = upgrade
        # Why the plan is open read-only (a sentence), or None when changes are saved.
        self.read_only = read_only
        # The right to change the file (storage.lock), let go of by close().
        self.lock = lock
        self._db = database
        self._db.connect(reuse_if_open=True)

    @property
    def name(self) -> str:
        return self.path.stem

    def close(self) -> None:
        if not self._db.is_closed():
            self._db.close()
        if self.lock is not None:
            self.lock.release()

    def _bound(self) -> AbstractContextManager[object]:
        # The models are shared by all plans; bind them to this one for the call.
        return self._db.bind_ctx(MODELS)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes so they land together or not at all (peewee's models
        bound to this plan for the duration; see `_atomic`)."""
        with self._bound(), self._atomic():
            yield

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        """One transaction, or the one already open when nested; no peewee involved.

        Hand-made rather than peewee's atomic(): when the disk is full SQLite rolls the
        transaction back by itself, and peewee's own rollback then failed with "no
        transaction is active", hiding the real cause from the user.
        """
        connection = self.raw_connection()
        if connection.in_transaction:  # part of a larger change, which commits it
            try:
                yield
            except DATABASE_ERRORS as error:
                raise StorageError(explain_write_error(error, self.path)) from error
            return
        try:
            connection.execute("BEGIN IMMEDIATE")
            yield
            connection.execute("COMMIT")
        except BaseException as error:
            if connection.in_transaction:  # SQLite may have rolled back by itself
                connection.execute("ROLLBACK")
            if isinstance(error, DATABASE_ERRORS):
                raise StorageError(explain_write_error(error, self.path)) from error
            raise

    def raw_connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection = self._db.connection()
        return connection

    # ----------------------------------------------------------------- reading

    def items(self) -> list[Item]:
        """Every item of the plan, with its labels, in no particular order.

        This is what opening a plan waits for, so it reads plain rows (no peewee
        objects, no ORDER BY: the board sorts its lists itself).
        """
        return self._read_items("", ())

    def item_count(self) -> int:
        try:
            return int(self._db.execute_sql("SELECT COUNT(*) FROM item").fetchone()[0])
        except DATABASE_ERRORS as error:
            raise StorageError(f"The plan's items could not be read: {error}.") from error

    def first_screen(self, sprint_id: int | None, backlog_rows: int) -> list[Item]:
        """What the board shows first: every item of one sprint and the top of the backlog.

        Enough to paint a big plan's board before the rest is read (`items`).
        """
        return self._read_items(
            " WHERE id IN (SELECT id FROM item WHERE sprint_id = ?"
            " UNION ALL SELECT id FROM (SELECT id FROM item WHERE sprint_id IS NULL"
            " ORDER BY rank, id LIMIT ?))",
            (sprint_id, backlog_rows),
        )

    def _read_items(self, where: str, params: Sequence[object]) -> list[Item]:
        try:
            labels: dict[int, list[str]] = {}
            label_where = f" WHERE item_id IN (SELECT id FROM item{where})" if where else ""
            for item_id, label in self._db.execute_sql(
                f"SELECT item_id, label FROM item_label{label_where} ORDER BY item_id, position",
                params,
            ):
                labels.setdefault(item_id, []).append(label)
            rows = self._db.execute_sql(
                f"SELECT {', '.join(_ITEM_COLUMNS)} FROM item{where}", params
            ).fetchall()
        except DATABASE_ERRORS as error:
            raise StorageError(f"The plan's items could not be read: {error}.") from error
        # Values another program may have written: one pass per column, rows named.
        problem = item_rows_problem(rows, _ITEM_COLUMNS)
        if problem is None and not set(map(type, chain.from_iterable(labels.values()))) <= {str}:
            problem = next(
                f"item label of item {item_id}: {label!r} is not text"
                for item_id, names in labels.items()
                for label in names
                if type(label) is not str
            )
        if problem is not None:
            raise StorageError(unusable(self.path.name, problem))
        no_labels: tuple[str, ...] = ()
        try:
            return self._items_of(rows, labels, no_labels)
        except (ValueError, TypeError):  # a done date that is no date
            day = _ITEM_COLUMNS.index("done_on")
            for row in rows:
                try:
                    _day(row[day])
                except (ValueError, TypeError):
                    bad = bad_date("item", row[0], "done_on", row[day])
                    raise StorageError(unusable(self.path.name, bad)) from None
            raise

    @staticmethod
    def _items_of(
        rows: list[tuple[Any, ...]], labels: dict[int, list[str]], no_labels: tuple[str, ...]
    ) -> list[Item]:
        # Positional, in the field order of Item; labels sit between status and key.
        return [
            Item(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6],
                tuple(labels[row[0]]) if row[0] in labels else no_labels,
                row[7],
                row[8],
                row[9],
                _day(row[10]),
                row[11],
                row[12],
            )
            for row in rows
        ]

    def item(self, item_id: int) -> Item:
        """One item, read afresh from the file."""
        for item in self._read_items(" WHERE id = ?", (item_id,)):
            return item
        raise StorageError(f"The plan has no item {item_id}.")

    def sprints(self) -> list[Sprint]:
        """Every sprint, earliest first."""
        try:
            rows = self._db.execute_sql(
                f"SELECT {SPRINT_COLUMNS} FROM sprint ORDER BY start_date, id"
            ).fetchall()
            return [sprint_from_row(row) for row in rows]
        except (*DATABASE_ERRORS, ValueError, TypeError) as error:
            raise StorageError(f"The plan's sprints could not be read: {error}.") from error

    def operations(self) -> list[Operation]:
        """The register of recurring operations, by name."""
        try:
            rows = self._db.execute_sql(
                f"SELECT {OPERATION_COLUMNS} FROM operation ORDER BY name COLLATE NOCASE"
            ).fetchall()
            return [operation_from_row(row) for row in rows]
        except (*DATABASE_ERRORS, ValueError, TypeError) as error:
            raise StorageError(f"The plan's operations could not be read: {error}.") from error

    def automation_plans(self) -> list[AutomationPlan]:
        """Automation items linked to an operation: what they save and when.

        A done item saves from its done date, or from its sprint's end when it has none.
        """
        rows = self._db.execute_sql(
            """
            SELECT i.operation_id, coalesce(i.saves_hours_per_week, 0), i.status, i.done_on,
                   s.end_date
            FROM item i LEFT JOIN sprint s ON s.id = i.sprint_id
            WHERE i.category = 'automation' AND i.operation_id IS NOT NULL
            """
        ).fetchall()
        plans = []
        for operation_id, saves, status, done_on, sprint_end in rows:
            try:
                end = _day(sprint_end)
                done = (_day(done_on) or end) if status == "done" else None
            except (ValueError, TypeError):
                bad = bad_date("item of operation", operation_id, "done_on", done_on)
                raise StorageError(unusable(self.path.name, bad)) from None
            plans.append(AutomationPlan(operation_id, saves, done, end))
        return plans

    def settings(self) -> dict[str, Any]:
        """The settings rows as stored (PlanSettings.from_stored makes sense of them)."""
        try:
            with self._bound():
                return {row.key: json.loads(row.value) for row in PlanSettingRow.select()}
        except (*DATABASE_ERRORS, ValueError, TypeError) as error:
            raise StorageError(f"The plan's settings could not be read: {error}.") from error

    def category_totals(self, sprint_id: int | None = None) -> dict[str, CategoryTotals]:
        """Items, estimated effort and unestimated items per category: of one sprint, or
        of the whole plan (sprint_id None), planned or not."""
        where, params = ("WHERE sprint_id = ?", (sprint_id,)) if sprint_id is not None else ("", ())
        rows = self._db.execute_sql(
            "SELECT category, count(*), coalesce(sum(estimate), 0), sum(estimate IS NULL),"
            " sum(typeof(estimate) NOT IN ('real', 'integer', 'null'))"
            f" FROM item {where} GROUP BY category",
            params,
        ).fetchall()
        if any(category not in CATEGORY_KEYS or odd for category, *_, odd in rows):
            self._raise_unusable(where, params)
        return {
            cat: CategoryTotals(count, float(effort), int(unest))
            for cat, count, effort, unest, _odd in rows
        }

    def _raise_unusable(self, where: str, params: Sequence[object]) -> None:
        """StorageError naming the first item (of a scope) with a value the app cannot use."""
        rows = self._db.execute_sql(
            f"SELECT {', '.join(_ITEM_COLUMNS)} FROM item {where}", params
        ).fetchall()
        problem = item_rows_problem(rows, _ITEM_COLUMNS) or "an item that cannot be read"
        raise StorageError(unusable(self.path.name, problem))

    def sprint_operations(self) -> list[SprintOperations]:
        """Operations effort of the items of each sprint: an item counts its actual
        effort once it is done and has one, its estimate otherwise."""
        rows = self._db.execute_sql(
            """
            SELECT sprint_id,
                   coalesce(sum(CASE WHEN category = 'product_ops' THEN {hours} END), 0),
                   coalesce(sum(CASE WHEN category = 'dev_ops' THEN {hours} END), 0)
            FROM item WHERE sprint_id IS NOT NULL AND category IN ('product_ops', 'dev_ops')
            GROUP BY sprint_id
            """.format(
                hours="CASE WHEN status = 'done' AND actual IS NOT NULL"
                " THEN actual ELSE coalesce(estimate, 0) END"
            )
        ).fetchall()
        return [SprintOperations(sid, float(product), float(dev)) for sid, product, dev in rows]

    # ----------------------------------------------------------------- writing

    @_writes
    def replace_settings(self, values: Mapping[str, Any]) -> None:
        """Make the stored settings exactly `values` (undo relies on the exactness)."""
        PlanSettingRow.delete().execute()
        for key, value in values.items():
            PlanSettingRow.insert(key=key, value=json.dumps(value)).execute()

    @_writes
    def add_item(self, fields: ItemFields, sprint_id: int | None, rank: float) -> Item:
        """Store a new item and return it with the id the file gave it."""
        values = {
            _FIELD_OF.get(name, name): getattr(fields, name)
            for name in ITEM_FIELD_NAMES
            if name != "labels"
        }
        item_id = ItemRow.insert(sprint=sprint_id, rank=rank, **values).execute()
        self._write_labels(item_id, fields.labels)
        return Item(id=item_id, sprint_id=sprint_id, rank=rank, **fields_dict(fields))

    @_writes
    def insert_items(self, items: Sequence[Item]) -> None:
        """Store items with the ids they already have (undoing a delete, redoing an add)."""
        self._insert_items_unchecked(items)

    def _insert_items_unchecked(self, items: Iterable[Item]) -> None:
        self._insert_items_on(self.raw_connection().cursor(), items)

    @staticmethod
    def _insert_items_on(cursor: sqlite3.Cursor, items: Iterable[Item]) -> None:
        placeholders = ", ".join("?" for _ in _ITEM_COLUMNS)
        items = items if isinstance(items, Sequence) else list(items)
        rows = list(map(_ITEM_ROW, items))
        labels = [
            (item.id, position, label)
            for item in items
            if item.labels
            for position, label in enumerate(item.labels)
        ]
        cursor.executemany(
            f"INSERT INTO item ({', '.join(_ITEM_COLUMNS)}) VALUES ({placeholders})", rows
        )
        cursor.executemany(
            "INSERT INTO item_label (item_id, position, label) VALUES (?, ?, ?)", labels
        )

    @_writes
    def bulk_insert_items(self, items: Iterable[Item]) -> None:
        """Many items in one transaction through the cursor (peewee per row is 30x slower)."""
        self._insert_items_unchecked(items)

    def update_items(self, changes: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
        """Set fields of several items at once; "labels" replaces an item's labels.

        Through the cursor, not peewee: every drop calls this, and building the
        statements through peewee's models cost a millisecond per drop.
        """
        self._raw_transaction(lambda cursor: self._update_items_on(cursor, changes))

    def _write_labels(self, item_id: int, labels: Sequence[str]) -> None:
        if labels:
            ItemLabelRow.insert_many(
                [{"item": item_id, "position": pos, "label": lab} for pos, lab in enumerate(labels)]
            ).execute()

    @_writes
    def delete_items(self, item_ids: Sequence[int]) -> None:
        ItemRow.delete().where(ItemRow.id.in_(list(item_ids))).execute()

    @_writes
    def add_sprint(self, fields: SprintFields) -> Sprint:
        sprint_id = SprintRow.insert(**sprint_values(fields)).execute()
        return Sprint(
            sprint_id, fields.name, fields.start, fields.end, fields.capacity, fields.revenue
        )

    @_writes
    def insert_sprint(self, sprint: Sprint) -> None:
        """Store a sprint exactly as it was (undo), record and baseline included."""
        SprintRow.insert(
            id=sprint.id,
            baseline=baseline_text(sprint.baseline),
            **sprint_values(sprint.editable),
            **record_values(sprint.record),
        ).execute()

    @_writes
    def update_sprint(self, sprint_id: int, fields: SprintFields) -> None:
        self._update_sprint(sprint_id, sprint_values(fields))

    @_writes
    def set_sprint_record(self, sprint_id: int, record: SprintRecord) -> None:
        self._update_sprint(sprint_id, record_values(record))

    @_writes
    def set_baseline(self, sprint_id: int, baseline: Baseline | None) -> None:
        self._update_sprint(sprint_id, {"baseline": baseline_text(baseline)})

    def _update_sprint(self, sprint_id: int, values: Mapping[str, Any]) -> None:
        updated = SprintRow.update(**values).where(SprintRow.id == sprint_id).execute()
        if updated != 1:
            raise StorageError(f"The plan has no sprint {sprint_id}.")

    @_writes
    def add_operation(self, fields: OperationFields) -> Operation:
        operation_id = OperationRow.insert(**operation_values(fields)).execute()
        return Operation(**_operation_kwargs(fields), id=operation_id)

    @_writes
    def insert_operation(self, operation: Operation) -> None:
        OperationRow.insert(id=operation.id, **operation_values(operation.editable)).execute()

    @_writes
    def update_operation(self, operation_id: int, fields: OperationFields) -> None:
        updated = (
            OperationRow.update(**operation_values(fields))
            .where(OperationRow.id == operation_id)
            .execute()
        )
        if updated != 1:
            raise StorageError(f"The plan has no operation {operation_id}.")

    @_writes
    def delete_operation(self, operation_id: int) -> None:
        """Delete an operation; items that removed it no longer point at anything."""
        OperationRow.delete().where(OperationRow.id == operation_id).execute()

    @_writes
    def delete_sprint(self, sprint_id: int) -> None:
        SprintRow.delete().where(SprintRow.id == sprint_id).execute()

    def apply_import(
        self,
        sprints: Sequence[Sprint],
        items: Sequence[Item],
        updates: Sequence[tuple[int, Mapping[str, Any]]],
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Write an import in one transaction, through the cursor only.

        No peewee model is touched, so this may run on a worker thread with its own
        Plan on the same file. `progress(done, total)` is called between chunks; an
        exception it raises (a cancel) rolls everything back. Foreign keys are checked
        once, over the written tables, before the commit instead of per row (a fifth
        of the write of 100,000 items); a row pointing nowhere rolls it all back.
        """
        total = len(items) + len(updates)
        chunk = 2000

        def write(cursor: sqlite3.Cursor) -> None:
            for sprint in sprints:
                values = {
                    "id": sprint.id,
                    **sprint_values(sprint.editable),
                    **record_values(sprint.record),
                }
                self._insert_raw(cursor, "sprint", values)
            done = 0
            for start in range(0, len(items), chunk):
                self._insert_items_on(cursor, items[start : start + chunk])
                done += len(items[start : start + chunk])
                if progress is not None:
                    progress(done, total)
            for start in range(0, len(updates), chunk):
                self._update_items_on(cursor, updates[start : start + chunk])
                done += len(updates[start : start + chunk])
                if progress is not None:
                    progress(done, total)

        self._raw_transaction(write, bulk=True)

    def revert_import(
        self,
        sprint_ids: Sequence[int],
        item_ids: Sequence[int],
        restores: Sequence[tuple[int, Mapping[str, Any]]],
    ) -> None:
        """Undo `apply_import`: remove what it added, restore what it changed."""

        def write(cursor: sqlite3.Cursor) -> None:
            cursor.executemany("DELETE FROM item WHERE id = ?", [(i,) for i in item_ids])
            self._update_items_on(cursor, restores)
            cursor.executemany("DELETE FROM sprint WHERE id = ?", [(i,) for i in sprint_ids])

        self._raw_transaction(write)

    def _raw_transaction(
        self, write: Callable[[sqlite3.Cursor], None], *, bulk: bool = False
    ) -> None:
        """Run `write` through the cursor in one transaction (or the caller's).

        `bulk`: SQLite checks foreign keys once over the tables at the end rather than
        on every row (only possible when this is the outer transaction: the pragma
        cannot change inside one).
        """
        connection = self.raw_connection()
        bulk = bulk and not connection.in_transaction
        if bulk:
            connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with self._atomic():
                cursor = connection.cursor()
                write(cursor)
                if bulk:
                    _check_foreign_keys(cursor)
        finally:
            if bulk:
                connection.execute("PRAGMA foreign_keys = ON")

    @staticmethod
    def _insert_raw(cursor: sqlite3.Cursor, table: str, values: Mapping[str, Any]) -> None:
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor.execute(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",
            list(values.values()),
        )

    @staticmethod
    def _update_items_on(
        cursor: sqlite3.Cursor, changes: Sequence[tuple[int, Mapping[str, Any]]]
    ) -> None:
        for item_id, values in changes:
            columns = {k: v for k, v in values.items() if k in _ITEM_UPDATABLE}
            unknown = set(values) - _ITEM_UPDATABLE - {"labels"}
            if unknown:
                raise StorageError(f"Items have no field {', '.join(sorted(unknown))}.")
            if columns:
                assignments = ", ".join(f"{name} = ?" for name in columns)
                cursor.execute(
                    f"UPDATE item SET {assignments} WHERE id = ?",
                    [*columns.values(), item_id],
                )
                if cursor.rowcount != 1:
                    raise StorageError(f"The plan has no item {item_id}.")
            if "labels" in values:
                cursor.execute("DELETE FROM item_label WHERE item_id = ?", (item_id,))
                cursor.executemany(
                    "INSERT INTO item_label (item_id, position, label) VALUES (?, ?, ?)",
                    [(item_id, pos, label) for pos, label in enumerate(values["labels"])],
                )

    def copy_to(self, destination: Path) -> None:
        """Write a consistent copy of the plan, WAL content included, to a new file."""
        target = sqlite3.connect(destination)
        try:
            self.raw_connection().backup(target)
        finally:
            target.close()


def _operation_kwargs(fields: OperationFields) -> dict[str, Any]:
    return {f: getattr(fields, f) for f in OperationFields.__dataclass_fields__}


def fields_dict(fields: ItemFields) -> dict[str, Any]:
    return {name: getattr(fields, name) for name in ITEM_FIELD_NAMES}
