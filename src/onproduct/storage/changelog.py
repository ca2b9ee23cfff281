"""A plan's history: one entry per change (who, when, what, and the rows after it).

`Plan` calls `log` inside every transaction that changed rows, before its commit, so a
change and its entry land together or not at all; the same tables (change_log and
change_row, format 5) hold it in a file and on a team plan's server. The rows kept
with an entry let another window take in the change without reading the whole plan,
and let a test replay the history and compare it with the plan.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from onproduct.storage.backend import Backend, now_text
from onproduct.storage.records import ITEM_COLUMNS, OPERATION_COLUMNS, SPRINT_COLUMNS

# A change touching more rows than this keeps their ids only, not the rows themselves.
LOGGED_ROWS = 2000


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of a plan's history."""

    id: int
    at: str  # ISO 8601, UTC
    who: str
    what: str  # "moved “Dunning e-mails” to Technical debt"
    rows: Mapping[str, Any]  # {"item": {id: row or None}, ..., "partial": bool}

    def touches(self, table: str) -> set[int | str]:
        return set(self.rows.get(table, {})) if isinstance(self.rows, Mapping) else set()

    @property
    def partial(self) -> bool:
        """A bulk change (an import): its rows are not kept, only that it happened."""
        return bool(self.rows.get("partial")) if isinstance(self.rows, Mapping) else True


def log(backend: Backend, cursor: Any, touched: Mapping[str, set[int | str]], what: str) -> int:
    """Append the change just made (inside its transaction) to the history; its id."""
    q = backend.sql
    count = sum(len(ids) for ids in touched.values())
    rows: dict[str, Any] = {}
    if count > LOGGED_ROWS:
        rows["partial"] = True
    else:
        rows.update(_after_images(backend, cursor, touched))
    backend.before_log(cursor)
    cursor.execute(
        q("INSERT INTO change_log (at, who, what, rows) VALUES (?, ?, ?, ?) RETURNING id"),
        (now_text(), backend.who(), what, json.dumps(rows, default=str)),
    )
    change_id = int(cursor.fetchone()[0])
    if count <= LOGGED_ROWS:
        cursor.executemany(
            q("INSERT INTO change_row (change_id, tbl, row_id) VALUES (?, ?, ?)"),
            [(change_id, table, str(i)) for table, ids in touched.items() for i in ids],
        )
    backend.announce(cursor, change_id)
    return change_id


def _after_images(
    backend: Backend, cursor: Any, touched: Mapping[str, set[int | str]]
) -> dict[str, dict[str, Any]]:
    """The touched rows as they are now (None: deleted), for the history's replay."""
    q = backend.sql
    images: dict[str, dict[str, Any]] = {}
    ids = sorted(int(i) for i in touched.get("item", ()))
    if ids:
        marks = ", ".join("?" for _ in ids)
        cursor.execute(q(f"SELECT {', '.join(ITEM_COLUMNS)} FROM item WHERE id IN ({marks})"), ids)
        found = {row[0]: list(row) for row in cursor.fetchall()}
        cursor.execute(
            q(
                f"SELECT item_id, label FROM item_label WHERE item_id IN ({marks})"
                " ORDER BY item_id, position"
            ),
            ids,
        )
        labels: dict[int, list[str]] = {}
        for item_id, label in cursor.fetchall():
            labels.setdefault(item_id, []).append(label)
        images["item"] = {
            str(i): [*found[i], labels.get(i, [])] if i in found else None for i in ids
        }
    for table, columns in (("sprint", SPRINT_COLUMNS), ("operation", OPERATION_COLUMNS)):
        table_ids = sorted(int(i) for i in touched.get(table, ()))
        if table_ids:
            marks = ", ".join("?" for _ in table_ids)
            cursor.execute(q(f"SELECT {columns} FROM {table} WHERE id IN ({marks})"), table_ids)
            rows = {row[0]: list(row) for row in cursor.fetchall()}
            images[table] = {str(i): rows.get(i) for i in table_ids}
    if touched.get("setting"):
        cursor.execute(q("SELECT key, value FROM plan_setting"))
        images["setting"] = {key: value for key, value in cursor.fetchall()}
    return images


# ------------------------------------------------------------------- reading


def latest_change(backend: Backend) -> int:
    """The id of the newest entry (0 when there is none)."""
    return int(backend.execute("SELECT coalesce(max(id), 0) FROM change_log").fetchone()[0])


def changes_since(backend: Backend, change_id: int, limit: int = 5000) -> list[Change]:
    """The entries after `change_id`, oldest first."""
    rows = backend.execute(
        "SELECT id, at, who, what, rows FROM change_log WHERE id > ? ORDER BY id LIMIT ?",
        (change_id, limit),
    ).fetchall()
    return [_change(row) for row in rows]


def entries(
    backend: Backend, item_id: int | None = None, limit: int = 500, before: int | None = None
) -> list[Change]:
    """The history, newest first; of one item only when `item_id` is given."""
    clauses: list[str] = []
    params: list[object] = []
    if item_id is not None:
        clauses.append("id IN (SELECT change_id FROM change_row WHERE tbl = 'item' AND row_id = ?)")
        params.append(str(item_id))
    if before is not None:
        clauses.append("id < ?")
        params.append(before)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = backend.execute(
        f"SELECT id, at, who, what, rows FROM change_log{where} ORDER BY id DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [_change(row) for row in rows]


def last_change_of(backend: Backend, table: str, row_id: int | str) -> Change | None:
    """The newest entry that changed one row (who moved it last)."""
    row = backend.execute(
        "SELECT c.id, c.at, c.who, c.what, c.rows FROM change_row r"
        " JOIN change_log c ON c.id = r.change_id WHERE r.tbl = ? AND r.row_id = ?"
        " ORDER BY c.id DESC LIMIT 1",
        (table, str(row_id)),
    ).fetchone()
    return _change(row) if row is not None else None


def _change(row: Sequence[Any]) -> Change:
    change_id, at, who, what, rows = row
    try:
        data = json.loads(rows) if rows else {}
    except (TypeError, ValueError):
        data = {"partial": True}
    if not isinstance(data, dict):
        data = {"partial": True}
    return Change(int(change_id), str(at), str(who), str(what), data)
