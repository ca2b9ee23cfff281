"""Our own CSV out and back in: formula cells neutralised, nothing lost on the way."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from onproduct.domain.items import Item
from onproduct.exchange.csv_export import csv_text, in_plan_order, rows_of, write_csv
from onproduct.exchange.formats.own_csv import escape, parse_plan_csv, read_plan_csv, unescape
from onproduct.exchange.importer import import_batch
from onproduct.storage.plan import Plan
from onproduct.storage.planfile import create_plan, open_plan

TRICKY = [
    '=HYPERLINK("http://evil","x")',
    "+1 call the bank",
    "-5% churn",
    "@SUM(A1:A3)",
    "\tindented",
    "\rcarriage",
    "'=already quoted",
    "''=twice",
    "'plain apostrophe",
    "'",
    'a "quoted" word, and a comma',
    "two\nlines",
    "Zażółć gęślą jaźń — 日本語のタイトル — Ελληνικά",
    "",
]


@pytest.mark.parametrize("text", TRICKY)
def test_escaping_is_undone_exactly(text: str) -> None:
    assert unescape(escape(text)) == text


def test_cells_a_spreadsheet_would_run_start_with_an_apostrophe() -> None:
    for text in TRICKY:
        escaped = escape(text)
        assert escaped[:1] not in set("=+-@\t\r"), text


def test_a_formula_title_is_written_as_text_and_read_back_as_typed(tmp_path: Path) -> None:
    item = Item(1, "=2+3", "feature", description="@admin +1")
    path = tmp_path / "out.csv"
    write_csv(path, rows_of([item], []))
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the accents right
    cells = next(row for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"))) if "'=2+3" in row)
    assert "'@admin +1" in cells
    row = read_plan_csv(path).rows[0]
    assert (row.fields.title, row.fields.description) == ("=2+3", "@admin +1")


def _comparable(plan: Plan) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    sprints = {s.id: s for s in plan.sprints()}
    operations = {o.id: o.name for o in plan.operations()}
    items = [
        (
            i.external_key,
            i.title,
            i.category,
            i.description,
            i.estimate,
            i.actual,
            i.status,
            i.labels,
            i.done_on,
            operations.get(i.operation_id) if i.operation_id else None,
            i.saves_hours_per_week,
            sprints[i.sprint_id].name if i.sprint_id else None,
        )
        for i in in_plan_order(plan.items(), list(sprints.values()))
    ]
    used = {i[-1] for i in items}
    sprint_rows = [
        (s.name, s.start, s.end, s.capacity, s.revenue) for s in sprints.values() if s.name in used
    ]
    return items, sprint_rows


def test_export_then_import_into_a_new_plan_gives_the_same_plan(
    sample_plan: Plan, tmp_path: Path
) -> None:
    # Make the sample as awkward as we can: formulas, quotes, lines, scripts, fractions.
    items = sample_plan.items()
    awkward = {
        items[0].id: {"title": "=cmd|' /C calc'!A0", "description": 'line one\nline "two"'},
        items[1].id: {"title": "-1 refund", "labels": ("日本", "@ops"), "estimate": 2.25},
        items[2].id: {"description": "\tTabbed, with a comma", "actual": 1 / 3},
    }
    sample_plan.update_items(list(awkward.items()))
    path = tmp_path / "plan.csv"
    sprints = sample_plan.sprints()
    names = {o.id: o.name for o in sample_plan.operations()}
    write_csv(path, rows_of(in_plan_order(sample_plan.items(), sprints), sprints, names.get))

    copy_path = tmp_path / "copy.onproduct"
    create_plan(copy_path)
    copy = open_plan(copy_path)
    try:
        for operation in sample_plan.operations():  # the register travels in the plan file
            copy.add_operation(operation.editable)
        changes = import_batch(copy, read_plan_csv(path))
        assert not changes.notes and not changes.skipped
        assert _comparable(copy) == _comparable(sample_plan)
    finally:
        copy.close()


def test_export_order_is_the_boards_sprint_by_sprint_then_the_backlog(sample_plan: Plan) -> None:
    sprints = sample_plan.sprints()
    ordered = in_plan_order(sample_plan.items(), sprints)
    positions = {s.id: n for n, s in enumerate(sprints)}
    places = [positions[i.sprint_id] if i.sprint_id else len(sprints) for i in ordered]
    assert places == sorted(places)
    assert ordered[-1].sprint_id is None


def test_numbers_keep_every_digit() -> None:
    item = Item(1, "Fraction", "feature", estimate=1 / 3, actual=12345.675)
    text = csv_text(rows_of([item], []))
    row = parse_plan_csv(text).rows[0]
    assert (row.fields.estimate, row.fields.actual) == (1 / 3, 12345.675)


def test_sprint_capacity_and_revenue_survive(sample_plan: Plan, tmp_path: Path) -> None:
    sprint = sample_plan.sprints()[0]
    item = replace(Item(1, "One", "feature"), sprint_id=sprint.id)
    batch = parse_plan_csv(csv_text(rows_of([item], [sprint])))
    ref = batch.sprints[sprint.name.casefold()]
    assert (ref.dates, ref.capacity, ref.revenue) == (
        (sprint.start, sprint.end),
        sprint.capacity,
        sprint.revenue,
    )
    assert isinstance(ref.dates[0], date)
