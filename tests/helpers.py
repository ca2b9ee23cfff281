"""Helpers the tests share: reading a plan file back as plain rows."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

# The plan's history and the rows' change counters: not what the plan says, but how
# it came to say it (an undo restores the content and adds to the history).
HISTORY_TABLES = frozenset({"change_log", "change_row"})


def dump(path: Path, *, history: bool = False) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of a plan file, read afresh: what "the plan" is on disk.

    Without `history`, the history tables and the rows' version columns are left out:
    two dumps are equal when the plans hold the same sprints, items and settings.
    Read through its log when it has one; otherwise as immutable, so that reading it
    makes no -wal or -shm beside it (a test may count the files there).
    """
    wal = path.with_name(path.name + "-wal")
    logged = wal.exists() and wal.stat().st_size > 0
    mode = "mode=ro" if logged else "mode=ro&immutable=1"
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        result = {}
        for table in tables:
            if not history and table in HISTORY_TABLES:
                continue
            columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
            if not history:
                columns = [c for c in columns if c != "version"]
            names = ", ".join(f'"{c}"' for c in columns)
            rows = connection.execute(f'SELECT {names} FROM "{table}"').fetchall()
            result[table] = sorted(rows, key=repr)
        return result
    finally:
        connection.close()


def fingerprint(folder: Path) -> dict[str, str]:
    """Name and content hash of every file in a folder: what "left untouched" means."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def plan_dump(plan: Any, *, history: bool = False) -> dict[str, list[tuple[object, ...]]]:
    """`dump` of an open plan of either engine, read through its own connection."""
    tables = ["item", "item_label", "operation", "plan_setting", "sprint"]
    if history:
        tables += sorted(HISTORY_TABLES)
    result = {}
    for table in tables:
        cursor = plan.backend.execute(f"SELECT * FROM {table} WHERE 1 = 0")
        columns = [c[0] for c in cursor.description if history or c[0] != "version"]
        rows = plan.backend.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        result[table] = sorted((tuple(row) for row in rows), key=repr)
    return result


def team_address(pg: Any, url: str, user: str, password: str) -> Any:
    """The same team plan as `url`, for another user."""
    from onproduct.storage.team import TeamAddress

    address = TeamAddress.parse(url)
    return TeamAddress.parse(pg.url(user, None, password)).with_plan(address.plan)
