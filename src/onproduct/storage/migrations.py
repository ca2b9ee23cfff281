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


STEPS: tuple[Step, ...] = (
    Step(1, "sprints, items and labels", _v1_board),
    Step(2, "plan settings with the defaults of a new plan", _v2_plan_settings),
    Step(
        3, "the operation an automation item removes and the hours it saves", _v3_automation_fields
    ),
)

SCHEMA_VERSION = STEPS[-1].version


def steps_after(version: int) -> list[Step]:
    """The steps an existing plan at `version` still needs, in order."""
    return [step for step in STEPS if step.version > version]
