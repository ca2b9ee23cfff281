"""Team plans: plans in a PostgreSQL database of the team's own, one schema each.

A team plan is named by a libpq URL with the plan's name, such as
`postgresql://editor2@db.example:5432/planning?plan=Roadmap` (or `service=NAME` from
pg_service.conf). The database has a registry, `onproduct.plans` (name, schema,
format), and each plan is a schema holding the same tables a plan file holds, made by
the same migration steps (their SQLite types put into PostgreSQL's), so every query
of `Plan` runs on both. Onproduct never stores a password: libpq's `.pgpass`,
`PGPASSWORD`, a service file, or what a user types for the session.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from onproduct.storage.errors import PlanFileError, StorageError
from onproduct.storage.migrations import SCHEMA_VERSION, STEPS, steps_after

REGISTRY = "onproduct"
# The group roles an admin makes (README, "Team plans for the admin"): members of the
# first change plans, members of the second only read them. Every schema and table
# Onproduct makes is granted to them.
EDITORS = "onproduct_editors"
READERS = "onproduct_readers"
# The registry's own format (onproduct.plans and onproduct.format).
REGISTRY_FORMAT = 1
_LOCK = "SELECT pg_advisory_xact_lock(hashtext('onproduct-team-schema'))"


def lock_schemas(cursor: Any) -> None:
    """Before making or changing any plan's tables: one client at a time (an advisory
    lock held to the commit), acting as the editors' group when the user is in it, so
    the group owns what is made and any editor can upgrade or remove it later, not
    only the editor who happened to make it."""
    cursor.execute(_LOCK)
    cursor.execute(
        "SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = %s",
        (EDITORS,),
    )
    row = cursor.fetchone()
    if row is not None and row[0]:
        cursor.execute(f"SET LOCAL ROLE {EDITORS}")


@contextmanager
def schema_change(address: TeamAddress) -> Iterator[Any]:
    """A cursor for making or changing plans' tables: one transaction under the schema
    lock (lock_schemas), committed when the block ends, rolled back on any error, which
    comes out as a StorageError that says what the server refused."""
    with connect(address, autocommit=False) as connection, connection.cursor() as cursor:
        try:
            lock_schemas(cursor)
            yield cursor
            connection.commit()
        except Exception as error:
            connection.rollback()
            raise _explain(error) from error


class PasswordNeeded(StorageError):
    """The server asks for a password the environment does not give."""


def is_team_target(text: str) -> bool:
    """Whether a plan argument names a team plan rather than a file."""
    return bool(re.match(r"^(postgres|postgresql)://", text)) or (
        "plan=" in text and ("service=" in text or "host=" in text or "dbname=" in text)
    )


@dataclass(frozen=True, slots=True)
class TeamAddress:
    """Where a team plan is: the server's connection parameters and the plan's name."""

    params: tuple[tuple[str, str], ...]  # libpq's, without any password
    plan: str | None
    password: str | None = None  # typed by the user, kept for the session only

    @classmethod
    def parse(cls, text: str) -> TeamAddress:
        """From a URL (`postgresql://user@host:port/db?plan=NAME&sslmode=require`) or
        a key=value string (`service=team plan=Roadmap`)."""
        from psycopg.conninfo import conninfo_to_dict

        text = text.strip()
        plan: str | None = None
        if re.match(r"^(postgres|postgresql)://", text):
            parts = urlsplit(text)
            query = parse_qsl(parts.query, keep_blank_values=True)
            plan = next((value for key, value in query if key == "plan"), None)
            rest = urlencode([(k, v) for k, v in query if k != "plan"])
            text = urlunsplit((parts.scheme, parts.netloc, parts.path, rest, ""))
        else:
            found = re.search(r"(?:^|\s)plan=(\S+)", text)
            if found:
                plan = found.group(1)
                text = (text[: found.start()] + " " + text[found.end() :]).strip()
        try:
            params = conninfo_to_dict(text)
        except Exception as error:  # psycopg's ProgrammingError: a malformed address
            raise PlanFileError(f"{text!r} is not a team plan's address: {error}.") from None
        password = params.pop("password", None)
        cleaned = tuple(sorted((str(k), str(v)) for k, v in params.items() if v is not None))
        return cls(cleaned, plan or None, str(password) if password else None)

    def with_plan(self, plan: str | None) -> TeamAddress:
        return TeamAddress(self.params, plan, self.password)

    def with_password(self, password: str | None) -> TeamAddress:
        return TeamAddress(self.params, self.plan, password)

    def param(self, key: str, default: str = "") -> str:
        return dict(self.params).get(key, default)

    @property
    def url(self) -> str:
        """The address as a URL, never with a password (what Open Recent keeps)."""
        params = dict(self.params)
        user = params.pop("user", "")
        host = params.pop("host", "")
        port = params.pop("port", "")
        database = params.pop("dbname", "")
        if self.plan:
            params["plan"] = self.plan
        netloc = f"{quote(user)}@" if user else ""
        netloc += host if not host.startswith("/") else ""
        netloc += f":{port}" if port and not host.startswith("/") else ""
        if host.startswith("/"):
            params["host"] = host
            if port:
                params["port"] = port
        query = urlencode(sorted(params.items()))
        return urlunsplit(("postgresql", netloc, f"/{quote(database)}", query, ""))

    @property
    def where(self) -> str:
        """ "planning on db.example:5432" (or the service's name)."""
        service = self.param("service")
        database = self.param("dbname") or service or "the database"
        host = self.param("host") or "localhost"
        port = self.param("port")
        if service and not self.param("host"):
            return f"{database} (service {service})"
        return f"{database} on {host}{':' + port if port else ''}"

    def connect_kwargs(self, schema: str | None = None) -> dict[str, Any]:
        kwargs: dict[str, Any] = dict(self.params)
        if self.password:
            kwargs["password"] = self.password
        kwargs.setdefault("connect_timeout", "5")
        kwargs.setdefault("application_name", "Onproduct")
        options = kwargs.pop("options", "")
        if schema is not None:
            options = f"{options} -c search_path={schema}".strip()
        if options:
            kwargs["options"] = options
        return kwargs


def connect(address: TeamAddress, schema: str | None = None, *, autocommit: bool = True) -> Any:
    """A psycopg connection (PasswordNeeded when the server asks for one we lack)."""
    import psycopg

    try:
        return psycopg.connect(autocommit=autocommit, **address.connect_kwargs(schema))
    except psycopg.OperationalError as error:
        raise _connect_error(address, error) from error


def _connect_error(address: TeamAddress, error: BaseException) -> StorageError:
    from onproduct.storage.errors import DisconnectedError

    text = str(error).strip()
    lowered = text.lower()
    if "no password supplied" in lowered or "password authentication failed" in lowered:
        if address.password:
            return PasswordNeeded(
                f"The server refused the password for {address.param('user') or 'you'}."
            )
        return PasswordNeeded(
            f"The database {address.where} asks for a password"
            f" for {address.param('user') or 'you'}."
        )
    first = text.splitlines()[0] if text else type(error).__name__
    return DisconnectedError(f"The database {address.where} cannot be reached: {first}.")


def schema_of(name: str) -> str:
    """A plan's schema: its name made safe, with a hash so names never collide."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:32] or "plan"
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return f"plan_{slug}_{digest}"


class _PgSteps:
    """Runs the migration steps (written for SQLite) in PostgreSQL's dialect."""

    _RULES = (
        (
            re.compile(r"\bINTEGER PRIMARY KEY\b"),
            "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        ),
        (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
        (re.compile(r"\s+COLLATE NOCASE\b"), ""),
        (re.compile(r"date\('now'\)"), "CURRENT_DATE::text"),
    )

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[object] = ()) -> object:
        for pattern, replacement in self._RULES:
            sql = pattern.sub(replacement, sql)
        if params:
            sql = sql.replace("%", "%%").replace("?", "%s")
        return self.cursor.execute(sql, params)


def _registry(cursor: Any) -> None:
    cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {REGISTRY}")
    cursor.execute(
        f"""
        CREATE TABLE IF NOT EXISTS {REGISTRY}.plans (
            name TEXT PRIMARY KEY,
            schema_name TEXT NOT NULL UNIQUE,
            version INTEGER NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            created_by TEXT NOT NULL DEFAULT session_user
        )"""
    )
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {REGISTRY}.format (version INTEGER NOT NULL)")
    cursor.execute(f"SELECT version FROM {REGISTRY}.format")
    row = cursor.fetchone()
    if row is None:
        cursor.execute(f"INSERT INTO {REGISTRY}.format (version) VALUES (%s)", (REGISTRY_FORMAT,))
    elif int(row[0]) > REGISTRY_FORMAT:
        raise PlanFileError(
            f"The database holds team plans of a newer version of Onproduct (registry"
            f" format {row[0]}; this version reads up to {REGISTRY_FORMAT}). Update Onproduct."
        )
    _grant(cursor, REGISTRY)


def _grant(cursor: Any, schema: str) -> None:
    """Let the editors' and the readers' group roles (those that exist) into a schema."""
    cursor.execute("SELECT rolname FROM pg_roles WHERE rolname IN (%s, %s)", (EDITORS, READERS))
    present = {str(row[0]) for row in cursor.fetchall()}
    for role in present:
        cursor.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
        cursor.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}")
    if EDITORS in present and schema == REGISTRY:  # editors publish, upgrade, remove plans
        cursor.execute(f"GRANT INSERT, UPDATE, DELETE ON {REGISTRY}.plans TO {EDITORS}")
    elif EDITORS in present:
        cursor.execute(
            f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {EDITORS}"
        )
        cursor.execute(
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {EDITORS}"
        )


def _registry_exists(cursor: Any) -> bool:
    cursor.execute("SELECT to_regclass(%s)", (f"{REGISTRY}.plans",))
    return cursor.fetchone()[0] is not None


def _check_version(name: str, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise PlanFileError(
            f"The team plan {name} was made by a newer version of Onproduct (plan format"
            f" {version}; this version reads up to {SCHEMA_VERSION}). Update Onproduct."
        )


def _upgrade(cursor: Any, name: str, schema: str, version: int) -> int:
    """Run the missing steps in the plan's schema (the registry's lock held)."""
    _check_version(name, version)
    cursor.execute(f"SET LOCAL search_path TO {schema}")
    steps = _PgSteps(cursor)
    for step in steps_after(version):
        step.apply(steps)
        version = step.version
    cursor.execute(f"UPDATE {REGISTRY}.plans SET version = %s WHERE name = %s", (version, name))
    _grant(cursor, schema)
    return version


def init_team(address: TeamAddress) -> list[str]:
    """`onproduct team init URL`: make or upgrade the registry and every plan in it to
    this version's format, and make the address's plan (empty) if it names one that is
    not there. Under an advisory lock: two clients starting at once cannot both
    migrate. Returns a line per plan."""
    lines: list[str] = []
    with schema_change(address) as cursor:
        _registry(cursor)
        cursor.execute(f"SELECT name, schema_name, version FROM {REGISTRY}.plans ORDER BY name")
        for name, schema, version in cursor.fetchall():
            _check_version(name, int(version))
            if int(version) < SCHEMA_VERSION:
                _upgrade(cursor, name, schema, int(version))
                lines.append(f"{name}: upgraded from format {version} to {SCHEMA_VERSION}")
            else:
                lines.append(f"{name}: up to date (format {SCHEMA_VERSION})")
        if address.plan and not any(line.startswith(f"{address.plan}:") for line in lines):
            _create(cursor, address.plan)
            lines.append(f"{address.plan}: created (format {SCHEMA_VERSION})")
    return lines


def _create(cursor: Any, name: str) -> str:
    """A new, empty plan's schema and registry row (the registry's lock held)."""
    schema = schema_of(name)
    cursor.execute(f"CREATE SCHEMA {schema}")
    cursor.execute(
        f"INSERT INTO {REGISTRY}.plans (name, schema_name, version) VALUES (%s, %s, 0)",
        (name, schema),
    )
    cursor.execute(f"SET LOCAL search_path TO {schema}")
    steps = _PgSteps(cursor)
    for step in STEPS:
        step.apply(steps)
    cursor.execute(
        f"UPDATE {REGISTRY}.plans SET version = %s WHERE name = %s", (SCHEMA_VERSION, name)
    )
    _grant(cursor, schema)
    return schema


def _explain(error: BaseException) -> StorageError:
    if isinstance(error, StorageError):
        return error
    import psycopg

    if isinstance(error, psycopg.errors.InsufficientPrivilege):
        return StorageError(
            f"Your database role may not change the team plans' tables ({error})."
            " Ask who manages the server to run `onproduct team init`."
        )
    if isinstance(error, psycopg.errors.DuplicateSchema | psycopg.errors.UniqueViolation):
        return StorageError("A team plan of that name is there already; choose another name.")
    if isinstance(error, psycopg.OperationalError):
        from onproduct.storage.errors import DisconnectedError

        return DisconnectedError(f"The server cannot be reached: {str(error).strip()}.")
    return StorageError(f"The server refused: {str(error).strip()}.")


def list_plans(address: TeamAddress) -> list[str]:
    """The names of the plans the database holds."""
    with connect(address) as connection, connection.cursor() as cursor:
        if not _registry_exists(cursor):
            return []
        cursor.execute(f"SELECT name FROM {REGISTRY}.plans ORDER BY lower(name)")
        return [str(row[0]) for row in cursor.fetchall()]


def find_plan(address: TeamAddress) -> tuple[str, int]:
    """The schema and format of the address's plan; PlanFileError if there is none."""
    if not address.plan:
        raise PlanFileError(
            f"The address names no plan: add ?plan=NAME (the plans there: "
            f"{', '.join(list_plans(address)) or 'none yet'})."
        )
    with connect(address) as connection, connection.cursor() as cursor:
        if not _registry_exists(cursor):
            raise PlanFileError(
                f"{address.where} holds no team plans yet: run `onproduct team init` first."
            )
        cursor.execute(
            f"SELECT schema_name, version FROM {REGISTRY}.plans WHERE name = %s", (address.plan,)
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"SELECT name FROM {REGISTRY}.plans ORDER BY lower(name)")
            names = [str(r[0]) for r in cursor.fetchall()]
            raise PlanFileError(
                f"{address.where} has no team plan {address.plan!r}"
                f" (it has: {', '.join(names) or 'none'})."
            )
        schema, version = str(row[0]), int(row[1])
    _check_version(address.plan, version)
    if version < SCHEMA_VERSION:
        try:
            with schema_change(address) as cursor:
                cursor.execute(
                    f"SELECT version FROM {REGISTRY}.plans WHERE name = %s", (address.plan,)
                )
                version = int(cursor.fetchone()[0])
                if version < SCHEMA_VERSION:
                    version = _upgrade(cursor, address.plan, schema, version)
        except StorageError as error:
            raise PlanFileError(
                f"The team plan {address.plan} is of an older format and could not be"
                f" upgraded ({error})."
            ) from error
    return schema, version


def create_plan_schema(address: TeamAddress, name: str) -> str:
    """Make an empty team plan (the registry first, if the database has none)."""
    with schema_change(address) as cursor:
        _registry(cursor)
        schema = _create(cursor, name)
    return schema


def drop_plan(address: TeamAddress, name: str) -> None:
    """Remove a team plan, its tables and its history, for good (the self-test's own
    scratch plan; an admin's clean-up)."""
    with schema_change(address) as cursor:
        cursor.execute(f"SELECT schema_name FROM {REGISTRY}.plans WHERE name = %s", (name,))
        row = cursor.fetchone()
        if row is None:
            raise PlanFileError(f"{address.where} has no team plan {name!r}.")
        cursor.execute(f"DROP SCHEMA {row[0]} CASCADE")
        cursor.execute(f"DELETE FROM {REGISTRY}.plans WHERE name = %s", (name,))
