"""An open plan, a file or a team plan: every query and write the app makes goes here.

Each write method is one transaction, so a change is stored the moment the call returns
and a killed process leaves either all of it or none of it. Every transaction that
changes rows also appends one entry to the plan's history (change_log: who, when, what,
and the rows as they are after it) and, on a team plan, tells the other windows.
Rows carry versions: a write made over a version someone else has moved on from is
refused whole (ConflictError), so nobody's change silently overwrites another's.

The queries are written once, in the SQL both engines share; `Backend` (backend.py)
speaks each engine's dialect.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any

from peewee import Database, SqliteDatabase

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import ITEM_FIELD_NAMES, Item, ItemFields, Sprint, SprintFields
from onproduct.domain.metrics import CategoryTotals
from onproduct.domain.operations import (
    AutomationPlan,
    Operation,
    OperationFields,
    SprintOperations,
)
from onproduct.storage import changelog
from onproduct.storage.backend import Backend, FileBackend
from onproduct.storage.changelog import Change
from onproduct.storage.errors import ConflictError, StorageError
from onproduct.storage.lock import PlanLock
from onproduct.storage.records import (
    ITEM_COLUMNS,
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

# Columns of item in the order rows are read and bulk-written.
# Item attributes that are columns of the item table (labels live in item_label).
_ITEM_UPDATABLE = frozenset(ITEM_COLUMNS) - {"id", "version"}
# An item's row for the item table, in ITEM_COLUMNS order, picked in C.
_ITEM_ROW = attrgetter(*ITEM_COLUMNS)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


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


@dataclass(frozen=True, slots=True)
class Upgrade:
    """An older plan that was brought to the current format when it was opened."""

    from_version: int
    backup: Path


class Plan:
    """One open plan: a file (SQLite) or a team plan (a PostgreSQL schema)."""

    def __init__(
        self,
        path: Path | None,
        database: Database | Backend,
        upgrade: Upgrade | None = None,
        read_only: str | None = None,
        lock: PlanLock | None = None,
        *,
        name: str | None = None,
    ) -> None:
        self.path = path
        self.upgrade = upgrade
        # Why the plan is open read-only (a sentence), or None when changes are saved.
        self.read_only = read_only
        # Held while the plan is open (storage.lock), let go of by close().
        self.lock = lock
        self.backend = (
            database if isinstance(database, Backend) else FileBackend(database, path or "")
        )
        self._name = name
        # A team plan's address (storage.team.TeamAddress), set by whoever opened it.
        self.address: Any = None
        self._what: str | None = None
        self._touched: dict[str, set[int | str]] = {}
        # The history entries this Plan committed (its window knows them already).
        self.last_change: int | None = None
        self.own_changes: set[int] = set()
        self.backend.connect()

    @property
    def name(self) -> str:
        if self._name is not None:
            return self._name
        return self.path.stem if self.path is not None else "plan"

    @property
    def is_team(self) -> bool:
        return self.backend.kind == "team"

    @property
    def location(self) -> str:
        """Where the plan is: its file's path, or its team plan's address."""
        return str(self.path) if self.path is not None else str(self.backend.where)

    @property
    def _errors(self) -> tuple[type[BaseException], ...]:
        return self.backend.errors

    def close(self) -> None:
        self.backend.close()
        if self.lock is not None:
            self.lock.release()

    def raw_connection(self) -> Any:
        return self.backend.connection()

    def _q(self, sql: str, params: Sequence[object] = ()) -> Any:
        """Run a read; an engine's error becomes a StorageError."""
        return self.backend.execute(sql, params)

    # ------------------------------------------------------------- transactions

    @contextmanager
    def change(self, what: str) -> Iterator[None]:
        """Name the writes made inside (in the past tense: "moved “X” to Technical debt"):
        the line of the plan's history they make together."""
        outer = self._what
        self._what = what if outer is None else outer
        try:
            yield
        finally:
            self._what = outer

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several writes so they land together or not at all, as one change of
        the history (or join the transaction already open)."""
        with self._atomic():
            yield

    @contextmanager
    def _atomic(self) -> Iterator[Any]:
        """One transaction, or the one already open when nested; no peewee involved.

        Hand-made rather than peewee's atomic(): when the disk is full SQLite rolls the
        transaction back by itself, and peewee's own rollback then failed with "no
        transaction is active", hiding the real cause from the user.
        """
        backend = self.backend
        if backend.in_transaction():  # part of a larger change, which commits it
            try:
                yield backend.cursor()
            except self._errors as error:
                raise backend.write_error(error) from error
            return
        self._touched = {}
        try:
            backend.begin()
            cursor = backend.cursor()
            yield cursor
            change_id = None
            if self._touched:
                what = self._what or "changed the plan"
                change_id = changelog.log(backend, cursor, self._touched, what)
            backend.commit()
        except BaseException as error:
            # The connection may be gone: nothing was committed either way.
            with contextlib.suppress(*self._errors):
                backend.rollback()
            if isinstance(error, self._errors):
                raise backend.write_error(error) from error
            raise
        finally:
            self._touched = {}
        if change_id is not None:
            self.last_change = change_id
            self.own_changes.add(change_id)

    def _touch(self, table: str, ids: Iterable[int | str]) -> None:
        self._touched.setdefault(table, set()).update(ids)

    def _raw_transaction(self, write: Callable[[Any], Any], *, bulk: bool = False) -> Any:
        """Run `write` through a cursor in one transaction (or the caller's).

        `bulk`: a file checks foreign keys once over the tables at the end rather than
        on every row (only possible when this is the outer transaction: the pragma
        cannot change inside one).
        """
        backend = self.backend
        checks_off = bulk and backend.checks_off()
        try:
            with self._atomic() as cursor:
                result = write(cursor)
                if checks_off:
                    backend.check_references(cursor)
                return result
        finally:
            if checks_off:
                backend.checks_on()

    # ----------------------------------------------------------------- reading

    def items(self) -> list[Item]:
        """Every item of the plan, with its labels, in no particular order.

        This is what opening a plan waits for, so it reads plain rows (no peewee
        objects, no ORDER BY: the board sorts its lists itself).
        """
        return self._read_items("", ())

    def items_by_ids(self, item_ids: Sequence[int]) -> list[Item]:
        """These items as stored now (an id the plan no longer has is left out)."""
        found: list[Item] = []
        for start in range(0, len(item_ids), 500):
            part = list(item_ids[start : start + 500])
            marks = ", ".join("?" for _ in part)
            found += self._read_items(f" WHERE id IN ({marks})", part)
        return found

    def item_count(self) -> int:
        return int(self._q("SELECT COUNT(*) FROM item").fetchone()[0])

    def first_screen(self, sprint_id: int | None, backlog_rows: int) -> list[Item]:
        """What the board shows first: every item of one sprint and the top of the backlog.

        Enough to paint a big plan's board before the rest is read (`items`).
        """
        return self._read_items(
            " WHERE id IN (SELECT id FROM item WHERE sprint_id = ?"
            " UNION ALL SELECT id FROM (SELECT id FROM item WHERE sprint_id IS NULL"
            " ORDER BY rank, id LIMIT ?) AS top)",
            (sprint_id, backlog_rows),
        )

    def _read_items(self, where: str, params: Sequence[object]) -> list[Item]:
        labels: dict[int, list[str]] = {}
        label_where = f" WHERE item_id IN (SELECT id FROM item{where})" if where else ""
        for item_id, label in self._q(
            f"SELECT item_id, label FROM item_label{label_where} ORDER BY item_id, position",
            params,
        ).fetchall():
            labels.setdefault(item_id, []).append(label)
        rows = self._q(f"SELECT {', '.join(ITEM_COLUMNS)} FROM item{where}", params).fetchall()
        if self.backend.loose_types:
            # Values another program may have written: one pass per column, rows named.
            problem = item_rows_problem(rows, ITEM_COLUMNS)
            if problem is None and not set(map(type, chain.from_iterable(labels.values()))) <= {
                str
            }:
                problem = next(
                    f"item label of item {item_id}: {label!r} is not text"
                    for item_id, names in labels.items()
                    for label in names
                    if type(label) is not str
                )
            if problem is not None:
                raise StorageError(unusable(self.name, problem))
        no_labels: tuple[str, ...] = ()
        try:
            return _items_of(rows, labels, no_labels)
        except (ValueError, TypeError):  # a done date that is no date
            day = ITEM_COLUMNS.index("done_on")
            for row in rows:
                try:
                    _day(row[day])
                except (ValueError, TypeError):
                    bad = bad_date("item", row[0], "done_on", row[day])
                    raise StorageError(unusable(self.name, bad)) from None
            raise

    def item(self, item_id: int) -> Item:
        """One item, read afresh from the plan."""
        for item in self._read_items(" WHERE id = ?", (item_id,)):
            return item
        raise StorageError(f"The plan has no item {item_id}.")

    def sprints(self) -> list[Sprint]:
        """Every sprint, earliest first."""
        try:
            rows = self._q(f"SELECT {SPRINT_COLUMNS} FROM sprint ORDER BY start_date, id")
            return [sprint_from_row(row) for row in rows.fetchall()]
        except (StorageError, ValueError, TypeError) as error:
            raise StorageError(f"The plan's sprints could not be read: {error}") from error

    def operations(self) -> list[Operation]:
        """The register of recurring operations, by name."""
        try:
            rows = self._q(f"SELECT {OPERATION_COLUMNS} FROM operation ORDER BY lower(name), id")
            return [operation_from_row(row) for row in rows.fetchall()]
        except (StorageError, ValueError, TypeError) as error:
            raise StorageError(f"The plan's operations could not be read: {error}") from error

    def automation_plans(self) -> list[AutomationPlan]:
        """Automation items linked to an operation: what they save and when.

        A done item saves from its done date, or from its sprint's end when it has none.
        """
        rows = self._q(
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
                raise StorageError(unusable(self.name, bad)) from None
            plans.append(AutomationPlan(operation_id, saves, done, end))
        return plans

    def settings(self) -> dict[str, Any]:
        """The settings rows as stored (PlanSettings.from_stored makes sense of them)."""
        try:
            rows = self._q("SELECT key, value FROM plan_setting").fetchall()
            return {key: json.loads(value) for key, value in rows}
        except (StorageError, ValueError, TypeError) as error:
            raise StorageError(f"The plan's settings could not be read: {error}") from error

    def settings_version(self) -> int:
        return int(self._q("SELECT coalesce(max(version), 0) FROM plan_setting").fetchone()[0])

    def category_totals(self, sprint_id: int | None = None) -> dict[str, CategoryTotals]:
        """Items, estimated effort and unestimated items per category: of one sprint, or
        of the whole plan (sprint_id None), planned or not."""
        where, params = ("WHERE sprint_id = ?", (sprint_id,)) if sprint_id is not None else ("", ())
        odd = (
            "sum(CASE WHEN typeof(estimate) NOT IN ('real', 'integer', 'null') THEN 1 ELSE 0 END)"
            if self.backend.loose_types
            else "0"
        )
        rows = self._q(
            "SELECT category, count(*), coalesce(sum(estimate), 0),"
            f" sum(CASE WHEN estimate IS NULL THEN 1 ELSE 0 END), {odd}"
            f" FROM item {where} GROUP BY category",
            params,
        ).fetchall()
        if any(category not in CATEGORY_KEYS or odd for category, *_, odd in rows):
            self._raise_unusable(where, params)
        return {
            cat: CategoryTotals(int(count), float(effort), int(unest))
            for cat, count, effort, unest, _odd in rows
        }

    def _raise_unusable(self, where: str, params: Sequence[object]) -> None:
        """StorageError naming the first item (of a scope) with a value the app cannot use."""
        rows = self._q(f"SELECT {', '.join(ITEM_COLUMNS)} FROM item {where}", params).fetchall()
        problem = item_rows_problem(rows, ITEM_COLUMNS) or "an item that cannot be read"
        raise StorageError(unusable(self.name, problem))

    def sprint_operations(self) -> list[SprintOperations]:
        """Operations effort of the items of each sprint: an item counts its actual
        effort once it is done and has one, its estimate otherwise."""
        rows = self._q(
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

    # ----------------------------------------------------------------- history

    def latest_change(self) -> int:
        """The id of the newest entry of the history (0 when there is none)."""
        return changelog.latest_change(self.backend)

    def changes_since(self, change_id: int, limit: int = 5000) -> list[Change]:
        """The entries after `change_id`, oldest first."""
        return changelog.changes_since(self.backend, change_id, limit)

    def history(
        self, item_id: int | None = None, limit: int = 500, before: int | None = None
    ) -> list[Change]:
        """The history, newest first; of one item only when `item_id` is given."""
        return changelog.entries(self.backend, item_id, limit, before)

    def last_change_of(self, table: str, row_id: int | str) -> Change | None:
        """The newest entry that changed one row (who moved it last)."""
        return changelog.last_change_of(self.backend, table, row_id)

    def data_version(self) -> int:
        return self.backend.data_version()

    # ----------------------------------------------------------------- writing

    def replace_settings(self, values: Mapping[str, Any], expected: int | None = None) -> int:
        """Make the stored settings exactly `values` (undo relies on the exactness), if
        they are still at version `expected`; returns their new version."""

        def write(cursor: Any) -> int:
            q = self.backend.sql
            cursor.execute(q("SELECT coalesce(max(version), 0) FROM plan_setting"))
            current = int(cursor.fetchone()[0])
            if expected is not None and current != expected:
                raise ConflictError("setting", "settings")
            cursor.execute(q("DELETE FROM plan_setting"))
            cursor.executemany(
                q("INSERT INTO plan_setting (key, value, version) VALUES (?, ?, ?)"),
                [(key, json.dumps(value), current + 1) for key, value in values.items()],
            )
            self._touch("setting", ["settings"])
            return current + 1

        return int(self._raw_transaction(write))

    def add_item(self, fields: ItemFields, sprint_id: int | None, rank: float) -> Item:
        """Store a new item and return it with the id the plan gave it."""

        def write(cursor: Any) -> Item:
            columns = [name for name in ITEM_COLUMNS if name not in ("id", "version")]
            item = Item.placed(0, fields, sprint_id, rank)
            values = list(_text_dates({name: getattr(item, name) for name in columns}).values())
            marks = ", ".join("?" for _ in columns)
            cursor.execute(
                self.backend.sql(
                    f"INSERT INTO item ({', '.join(columns)}) VALUES ({marks}) RETURNING id"
                ),
                values,
            )
            item_id = int(cursor.fetchone()[0])
            self._write_labels(cursor, [(item_id, fields.labels)])
            self._touch("item", [item_id])
            return replace(item, id=item_id, version=1)

        result: Item = self._raw_transaction(write)
        return result

    def insert_items(self, items: Sequence[Item]) -> list[Item]:
        """Store items with the ids they had (undoing a delete, redoing an add); they come
        back one version on, so a window that saw them before they went cannot overwrite
        them unawares."""
        again = [replace(item, version=item.version + 1) for item in items]

        def write(cursor: Any) -> list[Item]:
            self._insert_items_on(cursor, again)
            self._touch("item", [item.id for item in again])
            return again

        result: list[Item] = self._raw_transaction(write)
        return result

    def _insert_items_on(self, cursor: Any, items: Iterable[Item]) -> None:
        placeholders = ", ".join("?" for _ in ITEM_COLUMNS)
        items = items if isinstance(items, Sequence) else list(items)
        rows = list(map(_ITEM_ROW, items))
        if not self.backend.loose_types:  # PostgreSQL: dates as the ISO text stored
            day = ITEM_COLUMNS.index("done_on")
            rows = [
                (*row[:day], row[day].isoformat(), *row[day + 1 :]) if row[day] else row
                for row in rows
            ]
        cursor.executemany(
            self.backend.sql(
                f"INSERT INTO item ({', '.join(ITEM_COLUMNS)}) VALUES ({placeholders})"
            ),
            rows,
        )
        self._write_labels(cursor, [(item.id, item.labels) for item in items if item.labels])

    def _write_labels(self, cursor: Any, labels: Iterable[tuple[int, Sequence[str]]]) -> None:
        rows = [
            (item_id, position, label)
            for item_id, names in labels
            for position, label in enumerate(names)
        ]
        if rows:
            cursor.executemany(
                self.backend.sql(
                    "INSERT INTO item_label (item_id, position, label) VALUES (?, ?, ?)"
                ),
                rows,
            )

    def bulk_insert_items(self, items: Iterable[Item]) -> None:
        """Many items in one transaction through the cursor (peewee per row is 30x slower)."""
        items = list(items)

        def write(cursor: Any) -> None:
            self._insert_items_on(cursor, items)
            self._touch("item", [item.id for item in items])

        self._raw_transaction(write)

    def update_items(
        self,
        changes: Sequence[tuple[int, Mapping[str, Any]]],
        expected: Mapping[int, int] | None = None,
    ) -> dict[int, int]:
        """Set fields of several items at once ("labels" replaces an item's labels); each
        only if still at its `expected` version. Returns every item's new version.

        Through the cursor, not peewee: every drop calls this, and building the
        statements through peewee's models cost a millisecond per drop.
        """
        result: dict[int, int] = self._raw_transaction(
            lambda cursor: self._update_items_on(cursor, changes, expected)
        )
        return result

    def _update_items_on(
        self,
        cursor: Any,
        changes: Sequence[tuple[int, Mapping[str, Any]]],
        expected: Mapping[int, int] | None = None,
    ) -> dict[int, int]:
        q = self.backend.sql
        versions: dict[int, int] = {}
        for item_id, values in changes:
            columns = {k: v for k, v in values.items() if k in _ITEM_UPDATABLE}
            unknown = set(values) - _ITEM_UPDATABLE - {"labels", "version"}
            if unknown:
                raise StorageError(f"Items have no field {', '.join(sorted(unknown))}.")
            if not self.backend.loose_types and isinstance(columns.get("done_on"), date):
                columns["done_on"] = columns["done_on"].isoformat()
            assignments = "".join(f"{name} = ?, " for name in columns)
            version = expected.get(item_id) if expected is not None else None
            if version is None:
                cursor.execute(
                    q(f"UPDATE item SET {assignments}version = version + 1 WHERE id = ?"),
                    [*columns.values(), item_id],
                )
            else:
                cursor.execute(
                    q(
                        f"UPDATE item SET {assignments}version = version + 1"
                        " WHERE id = ? AND version = ?"
                    ),
                    [*columns.values(), item_id, version],
                )
            if cursor.rowcount != 1:
                if version is not None and self._exists(cursor, "item", item_id):
                    raise ConflictError("item", item_id)
                raise ConflictError("item", item_id, f"The plan has no item {item_id} any more.")
            if version is not None:
                versions[item_id] = version + 1
            if "labels" in values:
                cursor.execute(q("DELETE FROM item_label WHERE item_id = ?"), (item_id,))
                self._write_labels(cursor, [(item_id, values["labels"])])
        unknown_versions = [i for i, _ in changes if i not in versions]
        if unknown_versions:
            versions.update(self._versions(cursor, "item", unknown_versions))
        self._touch("item", [item_id for item_id, _ in changes])
        return versions

    def _exists(self, cursor: Any, table: str, row_id: int) -> bool:
        cursor.execute(self.backend.sql(f"SELECT 1 FROM {table} WHERE id = ?"), (row_id,))
        return cursor.fetchone() is not None

    def _versions(self, cursor: Any, table: str, ids: Sequence[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for start in range(0, len(ids), 500):
            part = list(ids[start : start + 500])
            marks = ", ".join("?" for _ in part)
            cursor.execute(
                self.backend.sql(f"SELECT id, version FROM {table} WHERE id IN ({marks})"), part
            )
            found.update({int(i): int(v) for i, v in cursor.fetchall()})
        return found

    def _delete_checked(
        self, cursor: Any, table: str, ids: Sequence[int], expected: Mapping[int, int] | None
    ) -> None:
        q = self.backend.sql
        for row_id in ids:
            version = expected.get(row_id) if expected is not None else None
            if version is None:
                cursor.execute(q(f"DELETE FROM {table} WHERE id = ?"), (row_id,))
            else:
                cursor.execute(
                    q(f"DELETE FROM {table} WHERE id = ? AND version = ?"), (row_id, version)
                )
                if cursor.rowcount != 1:
                    raise ConflictError(table, row_id)
        self._touch(table, ids)

    def delete_items(
        self, item_ids: Sequence[int], expected: Mapping[int, int] | None = None
    ) -> None:
        self._raw_transaction(
            lambda cursor: self._delete_checked(cursor, "item", item_ids, expected)
        )

    def add_sprint(self, fields: SprintFields) -> Sprint:
        def write(cursor: Any) -> Sprint:
            sprint_id = self._insert_new(cursor, "sprint", _text_dates(sprint_values(fields)))
            return Sprint(
                sprint_id, fields.name, fields.start, fields.end, fields.capacity, fields.revenue,
                version=1,
            )  # fmt: skip

        result: Sprint = self._raw_transaction(write)
        return result

    def insert_sprint(self, sprint: Sprint) -> Sprint:
        """Store a sprint exactly as it was (undo), record and baseline included; it comes
        back one version on."""
        again = replace(sprint, version=sprint.version + 1)
        self._raw_transaction(lambda cursor: self._insert_sprint_on(cursor, again))
        return again

    def _insert_sprint_on(self, cursor: Any, sprint: Sprint) -> None:
        values = {
            "id": sprint.id,
            "baseline": baseline_text(sprint.baseline),
            "version": sprint.version,
            **_text_dates(sprint_values(sprint.editable)),
            **record_values(sprint.record),
        }
        self._insert_raw(cursor, "sprint", values)
        self._touch("sprint", [sprint.id])

    def save_sprint(self, sprint: Sprint, expected: int | None = None) -> Sprint:
        """Store a sprint's fields, record and baseline over version `expected`; the
        sprint as stored (one version on)."""
        result: Sprint = self._raw_transaction(
            lambda cursor: self._save_sprint_on(cursor, sprint, expected)
        )
        return result

    def _save_sprint_on(self, cursor: Any, sprint: Sprint, expected: int | None) -> Sprint:
        values = {
            **_text_dates(sprint_values(sprint.editable)),
            **record_values(sprint.record),
            "baseline": baseline_text(sprint.baseline),
        }
        assignments = "".join(f"{name} = ?, " for name in values)
        q = self.backend.sql
        if expected is None:
            cursor.execute(
                q(f"UPDATE sprint SET {assignments}version = version + 1 WHERE id = ?"),
                [*values.values(), sprint.id],
            )
        else:
            cursor.execute(
                q(
                    f"UPDATE sprint SET {assignments}version = version + 1"
                    " WHERE id = ? AND version = ?"
                ),
                [*values.values(), sprint.id, expected],
            )
        if cursor.rowcount != 1:
            if expected is not None and self._exists(cursor, "sprint", sprint.id):
                raise ConflictError("sprint", sprint.id)
            raise ConflictError(
                "sprint", sprint.id, f"The plan has no sprint {sprint.id} any more."
            )
        self._touch("sprint", [sprint.id])
        version = self._versions(cursor, "sprint", [sprint.id])[sprint.id]
        return replace(sprint, version=version)

    def update_sprint(self, sprint_id: int, fields: SprintFields) -> None:
        """Change a sprint's name, dates, capacity and revenue (no version check)."""

        def write(cursor: Any) -> None:
            values = _text_dates(sprint_values(fields))
            assignments = "".join(f"{name} = ?, " for name in values)
            cursor.execute(
                self.backend.sql(
                    f"UPDATE sprint SET {assignments}version = version + 1 WHERE id = ?"
                ),
                [*values.values(), sprint_id],
            )
            if cursor.rowcount != 1:
                raise StorageError(f"The plan has no sprint {sprint_id}.")
            self._touch("sprint", [sprint_id])

        self._raw_transaction(write)

    def delete_sprint(self, sprint_id: int, expected: int | None = None) -> None:
        self._raw_transaction(
            lambda cursor: self._delete_checked(
                cursor, "sprint", [sprint_id], {sprint_id: expected} if expected else None
            )
        )

    def add_operation(self, fields: OperationFields) -> Operation:
        def write(cursor: Any) -> Operation:
            values = _text_dates(operation_values(fields))
            operation_id = self._insert_new(cursor, "operation", values)
            return Operation(**_operation_kwargs(fields), id=operation_id, version=1)

        result: Operation = self._raw_transaction(write)
        return result

    def insert_operation(self, operation: Operation) -> Operation:
        again = replace(operation, version=operation.version + 1)

        def write(cursor: Any) -> None:
            values = {
                "id": again.id,
                "version": again.version,
                **_text_dates(operation_values(again.editable)),
            }
            self._insert_raw(cursor, "operation", values)
            self._touch("operation", [again.id])

        self._raw_transaction(write)
        return again

    def update_operation(
        self, operation_id: int, fields: OperationFields, expected: int | None = None
    ) -> int:
        """Change an operation over version `expected`; its new version."""

        def write(cursor: Any) -> int:
            values = _text_dates(operation_values(fields))
            assignments = "".join(f"{name} = ?, " for name in values)
            check = " AND version = ?" if expected is not None else ""
            params = [*values.values(), operation_id, *([expected] if expected is not None else [])]
            cursor.execute(
                self.backend.sql(
                    f"UPDATE operation SET {assignments}version = version + 1 WHERE id = ?{check}"
                ),
                params,
            )
            if cursor.rowcount != 1:
                if expected is not None and self._exists(cursor, "operation", operation_id):
                    raise ConflictError("operation", operation_id)
                raise StorageError(f"The plan has no operation {operation_id}.")
            self._touch("operation", [operation_id])
            return self._versions(cursor, "operation", [operation_id])[operation_id]

        result: int = self._raw_transaction(write)
        return result

    def delete_operation(self, operation_id: int, expected: int | None = None) -> None:
        """Delete an operation; items that removed it no longer point at anything."""

        def write(cursor: Any) -> None:
            # Items still linked lose the link (ON DELETE SET NULL) without a new version:
            # the window that deletes has already unlinked them itself.
            linked = self._linked(cursor, operation_id)
            self._delete_checked(
                cursor, "operation", [operation_id], {operation_id: expected} if expected else None
            )
            self._touch("item", linked)

        self._raw_transaction(write)

    def _linked(self, cursor: Any, operation_id: int) -> list[int]:
        cursor.execute(
            self.backend.sql("SELECT id FROM item WHERE operation_id = ?"), (operation_id,)
        )
        return [int(row[0]) for row in cursor.fetchall()]

    def apply_import(
        self,
        sprints: Sequence[Sprint],
        items: Sequence[Item],
        updates: Sequence[tuple[int, Mapping[str, Any]]],
        progress: Callable[[int, int], None] | None = None,
        expected: Mapping[int, int] | None = None,
    ) -> tuple[list[Sprint], list[Item]]:
        """Write an import in one transaction, through the cursor only.

        New sprints and items get their ids here, from the plan (so two imports at once
        never hand out the same one): returned as written. `progress(done, total)` is
        called between chunks; an exception it raises (a cancel) rolls everything back.
        A file checks foreign keys once, over the written tables, before the commit
        instead of per row (a fifth of the write of 100,000 items).
        """
        total = len(items) + len(updates)
        chunk = 2000

        def write(cursor: Any) -> tuple[list[Sprint], list[Item]]:
            sprint_ids: dict[int, int] = {}
            written_sprints: list[Sprint] = []
            if sprints:
                first = self.backend.reserve_ids(cursor, "sprint", len(sprints))
                for offset, sprint in enumerate(sprints):
                    sprint_ids[sprint.id] = first + offset
                    placed = replace(sprint, id=first + offset, version=1)
                    written_sprints.append(placed)
                    self._insert_sprint_on(cursor, placed)
            written: list[Item] = []
            if items:
                first = self.backend.reserve_ids(cursor, "item", len(items))
                written = [
                    replace(
                        item,
                        id=first + offset,
                        version=1,
                        sprint_id=sprint_ids.get(item.sprint_id, item.sprint_id)
                        if item.sprint_id is not None
                        else None,
                    )
                    for offset, item in enumerate(items)
                ]
            done = 0
            for start in range(0, len(written), chunk):
                self._insert_items_on(cursor, written[start : start + chunk])
                done += len(written[start : start + chunk])
                if progress is not None:
                    progress(done, total)
            self._touch("item", [item.id for item in written])
            moved = [(item_id, _moved_sprint(values, sprint_ids)) for item_id, values in updates]
            for start in range(0, len(moved), chunk):
                self._update_items_on(cursor, moved[start : start + chunk], expected)
                done += len(moved[start : start + chunk])
                if progress is not None:
                    progress(done, total)
            return written_sprints, written

        result: tuple[list[Sprint], list[Item]] = self._raw_transaction(write, bulk=True)
        return result

    def revert_import(
        self,
        sprint_ids: Sequence[int],
        item_ids: Sequence[int],
        restores: Sequence[tuple[int, Mapping[str, Any]]],
    ) -> None:
        """Undo `apply_import`: remove what it added, restore what it changed."""

        def write(cursor: Any) -> None:
            q = self.backend.sql
            cursor.executemany(q("DELETE FROM item WHERE id = ?"), [(i,) for i in item_ids])
            self._touch("item", item_ids)
            self._update_items_on(cursor, restores)
            cursor.executemany(q("DELETE FROM sprint WHERE id = ?"), [(i,) for i in sprint_ids])
            self._touch("sprint", sprint_ids)

        self._raw_transaction(write)

    def _insert_new(self, cursor: Any, table: str, values: Mapping[str, Any]) -> int:
        """Insert a row the plan numbers itself; its new id (touched for the history)."""
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor.execute(
            self.backend.sql(f"INSERT INTO {table} ({names}) VALUES ({marks}) RETURNING id"),
            list(values.values()),
        )
        row_id = int(cursor.fetchone()[0])
        self._touch(table, [row_id])
        return row_id

    def _insert_raw(self, cursor: Any, table: str, values: Mapping[str, Any]) -> None:
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor.execute(
            self.backend.sql(f"INSERT INTO {table} ({names}) VALUES ({marks})"),
            list(values.values()),
        )

    def copy_to(self, destination: Path) -> None:
        """Write a consistent copy of the plan, log content included, to a new file."""
        from onproduct.storage.copying import copy_plan_into

        if isinstance(self.backend, FileBackend):
            target = sqlite3.connect(destination)
            try:
                self.raw_connection().backup(target)
            finally:
                target.close()
            return
        copy_plan_into(self, destination)


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
            row[13],
        )
        for row in rows
    ]


def _moved_sprint(values: Mapping[str, Any], sprint_ids: Mapping[int, int]) -> Mapping[str, Any]:
    """An import's update with the id of a sprint it created put right."""
    sprint_id = values.get("sprint_id")
    if sprint_id is not None and sprint_id in sprint_ids:
        return {**values, "sprint_id": sprint_ids[sprint_id]}
    return values


def _text_dates(values: Mapping[str, Any]) -> dict[str, Any]:
    """Dates as the ISO text both engines store."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}


def _operation_kwargs(fields: OperationFields) -> dict[str, Any]:
    return {f: getattr(fields, f) for f in OperationFields.__dataclass_fields__}


def fields_dict(fields: ItemFields) -> dict[str, Any]:
    return {name: getattr(fields, name) for name in ITEM_FIELD_NAMES}
