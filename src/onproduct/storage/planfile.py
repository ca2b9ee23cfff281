"""Opening, creating, upgrading and copying plan files.

A file is only ever written after it has been recognised as a plan of a version this
build understands. Until then it is read through its raw header and a read-only
SQLite connection, so a file that is refused is left exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from onproduct.storage.errors import (
    DATABASE_ERRORS,
    DiskFullError,
    PlanFileError,
    StorageError,
)
from onproduct.storage.files import is_no_space, nearly_full, not_regular, open_regular
from onproduct.storage.lock import PlanLock, lock_path
from onproduct.storage.migrations import SCHEMA_VERSION, STEPS, steps_after
from onproduct.storage.plan import Plan, Upgrade, connect, connect_memory
from onproduct.storage.schema import schema_problem, unusable, value_problems

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


def _regular(path: Path) -> None:
    """PlanFileError unless `path` is a regular file (or is not there at all)."""
    kind = not_regular(path)
    if kind == "a folder":
        raise PlanFileError(f"{path} is a folder, not a plan file.")
    if kind is not None:
        raise PlanFileError(f"{path.name} is {kind}, not a plan file; it was not opened.")


def read_header(path: Path) -> Header:
    """Read the 100-byte SQLite header without opening the database; refuse non-plans."""
    name = path.name
    _regular(path)
    try:
        descriptor = open_regular(path)
    except FileNotFoundError:
        raise PlanFileError(f"There is no plan file at {path}.") from None
    except IsADirectoryError:
        raise PlanFileError(f"{path} is a folder, not a plan file.") from None
    except ValueError as kind:
        raise PlanFileError(f"{name} is {kind}, not a plan file; it was not opened.") from None
    except PermissionError:
        raise PlanFileError(f"{name} cannot be read: permission denied.") from None
    except OSError as error:
        raise PlanFileError(f"{name} cannot be read: {error.strerror or error}.") from None
    try:
        with os.fdopen(descriptor, "rb") as handle:
            raw = handle.read(HEADER_SIZE)
            size = os.fstat(handle.fileno()).st_size
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
    # With a write-ahead log beside it the file alone is not the plan: a checkpoint cut
    # short leaves the log's newer page 1 (and its larger size) in a file not yet grown.
    # SQLite reads such a plan whole through the log; so the size is judged only without
    # one, and with one SQLite's own checks below decide.
    if header.page_count is not None and size < header.page_count * page_size and not has_log(path):
        raise PlanFileError(
            f"{name} is damaged: the file is shorter than its contents say"
            " (it may have been cut off while copying). It was not changed."
        )
    return header


def has_log(path: Path) -> bool:
    """Whether a write-ahead log with something in it lies beside the plan."""
    try:
        return sidecars(path)[0].stat().st_size > 0
    except OSError:
        return False


def check_version(name: str, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise PlanFileError(
            f"{name} was saved by a newer version of Onproduct (plan format {version};"
            f" this version reads up to {SCHEMA_VERSION}). Update Onproduct to open it."
        )
    if version < 1:
        raise PlanFileError(f"{name} is not a complete Onproduct plan (it has no schema).")


def _damaged(error: sqlite3.Error) -> bool:
    """Whether SQLite found the file itself broken (not a disk that failed to read)."""
    code = getattr(error, "sqlite_errorname", "")
    return code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(error)


def unreadable(name: str, path: Path, error: BaseException) -> PlanFileError:
    """The one line for a plan SQLite could not read: damaged, a full disk, or why."""
    if isinstance(error, sqlite3.Error) and _damaged(error):
        return PlanFileError(f"{name} is damaged and cannot be opened ({error}).")
    if nearly_full(path):
        return PlanFileError(
            f"{name} cannot be opened: the disk is full. Free some space and open it"
            " again; the plan was not changed."
        )
    return PlanFileError(f"{name} cannot be read: {error}.")


def inspect(path: Path) -> int:
    """Check a file is a readable, intact plan and return its schema version; never writes.

    After the header: the application id and version as SQLite reads them (through
    the log), the schema of that version exactly (storage.schema), SQLite's own quick
    check, and every value the app will read.
    """
    read_header(path)
    name = path.name
    try:
        with reading(path) as connection:
            # The header seen above may lag behind a write-ahead log; these read through it.
            application_id = connection.execute("PRAGMA application_id").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if application_id != APPLICATION_ID:
                raise PlanFileError(
                    f"{name} is a database of another program, not an Onproduct plan."
                )
            check_version(name, version)
            problem = schema_problem(connection, version)
            if problem is not None:
                raise PlanFileError(
                    f"{name} is damaged: it says it is plan format {version}, but {problem}."
                    " It was not changed."
                )
            problems = [row[0] for row in connection.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise PlanFileError(f"{name} is damaged and cannot be opened ({problems[0]}).")
            for bad in value_problems(connection, version):
                raise PlanFileError(unusable(name, bad))
    except sqlite3.Error as error:
        raise unreadable(name, path, error) from error
    return int(version)


@contextmanager
def reading(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection that can neither change the plan nor leave a file beside it.

    With nothing in the write-ahead log, nothing can be pending there, and `immutable`
    reads the file without making a log or a -shm (even on a full disk, where making
    one fails). With a log in use (another process has the plan open) it is read
    through, sharing that process's -shm. A log with no -shm (a process was killed)
    is read from a private copy, so not even a -shm is left behind.
    """
    wal, shm, _journal = sidecars(path)
    uri = path.resolve().as_uri()
    if not has_log(path):
        if shm.exists():
            try:  # someone may be writing: read with SQLite's locks, as they do
                connection = _open_read_only(f"{uri}?mode=ro")
            except sqlite3.OperationalError:  # a -shm that cannot be used (a full disk)
                connection = _open_read_only(f"{uri}?mode=ro&immutable=1")
        else:
            connection = _open_read_only(f"{uri}?mode=ro&immutable=1")
        try:
            yield connection
        finally:
            connection.close()
        return
    if shm.exists():
        connection = _open_read_only(f"{uri}?mode=ro")
        try:
            yield connection
        finally:
            connection.close()
        return
    with tempfile.TemporaryDirectory(prefix="onproduct-read-") as folder:
        copy = Path(folder) / path.name
        try:
            shutil.copyfile(path, copy)
            shutil.copyfile(wal, sidecars(copy)[0])
        except OSError as error:
            raise unreadable(path.name, path, error) from error
        connection = _open_read_only(f"{copy.resolve().as_uri()}?mode=ro")
        try:
            yield connection
        finally:
            connection.close()


def _open_read_only(uri: str) -> sqlite3.Connection:
    connection = sqlite3.connect(uri, uri=True)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # open it now
    except BaseException:
        connection.close()
        raise
    return connection


def writable(path: Path) -> bool:
    """Whether the plan file can be opened for writing (permissions, immutable flag)."""
    try:
        descriptor = os.open(path, os.O_RDWR | getattr(os, "O_NONBLOCK", 0))
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


def open_plan(path: Path | str, *, wait: float = 0.0) -> Plan:
    """Open an existing plan for changes, upgrading an older one after backing it up.

    A share of the plan's lock is taken first (waiting up to `wait` seconds while
    someone replaces the file: PlanBusyError if they do not finish), so nobody replaces
    the file while it is open here. A file that cannot be written is opened read-only
    (see `Plan.read_only`).
    """
    path = Path(path)
    _regular(path)
    if path.exists() and not writable(path):
        return open_read_only(path, READ_ONLY_FILE)
    lock = PlanLock(path)
    lock.acquire(wait)
    try:
        version = inspect(path)
        upgrade = None
        if version < SCHEMA_VERSION:
            backup = backup_path(path, version)
            backup_file(path, backup)
            _migrate(path, version)
            upgrade = Upgrade(version, backup)
        return _connected(path, upgrade, lock)
    except BaseException:
        lock.release()
        raise


def _connected(path: Path, upgrade: Upgrade | None, lock: PlanLock) -> Plan:
    """The open Plan; on failure, the empty log and -shm this attempt made are removed
    (the lock is ours, so nobody else is using them)."""
    made = [sidecar for sidecar in sidecars(path)[:2] if not sidecar.exists()]
    database = connect(path)
    try:
        return Plan(path, database, upgrade=upgrade, lock=lock)
    except DATABASE_ERRORS as error:
        database.close()
        wal = sidecars(path)[0]
        if wal not in made or not has_log(path):  # never a log holding changes
            for sidecar in made:
                sidecar.unlink(missing_ok=True)
        if nearly_full(path):
            raise DiskFullError(
                f"{path.name} cannot be opened for changes: the disk is full. Free some"
                " space and open it again; the plan was not changed."
            ) from error
        raise PlanFileError(f"{path.name} cannot be opened: {error}.") from error


def open_snapshot(path: Path | str) -> Plan:
    """A read-only look at a plan: an in-memory copy, brought to the current format.

    For reports and checks that must leave the file exactly as it was, even when it
    is of an older format (the copy is upgraded, the file is not).
    """
    path = Path(path)
    version = inspect(path)
    database = connect_memory()
    try:
        with reading(path) as source:
            source.backup(database.connection())
    except (sqlite3.Error, PlanFileError) as error:
        database.close()
        if isinstance(error, PlanFileError):
            raise
        raise unreadable(path.name, path, error) from error
    connection = database.connection()
    for step in steps_after(version):
        step.apply(connection)
    return Plan(path, database)


def _why(path: Path, error: BaseException) -> str:
    """Why writing a file failed, in words: a full disk is called that."""
    full = is_no_space(error) or (
        isinstance(error, sqlite3.Error)
        and getattr(error, "sqlite_errorname", "").startswith(("SQLITE_FULL", "SQLITE_IOERR"))
        and nearly_full(path)
    )
    if full:
        return "the disk is full"
    if isinstance(error, OSError):
        return str(error.strerror or error)
    return str(error)


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
    try:
        _backup_into(source, destination)
    except sqlite3.Error as error:
        for leftover in (destination, *sidecars(destination)):
            leftover.unlink(missing_ok=True)
        raise StorageError(
            f"Could not back up {source.name}: {_why(destination, error)}."
        ) from error


def _migrate(path: Path, version: int) -> None:
    """Run the missing steps, each in its own transaction with its version number."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")  # table rebuilds need it off
        for step in steps_after(version):
            connection.execute("BEGIN IMMEDIATE")
            try:
                # Another Onproduct opening the plan at the same moment may have run it.
                if connection.execute("PRAGMA user_version").fetchone()[0] >= step.version:
                    connection.execute("COMMIT")
                    continue
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
    _regular(path)
    lock = PlanLock(path, exclusive=True)  # never replace a plan someone has open
    lock.acquire()
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
    except (sqlite3.Error, OSError) as error:
        raise StorageError(f"Could not create {path.name}: {_why(path, error)}.") from error
    finally:
        for leftover in (temporary, *sidecars(temporary)):
            leftover.unlink(missing_ok=True)
        lock.release()


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


def plan_files(path: Path) -> tuple[Path, ...]:
    """Every file that is part of an open plan: itself, its log, -shm, journal and lock."""
    return (path, *sidecars(path), lock_path(path))


def belongs_to(candidate: Path, plan: Path) -> int | None:
    """Which of `plan_files` `candidate` names (through links too), or None."""
    real = os.path.realpath(candidate)
    for position, part in enumerate(plan_files(Path(os.path.realpath(plan)))):
        if real == str(part):
            return position
        try:
            if os.path.samefile(candidate, part):
                return position
        except OSError:
            continue
    return None


def save_copy(plan: Plan, destination: Path | str) -> None:
    """Write the open plan to `destination` (Save As), replacing whatever is there.

    The copy is complete on disk under a temporary name before it replaces the
    target, so an interrupted Save As never damages the file it was replacing.
    """
    destination = Path(destination)
    if plan.path is not None and destination.resolve() == plan.path.resolve():
        return
    _copy_into_place(destination, plan.copy_to, f"Could not save {destination.name}")


def copy_plan_file(source: Path, destination: Path) -> None:
    """A consistent copy of a closed or open plan file (backups, restores), made the
    same way as Save As."""

    _copy_into_place(
        destination,
        lambda temporary: _backup_into(source, temporary),
        f"Could not copy {source.name}",
    )


def _backup_into(source: Path, destination: Path) -> None:
    """SQLite's backup API from a plan file (read as `reading` does) into a new file."""
    with reading(source) as src:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)
        finally:
            dst.close()


def _copy_into_place(destination: Path, fill: Callable[[Path], None], failure: str) -> None:
    """Let `fill` write a plan beside `destination`, then put it in place in one step."""
    kind = not_regular(destination)
    if kind is not None:
        raise StorageError(f"{failure}: {destination.name} is {kind}; it was not replaced.")
    lock = PlanLock(destination, exclusive=True)  # never under anyone who has it open
    lock.acquire()
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.tmp")
    try:
        fill(temporary)
        switch_to_wal(temporary)
        replace_file(temporary, destination)
    except (sqlite3.Error, OSError) as error:
        raise StorageError(f"{failure}: {_why(destination, error)}.") from error
    finally:
        for leftover in (temporary, *sidecars(temporary)):
            leftover.unlink(missing_ok=True)
        lock.release()
