"""`onproduct import` and `onproduct metrics` as a script runs them."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import fingerprint
from .storage.make_plan_fixture import fixture_path

# Sprint S1: features 10 + 6, automation 4, debt 5 (done) and one unestimated,
# product ops 3 (done, took 4.5) and 2, dev ops 1 (done, took 1.5).
# Sprint S2: a 20 h feature and 2 h of dev ops. Backlog: an 8 h feature.
CSV = """key,title,category,estimate,actual,status,sprint,sprint_start,sprint_end,labels,description
F-1,Quotes,feature,10,,todo,S1,2026-01-05,2026-01-18,billing,
F-2,Reports,feature,6,,todo,S1,,,,
A-1,Self-service signup,automation,4,,todo,S1,,,onboarding,"Ends hand onboarding,
which takes 3 h a week"
D-1,CI pipeline,tech_debt,5,,done,S1,,,infra,
D-2,Old exporter,tech_debt,,,todo,S1,,,,
P-1,Hand onboarding,product_ops,3,4.5,done,S1,,,,
P-2,Fix invoices,product_ops,2,,todo,S1,,,,
O-1,Manual deploy,dev_ops,1,1.5,done,S1,,,,
F-3,Mobile app,feature,20,,todo,S2,2026-01-19,2026-02-01,,
O-2,Restart worker,dev_ops,2,,todo,S2,,,,
B-1,Team roles,feature,8,,todo,,,,,
"""


def onproduct(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "onproduct", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"},
    )


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    source = tmp_path / "backlog.csv"
    source.write_text(CSV, encoding="utf-8")
    plan = tmp_path / "team.onproduct"
    result = onproduct("import", plan, source, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines() == [
        "Imported backlog.csv into team.onproduct: 11 added, 0 updated; sprints created: S1, S2.",
        "Read as UTF-8 text.",
    ]
    return plan


def metrics(plan: Path, *more: str) -> dict[str, object]:
    result = onproduct("metrics", plan, *more, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_metrics_of_a_sprint_match_the_numbers_worked_out_by_hand(imported: Path) -> None:
    data = metrics(imported, "--sprint", "S1")
    assert data["basis"] == "effort" and data["target"] == 0.75 and data["band"] == [0.7, 0.8]
    assert data["on_product_index"] == pytest.approx(20 / 25)  # (10 + 6 + 4) / (20 + 5)
    assert data["state"] == "inside"  # 80% is the band's top edge
    assert data["index_by_count"] == pytest.approx(3 / 5)
    assert data["ops_share"] == pytest.approx(6 / 31)  # (3 + 2 + 1) / (20 + 5 + 6)
    assert data["effort_by_category"] == {
        "feature": 16.0,
        "automation": 4.0,
        "tech_debt": 5.0,
        "product_ops": 5.0,
        "dev_ops": 1.0,
    }
    assert data["unestimated"] == 1
    # Burden counts what done items took: 4.5 + 2 product ops, 1.5 dev ops.
    assert data["burden"] == [
        {
            "sprint": "S1",
            "start": "2026-01-05",
            "end": "2026-01-18",
            "product_ops_hours": 6.5,
            "dev_ops_hours": 1.5,
            "recurring_hours": 0.0,  # no recurring operations in this plan
            "recorded": False,
            "forecast": False,
        }
    ]


def test_metrics_of_the_whole_plan_include_every_item(imported: Path) -> None:
    data = metrics(imported)
    assert data["scope"] == "plan"
    assert data["on_product_index"] == pytest.approx(48 / 53)  # (44 + 4) / (48 + 5)
    assert data["state"] == "over"
    assert data["index_by_count"] == pytest.approx(5 / 7)
    assert data["ops_share"] == pytest.approx(8 / 61)
    assert [(b["sprint"], b["product_ops_hours"], b["dev_ops_hours"]) for b in data["burden"]] == [  # type: ignore[index, union-attr]
        ("S1", 6.5, 1.5),
        ("S2", 0.0, 2.0),
    ]


def test_metrics_without_json_speak_plainly(imported: Path) -> None:
    result = onproduct("metrics", imported, "--sprint", "s1")
    assert result.returncode == 0
    assert (
        "On-product index: 80% by effort (inside the target band 70%–80%, early growth);"
        " 60% by count" in result.stdout
    )


def test_importing_the_file_again_updates_instead_of_duplicating(
    imported: Path, tmp_path: Path
) -> None:
    changed = tmp_path / "changed.csv"
    changed.write_text(
        CSV.replace("F-2,Reports,feature,6", "F-2,Reports v2,feature,7"), encoding="utf-8"
    )
    result = onproduct("import", imported, changed)
    assert result.stdout.splitlines()[0].endswith("0 added, 1 updated, 10 unchanged.")
    assert metrics(imported, "--sprint", "S1")["effort_by_category"]["feature"] == 17.0  # type: ignore[index]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (
            "title,category\nGood,feature\nBad,bug\n",
            "line 3, column category: 'bug' is not a category",
        ),
        ("title,category,estimate\nA,feature,1\nB,feature,two\n", "line 3, column estimate"),
        ("title,category,sprint\nA,feature,Sprint 7\n", "the plan has no sprint 'Sprint 7'"),
        ("nothing to see\n", "is not a file Onproduct can import"),
    ],
)
def test_a_bad_file_imports_nothing_and_says_why_in_one_line(
    imported: Path, tmp_path: Path, bad: str, message: str
) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(bad, encoding="utf-8")
    before = fingerprint(tmp_path)
    result = onproduct("import", imported, source)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("onproduct import: bad.csv")
    assert message in lines[0]
    assert fingerprint(tmp_path) == before


def test_a_bad_file_into_a_new_path_creates_no_plan(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("title,category\nA,nope\n", encoding="utf-8")
    result = onproduct("import", tmp_path / "new.onproduct", source)
    assert result.returncode == 1
    assert not (tmp_path / "new.onproduct").exists()


def test_a_new_plan_from_import_starts_with_the_product_defaults(tmp_path: Path) -> None:
    source = tmp_path / "one.csv"
    source.write_text("title,category\nA,feature\n", encoding="utf-8")
    plan = tmp_path / "new.onproduct"
    assert onproduct("import", plan, source).returncode == 0
    data = metrics(plan)
    assert (data["basis"], data["target"], data["band"], data["effort_unit"]) == (
        "effort",
        0.75,
        [0.7, 0.8],
        "hours",
    )
    assert data["on_product_index"] is None  # one unestimated feature weighs nothing
    assert data["index_by_count"] == 1.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--sprint", "S9"), "the plan has no sprint 'S9' (its sprints: S1, S2)"),
    ],
)
def test_metrics_errors_are_one_line(imported: Path, args: tuple[str, ...], message: str) -> None:
    before = fingerprint(imported.parent)
    result = onproduct("metrics", imported, *args, "--json")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == f"onproduct metrics: {message}."
    assert fingerprint(imported.parent) == before


def test_metrics_refuse_a_file_that_is_not_a_plan(tmp_path: Path) -> None:
    notes = tmp_path / "notes.onproduct"
    notes.write_text("shopping list")
    result = onproduct("metrics", notes, "--json")
    assert result.returncode == 1
    assert (
        result.stderr.strip() == "onproduct metrics: notes.onproduct is not an Onproduct plan file."
    )
    assert notes.read_text() == "shopping list"


def test_metrics_read_an_older_plan_without_upgrading_it(tmp_path: Path) -> None:
    old = tmp_path / "old.onproduct"
    shutil.copyfile(fixture_path(1), old)
    before = fingerprint(tmp_path)
    data = metrics(old, "--sprint", "Sprint 25")
    assert data["effort_by_category"]["feature"] == 36.0  # type: ignore[index]
    assert fingerprint(tmp_path) == before


def test_the_burden_counts_recurring_operations_and_automation(tmp_path: Path) -> None:
    from datetime import date

    from onproduct.domain.items import ItemFields, SprintFields
    from onproduct.domain.operations import OperationFields
    from onproduct.storage.plan import Plan
    from onproduct.storage.planfile import create_plan

    plan_path = tmp_path / "ops.onproduct"

    def fill(plan: Plan) -> None:
        sprint = plan.add_sprint(SprintFields("S1", date(2026, 1, 5), date(2026, 1, 18), 80.0))
        onboarding = plan.add_operation(
            OperationFields("Hand onboarding", "product", date(2025, 12, 1), 7.0)
        )
        plan.add_operation(
            OperationFields(
                "Hand deploys",
                "development",
                date(2025, 12, 1),
                times_per_week=3.5,
                minutes_each=60,
            )
        )
        signup = ItemFields(
            "Self-service signup",
            "automation",
            estimate=10.0,
            status="done",
            operation_id=onboarding.id,
            saves_hours_per_week=3.5,
            done_on=date(2026, 1, 12),
        )
        plan.add_item(signup, sprint.id, 1.0)
        plan.add_item(
            ItemFields("Fix an export", "product_ops", estimate=2.0, actual=3.0, status="done"),
            sprint.id,
            2.0,
        )

    create_plan(plan_path, fill)
    (entry,) = metrics(plan_path, "--sprint", "S1")["burden"]  # type: ignore[misc]
    # Onboarding: 7 days at 7 h a week (7 h), then 7 days at 3.5 (3.5 h); plus the
    # 3 h the export fix took. Deploys: 3.5 times an hour a week for two weeks.
    assert entry["product_ops_hours"] == 13.5
    assert entry["dev_ops_hours"] == 7.0
    assert entry["recurring_hours"] == 17.5


def test_export_csv_then_import_into_a_new_plan_gives_the_same_figures(
    imported: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    result = onproduct("export", imported, "--csv", out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Exported 11 items of the whole plan to out.csv."
    copy = tmp_path / "copy.onproduct"
    assert onproduct("import", copy, out).returncode == 0
    assert metrics(copy) == metrics(imported)
    assert metrics(copy, "--sprint", "S2") == metrics(imported, "--sprint", "S2")


def test_export_of_one_sprint_has_only_its_items(imported: Path, tmp_path: Path) -> None:
    out = tmp_path / "s2.csv"
    assert onproduct("export", imported, "--csv", out, "--sprint", "s2").returncode == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["key"], r["sprint"]) for r in rows] == [("F-3", "S2"), ("O-2", "S2")]


def test_export_pdf_from_the_command_line(imported: Path, tmp_path: Path) -> None:
    out = tmp_path / "S1.pdf"
    result = onproduct("export", imported, "--pdf", out, "--sprint", "S1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Exported the sprint plan of S1 to S1.pdf (2 pages)."
    text = subprocess.run(["pdftotext", out, "-"], capture_output=True, text=True).stdout
    assert "Self-service signup" in text and "Page 2 of 2" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--csv", "{dir}/x.csv", "--sprint", "S9"), "the plan has no sprint 'S9'"),
        (("--pdf", "{dir}/x.pdf", "--sprint", "S9"), "the plan has no sprint 'S9'"),
        (("--csv", "{dir}/missing/x.csv"), "There is no folder"),
        (("--csv", "{plan}"), "is the plan itself; the export would destroy it"),
    ],
)
def test_export_errors_are_one_line_and_write_nothing(
    imported: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    before = fingerprint(tmp_path)
    filled = [a.format(dir=tmp_path, plan=imported) for a in args]
    result = onproduct("export", imported, *filled)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("onproduct export: ")
    assert message in lines[0]
    assert fingerprint(tmp_path) == before


def test_import_of_a_jira_export_from_the_command_line(tmp_path: Path) -> None:
    from .exchange.jira_files import jira_text

    source = tmp_path / "jira.csv"
    source.write_text(jira_text(), encoding="utf-8")
    plan = tmp_path / "jira.onproduct"
    result = onproduct("import", plan, source)  # auto: a Summary column means Jira
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "Imported jira.csv into jira.onproduct: 3 added, 0 updated, 3 skipped."
    assert "Skipped LED-1 (line 2): type 'Epic' is mapped to Skip" in lines
    again = onproduct("import", plan, source, "--format", "jira")
    assert "0 added, 0 updated, 3 unchanged, 3 skipped" in again.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "jira.csv",
            'Summary,Issue key\nFine,K-1\n"Never closed,K-2\n',
            "jira.csv, line 3: unexpected end of data",
        ),
        (
            "jira.csv",
            "Summary;Issue key;Custom field (Story Points)\nA;K-1;2\nB;K-2;lots\n",
            "jira.csv, line 3, column Custom field (Story Points): 'lots' is not a number",
        ),
        (
            "board.json",
            '{"name": "Team", "cards": [{"name": "A"},\n  {"name": "B",}]}',
            "board.json, line 2, column 16: the JSON is broken",
        ),
        ("board.json", '{"name": "Team"}', "board.json is not a Trello board export"),
    ],
)
def test_a_broken_tracker_export_leaves_the_plan_byte_for_byte_unchanged(
    imported: Path, tmp_path: Path, name: str, content: str, message: str
) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    before = fingerprint(tmp_path)
    result = onproduct("import", imported, source)
    assert result.returncode == 1 and result.stdout == ""
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert fingerprint(tmp_path) == before


def test_import_of_a_trello_board_from_the_command_line(tmp_path: Path) -> None:
    from .exchange.test_trello import board

    source = tmp_path / "board.json"
    source.write_text(json.dumps(board()), encoding="utf-8")
    plan = tmp_path / "trello.onproduct"
    result = onproduct("import", plan, source)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "Imported board.json into trello.onproduct: 3 added, 0 updated, 2 skipped."
    )
    assert metrics(plan)["effort_by_category"]["tech_debt"] == 12.0  # type: ignore[index]


def test_metrics_into_a_pipe_closed_early_ends_quietly(imported: Path) -> None:
    """`onproduct metrics P | head -1`: the reader has what it wanted; no traceback.

    `true` reads nothing and is gone long before Python has started: every write
    meets a closed pipe."""
    result = subprocess.run(
        f'"{sys.executable}" -m onproduct metrics "{imported}" --json | true;'
        ' echo "exit ${PIPESTATUS[0]}"',
        shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=60,
        env={k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"},
    )  # fmt: skip
    assert result.stdout == "exit 0\n"
    assert result.stderr == ""
