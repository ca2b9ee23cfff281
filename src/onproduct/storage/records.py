"""How sprints and recurring operations map to rows, both ways (kept out of plan.py)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from onproduct.domain.items import Baseline, Sprint, SprintFields, SprintRecord
from onproduct.domain.operations import Operation, OperationFields

# Columns of item in the order rows are read, bulk-written and kept in the history.
ITEM_COLUMNS = (
    "id",
    "title",
    "category",
    "description",
    "estimate",
    "actual",
    "status",
    "external_key",
    "operation_id",
    "saves_hours_per_week",
    "done_on",
    "sprint_id",
    "rank",
    "version",
)
SPRINT_COLUMNS = (
    "id, name, start_date, end_date, capacity, revenue,"
    " closed, actual_product_ops, actual_dev_ops, baseline, version"
)
OPERATION_COLUMNS = (
    "id, name, kind, start_date, end_date, hours_per_week, times_per_week, minutes_each, notes,"
    " version"
)


def sprint_from_row(row: tuple[Any, ...]) -> Sprint:
    sid, name, start, end, capacity, revenue, closed, product, dev, baseline, version = row
    return Sprint(
        sid,
        name,
        date.fromisoformat(start),
        date.fromisoformat(end),
        capacity,
        revenue,
        SprintRecord(bool(closed), product, dev),
        baseline_from_text(baseline),
        version,
    )


def sprint_values(fields: SprintFields) -> dict[str, Any]:
    """The columns the sprint dialog edits."""
    return {
        "name": fields.name,
        "start_date": fields.start,
        "end_date": fields.end,
        "capacity": fields.capacity,
        "revenue": fields.revenue,
    }


def record_values(record: SprintRecord) -> dict[str, Any]:
    return {
        "closed": int(record.closed),
        "actual_product_ops": record.product_ops_hours,
        "actual_dev_ops": record.dev_ops_hours,
    }


def baseline_text(baseline: Baseline | None) -> str | None:
    if baseline is None:
        return None
    return json.dumps(
        {
            "taken_on": baseline.taken_on.isoformat(),
            "effort_by_category": baseline.effort_by_category,
            "count_by_category": baseline.count_by_category,
            "product_ops_hours": baseline.product_ops_hours,
            "dev_ops_hours": baseline.dev_ops_hours,
        },
        sort_keys=True,
    )


def baseline_from_text(text: str | None) -> Baseline | None:
    """A stored baseline; one that cannot be read is treated as none, not as an error."""
    if not text:
        return None
    try:
        data = json.loads(text)
        return Baseline(
            date.fromisoformat(data["taken_on"]),
            {str(k): float(v) for k, v in data["effort_by_category"].items()},
            {str(k): int(v) for k, v in data["count_by_category"].items()},
            float(data["product_ops_hours"]),
            float(data["dev_ops_hours"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def operation_from_row(row: tuple[Any, ...]) -> Operation:
    oid, name, kind, start, end, hours, times, minutes, notes, version = row
    return Operation(
        name,
        kind,
        date.fromisoformat(start),
        hours,
        times,
        minutes,
        date.fromisoformat(end) if end else None,
        notes,
        oid,
        version,
    )


def operation_values(fields: OperationFields) -> dict[str, Any]:
    return {
        "name": fields.name,
        "kind": fields.kind,
        "start_date": fields.start,
        "end_date": fields.end,
        "hours_per_week": fields.hours_per_week,
        "times_per_week": fields.times_per_week,
        "minutes_each": fields.minutes_each,
        "notes": fields.notes,
    }
