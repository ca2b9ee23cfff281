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


class DiskFullError(PlanFileError):
    """A plan that could be read but not opened for changes: its disk has no room left."""


# Why a window shows a plan read-only when its disk is full.
DISK_FULL = "the disk holding it is full (free some space and open it again to change it)"

DATABASE_ERRORS = (sqlite3.Error, PeeweeDatabaseError)


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
