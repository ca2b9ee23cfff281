"""Writing Onproduct's own CSV (PRODUCT.md): one row per item, of a sprint or the plan.

Cells a spreadsheet would run as a formula are neutralised (see own_csv.escape).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import Item, Sprint
from onproduct.exchange.formats.own_csv import COLUMNS, OPTIONAL_COLUMNS, escape
from onproduct.exchange.output import write_beside

# Everything Onproduct writes: the contract's columns, then what makes the round trip
# lossless (the register link, done dates, sprint capacity and revenue).
EXPORT_COLUMNS = (*COLUMNS, *OPTIONAL_COLUMNS)


def _number(value: float | None) -> str:
    """A number with every digit it has (3, 2.5, 0.1), so the round trip is exact."""
    if value is None:
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


def rows_of(
    items: Iterable[Item],
    sprints: Sequence[Sprint],
    operation_name: Callable[[int], str | None] = lambda _id: None,
) -> list[list[str]]:
    """The CSV rows (header first) of some items, in the order given."""
    by_id = {sprint.id: sprint for sprint in sprints}
    rows = [list(EXPORT_COLUMNS)]
    for item in items:
        sprint = by_id.get(item.sprint_id) if item.sprint_id is not None else None
        values = {
            "key": item.external_key or "",
            "title": item.title,
            "category": item.category,
            "estimate": _number(item.estimate),
            "actual": _number(item.actual),
            "status": item.status,
            "sprint": sprint.name if sprint else "",
            "sprint_start": sprint.start.isoformat() if sprint else "",
            "sprint_end": sprint.end.isoformat() if sprint else "",
            "labels": ";".join(item.labels),
            "description": item.description,
            "done_on": item.done_on.isoformat() if item.done_on else "",
            "removes_operation": (
                operation_name(item.operation_id) or "" if item.operation_id is not None else ""
            ),
            "saves_hours_per_week": _number(item.saves_hours_per_week),
            "sprint_capacity": _number(sprint.capacity) if sprint else "",
            "sprint_revenue": _number(sprint.revenue) if sprint else "",
        }
        rows.append([escape(values[column]) for column in EXPORT_COLUMNS])
    return rows


def in_plan_order(items: Iterable[Item], sprints: Sequence[Sprint]) -> list[Item]:
    """Items as the board shows them: sprint by sprint (backlog last), lane by lane, rank."""
    sprint_order = {sprint.id: position for position, sprint in enumerate(sprints)}
    lane_order = {key: position for position, key in enumerate(CATEGORY_KEYS)}
    return sorted(
        items,
        key=lambda i: (
            sprint_order.get(i.sprint_id, len(sprint_order))
            if i.sprint_id is not None
            else len(sprint_order) + 1,
            lane_order.get(i.category, 0) if i.sprint_id is not None else 0,
            i.rank,
        ),
    )


def csv_text(rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180, as spreadsheets expect
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(path: Path, rows: Sequence[Sequence[str]]) -> None:
    """Write UTF-8 with a byte-order mark, so spreadsheets read accents right; the file is
    whole or not there at all (text.write_beside)."""
    write_beside(path, csv_text(rows).encode("utf-8-sig"))
