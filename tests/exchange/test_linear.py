"""Linear's CSV export: cycles, sub-issues, archived and canceled issues, and what lands
in the plan."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onproduct.domain.items import ItemFields, validate_item
from onproduct.domain.settings import PlanSettings
from onproduct.exchange.batch import Batch, ExchangeError
from onproduct.exchange.formats.linear import (
    FORMAT,
    LinearFile,
    linear_date,
    parse_linear,
    read_linear,
)
from onproduct.exchange.importer import ImportChanges, import_batch
from onproduct.exchange.mapping import SKIP
from onproduct.exchange.sources import detect_format, read_source, sniff
from onproduct.storage.plan import Plan
from onproduct.storage.planfile import open_plan

from ..helpers import dump

HOURS = PlanSettings()  # 4 h per point
POINTS = PlanSettings(effort_unit="points")

HEADER = [
    "ID", "Team", "Title", "Description", "Status", "Estimate", "Priority", "Project ID",
    "Project", "Creator", "Assignee", "Labels", "Cycle Number", "Cycle Name", "Cycle Start",
    "Cycle End", "Created", "Updated", "Started", "Triaged", "Completed", "Canceled",
    "Archived", "Due Date", "Parent issue", "Initiatives", "Project Milestone ID",
    "Project Milestone", "SLA Status", "Roadmaps",
]  # fmt: skip

JS_START = "Mon Jan 15 2024 00:00:00 GMT+0000 (Coordinated Universal Time)"
JS_END = "Mon Jan 29 2024 00:00:00 GMT+0000 (Coordinated Universal Time)"
ROWS: list[dict[str, str]] = [
    # A story done in an unnamed cycle (JavaScript dates), with two sub-issues.
    {
        "ID": "ENG-1", "Team": "Engineering", "Title": "Checkout redesign",
        "Description": 'Steps, in order:\n1. Pay, "quickly"\n2. Done\n\n- keep  indents',
        "Status": "Done", "Estimate": "3", "Priority": "High", "Project": "Checkout",
        "Labels": "Feature", "Cycle Number": "12", "Cycle Start": JS_START,
        "Cycle End": JS_END, "Created": "2024-01-10T10:00:00.000Z",
        "Started": "2024-01-16T09:00:00.000Z", "Completed": "2024-01-20T18:30:00.000Z",
    },
    {
        "ID": "ENG-2", "Team": "Engineering", "Title": "Card form, with Stripe",
        "Status": "Done", "Estimate": "1", "Completed": "Fri Jan 19 2024 16:00:00 GMT+0100",
        "Parent issue": "ENG-1",
    },
    {
        "ID": "ENG-3", "Team": "Engineering", "Title": "Receipt email", "Status": "Todo",
        "Estimate": "2", "Parent issue": "ENG-1",
    },
    # A bug in review in a named cycle (ISO dates), its labels in one quoted cell.
    {
        "ID": "ENG-4", "Team": "Engineering", "Title": "Totals off by one cent",
        "Status": "In Review", "Estimate": "2", "Labels": "Bug, Backend",
        "Cycle Number": "13", "Cycle Name": "Hardening, part 1",
        "Cycle Start": "2024-01-29T00:00:00.000Z", "Cycle End": "2024-02-12T00:00:00.000Z",
        "Started": "2024-01-30T08:00:00.000Z",
    },
    {
        "ID": "ENG-5", "Team": "Engineering", "Title": "Dark mode", "Status": "Canceled",
        "Canceled": "2024-01-22T08:00:00.000Z", "Labels": "Feature",
    },
    {
        "ID": "ENG-6", "Team": "Engineering", "Title": "Totals wrong", "Status": "Duplicate",
        "Canceled": "2024-01-23T08:00:00.000Z", "Labels": "Bug",
    },
    {
        "ID": "ENG-7", "Team": "Engineering", "Title": "Old landing page", "Status": "Done",
        "Completed": "2023-03-01T08:00:00.000Z", "Archived": "2023-09-01T08:00:00.000Z",
        "Cycle Number": "2", "Cycle Start": "2023-02-20T00:00:00.000Z",
        "Cycle End": "2023-03-06T00:00:00.000Z",
    },
    {
        "ID": "ENG-8", "Team": "Engineering", "Title": "Faster search", "Status": "Backlog",
        "Labels": "Type/Improvement",
    },
    {
        "ID": "OPS-1", "Team": "Operations", "Title": "Refund customers by hand",
        "Status": "Todo", "Labels": "Support", "Estimate": "1",
    },
    # Its parent was left out of the export.
    {
        "ID": "ENG-9", "Team": "Engineering", "Title": "Log the webhook", "Status": "Todo",
        "Parent issue": "ENG-99",
    },
]  # fmt: skip


def linear_text(rows: list[dict[str, str]] = ROWS, header: list[str] = HEADER) -> str:
    """An export as Linear writes it: every cell of the header, quoted where needed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def _batch(text: str, plan_settings: PlanSettings = HOURS) -> Batch:
    linear = parse_linear(text, "export.csv")
    return linear.batch(linear.guessed_mapping(), plan_settings)


def _fields(batch: Batch) -> dict[str | None, ItemFields]:
    return {row.fields.external_key: row.fields for row in batch.rows}


def _import(plan: Plan, path: Path, plan_settings: PlanSettings = HOURS) -> ImportChanges:
    source = read_source(path)
    assert isinstance(source, LinearFile)
    return import_batch(plan, source.batch(source.guessed_mapping(), plan_settings))


def test_an_export_lands_in_the_plan_with_its_cycles_as_sprints(
    sample_plan: Plan, tmp_path: Path
) -> None:
    before = {i.id for i in sample_plan.items()}
    changes = _import(sample_plan, write(tmp_path / "Linear export.csv", linear_text()))

    sprints = {s.name: s for s in sample_plan.sprints()}
    cycle_12, hardening = sprints["Cycle 12"], sprints["Hardening, part 1"]
    # A cycle ends when the next one starts: its last day is the day before.
    assert (cycle_12.start, cycle_12.end) == (date(2024, 1, 15), date(2024, 1, 28))
    assert (hardening.start, hardening.end) == (date(2024, 1, 29), date(2024, 2, 11))
    assert "Cycle 2" not in sprints  # only ENG-7, archived, was in it

    items = {i.external_key: i for i in sample_plan.items() if i.id not in before}
    assert set(items) == {"ENG-1", "ENG-4", "ENG-8", "OPS-1", "ENG-9"}

    story = items["ENG-1"]
    assert story.sprint_id == cycle_12.id
    assert (story.status, story.done_on) == ("done", date(2024, 1, 20))
    assert story.category == "feature" and story.labels == ("Feature", "Checkout")
    assert story.estimate == 12.0  # 3 points at 4 h
    assert story.description == (
        'Steps, in order:\n1. Pay, "quickly"\n2. Done\n\n- keep  indents\n\n'
        "Sub-issues:\n- [x] ENG-2 Card form, with Stripe (4 h)\n- [ ] ENG-3 Receipt email (8 h)"
    )

    bug = items["ENG-4"]
    assert bug.sprint_id == hardening.id and bug.status == "doing"
    assert bug.category == "tech_debt" and bug.labels == ("Bug", "Backend")
    assert items["ENG-8"].sprint_id is None and items["ENG-8"].status == "todo"
    assert items["ENG-8"].labels == ("Type/Improvement",)
    assert items["OPS-1"].category == "product_ops"
    assert items["ENG-9"].title == "Log the webhook"

    reasons = {skip.what: skip.why for skip in changes.skipped}
    assert reasons == {
        "ENG-2": "sub-issue, folded into ENG-1",
        "ENG-3": "sub-issue, folded into ENG-1",
        "ENG-5": "canceled",
        "ENG-6": "marked as a duplicate",
        "ENG-7": "archived",
    }
    assert "1 sub-issue whose parent is not in the file came in as item of its own." in (
        changes.notes
    )
    assert changes.summary() == (
        "5 added, 0 updated, 5 skipped; sprints created: Cycle 12, Hardening, part 1"
    )


def test_the_file_is_told_from_its_contents(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", linear_text())
    assert detect_format(path) == "linear"
    assert detect_format(write(tmp_path / "download.txt", linear_text())) == "linear"
    short = "ID,Team,Title,Status\nA1-7,Core,Something,Todo\n"
    assert detect_format(write(tmp_path / "short.csv", short)) == "linear"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Summary,Issue key,Issue id,Team,Title,ID\nA,K-1,10001,T,x,K-1\n", "jira"),
        ("key,title,category,estimate\nENG-1,A,feature,3\n", "csv"),
        # Azure DevOps: numeric ids, and a work item type
        ("ID,Work Item Type,Title,Team,State\n1234,User Story,Login,Core,New\n", None),
        ("ID,Team,Title,State\n1234,Core,Login,New\n", None),
    ],
)
def test_other_files_with_similar_headers_are_not_taken_for_linear(
    tmp_path: Path, content: str, expected: str | None
) -> None:
    path = write(tmp_path / "other.csv", content)
    assert FORMAT.recognise(sniff(path)) == 0.0
    try:
        detected: str | None = detect_format(path)
    except ExchangeError:
        detected = None  # no format takes it
    if expected is None:
        assert detected != "linear"  # another format may (Azure DevOps)
    else:
        assert detected == expected


def test_importing_the_same_file_again_changes_nothing(sample_plan: Plan, tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", linear_text())
    first = _import(sample_plan, path)
    items, sprints = len(sample_plan.items()), len(sample_plan.sprints())
    again = _import(sample_plan, path)
    assert (len(again.added), len(again.updated), again.unchanged) == (0, 0, len(first.added))
    assert not again.sprints
    assert (len(sample_plan.items()), len(sample_plan.sprints())) == (items, sprints)


def test_a_reimport_updates_what_changed_in_linear(sample_plan: Plan, tmp_path: Path) -> None:
    _import(sample_plan, write(tmp_path / "export.csv", linear_text()))
    rows = [dict(row) for row in ROWS]
    rows[7].update({"Title": "Faster, fuzzier search", "Status": "In Progress"})
    changes = _import(sample_plan, write(tmp_path / "export.csv", linear_text(rows)))
    assert len(changes.added) == 0 and len(changes.updated) == 1
    search = next(i for i in sample_plan.items() if i.external_key == "ENG-8")
    assert (search.title, search.status) == ("Faster, fuzzier search", "doing")


BROKEN = [
    ("", "export.csv is empty."),
    (
        "Key,Name\nENG-1,x\n",
        "export.csv is not a Linear export: its header has no Title column (it starts: Key, Name).",
    ),
    (
        'ID,Team,Title\nENG-1,Core,"Unclosed\nENG-2,Core,Next\n',
        "export.csv, line 2: unexpected end of data.",
    ),
    (
        "ID,Team,Title\nENG-1,Core,A,extra\n",
        "export.csv, line 2: 4 cells, but the header names 3 columns.",
    ),
    (
        "ID,Team,Title,Estimate\nENG-1,Core,A,1\nENG-2,Core,B,three\n",
        "export.csv, line 3, column Estimate: 'three' is not a number of points of 0 or more.",
    ),
    (
        "ID,Team,Title,Estimate\nENG-1,Core,A,-2\n",
        "export.csv, line 2, column Estimate: '-2' is not a number of points of 0 or more.",
    ),
    (
        'ID,Team,Title\nENG-1,Core,A\n"eng-1",Core,B\n',
        "export.csv, line 3, column ID: the issue ID eng-1 is already the ID of line 2.",
    ),
    (
        "ID,Team,Title,Cycle Name,Cycle Start,Cycle End\nENG-1,Core,A,C1,next monday,2024-01-29\n",
        "export.csv, line 2, column Cycle Start: 'next monday' is not a date.",
    ),
    (
        "ID,Team,Title,Cycle Number,Cycle Start,Cycle End\n"
        "ENG-1,Core,A,4,2024-01-15,Tue Feb 30 2024 00:00:00 GMT+0000\n",
        "export.csv, line 2, column Cycle End: 'Tue Feb 30 2024 00:00:00 GMT+0000' is not a date.",
    ),
    (
        "ID,Team,Title,Cycle Name,Cycle Start,Cycle End\nENG-1,Core,A,C1,2024-02-01,2024-01-15\n",
        "export.csv, line 2, column Cycle End: the cycle 'C1' ends (2024-01-15) before it"
        " starts (2024-02-01).",
    ),
    (
        "ID,Team,Title,Cycle Number,Cycle Start,Cycle End\n"
        "ENG-1,Eng,A,4,2024-01-15T00:00:00.000Z,2024-01-29T00:00:00.000Z\n"
        "ENG-2,Eng,B,4,,\n"
        "DES-1,Design,C,4,2024-01-22T00:00:00.000Z,2024-02-05T00:00:00.000Z\n",
        "export.csv, line 4, column Cycle Start: the cycle 'Cycle 4' runs 2024-01-22 to"
        " 2024-02-04 here but 2024-01-15 to 2024-01-28 on line 2. Export one team at a time,"
        " or rename one of them.",
    ),
    (  # checked when mapped: 300,000 points at 4 h each are past any estimate
        "ID,Team,Title,Estimate\nENG-1,Core,A,1\nENG-2,Core,B,300000\n",
        "export.csv, line 3: The estimate cannot be more than 1,000,000.",
    ),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_a_broken_file_says_what_and_where_and_changes_nothing(
    sample_path: Path, tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path / "export.csv", text)
    before = dump(sample_path)
    plan = open_plan(sample_path)
    try:
        with pytest.raises(ExchangeError) as raised:
            linear = read_linear(path)
            import_batch(plan, linear.batch(linear.guessed_mapping(), HOURS))
    finally:
        plan.close()
    assert str(raised.value) == message
    assert dump(sample_path) == before


def test_a_cycle_without_dates_sends_its_issues_to_the_backlog_and_says_so(
    sample_plan: Plan, tmp_path: Path
) -> None:
    text = "ID,Team,Title,Cycle Name,Cycle Start,Cycle End\nENG-1,Core,Undated,Cycle 7,,\n"
    changes = _import(sample_plan, write(tmp_path / "export.csv", text))
    assert not changes.sprints
    assert [(i.title, i.sprint_id) for i in changes.added] == [("Undated", None)]
    assert (
        "The cycle 'Cycle 7' has no dates in the file: its 1 issue goes to a sprint of that"
        " name if the plan has one, else to the backlog." in changes.notes
    )


def test_a_cycle_the_plan_already_has_takes_its_issues_dates_or_not(
    sample_plan: Plan, tmp_path: Path
) -> None:
    known = sample_plan.sprints()[-1]
    text = (
        "ID,Team,Title,Cycle Name,Cycle Start,Cycle End\n"
        f"ENG-1,Core,Undated,{known.name.upper()},,\n"
        f"ENG-2,Core,Dated,{known.name},2020-01-06,2020-01-19\n"
    )
    changes = _import(sample_plan, write(tmp_path / "export.csv", text))
    assert not changes.sprints  # the plan's sprint, with the plan's dates
    assert [i.sprint_id for i in changes.added] == [known.id, known.id]


def test_a_cycle_named_on_several_rows_gets_its_dates_from_any_of_them() -> None:
    text = (
        "ID,Team,Title,Cycle Number,Cycle Start,Cycle End\n"
        "ENG-1,Eng,A,4,,\n"
        "ENG-2,Eng,B,4.0,2024-01-15T00:00:00.000Z,2024-01-29T00:00:00.000Z\n"
        "DES-1,Design,C,4,Mon Jan 15 2024 00:00:00 GMT+0000,Mon Jan 29 2024 00:00:00 GMT+0000\n"
    )
    batch = _batch(text)
    assert [row.sprint for row in batch.rows] == ["Cycle 4"] * 3
    ref = batch.sprints["cycle 4"]
    assert (ref.line, ref.dates, ref.dates_line) == (2, (date(2024, 1, 15), date(2024, 1, 28)), 3)
    assert not batch.notes


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        # UTC times of a team east of Greenwich: local midnight is 23:00 the day before.
        ("2024-01-14T23:00:00.000Z", "2024-01-28T23:00:00.000Z", ("2024-01-15", "2024-01-28")),
        # West of Greenwich: 05:00 UTC is midnight in New York.
        ("2024-01-15T05:00:00.000Z", "2024-01-29T05:00:00.000Z", ("2024-01-15", "2024-01-28")),
        # An end at the last second of its day is that day.
        (
            "Mon Jan 15 2024 00:00:00 GMT-0500 (Eastern Standard Time)",
            "Sun Jan 28 2024 23:59:59 GMT-0500 (Eastern Standard Time)",
            ("2024-01-15", "2024-01-28"),
        ),
        # Dates without a time: the end is the last day.
        ("2024-01-15", "2024-01-28", ("2024-01-15", "2024-01-28")),
        # A cycle that ends the moment it starts is one day.
        ("2024-01-15T00:00:00Z", "2024-01-15T00:00:00Z", ("2024-01-15", "2024-01-15")),
    ],
)
def test_cycle_dates_become_the_sprints_first_and_last_day(
    start: str, end: str, days: tuple[str, str]
) -> None:
    text = linear_text(
        [{"ID": "ENG-1", "Title": "A", "Cycle Number": "1", "Cycle Start": start, "Cycle End": end}]
    )
    dates = _batch(text).sprints["cycle 1"].dates
    assert dates == (date.fromisoformat(days[0]), date.fromisoformat(days[1]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon Jan 15 2024 00:00:00 GMT+0000 (Coordinated Universal Time)", date(2024, 1, 15)),
        ("Sat Dec 02 2023 17:45:12 GMT+0100 (Central European Standard Time)", date(2023, 12, 2)),
        ("Mon, 15 Jan 2024 09:30:00 GMT", date(2024, 1, 15)),
        ("2024-01-15T00:00:00.000Z", date(2024, 1, 15)),
        ("2024-01-15 09:30:00+01:00", date(2024, 1, 15)),
        ("2024-01-15", date(2024, 1, 15)),
        ("2024-02-30", None),
        ("Mon Foo 15 2024", None),
        ("2024-01-15T25:00:00Z", None),
        ("soon", None),
        ("", None),
    ],
)
def test_linear_dates(text: str, expected: date | None) -> None:
    assert linear_date(text) == expected


def test_done_dates_read_in_either_form_and_a_bad_one_is_reported_not_fatal() -> None:
    rows = [
        {"ID": "A-1", "Title": "JS", "Status": "Done", "Completed": JS_START, "Cycle Number": "1"},
        {"ID": "A-2", "Title": "ISO", "Completed": "2024-01-16T22:10:00.000Z", "Cycle Number": "1"},
        {"ID": "A-3", "Title": "Odd", "Completed": "yesterday", "Cycle Number": "1"},
    ]
    linear = parse_linear(linear_text(rows), "export.csv")
    batch = linear.batch(linear.guessed_mapping(), HOURS)
    fields = _fields(batch)
    assert [(f.status, f.done_on) for f in fields.values()] == [
        ("done", date(2024, 1, 15)),
        ("done", date(2024, 1, 16)),
        ("done", None),
    ]
    assert linear.notes == [
        "1 date in the column Completed was not understood (such as 'yesterday' on line 4);"
        " those items have no done date."
    ]


@pytest.mark.parametrize(
    ("cells", "status"),
    [
        ({"Status": "Backlog"}, "todo"),
        ({"Status": "Todo"}, "todo"),
        ({"Status": "In Progress"}, "doing"),
        ({"Status": "In Review"}, "doing"),
        ({"Status": "Done"}, "done"),
        ({"Status": "Released 🚀"}, "done"),
        # Renamed statuses: the timestamps tell.
        ({"Status": "Waiting on design", "Started": "2024-01-16T09:00:00.000Z"}, "doing"),
        ({"Status": "Live", "Completed": "2024-01-16T09:00:00.000Z"}, "done"),
    ],
)
def test_the_state_comes_from_the_timestamps_before_the_status_name(
    cells: dict[str, str], status: str
) -> None:
    row = {"ID": "A-1", "Title": "A", "Cycle Number": "1", **cells}
    assert _batch(linear_text([row])).rows[0].fields.status == status


def test_canceled_issues_are_left_out_whatever_the_status_is_called() -> None:
    rows = [
        {"ID": "A-1", "Title": "Dropped", "Status": "Won't do", "Canceled": JS_START},
        {"ID": "A-2", "Title": "Called off", "Status": "Cancelled"},
        {"ID": "A-3", "Title": "Twice", "Status": "Duplicate"},
        {"ID": "A-4", "Title": "Kept", "Status": "Todo"},
    ]
    batch = _batch(linear_text(rows))
    assert [row.fields.external_key for row in batch.rows] == ["A-4"]
    assert [(s.where, s.why) for s in batch.skipped] == [
        ("line 2", "canceled"),
        ("line 3", "canceled"),
        ("line 4", "marked as a duplicate"),
    ]


def test_estimates_are_points_converted_at_a_rate_the_user_sets() -> None:
    linear = parse_linear(linear_text(), "export.csv")
    # ENG-1, its two sub-issues, ENG-4 and OPS-1 have estimates; ENG-5 to 7 are left out.
    [rate, *_] = linear.options(HOURS)
    assert (rate.key, rate.value, rate.suffix, rate.note) == (
        "hours_per_point",
        4.0,
        " h",
        "(5 estimates in points)",
    )
    assert _fields(linear.batch(linear.guessed_mapping(), HOURS))["ENG-4"].estimate == 8.0
    linear.set_option("hours_per_point", 6.0)
    batch = linear.batch(linear.guessed_mapping(), HOURS)
    fields = _fields(batch)
    assert fields["ENG-4"].estimate == 12.0
    assert "(6 h)" in fields["ENG-1"].description
    assert "5 estimates in points became hours at 6 h per point." in batch.notes
    # A plan in points takes them as they are, and offers no rate.
    assert "hours_per_point" not in {o.key for o in linear.options(POINTS)}
    points = _fields(linear.batch(linear.guessed_mapping(), POINTS))
    assert points["ENG-4"].estimate == 2.0 and points["OPS-1"].estimate == 1.0


def test_a_parent_without_an_estimate_sums_its_sub_issues() -> None:
    rows = [dict(row) for row in ROWS]
    rows[0]["Estimate"] = ""
    assert _fields(_batch(linear_text(rows), POINTS))["ENG-1"].estimate == 3.0


def test_sub_issues_of_sub_issues_fold_into_the_top_most_parent_in_the_file() -> None:
    rows = [
        {"ID": "A-3", "Title": "Grandchild", "Parent issue": "A-2"},
        {"ID": "A-1", "Title": "Top"},
        {"ID": "A-2", "Title": "Child", "Parent issue": "A-1", "Status": "Done"},
        {"ID": "B-2", "Title": "Own item", "Parent issue": "B-1"},
        {"ID": "B-3", "Title": "Under the orphan", "Parent issue": "B-2"},
        {"ID": "C-1", "Title": "Loop one", "Parent issue": "C-2"},
        {"ID": "C-2", "Title": "Loop two", "Parent issue": "C-1"},
    ]
    batch = _batch(linear_text(rows))
    fields = _fields(batch)
    assert set(fields) == {"A-1", "B-2", "C-1", "C-2"}
    top = fields["A-1"].description
    assert top == "Sub-issues:\n- [ ] A-3 Grandchild\n- [x] A-2 Child"
    assert fields["B-2"].description == "Sub-issues:\n- [ ] B-3 Under the orphan"
    assert "1 sub-issue whose parent is not in the file came in as item of its own." in (
        batch.notes
    )
    assert "2 issues whose parents lead round in a circle came in as items of their own." in (
        batch.notes
    )


def test_sub_issues_of_a_parent_left_out_go_with_it() -> None:
    rows = [
        {"ID": "A-1", "Title": "Canceled parent", "Canceled": JS_START},
        {"ID": "A-2", "Title": "Its child", "Parent issue": "A-1"},
        {"ID": "A-3", "Title": "Kept", "Labels": "Bug"},
        {"ID": "A-4", "Title": "Canceled child", "Parent issue": "A-3", "Status": "Canceled"},
    ]
    batch = _batch(linear_text(rows))
    assert [r.fields.external_key for r in batch.rows] == ["A-3"]
    assert batch.rows[0].fields.description == ""  # the canceled child is not on its list
    assert {s.what: s.why for s in batch.skipped} == {
        "A-1": "canceled",
        "A-2": "sub-issue of A-1, which is not imported",
        "A-4": "canceled",
    }


def test_archived_issues_come_in_only_when_asked_for() -> None:
    linear = parse_linear(linear_text(), "export.csv")
    archived = next(o for o in linear.options(HOURS) if o.key == "include_archived")
    assert (archived.label, archived.value) == ("Include &archived issues (1)", False)
    batch = linear.batch(linear.guessed_mapping(), HOURS)
    assert "ENG-7" not in _fields(batch)
    assert "1 archived issue was left out; the mapping step can bring them in." in batch.notes
    linear.set_option("include_archived", True)
    batch = linear.batch(linear.guessed_mapping(), HOURS)
    row = next(r for r in batch.rows if r.fields.external_key == "ENG-7")
    assert (row.fields.status, row.sprint) == ("done", "Cycle 2")
    assert batch.sprints["cycle 2"].dates == (date(2023, 2, 20), date(2023, 3, 5))


def test_done_issues_in_no_cycle_are_history_unless_asked_for() -> None:
    rows = [
        {"ID": "A-1", "Title": "Old", "Status": "Done", "Completed": JS_START},
        {"ID": "A-2", "Title": "Open", "Status": "Todo"},
    ]
    linear = parse_linear(linear_text(rows), "export.csv")
    assert [o.label for o in linear.options(HOURS)] == [
        "Bring in &done issues that are in no cycle (1)"
    ]
    batch = linear.batch(linear.guessed_mapping(), HOURS)
    assert list(_fields(batch)) == ["A-2"]
    assert {s.what: s.why for s in batch.skipped} == {"A-1": "already done, and in no cycle"}
    linear.set_option("include_done_backlog", True)
    assert list(_fields(linear.batch(linear.guessed_mapping(), HOURS))) == ["A-1", "A-2"]


def test_the_mapping_lists_projects_and_labels_and_a_project_rule_comes_first() -> None:
    linear = parse_linear(linear_text(), "export.csv")
    assert linear.kind_titles == {"project": "Projects", "label": "Labels"}
    assert linear.values("project") == [("Checkout", 1)]
    assert linear.values("label") == [
        ("Feature", 1),
        ("Bug", 1),
        ("Backend", 1),
        ("Type/Improvement", 1),
        ("Support", 1),
    ]  # not those of canceled, archived or folded issues
    assert linear.source_id == "linear:Engineering+Operations"
    mapping = linear.guessed_mapping()
    assert mapping.rule("label", "Bug") == "tech_debt"
    mapping.set("project", "Checkout", "automation")
    mapping.set("label", "Support", SKIP)
    batch = linear.batch(mapping, HOURS)
    assert _fields(batch)["ENG-1"].category == "automation"
    assert "OPS-1" not in _fields(batch)
    assert {s.what: s.why for s in batch.skipped}["OPS-1"] == "label 'Support' is mapped to Skip"


def test_a_url_column_gives_the_issue_another_name() -> None:
    header = ["ID", "Team", "Title", "URL"]
    url = "https://linear.app/acme/issue/ENG-1/signup"
    batch = _batch(linear_text([{"ID": "ENG-1", "Title": "Signup", "URL": url}], header))
    assert batch.rows[0].refs == (url,)
    assert _batch(linear_text()).rows[0].refs == ()


def test_titles_and_labels_are_cleaned_like_any_typed_item() -> None:
    rows = [
        {
            "ID": " ENG-1 ", "Title": "  Two   spaces\n" + "x" * 600, "Labels": " ux , UX,api ",
            "Project": "Billing; invoices", "Description": "Text  \n\n ",
        },
        {"ID": "ENG-2", "Title": "   "},
    ]  # fmt: skip
    batch = _batch(linear_text(rows))
    [row] = batch.rows
    assert len(row.fields.title) == 500 and row.fields.title.startswith("Two spaces x")
    assert row.fields.labels == ("ux", "api", "Billing invoices")
    assert row.fields.description == "Text" and row.fields.external_key == "ENG-1"
    assert validate_item(row.fields) == row.fields
    assert {s.what: s.why for s in batch.skipped} == {"ENG-2": "it has no title"}
    assert "1 title longer than 500 characters was shortened." in batch.notes


def test_a_spreadsheet_resave_with_semicolons_and_a_byte_order_mark(tmp_path: Path) -> None:
    text = linear_text([{"ID": "ENG-1", "Title": "Café, crème", "Labels": "naïve, Bug"}])
    rows = list(csv.reader(io.StringIO(text)))
    resaved = "\r\n".join(";".join(f'"{c}"' if "," in c else c for c in r) for r in rows)
    path = tmp_path / "export.csv"
    path.write_bytes(("\ufeff" + resaved + "\r\n").encode("utf-8"))
    linear = read_linear(path)
    assert linear.encoding == "utf-8-sig"
    assert (linear.issues[0].title, linear.issues[0].labels) == ("Café, crème", ("naïve", "Bug"))


LINEAR_HEADERS = [*HEADER, "URL", "Cycle", "Parent", "State"]
CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["ENG-1", "ENG-2", "eng-1", "A-3", "Done", "In Progress", "Canceled", "Duplicate", "3",
         "-1", "nan", "1e309", "300000", "2.5", "3,5", "Bug, Backend", "Type/Bug", " , ,",
         JS_START, JS_END, "2024-01-15T23:00:00.000Z", "2024-02-30", "Feb 31 2024", "12", "",
         " ", '"', "\r\n", "\x00", "x" * 520, "K-" + "9" * 120, "a;b", "Cycle 1"]
    ),
)  # fmt: skip


def linear_like() -> st.SearchStrategy[str]:
    """Text shaped like a Linear export with any columns and cells."""

    def build(header: list[str], rows: list[list[str]], delimiter: str) -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()

    return st.builds(
        build,
        st.lists(st.sampled_from(LINEAR_HEADERS), min_size=1, max_size=10),
        st.lists(st.lists(CELLS, max_size=11), max_size=6),
        st.sampled_from([",", ";"]),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), linear_like()))
def test_any_text_reads_as_clean_items_or_says_why(text: str) -> None:
    try:
        linear = parse_linear(text, "fuzz.csv")
    except ExchangeError as error:
        assert str(error) and "\n" not in str(error)
        return
    for unit in (HOURS, POINTS):
        for flag in (False, True):
            linear.set_option("include_archived", flag)
            linear.set_option("include_done_backlog", flag)
            try:
                batch = linear.batch(linear.guessed_mapping(), unit)
            except ExchangeError as error:
                assert str(error).startswith("fuzz.csv, line ")
                continue
            for row in batch.rows:
                assert validate_item(row.fields) == row.fields
            for ref in batch.sprints.values():
                assert ref.dates is not None and ref.dates[0] <= ref.dates[1]
