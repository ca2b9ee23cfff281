"""Plans that are not what they seem: a checkpoint cut short, odd contents, a schema of
someone else's, a named pipe. Each ends in one line and leaves every file as it was;
a plan SQLite reads whole is opened, never called damaged."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import struct
from datetime import date
from pathlib import Path

import pytest

from onproduct.domain.items import Item, ItemFields
from onproduct.storage.errors import PlanFileError, StorageError
from onproduct.storage.migrations import SCHEMA_VERSION
from onproduct.storage.planfile import (
    create_plan,
    inspect,
    open_plan,
    open_snapshot,
    sidecars,
)
from onproduct.storage.seeding import write_sample

from ..commands import onproduct, open_in_window, refused
from ..helpers import dump, fingerprint

# ------------------------------------------------- a checkpoint cut short


def _newest_page_one(wal: Path) -> bytes:
    """Page 1 as the newest frame of the write-ahead log holds it."""
    raw = wal.read_bytes()
    page_size = struct.unpack_from(">I", raw, 8)[0]
    salts = struct.unpack_from(">II", raw, 16)
    offset, newest = 32, None
    while offset + 24 + page_size <= len(raw):
        page, _size, *frame_salts = struct.unpack_from(">IIII", raw, offset)
        if tuple(frame_salts) != salts:
            break
        if page == 1:
            newest = raw[offset + 24 : offset + 24 + page_size]
        offset += 24 + page_size
    assert newest is not None, "the log holds no page 1"
    return newest


def test_a_checkpoint_cut_short_leaves_a_plan_that_opens_whole(tmp_path: Path) -> None:
    """What a kill during SQLite's checkpoint leaves: the log's newer page 1 (saying the
    plan has more pages) copied into a file that has not grown yet. SQLite reads it
    whole through the log, and so must Onproduct."""
    live = tmp_path / "live"
    live.mkdir()
    plan_path = live / "plan.onproduct"
    create_plan(plan_path, lambda plan: write_sample(plan, date(2026, 11, 29)))
    plan = open_plan(plan_path)
    try:
        connection = plan.raw_connection()
        connection.execute("PRAGMA wal_autocheckpoint = 0")  # the log keeps the commit
        plan.bulk_insert_items(
            [Item(50_000 + n, f"Imported {n}", "feature", rank=float(n)) for n in range(3000)]
        )
        expected = dump(plan_path)
        crashed = tmp_path / "crashed"
        crashed.mkdir()
        image = crashed / "plan.onproduct"
        # A crash image: the file and its log as they are on disk right now.
        shutil.copyfile(plan_path, image)
        shutil.copyfile(sidecars(plan_path)[0], sidecars(image)[0])
    finally:
        plan.close()
    header = _newest_page_one(sidecars(image)[0])
    with image.open("r+b") as handle:
        handle.write(header)
    pages = struct.unpack_from(">I", header, 28)[0]
    assert image.stat().st_size < pages * 4096  # shorter than its (new) header says

    assert inspect(image) > 0
    snapshot = open_snapshot(image)
    try:
        assert len(snapshot.items()) == len(expected["item"])
    finally:
        snapshot.close()
    reopened = open_plan(image)
    try:
        assert {i.title for i in reopened.items()} >= {f"Imported {n}" for n in range(3000)}
    finally:
        reopened.close()
    assert dump(image) == expected


def test_a_plan_cut_short_with_no_log_is_still_refused(sample_path: Path) -> None:
    data = sample_path.read_bytes()
    sample_path.write_bytes(data[: len(data) // 2])
    before = fingerprint(sample_path.parent)
    with pytest.raises(PlanFileError, match="shorter than its contents say"):
        open_plan(sample_path)
    assert fingerprint(sample_path.parent) == before


# ------------------------------------------------------ odd contents


def _tamper(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("PRAGMA ignore_check_constraints = ON")
        for statement in statements:
            connection.execute(statement)
    finally:
        connection.close()


REFUSED = {
    "a sprint start that is no date": (
        ["UPDATE sprint SET start_date = 'yesterday' WHERE id = (SELECT min(id) FROM sprint)"],
        r"sprint \d+: start_date is 'yesterday', not a date",
    ),
    "a sprint end on the 30th of February": (
        ["UPDATE sprint SET end_date = '2026-02-30' WHERE id = (SELECT min(id) FROM sprint)"],
        r"sprint \d+: end_date is '2026-02-30', not a date",
    ),
    "a setting that is not JSON": (
        ["UPDATE plan_setting SET value = '{not json' WHERE key = 'basis'"],
        r"plan setting basis: '\{not json' is not a value Onproduct wrote",
    ),
    "an operation of an unknown kind": (
        ["UPDATE operation SET kind = 'marketing' WHERE id = (SELECT min(id) FROM operation)"],
        r"operation \d+: kind is 'marketing', not one of product, development",
    ),
    "an item in a sprint that is not there": (
        ["UPDATE item SET sprint_id = 999999 WHERE id = (SELECT min(id) FROM item)"],
        r"item \d+ points at a sprint that is not there",
    ),
    "a missing table": (
        ["DROP TABLE operation"],
        rf"says it is plan format {SCHEMA_VERSION}, but it has no table operation",
    ),
    "a table with other columns": (
        ["ALTER TABLE sprint DROP COLUMN baseline"],
        rf"the table sprint has other columns, keys or indexes than plan format {SCHEMA_VERSION}",
    ),
    "an older format that has newer tables": (
        ["PRAGMA user_version = 3"],
        r"says it is plan format 3, but it has (a|an) \w+ \w+ that plan format 3 does not have",
    ),
    "a trigger of someone else's": (
        ["CREATE TRIGGER wipe AFTER INSERT ON item BEGIN DELETE FROM item; END"],
        rf"it has a trigger wipe that plan format {SCHEMA_VERSION} does not have",
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_a_plan_not_what_it_says_is_refused_in_one_line_before_any_write(
    sample_path: Path, case: str
) -> None:
    statements, message = REFUSED[case]
    _tamper(sample_path, *statements)
    before = fingerprint(sample_path.parent)
    for opening in (open_plan, open_snapshot):
        with pytest.raises(PlanFileError, match=message):
            opening(sample_path)
    assert re.search(message, refused(onproduct("metrics", sample_path, "--json"), "metrics"))
    assert fingerprint(sample_path.parent) == before


# Values of items are checked as the rows are read (every read of items: the board,
# exports, reports), naming the row; metrics checks what its sums use.
ODD_ITEMS = {
    "a done date that is no date": (
        "UPDATE item SET done_on = '2026-13-45' WHERE id = (SELECT min(id) FROM item)",
        r"item \d+: done_on is '2026-13-45', not a date like 2026-11-29",
        False,
    ),
    "an unknown category": (
        "UPDATE item SET category = 'marketing' WHERE id = (SELECT min(id) FROM item)",
        r"item \d+: category is 'marketing', not one of feature, automation",
        True,
    ),
    "an estimate that is text": (
        "UPDATE item SET estimate = 'lots' WHERE id = (SELECT min(id) FROM item)",
        r"item \d+: estimate is 'lots', not empty or a number",
        True,
    ),
    "a status of someone else's": (
        "UPDATE item SET status = 'blocked' WHERE id = (SELECT min(id) FROM item)",
        r"item \d+: status is 'blocked', not one of todo, doing, done",
        False,
    ),
    "a title that is bytes": (
        "UPDATE item SET title = X'4142' WHERE id = (SELECT min(id) FROM item)",
        r"item \d+: title is b'AB', not text",
        False,
    ),
    "a label that is bytes": (
        "UPDATE item_label SET label = X'07' WHERE rowid = (SELECT min(rowid) FROM item_label)",
        r"item label of item \d+: b'\\x07' is not text",
        False,
    ),
}


@pytest.mark.parametrize("case", ODD_ITEMS, ids=list(ODD_ITEMS))
def test_an_odd_value_in_an_item_is_reported_with_its_row(
    sample_path: Path, tmp_path: Path, case: str
) -> None:
    statement, message, in_metrics = ODD_ITEMS[case]
    _tamper(sample_path, statement)
    before = fingerprint(sample_path.parent)
    plan = open_plan(sample_path)
    try:
        with pytest.raises(StorageError, match=message):
            plan.items()
    finally:
        plan.close()
    out = tmp_path / "out.csv"
    assert re.search(message, refused(onproduct("export", sample_path, "--csv", out), "export"))
    metrics = onproduct("metrics", sample_path, "--json")
    if in_metrics:
        assert re.search(message, refused(metrics, "metrics"))
    else:  # a value metrics does not read: its figures are right
        assert metrics.returncode == 0, metrics.stderr
    assert not out.exists()
    assert fingerprint(sample_path.parent) == before


def test_the_window_refuses_an_odd_plan_and_carries_on(
    qtbot, tmp_path: Path, settings, sample_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from onproduct.ui.main_window import MainWindow

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *_a: warned.append(text))
    good = tmp_path / "good.onproduct"
    shutil.copyfile(sample_path, good)
    _tamper(sample_path, "UPDATE sprint SET end_date = '2026-02-30' WHERE id = 1")
    window = MainWindow(settings, tmp_path / "data")
    qtbot.addWidget(window)
    window.show()
    assert window.open_plan(good)
    before = fingerprint(tmp_path)
    assert not window.open_plan(sample_path)
    assert len(warned) == 1 and "end_date is '2026-02-30', not a date" in warned[0]
    assert window.document is not None and window.document.plan.path == good.absolute()
    window.document.add_item(ItemFields("Still working", "feature"))  # the window carries on
    assert "Still working" in {i.title for i in window.document.items.items()}
    assert fingerprint(tmp_path)["sample.onproduct"] == before["sample.onproduct"]


RECURSIVE_VIEW = [
    "ALTER TABLE item RENAME TO item_rows",
    "CREATE VIEW item AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)"
    " SELECT i AS id, 'x' AS title, '' AS description, 'feature' AS category,"
    " NULL AS estimate, NULL AS actual, 'todo' AS status, NULL AS external_key,"
    " NULL AS sprint_id, i AS rank, NULL AS saves_hours_per_week, NULL AS operation_id,"
    " NULL AS done_on FROM n",
]


def test_a_plan_whose_item_is_an_endless_view_is_refused_at_once(sample_path: Path) -> None:
    _tamper(sample_path, *RECURSIVE_VIEW)
    before = fingerprint(sample_path.parent)
    # In child processes with timeouts: reading such a view never ends.
    for command in (("metrics", sample_path), ("export", sample_path, "--csv", "out.csv")):
        line = refused(onproduct(*command, timeout=30), command[0])
        assert "item is a view, not a table" in line
    window = open_in_window(sample_path)
    assert window.returncode == 0, window.stderr
    assert "item is a view, not a table" in window.stdout
    assert "window alive" in window.stdout
    assert fingerprint(sample_path.parent) == before


# ------------------------------------------------------ a named pipe


def test_a_named_pipe_is_refused_never_waited_on(tmp_path: Path, sample_path: Path) -> None:
    fifo = tmp_path / "pipe.onproduct"
    os.mkfifo(fifo)
    (tmp_path / "backlog.csv").write_text("title,category\nSignup,feature\n", encoding="utf-8")
    for command in (
        ("metrics", fifo),
        ("export", fifo, "--csv", tmp_path / "out.csv"),
        ("export", fifo, "--pdf", tmp_path / "out.pdf"),
        ("import", fifo, tmp_path / "backlog.csv"),
    ):
        line = refused(onproduct(*command, timeout=30), str(command[0]))
        assert "pipe.onproduct is a named pipe, not a plan file" in line
    feed = tmp_path / "feed.csv"
    os.mkfifo(feed)
    line = refused(onproduct("import", sample_path, feed, timeout=30), "import")
    assert line.endswith("feed.csv is a named pipe, not a file to import.")
    window = open_in_window(fifo)
    assert "is a named pipe, not a plan file" in window.stdout, window.stdout + window.stderr
    assert "window alive" in window.stdout
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "out.pdf").exists()


# ------------------------------------------- reading leaves nothing behind


def test_reading_a_plan_with_an_empty_log_makes_no_shm(sample_path: Path) -> None:
    wal, shm, _ = sidecars(sample_path)
    wal.write_bytes(b"")  # what a refused write on a full disk can leave
    before = fingerprint(sample_path.parent)
    result = onproduct("metrics", sample_path, "--json")
    assert result.returncode == 0, result.stderr
    assert not shm.exists()
    assert fingerprint(sample_path.parent) == before


def test_reading_a_log_left_without_its_shm_makes_no_shm(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    plan_path = source / "plan.onproduct"
    create_plan(plan_path, lambda plan: write_sample(plan, date(2026, 11, 29)))
    plan = open_plan(plan_path)
    try:
        plan.raw_connection().execute("PRAGMA wal_autocheckpoint = 0")
        plan.add_item(ItemFields("Only in the log", "feature"), None, 1.0)
        killed = tmp_path / "killed"
        killed.mkdir()
        shutil.copyfile(plan_path, killed / "plan.onproduct")
        shutil.copyfile(sidecars(plan_path)[0], sidecars(killed / "plan.onproduct")[0])
    finally:
        plan.close()
    before = fingerprint(killed)
    result = onproduct("export", killed / "plan.onproduct", "--csv", tmp_path / "out.csv")
    assert result.returncode == 0, result.stderr
    assert "Only in the log" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert fingerprint(killed) == before
