"""The plan file's schema history: one step per version, applied in order.

A new plan runs every step from version 0, so the first step is the first schema and
each later step is exactly what an older plan needs to catch up. Steps are written as
SQL against the schema of their time, never through today's peewee models, which
describe only the newest schema. Never edit a released step: add a new one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol


class Executes(Protocol):
    def execute(self, sql: str, params: Sequence[object] = ..., /) -> object: ...


@dataclass(frozen=True)
class Step:
    """Brings a plan from `version - 1` to `version`."""

    version: int
    summary: str
    apply: Callable[[Executes], None]


def _v1_board(cur: Executes) -> None:
    cur.execute(
        """
        CREATE TABLE sprint (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            start_date TEXT NOT NULL,
            end_date TEXT NOT NULL,
            capacity REAL CHECK (capacity IS NULL OR capacity >= 0),
            CHECK (end_date >= start_date)
        )"""
    )
    cur.execute(
        """
        CREATE TABLE item (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL CHECK (category IN
                ('feature', 'automation', 'tech_debt', 'product_ops', 'dev_ops')),
            estimate REAL CHECK (estimate IS NULL OR estimate >= 0),
            actual REAL CHECK (actual IS NULL OR actual >= 0),
            status TEXT NOT NULL DEFAULT 'todo' CHECK (status IN ('todo', 'doing', 'done')),
            external_key TEXT,
            sprint_id INTEGER REFERENCES sprint (id) ON DELETE RESTRICT,
            rank REAL NOT NULL
        )"""
    )
    cur.execute("CREATE INDEX item_place ON item (sprint_id, category, rank)")
    cur.execute(
        "CREATE UNIQUE INDEX item_external_key ON item (external_key)"
        " WHERE external_key IS NOT NULL"
    )
    cur.execute(
        """
        CREATE TABLE item_label (
            item_id INTEGER NOT NULL REFERENCES item (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            label TEXT NOT NULL,
            PRIMARY KEY (item_id, position)
        )"""
    )
    cur.execute("CREATE INDEX item_label_label ON item_label (label)")


# What a plan starts with (PRODUCT.md): count effort, not tickets; early growth stage.
V2_DEFAULT_SETTINGS: dict[str, object] = {
    "basis": "effort",
    "stage": "early_growth",
    "target": 0.75,
    "band": 0.05,
    "effort_unit": "hours",
}


def _v2_plan_settings(cur: Executes) -> None:
    cur.execute(
        """
        CREATE TABLE plan_setting (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )"""
    )
    for key, value in V2_DEFAULT_SETTINGS.items():
        cur.execute("INSERT INTO plan_setting (key, value) VALUES (?, ?)", (key, json.dumps(value)))


def _v3_automation_fields(cur: Executes) -> None:
    cur.execute("ALTER TABLE item ADD COLUMN removes_operation TEXT")
    cur.execute(
        "ALTER TABLE item ADD COLUMN saves_hours_per_week REAL"
        " CHECK (saves_hours_per_week IS NULL OR saves_hours_per_week >= 0)"
    )


def _v4_operations_register(cur: Executes) -> None:
    cur.execute(
        """
        CREATE TABLE operation (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            kind TEXT NOT NULL CHECK (kind IN ('product', 'development')),
            start_date TEXT NOT NULL,
            end_date TEXT,
            hours_per_week REAL CHECK (hours_per_week IS NULL OR hours_per_week >= 0),
            times_per_week REAL CHECK (times_per_week IS NULL OR times_per_week >= 0),
            minutes_each REAL CHECK (minutes_each IS NULL OR minutes_each >= 0),
            notes TEXT NOT NULL DEFAULT '',
            CHECK (end_date IS NULL OR end_date >= start_date)
        )"""
    )
    # Format 3 named the removed operation in free text: each name becomes an entry of
    # the register, for the user to check, and the items point at it.
    cur.execute(
        """
        INSERT INTO operation (name, kind, start_date, hours_per_week, notes)
        SELECT min(trim(removes_operation)), 'product',
               coalesce((SELECT min(start_date) FROM sprint), date('now')),
               max(coalesce(saves_hours_per_week, 0)),
               'Named by an automation item before the register existed:'
               || ' check its kind, hours and start.'
        FROM item
        WHERE trim(coalesce(removes_operation, '')) != ''
        GROUP BY lower(trim(removes_operation))"""
    )
    cur.execute(
        "ALTER TABLE item ADD COLUMN operation_id INTEGER"
        " REFERENCES operation (id) ON DELETE SET NULL"
    )
    cur.execute(
        """
        UPDATE item SET operation_id = (
            SELECT o.id FROM operation o WHERE o.name = trim(item.removes_operation)
        ) WHERE trim(coalesce(removes_operation, '')) != ''"""
    )
    cur.execute("ALTER TABLE item DROP COLUMN removes_operation")
    cur.execute("ALTER TABLE item ADD COLUMN done_on TEXT")
    cur.execute("CREATE INDEX item_operation ON item (operation_id)")
    cur.execute("ALTER TABLE sprint ADD COLUMN closed INTEGER NOT NULL DEFAULT 0")
    cur.execute("ALTER TABLE sprint ADD COLUMN actual_product_ops REAL")
    cur.execute("ALTER TABLE sprint ADD COLUMN actual_dev_ops REAL")
    cur.execute("ALTER TABLE sprint ADD COLUMN revenue REAL")
    cur.execute("ALTER TABLE sprint ADD COLUMN baseline TEXT")


def _v5_versions_and_history(cur: Executes) -> None:
    # Every row a user can change counts its changes: a change is written only over the
    # version it was made from, so two people never silently overwrite each other.
    for table in ("item", "sprint", "operation", "plan_setting"):
        cur.execute(f"ALTER TABLE {table} ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    # The plan's history: who changed what, when, and the rows as they were after it.
    cur.execute(
        """
        CREATE TABLE change_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            what TEXT NOT NULL,
            rows TEXT NOT NULL DEFAULT '{}'
        )"""
    )
    # Which rows each change touched (of a bulk change, such as a big import, none).
    cur.execute(
        """
        CREATE TABLE change_row (
            change_id INTEGER NOT NULL REFERENCES change_log (id) ON DELETE CASCADE,
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL
        )"""
    )
    cur.execute("CREATE INDEX change_row_row ON change_row (tbl, row_id)")
    cur.execute("CREATE INDEX change_row_change ON change_row (change_id)")


STEPS: tuple[Step, ...] = (
    Step(1, "sprints, items and labels", _v1_board),
    Step(2, "plan settings with the defaults of a new plan", _v2_plan_settings),
    Step(
        3, "the operation an automation item removes and the hours it saves", _v3_automation_fields
    ),
    Step(
        4,
        "the register of recurring operations, done dates, closed sprints",
        _v4_operations_register,
    ),
    Step(5, "row versions and the plan's history", _v5_versions_and_history),
)

SCHEMA_VERSION = STEPS[-1].version


def steps_after(version: int) -> list[Step]:
    """The steps an existing plan at `version` still needs, in order."""
    return [step for step in STEPS if step.version > version]
