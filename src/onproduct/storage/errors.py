"""Errors the storage layer raises; their messages are written for the person using the app."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from peewee import DatabaseError as PeeweeDatabaseError

from onproduct.storage.files import nearly_full


class StorageError(Exception):
    """A plan could not be read or written; str(error) is one sentence for the user."""


class PlanFileError(StorageError):
    """A file was refused as a plan (missing, foreign, damaged, too new); it was not changed."""


class PlanBusyError(StorageError):
    """Another writer kept the plan for longer than the wait (str(error) is the line)."""


class DisconnectedError(StorageError):
    """A team plan's server cannot be reached; nothing of the change was written."""


class ConflictError(StorageError):
    """Someone else changed a row since it was read: nothing was written.

    `table` and `row_id` name the row; the message is filled in by whoever can say who
    changed it (the document, from the plan's history)."""

    def __init__(self, table: str, row_id: int | str, message: str = "") -> None:
        super().__init__(message or f"Someone else changed this {table} meanwhile.")
        self.table = table
        self.row_id = row_id


class DiskFullError(PlanFileError):
    """A plan that could be read but not opened for changes: its disk has no room left."""


# Why a window shows a plan read-only when its disk is full.
DISK_FULL = "the disk holding it is full (free some space and open it again to change it)"

# The errors of a plan file. A team plan's backend adds psycopg's (imported only when a
# team plan is opened: it costs ~0.2 s of start-up) through `Backend.errors`.
DATABASE_ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, PeeweeDatabaseError)


def explain_write_error(error: BaseException, plan: Path | None = None) -> str:
    """Turn an SQLite failure during a write into what the user can do about it."""
    text = str(error)
    lowered = text.lower()
    full = "database or disk is full" in lowered
    if full or ("disk i/o error" in lowered and plan is not None and nearly_full(plan)):
        return (
            "The change was not saved: the disk is full."
            " Free some space and try again; everything saved before is safe."
        )
    if "disk i/o error" in lowered:
        return (
            "The change was not saved: the disk holding the plan failed to write it."
            " Everything saved before is safe; try again, or Save As onto another disk."
        )
    if "readonly" in lowered or "read-only" in lowered:
        return (
            "The change was not saved: the plan file is read-only."
            " Use File ▸ Save As to go on working in a copy."
        )
    if "database is locked" in lowered or "database is busy" in lowered:
        return (
            "The change was not saved: another program is writing to the plan file."
            " Try again in a moment."
        )
    if "unique constraint failed: sprint.name" in lowered:
        return "The change was not saved: another sprint already has that name."
    if "unique constraint failed: item.external_key" in lowered:
        return "The change was not saved: another item already has that external key."
    return f"The change was not saved: {text}."
