"""The two engines a plan lives in, behind one face: a SQLite file and a PostgreSQL server.

`Plan` (plan.py) writes its queries once, in the SQL both engines share, with `?` for
parameters; a backend turns them into its own dialect, opens and closes transactions,
hands out new row ids, tells others about a commit and puts its errors into words.
Everything SQLite-only (pragmas, the backup API) or PostgreSQL-only (schemas, NOTIFY,
sequences) is here or in the modules that make and open plans, never above storage.
"""

from __future__ import annotations

import getpass
import re
import sqlite3
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from peewee import Database, PostgresqlDatabase, SqliteDatabase

from onproduct.storage.errors import (
    DATABASE_ERRORS,
    DisconnectedError,
    PlanBusyError,
    StorageError,
    explain_write_error,
)

# Dates are stored as ISO text (what peewee's DateField reads back) in both engines.
sqlite3.register_adapter(date, date.isoformat)


def now_text() -> str:
    """The time of a change, as stored: ISO 8601 in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Backend:
    """What differs between engines; the SQLite file's behaviour is the default."""

    kind = "file"
    # Values of a column may be of any type in SQLite; PostgreSQL holds them to theirs.
    loose_types = True
    # What the engine raises (caught as a tuple: `except backend.errors`).
    errors: tuple[type[BaseException], ...] = DATABASE_ERRORS

    def __init__(self, database: Database, where: Path | str) -> None:
        self.database = database
        self.where = where

    # --------------------------------------------------------------- connection

    def connect(self) -> None:
        self.database.connect(reuse_if_open=True)

    def close(self) -> None:
        if not self.database.is_closed():
            self.database.close()

    def connection(self) -> Any:
        return self.database.connection()

    def sql(self, text: str) -> str:
        """The query in this engine's dialect (parameters written `?`)."""
        return text

    def execute(self, text: str, params: Sequence[object] = ()) -> Any:
        try:
            return self.connection().execute(self.sql(text), params)
        except self.errors as error:
            raise self.read_error(error) from error

    def cursor(self) -> Any:
        return self.connection().cursor()

    # ------------------------------------------------------------- transactions

    def in_transaction(self) -> bool:
        return bool(self.connection().in_transaction)

    def begin(self) -> None:
        # IMMEDIATE: take the write lock now, so a read inside the transaction (an
        # import's new ids, a version check) sees what the write will change.
        self.connection().execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.connection().execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction():  # SQLite may have rolled back by itself (disk full)
            self.connection().execute("ROLLBACK")

    def set_wait(self, seconds: float) -> None:
        """How long a write waits for another writer to finish before giving up."""
        self.connection().execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    # ------------------------------------------------------------------ writing

    def reserve_ids(self, cursor: Any, table: str, count: int) -> int:
        """The first of `count` new ids of a table, free for this transaction's inserts."""
        row = cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
        return int(row[0]) + 1

    def checks_off(self) -> bool:
        """Turn per-row foreign key checks off for a bulk write (outside a transaction
        only); True if they were, and `check_references` must run before the commit."""
        if self.in_transaction():
            return False
        self.connection().execute("PRAGMA foreign_keys = OFF")
        return True

    def checks_on(self) -> None:
        self.connection().execute("PRAGMA foreign_keys = ON")

    def check_references(self, cursor: Any) -> None:
        for table in ("item", "item_label"):
            broken = cursor.execute(f"PRAGMA foreign_key_check({table})").fetchone()
            if broken is not None:
                raise StorageError(
                    f"An item would point at a {broken[2].replace('_', ' ')} the plan does not"
                    " have (it was removed meanwhile?); nothing was written."
                )

    def before_log(self, cursor: Any) -> None:
        """Make history entries take their ids in the order their changes commit (a
        file's one writer at a time does that by itself)."""

    def announce(self, cursor: Any, change_id: int) -> None:
        """Tell every other window of this plan that a change was committed (on commit).

        A file has no channel: other windows see its `data_version` move."""

    def who(self) -> str:
        """Who is changing the plan, for its history: the user of this computer."""
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "someone"

    def data_version(self) -> int:
        """A number that moves when another connection commits a change to the file."""
        return int(self.connection().execute("PRAGMA data_version").fetchone()[0])

    # ------------------------------------------------------------------- errors

    def write_error(self, error: BaseException) -> StorageError:
        message = explain_write_error(error, self.where if isinstance(self.where, Path) else None)
        if "another program is writing" in message:
            return PlanBusyError(
                f"{self.name}: the plan is being changed by another Onproduct;"
                " try again when it is done."
            )
        return StorageError(message)

    def read_error(self, error: BaseException) -> StorageError:
        return StorageError(f"The plan could not be read: {error}.")

    @property
    def name(self) -> str:
        return Path(self.where).name if isinstance(self.where, Path) else str(self.where)


class FileBackend(Backend):
    """A plan file: SQLite, one writer at a time (its own lock), others see `data_version`."""

    database: SqliteDatabase


@lru_cache(maxsize=512)
def _pg_sql(text: str) -> str:
    return text.replace("%", "%%").replace("?", "%s")


class TeamBackend(Backend):
    """A team plan: one schema of a PostgreSQL database; commits are announced by NOTIFY."""

    kind = "team"
    loose_types = False

    def __init__(self, database: PostgresqlDatabase, where: str, schema: str) -> None:
        import psycopg

        super().__init__(database, where)
        self.schema = schema
        self.errors = (*DATABASE_ERRORS, psycopg.Error)
        self._who: str | None = None

    @property
    def channel(self) -> str:
        return f"onproduct_{self.schema}"

    def connect(self) -> None:
        try:
            self.database.connect(reuse_if_open=True)
        except self.errors as error:
            raise DisconnectedError(
                f"The server cannot be reached: {_first_line(error)}."
            ) from error

    def sql(self, text: str) -> str:
        return _pg_sql(text)

    def execute(self, text: str, params: Sequence[object] = ()) -> Any:
        try:
            cursor = self.connection().cursor()
            cursor.execute(self.sql(text), params)
            return cursor
        except self.errors as error:
            raise self.read_error(error) from error

    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        status = self.connection().info.transaction_status
        return status in (TransactionStatus.INTRANS, TransactionStatus.INERROR)

    def begin(self) -> None:
        self.connection().execute("BEGIN")

    def set_wait(self, seconds: float) -> None:
        self.connection().execute(f"SET lock_timeout = {int(seconds * 1000)}")

    def reserve_ids(self, cursor: Any, table: str, count: int) -> int:
        """Ids from the table's own sequence, so they are never handed out twice."""
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" nextval(pg_get_serial_sequence('{table}', 'id')) + %s - 1)",
            (count,),
        )
        last = int(cursor.fetchone()[0])
        return last - count + 1

    def checks_off(self) -> bool:
        return False  # PostgreSQL checks each row as it goes, and fast

    def check_references(self, cursor: Any) -> None:
        pass

    def before_log(self, cursor: Any) -> None:
        # Transactions run side by side, and an id handed out first may commit last: a
        # window that read up to a later entry would never see it. Taken at the end of
        # the change and held to its commit, this lock hands out ids in commit order.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.channel,))

    def announce(self, cursor: Any, change_id: int) -> None:
        cursor.execute("SELECT pg_notify(%s, %s)", (self.channel, str(change_id)))

    def who(self) -> str:
        """The database role: what the server itself knows the user by."""
        if self._who is None:
            self._who = str(self.connection().execute("SELECT session_user").fetchone()[0])
        return self._who

    def data_version(self) -> int:
        return 0

    def write_error(self, error: BaseException) -> StorageError:
        import psycopg

        if isinstance(error, psycopg.errors.LockNotAvailable):
            return PlanBusyError(
                f"{self.name}: the plan is being changed by someone else; try again."
            )
        if isinstance(error, psycopg.OperationalError) and (
            self.database.is_closed() or _lost(error) or self.connection().closed
        ):
            return DisconnectedError(
                "The change was not saved: the server cannot be reached. It will be"
                " tried again when the connection is back; nothing saved before is lost."
            )
        if isinstance(error, psycopg.errors.InsufficientPrivilege):
            return StorageError(
                "The change was not saved: your database role may only read this plan."
            )
        if isinstance(error, psycopg.errors.UniqueViolation):
            if "external_key" in str(error):
                return StorageError(
                    "The change was not saved: another item already has that external key."
                )
            if "sprint_name" in str(error) or ("sprint" in str(error) and "name" in str(error)):
                return StorageError(
                    "The change was not saved: another sprint already has that name."
                )
        if isinstance(error, psycopg.errors.ForeignKeyViolation):
            constraint = getattr(getattr(error, "diag", None), "constraint_name", "") or ""
            found = re.match(r"item_(\w+?)_id_fkey", constraint)
            what = found.group(1).replace("_", " ") if found else "row"
            return StorageError(
                f"An item would point at a {what} the plan does not have (it was removed"
                " meanwhile?); nothing was written."
            )
        return StorageError(f"The change was not saved: {_first_line(error)}.")

    def read_error(self, error: BaseException) -> StorageError:
        import psycopg

        if isinstance(error, psycopg.OperationalError):
            return DisconnectedError(f"The server cannot be reached: {_first_line(error)}.")
        return StorageError(f"The plan could not be read: {_first_line(error)}.")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _lost(error: BaseException) -> bool:
    text = str(error).lower()
    return any(
        words in text
        for words in (
            "server closed the connection",
            "connection is closed",
            "consuming input failed",
            "connection refused",
            "the connection is lost",
            "terminating connection",
            "could not receive data",
            "sending query failed",
            "connection to server",
            "ssl connection has been closed",
        )
    )
