"""Reading Onproduct's own CSV: good files in any column order, bad ones with line and column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from onproduct.exchange.formats.own_csv import ExchangeError, parse_plan_csv, read_plan_csv
from onproduct.exchange.importer import plan_import

HEADER = (
    "key,title,category,estimate,actual,status,sprint,sprint_start,sprint_end,labels,description\n"
)


def test_a_full_row_is_read_with_every_field() -> None:
    batch = parse_plan_csv(
        HEADER + 'K-1,Export,feature,5,6.5,done,S1,2026-01-05,2026-01-18,a;b,"two\nlines"\n'
    )
    (row,) = batch.rows
    assert row.line == 2 and row.sprint == "S1"
    fields = row.fields
    assert (fields.title, fields.category, fields.estimate, fields.actual) == (
        "Export",
        "feature",
        5.0,
        6.5,
    )
    assert (fields.status, fields.labels, fields.external_key) == ("done", ("a", "b"), "K-1")
    assert fields.description == "two\nlines"
    assert batch.sprints["s1"].dates == (date(2026, 1, 5), date(2026, 1, 18))


def test_columns_come_in_any_order_and_only_title_and_category_are_needed() -> None:
    batch = parse_plan_csv("Category,Title,Whatever\ntech_debt,Upgrade,x\n\n")
    (row,) = batch.rows
    assert (row.fields.title, row.fields.category, row.fields.status) == (
        "Upgrade",
        "tech_debt",
        "todo",
    )
    assert row.fields.estimate is None and row.sprint is None
    assert batch.fields == {"title", "category"}


def test_a_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufefftitle,category\nÉquipe,feature\n".encode())
    assert read_plan_csv(path).rows[0].fields.title == "Équipe"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("name,kind\nA,feature\n", "no title and no category column"),
        ("title,category,title\nA,feature,B\n", "'title' appears twice"),
        ("title,category\nA,bug\n", "line 2, column category: 'bug' is not a category"),
        ("title,category\nA,feature\n,feature\n", "line 3, column title: An item needs a title"),
        (
            "title,category,estimate\nA,feature,lots\n",
            "line 2, column estimate: The estimate must be a number",
        ),
        ("title,category,actual\nA,feature,-2\n", "line 2, column actual"),
        (
            "title,category,status\nA,feature,blocked\n",
            "line 2, column status: 'blocked' is not todo",
        ),
        ("title,category\nA,feature,extra\n", "line 2: 3 cells, but the header names 2 columns"),
        (
            "title,category,key\nA,feature,K\nB,feature,k\n",
            "line 3, column key: k is already the key of line 2",
        ),
        (
            "title,category,sprint,sprint_start,sprint_end\nA,feature,S,2026-13-01,2026-12-31\n",
            "line 2, column sprint_start: '2026-13-01' is not a date",
        ),
        (
            "title,category,sprint,sprint_start,sprint_end\nA,feature,S,2026-02-01,\n",
            "line 2, column sprint_end: give both sprint dates",
        ),
        (
            "title,category,sprint,sprint_start,sprint_end\nA,feature,S,2026-02-10,2026-02-01\n",
            "S cannot end before it starts",
        ),
        (
            "title,category,sprint,sprint_start,sprint_end\nA,feature,S,2026-02-01,2026-02-14\n"
            "B,feature,S,2026-02-02,2026-02-14\n",
            "line 3: S runs 2026-02-02 to 2026-02-14 here but 2026-02-01 to 2026-02-14 on line 2",
        ),
        ('title,category,description\nA,feature,"never closed\n', "line 2"),
    ],
)
def test_a_bad_file_names_the_line_and_column(text: str, message: str) -> None:
    with pytest.raises(ExchangeError, match=message.replace("(", r"\(")):
        parse_plan_csv(text, "plan.csv")


def test_lines_are_counted_across_cells_that_span_lines() -> None:
    text = 'title,category,description\nA,feature,"one\ntwo\nthree"\nB,bug,\n'
    with pytest.raises(ExchangeError, match="line 5, column category"):
        parse_plan_csv(text)


def test_a_file_that_is_not_utf8_is_read_in_its_code_page_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("title,category\nCaf\xe9,feature\n".encode("cp1252"))
    batch = read_plan_csv(path)
    assert batch.rows[0].fields.title == "Café"
    assert batch.encoding == "cp1252"
    changes = plan_import(batch, [], [])
    assert changes.details()[0] == "Read as Windows-1252 (Western European) text."


def test_a_file_whose_encoding_cannot_be_told_imports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"title,category\nCaf\x81\x8d,feature\n")  # bytes 1252 lacks
    with pytest.raises(ExchangeError, match=r"odd.csv: which encoding its text is in cannot be"):
        read_plan_csv(path)
