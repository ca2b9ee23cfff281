"""Opening, creating, upgrading and copying plan files.

A file is only ever written after it has been recognised as a plan of a version this
build understands. Until then it is read through its raw header and a read-only
SQLite connection, so a file that is refused is left exactly as it was.
"""

from __future__ import annotations

import os
import sqlite3
import struct
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from onproduct.storage.errors import DATABASE_ERRORS, PlanFileError, StorageError
from onproduct.storage.migrations import SCHEMA_VERSION, STEPS, steps_after
from onproduct.storage.plan import Plan, Upgrade, connect, connect_memory

PLAN_SUFFIX = ".onproduct"
# PRAGMA application_id of every plan: "OnPr". Tells our files from other SQLite files.
APPLICATION_ID = 0x4F6E5072
SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100


@dataclass(frozen=True, slots=True)
class Header:
    """The fields of an SQLite file header that decide whether we may open it."""

    page_size: int
    page_count: int | None
    user_version: int
    application_id: int


def read_header(path: Path) -> Header:
    """Read the 100-byte SQLite header without opening the database; refuse non-plans."""
    name = path.name
    try:
        with path.open("rb") as handle:
            raw = handle.read(HEADER_SIZE)
            size = os.fstat(handle.fileno()).st_size
    except FileNotFoundError:
        raise PlanFileError(f"There is no plan file at {path}.") from None
    except IsADirectoryError:
        raise PlanFileError(f"{path} is a folder, not a plan file.") from None
    except PermissionError:
        raise PlanFileError(f"{name} cannot be read: permission denied.") from None
    except OSError as error:
        raise PlanFileError(f"{name} cannot be read: {error.strerror or error}.") from None
    if not raw:
        raise PlanFileError(f"{name} is empty, so it is not an Onproduct plan.")
    if len(raw) < HEADER_SIZE or not raw.startswith(SQLITE_MAGIC):
        raise PlanFileError(f"{name} is not an Onproduct plan file.")

    (page_size,) = struct.unpack_from(">H", raw, 16)
    page_size = 65536 if page_size == 1 else page_size
    change_counter, page_count = struct.unpack_from(">II", raw, 24)
    (user_version,) = struct.unpack_from(">i", raw, 60)
    (application_id,) = struct.unpack_from(">I", raw, 68)
    (valid_for,) = struct.unpack_from(">I", raw, 92)
    header = Header(
        page_size=page_size,
        # The size field is only trustworthy when SQLite marked it as current.
        page_count=page_count if page_count and valid_for == change_counter else None,
        user_version=user_version,
        application_id=application_id,
    )
    if application_id != APPLICATION_ID:
        raise PlanFileError(f"{name} is a database of another program, not an Onproduct plan.")
    check_version(name, user_version)
    if header.page_count is not None and size < header.page_count * page_size:
        raise PlanFileError(
            f"{name} is damaged: the file is shorter than its contents say"
            " (it may have been cut off while copying). It was not changed."
        )
    return header


def check_version(name: str, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise PlanFileError(
            f"{name} was saved by a newer version of Onproduct (plan format {version};"
            f" this version reads up to {SCHEMA_VERSION}). Update Onproduct to open it."
        )
    if version < 1:
        raise PlanFileError(f"{name} is not a complete Onproduct plan (it has no schema).")


def inspect(path: Path) -> int:
    """Check a file is a readable, intact plan and return its schema version; never writes."""
    read_header(path)
    name = path.name
    try:
        connection = _read_only(path)
    except sqlite3.Error as error:
        raise PlanFileError(f"{name} cannot be opened: {error}.") from error
    try:
        # The header seen above may lag behind a write-ahead log; these read through it.
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        problems = [row[0] for row in connection.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as error:
        raise PlanFileError(f"{name} is damaged and cannot be opened ({error}).") from error
    finally:
        connection.close()
    if application_id != APPLICATION_ID:
        raise PlanFileError(f"{name} is a database of another program, not an Onproduct plan.")
    check_version(name, version)
    if problems != ["ok"]:
        raise PlanFileError(f"{name} is damaged and cannot be opened ({problems[0]}).")
    return int(version)


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file nor leave -wal/-shm files beside it.

    With no write-ahead log beside the file, nothing can be pending in one, and
    `immutable` lets SQLite read without creating one. With a log present (another
    process has the plan open, or one was killed) it must be read through.
    """
    uri = path.resolve().as_uri()
    if sidecars(path)[0].exists():
        return sqlite3.connect(f"{uri}?mode=ro", uri=True)
    return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True)


def writable(path: Path) -> bool:
    """Whether the plan file can be opened for writing (permissions, immutable flag)."""
    try:
        descriptor = os.open(path, os.O_RDWR)
    except OSError:
        return False
    os.close(descriptor)
    return True


READ_ONLY_FILE = "you do not have permission to change the file"


def open_read_only(path: Path | str, reason: str) -> Plan:
    """The plan as it is, for looking, exporting and Save As; every change is refused.

    An in-memory copy (brought to the current format if it is older) that SQLite itself
    refuses to write to, so a change fails with "the plan file is read-only" and the
    file is never touched.
    """
    plan = open_snapshot(path)
    plan.raw_connection().execute("PRAGMA query_only = ON")
    plan.read_only = reason
    return plan


def open_plan(path: Path | str) -> Plan:
    """Open an existing plan, upgrading an older one after backing it up.

    A file that cannot be written is opened read-only (see `Plan.read_only`).
    """
    path = Path(path)
    if path.exists() and not writable(path):
        return open_read_only(path, READ_ONLY_FILE)
    version = inspect(path)
    upgrade = None
    if version < SCHEMA_VERSION:
        backup = backup_path(path, version)
        backup_file(path, backup)
        _migrate(path, version)
        upgrade = Upgrade(version, backup)
    try:
        return Plan(path, connect(path), upgrade=upgrade)
    except DATABASE_ERRORS as error:
        raise PlanFileError(f"{path.name} cannot be opened: {error}.") from error


def open_snapshot(path: Path | str) -> Plan:
    """A read-only look at a plan: an in-memory copy, brought to the current format.

    For reports and checks that must leave the file exactly as it was, even when it
    is of an older format (the copy is upgraded, the file is not).
    """
    path = Path(path)
    version = inspect(path)
    database = connect_memory()
    source = _read_only(path)
    try:
        source.backup(database.connection())
    except sqlite3.Error as error:
        database.close()
        raise PlanFileError(f"{path.name} cannot be read: {error}.") from error
    finally:
        source.close()
    connection = database.connection()
    for step in steps_after(version):
        step.apply(connection)
    return Plan(path, database)


def backup_path(path: Path, version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.stem}.backup-format{version}-{stamp}{PLAN_SUFFIX}")
    counter = 2
    while candidate.exists():
        candidate = path.with_name(
            f"{path.stem}.backup-format{version}-{stamp}-{counter}{PLAN_SUFFIX}"
        )
        counter += 1
    return candidate


def backup_file(source: Path, destination: Path) -> None:
    """Copy a plan with SQLite's backup API, which sees what is still in the WAL."""
    if destination.exists():
        raise StorageError(f"{destination.name} already exists; it was not overwritten.")
    src = _read_only(source)
    try:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as error:
        destination.unlink(missing_ok=True)
        raise StorageError(f"Could not back up {source.name}: {error}.") from error
    finally:
        src.close()


def _migrate(path: Path, version: int) -> None:
    """Run the missing steps, each in its own transaction with its version number."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")  # table rebuilds need it off
        for step in steps_after(version):
            connection.execute("BEGIN IMMEDIATE")
            try:
                step.apply(connection)
                connection.execute(f"PRAGMA user_version = {step.version}")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise StorageError(f"the upgrade left broken references in {len(problems)} rows")
    except (sqlite3.Error, StorageError) as error:
        raise PlanFileError(
            f"{path.name} could not be upgraded to the current plan format ({error})."
            " A backup copy was made beside it before anything changed."
        ) from error
    finally:
        connection.close()


def create_plan(
    path: Path | str,
    populate: Callable[[Plan], None] | None = None,
    *,
    replace: bool = False,
    up_to: int = SCHEMA_VERSION,
) -> None:
    """Write a new plan file, optionally filled by `populate`.

    The file is built under a temporary name beside the target and renamed into place
    only when complete, so a failure never leaves half a plan behind, nor harms a file
    it was to replace. An existing file is only replaced when `replace` is set (the
    user confirmed it). `up_to` builds an older schema version; only the tests use it,
    to make files of past releases.
    """
    path = Path(path)
    if path.exists() and not replace:
        raise PlanFileError(f"{path.name} already exists; it was not overwritten.")
    if path.is_dir():
        raise PlanFileError(f"{path} is a folder, not a plan file.")
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        connection = sqlite3.connect(temporary, isolation_level=None)
        try:
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute("BEGIN IMMEDIATE")
            for step in STEPS:
                if step.version <= up_to:
                    step.apply(connection)
            connection.execute(f"PRAGMA user_version = {up_to}")
            connection.execute("COMMIT")
        finally:
            connection.close()
        if populate is not None:
            plan = Plan(temporary, connect(temporary, journal_mode="delete"))
            try:
                populate(plan)
            finally:
                plan.close()
        switch_to_wal(temporary)
        replace_file(temporary, path)
    except sqlite3.Error as error:
        raise StorageError(f"Could not create {path.name}: {error}.") from error
    except OSError as error:
        raise StorageError(f"Could not create {path.name}: {error.strerror or error}.") from error
    finally:
        for leftover in (temporary, *sidecars(temporary)):
            leftover.unlink(missing_ok=True)


def switch_to_wal(path: Path) -> None:
    # Done last and outside any transaction: the mode is recorded in the file's header.
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode = WAL")
    finally:
        connection.close()


def replace_file(complete: Path, target: Path) -> None:
    """Move a finished plan file over `target` in one step."""
    # A log left by the file being replaced would be replayed into the new one.
    for sidecar in sidecars(target):
        sidecar.unlink(missing_ok=True)
    os.replace(complete, target)


def sidecars(path: Path) -> tuple[Path, Path, Path]:
    return (
        path.with_name(path.name + "-wal"),
        path.with_name(path.name + "-shm"),
        path.with_name(path.name + "-journal"),
    )


def save_copy(plan: Plan, destination: Path | str) -> None:
    """Write the open plan to `destination` (Save As), replacing whatever is there.

    The copy is complete on disk under a temporary name before it replaces the
    target, so an interrupted Save As never damages the file it was replacing.
    """
    destination = Path(destination)
    if destination.resolve() == plan.path.resolve():
        return
    _copy_into_place(destination, plan.copy_to, f"Could not save {destination.name}")


def copy_plan_file(source: Path, destination: Path) -> None:
    """A consistent copy of a closed or open plan file (backups, restores), made the
    same way as Save As."""

    def fill(temporary: Path) -> None:
        src = _read_only(source)
        try:
            dst = sqlite3.connect(temporary)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()

    _copy_into_place(destination, fill, f"Could not copy {source.name}")


def _copy_into_place(destination: Path, fill: Callable[[Path], None], failure: str) -> None:
    """Let `fill` write a plan beside `destination`, then put it in place in one step."""
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.tmp")
    try:
        fill(temporary)
        switch_to_wal(temporary)
        replace_file(temporary, destination)
    except sqlite3.Error as error:
        raise StorageError(f"{failure}: {error}.") from error
    except OSError as error:
        raise StorageError(f"{failure}: {error.strerror or error}.") from error
    finally:
        for leftover in (temporary, *sidecars(temporary)):
            leftover.unlink(missing_ok=True)
