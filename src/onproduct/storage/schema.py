"""Is a file really the plan its version says it is? Its schema, then its values.

A plan file is only read after both checks: the tables, columns, keys and indexes are
exactly those the migration steps make for its version (no view, trigger or table of
anyone else's: a view named `item` could recurse forever, a trigger would run on our
writes, a newer table in an older file would break its upgrade); and every value is
one the app can use (a date that is a date, a category it knows). What is wrong is said
in one line that names the table and the row; nothing is written.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import MAX_EFFORT, STATUSES
from onproduct.domain.operations import KINDS
from onproduct.storage.migrations import STEPS

Schema = dict[str, tuple[object, ...]]


def _objects(connection: sqlite3.Connection) -> dict[str, str]:
    """Name → type of every object of the schema but SQLite's own."""
    return {
        name: kind
        for kind, name in connection.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        )
    }


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table(connection: sqlite3.Connection, name: str) -> tuple[object, ...]:
    columns = tuple(connection.execute(f"PRAGMA table_xinfo({_quoted(name)})"))
    keys = tuple(
        sorted(row[2:] for row in connection.execute(f"PRAGMA foreign_key_list({_quoted(name)})"))
    )
    indexes = tuple(
        sorted(
            (row[1] if not row[1].startswith("sqlite_") else row[3], *row[2:])
            for row in connection.execute(f"PRAGMA index_list({_quoted(name)})")
        )
    )
    return columns, keys, indexes


def read_schema(connection: sqlite3.Connection) -> Schema:
    """What a database holds, in a form two databases can be compared by.

    Only called once the object types are known to be right: no pragma ever looks
    into a view.
    """
    schema: Schema = {}
    rows = connection.execute(
        "SELECT type, name, sql FROM sqlite_master"
        " WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    ).fetchall()
    for kind, name, sql in rows:
        if kind == "table":
            schema[name] = (kind, *_table(connection, name))
        else:
            schema[name] = (kind, " ".join((sql or "").split()))
    return schema


@cache
def _expected(version: int) -> tuple[dict[str, str], Schema]:
    connection = sqlite3.connect(":memory:")
    try:
        for step in STEPS:
            if step.version <= version:
                step.apply(connection)
        return _objects(connection), read_schema(connection)
    finally:
        connection.close()


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def schema_problem(connection: sqlite3.Connection, version: int) -> str | None:
    """None when the database has exactly the schema of plan format `version`; else
    what differs first, in words ("item is a view, not a table")."""
    objects, expected = _expected(version)
    found = _objects(connection)
    for name, kind in sorted(objects.items()):
        if name not in found:
            return f"it has no {kind} {name}"
        if found[name] != kind:
            return f"{name} is {_a(found[name])}, not {_a(kind)}"
    for name, kind in sorted(found.items()):
        if name not in objects:
            return f"it has {_a(kind)} {name} that plan format {version} does not have"
    actual = read_schema(connection)
    for name, shape in sorted(expected.items()):
        if actual[name] != shape:
            what = "columns, keys or indexes" if shape[0] == "table" else "definition"
            return f"the {shape[0]} {name} has other {what} than plan format {version} has"
    return None


# ----------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class Rule:
    """What every value of one column must be: an SQL condition true for good values."""

    column: str
    condition: str
    wanted: str  # "a date like 2026-11-29", in the message


def _in(values: tuple[str, ...]) -> str:
    return "IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _date(column: str, *, null: bool = False) -> Rule:
    # date() keeps 2026-02-30 as it is; a modifier makes it say what day that really is.
    condition = (
        f"typeof({column}) = 'text' AND date({column}, '+0 days') IS {column}"
        f" AND {column} >= '0001-01-01'"
    )
    if null:
        condition = f"{column} IS NULL OR ({condition})"
    return Rule(column, condition, "a date like 2026-11-29")


def _amount(column: str) -> Rule:
    return Rule(
        column,
        f"{column} IS NULL OR (typeof({column}) IN ('integer', 'real')"
        f" AND {column} >= 0 AND {column} <= {MAX_EFFORT!r})",
        f"empty or a number from 0 to {MAX_EFFORT:,.0f}",
    )


def _number(column: str) -> Rule:
    return Rule(
        column,
        f"typeof({column}) IN ('integer', 'real') AND abs({column}) < 1e300",
        "a number",
    )


def _text(column: str, *, null: bool = False) -> Rule:
    condition = f"typeof({column}) = 'text'"
    if null:
        condition = f"{column} IS NULL OR {condition}"
    return Rule(column, condition, "text" if not null else "empty or text")


def _id(column: str, *, null: bool = True) -> Rule:
    condition = f"typeof({column}) = 'integer'"
    if null:
        condition = f"{column} IS NULL OR {condition}"
    return Rule(column, condition, "a row number")


def _one_of(column: str, values: tuple[str, ...]) -> Rule:
    return Rule(column, f"{column} {_in(values)}", "one of " + ", ".join(values))


# Every column the app reads of the small tables, by table, checked in SQL when a plan
# is opened; a column an older format lacks is skipped. Items are checked in Python as
# they are read (ITEM_KINDS): in SQL each column costs ~12 ms per 100,000 rows, while
# the rows the app reads anyway cost a few milliseconds to check.
RULES: dict[str, tuple[Rule, ...]] = {
    "sprint": (
        _id("id", null=False),
        _text("name"),
        _date("start_date"),
        _date("end_date"),
        _amount("capacity"),
        Rule("closed", "closed IN (0, 1)", "0 or 1"),
        _amount("actual_product_ops"),
        _amount("actual_dev_ops"),
        Rule(
            "revenue",
            "revenue IS NULL OR (typeof(revenue) IN ('integer', 'real') AND abs(revenue) < 1e300)",
            "empty or a number",
        ),
        _text("baseline", null=True),
        _id("version", null=False),
    ),
    "operation": (
        _id("id", null=False),
        _text("name"),
        _one_of("kind", KINDS),
        _date("start_date"),
        _date("end_date", null=True),
        _amount("hours_per_week"),
        _amount("times_per_week"),
        _amount("minutes_each"),
        _text("notes"),
        _id("version", null=False),
    ),
    "plan_setting": (_text("key"), _text("value"), _id("version", null=False)),
}


def _columns(version: int, table: str) -> set[str]:
    shape = _expected(version)[1].get(table)
    if shape is None:
        return set()
    columns = shape[1]
    assert isinstance(columns, tuple)
    return {column[1] for column in columns}


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def value_problems(connection: sqlite3.Connection, version: int) -> Iterator[str]:
    """The values the app could not use, one line each ("item 12: done_on is …")."""
    for table, rules in RULES.items():
        present = _columns(version, table)
        used = [rule for rule in rules if rule.column in present]
        if not used:
            continue
        # One pass over the table: the first failing rule of the first bad row.
        which = " ".join(
            f"WHEN NOT coalesce(({rule.condition}), 0) THEN {position}"
            for position, rule in enumerate(used)
        )
        every = " AND ".join(f"coalesce(({rule.condition}), 0)" for rule in used)
        columns = ", ".join(rule.column for rule in used)
        row = connection.execute(
            f"SELECT rowid, CASE {which} END, {columns} FROM {table} WHERE NOT ({every}) LIMIT 1"
        ).fetchone()
        if row is not None:
            rule = used[row[1]]
            yield (
                f"{table.replace('_', ' ')} {row[0]}: {rule.column} is {_shown(row[2 + row[1]])},"
                f" not {rule.wanted}"
            )
    if "plan_setting" in _expected(version)[0]:
        for key, value in connection.execute("SELECT key, value FROM plan_setting"):
            try:
                json.loads(value)
            except (TypeError, ValueError):
                yield f"plan setting {key}: {_shown(value)} is not a value Onproduct wrote"
    broken = connection.execute("PRAGMA foreign_key_check(item)").fetchone()
    if broken is not None:
        yield (
            f"{broken[0].replace('_', ' ')} {broken[1]} points at {_a(broken[2])} that is not there"
        )


# ----------------------------------------------------------------- item rows

_NONE = type(None)
# What each column of an item row may hold: a set of values, or of Python types. The
# sprint and operation ids are held to rows that exist when the plan is opened (the
# foreign key check), done dates where they are read as dates.
ITEM_KINDS: dict[str, tuple[frozenset[object], str]] = {
    "title": (frozenset({str}), "text"),
    "description": (frozenset({str}), "text"),
    "category": (frozenset(CATEGORY_KEYS), "one of " + ", ".join(CATEGORY_KEYS)),
    "estimate": (frozenset({float, int, _NONE}), "empty or a number"),
    "actual": (frozenset({float, int, _NONE}), "empty or a number"),
    "status": (frozenset(STATUSES), "one of " + ", ".join(STATUSES)),
    "external_key": (frozenset({str, _NONE}), "empty or text"),
    "saves_hours_per_week": (frozenset({float, int, _NONE}), "empty or a number"),
    "rank": (frozenset({float, int}), "a number"),
    "version": (frozenset({int}), "a whole number"),
}
_BY_VALUE = frozenset({"category", "status"})


def item_rows_problem(rows: list[tuple[Any, ...]], columns: tuple[str, ...]) -> str | None:
    """None when every item row holds values the app can use; else the first bad one
    ("item 12: category is 'x', not one of …"). The good case is one C-level pass
    over each column."""
    if not rows:
        return None
    checks = [(position, name) for position, name in enumerate(columns) if name in ITEM_KINDS]
    for position, name in checks:
        allowed = ITEM_KINDS[name][0]
        values = map(itemgetter(position), rows)
        found = set(values) if name in _BY_VALUE else set(map(type, values))
        if found <= allowed:
            continue
        for row in rows:
            value = row[position]
            if (value if name in _BY_VALUE else type(value)) not in allowed:
                return f"item {row[0]}: {name} is {_shown(value)}, not {ITEM_KINDS[name][1]}"
    return None


def unusable(plan: str, bad: str) -> str:
    """The line for a plan holding a value the app cannot use, naming table and row."""
    return (
        f"{plan} holds a value Onproduct cannot use ({bad}). It was not changed;"
        " restore a backup (File ▸ Restore from Backup) or correct that row."
    )


def bad_date(table: str, row_id: object, column: str, value: object) -> str:
    return f"{table} {row_id}: {column} is {_shown(value)}, not a date like 2026-11-29"
