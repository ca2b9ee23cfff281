"""Copying a whole plan between engines: a team plan to a local file (Save As, the
offline mirror) and a local file to a team plan (publish), history included.

Both engines hold the same tables with the same columns (the same migration steps
made them), so a copy is each table's rows, in an order that keeps every reference
valid, read through one backend and written through the other in one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from onproduct.storage.plan import Plan
    from onproduct.storage.team import TeamAddress

# Referenced tables before the tables that reference them.
TABLES = (
    "sprint",
    "operation",
    "item",
    "item_label",
    "plan_setting",
    "change_log",
    "change_row",
)


def _columns(plan: Plan, table: str) -> list[str]:
    cursor = plan.backend.execute(f"SELECT * FROM {table} WHERE 1 = 0")
    return [column[0] for column in cursor.description]


def copy_rows(source: Plan, target: Plan, cursor: Any) -> int:
    """Every row of `source` into `target` (whose tables are empty), through `cursor`
    of an open transaction of `target`; returns the number of items copied."""
    items = 0
    for table in TABLES:
        columns = [c for c in _columns(source, table) if c in set(_columns(target, table))]
        names = ", ".join(columns)
        rows = source.backend.execute(f"SELECT {names} FROM {table}").fetchall()
        if table == "plan_setting":
            cursor.execute(target.backend.sql("DELETE FROM plan_setting"))
        if rows:
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(
                target.backend.sql(f"INSERT INTO {table} ({names}) VALUES ({marks})"),
                [tuple(row) for row in rows],
            )
        if table == "item":
            items = len(rows)
    return items


def copy_plan_into(plan: Plan, destination: Path) -> None:
    """Write `plan` (any engine) as a new local plan file at `destination` (replaced)."""
    from onproduct.storage.planfile import create_plan

    def fill(target: Plan) -> None:
        connection = target.raw_connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            copy_rows(plan, target, connection.cursor())
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    create_plan(destination, fill, replace=True)


def publish(local: Path, address: TeamAddress, name: str) -> int:
    """Copy a local plan (items, sprints, operations, settings, history) into a new team
    plan `name`, in one transaction: all of it lands, or nothing (not even the plan's
    name). Returns the number of items."""
    from onproduct.storage.planfile import open_snapshot
    from onproduct.storage.team import _create, _grant, _registry, schema_change, schema_of

    source = open_snapshot(local)  # a file of an older format is copied upgraded
    try:
        with schema_change(address) as cursor:
            _registry(cursor)
            _create(cursor, name)
            items = 0
            for table in TABLES:
                cursor.execute(f"SELECT * FROM {table} WHERE 1 = 0")
                wanted = {column.name for column in cursor.description or ()}
                columns = [c for c in _columns(source, table) if c in wanted]
                names = ", ".join(columns)
                rows = source.backend.execute(f"SELECT {names} FROM {table}").fetchall()
                if table == "plan_setting":
                    cursor.execute("DELETE FROM plan_setting")
                if rows:
                    marks = ", ".join("%s" for _ in columns)
                    cursor.executemany(
                        f"INSERT INTO {table} ({names}) VALUES ({marks})",
                        [tuple(row) for row in rows],
                    )
                if table == "item":
                    items = len(rows)
                if "id" in columns:  # the next new row gets the next id
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
                    )
            _grant(cursor, schema_of(name))  # the sequences, now set
    finally:
        source.close()
    return items
