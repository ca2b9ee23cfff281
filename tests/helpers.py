"""Helpers the tests share: reading a plan file back as plain rows."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of a plan file, read afresh: what "the plan" is on disk.

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
        return {
            table: sorted(connection.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
            for table in tables
        }
    finally:
        connection.close()


def fingerprint(folder: Path) -> dict[str, str]:
    """Name and content hash of every file in a folder: what "left untouched" means."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }
