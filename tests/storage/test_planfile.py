"""Plan files: created, reopened, refused without being touched, upgraded after a backup."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from onproduct.domain.items import ItemFields, SprintFields
from onproduct.storage import migrations, planfile
from onproduct.storage.errors import PlanFileError, StorageError
from onproduct.storage.lock import lock_path
from onproduct.storage.migrations import SCHEMA_VERSION, V2_DEFAULT_SETTINGS
from onproduct.storage.planfile import (
    APPLICATION_ID,
    create_plan,
    inspect,
    open_plan,
    save_copy,
)
from onproduct.storage.seeding import write_sample

from ..helpers import dump, fingerprint
from .make_plan_fixture import FIXTURE_DAY, fixture_path


def test_a_new_plan_reopens_with_everything_in_it(tmp_path: Path) -> None:
    path = tmp_path / "p.onproduct"

    def fill(plan) -> None:
        sprint = plan.add_sprint(SprintFields("S1", date(2026, 1, 5), date(2026, 1, 18), 80.0))
        plan.add_item(
            ItemFields("Export", "feature", "why", 5.0, 6.5, "done", ("b", "a"), "K-1"),
            sprint.id,
            1.0,
        )
        plan.add_item(ItemFields("Unplanned", "dev_ops"), None, 2.0)

    create_plan(path, fill)
    plan = open_plan(path)
    try:
        items = plan.items()
        assert [i.title for i in items] == ["Export", "Unplanned"]
        export = items[0]
        assert export.labels == ("b", "a")  # label order is kept
        assert (export.estimate, export.actual, export.status) == (5.0, 6.5, "done")
        assert export.external_key == "K-1"
        assert export.sprint_id == plan.sprints()[0].id
        assert items[1].sprint_id is None
        assert plan.sprints()[0].capacity == 80.0
        assert plan.settings() == V2_DEFAULT_SETTINGS
        assert plan.upgrade is None
    finally:
        plan.close()


def test_a_plan_file_is_a_wal_database_with_our_id_and_version(sample_path: Path) -> None:
    connection = sqlite3.connect(sample_path)
    try:
        assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


def test_an_open_plan_enforces_foreign_keys(sample_plan) -> None:
    assert sample_plan.raw_connection().execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # A sprint that still has items cannot disappear under them.
    with pytest.raises(StorageError, match="not saved"):
        sample_plan.delete_sprint(sample_plan.sprints()[0].id)
    assert len(sample_plan.sprints()) == 6


def test_every_write_is_on_disk_when_the_call_returns(sample_plan) -> None:
    sample_plan.add_item(ItemFields("Seen by others", "feature"), None, 99.0)
    other = sqlite3.connect(sample_plan.path)
    try:
        titles = [t for (t,) in other.execute("SELECT title FROM item")]
    finally:
        other.close()
    assert "Seen by others" in titles


def test_creating_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.onproduct"
    path.write_text("my notes")
    with pytest.raises(PlanFileError, match="already exists"):
        create_plan(path)
    assert path.read_text() == "my notes"


def test_a_failed_creation_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "new.onproduct"

    def fail(plan) -> None:
        plan.add_item(ItemFields("one", "feature"), None, 1.0)
        raise StorageError("disk gone")

    with pytest.raises(StorageError, match="disk gone"):
        create_plan(path, fail)
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ refusals


def _other_program_database(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.execute("INSERT INTO notes VALUES ('hello')")
    connection.commit()
    connection.close()


def _newer_plan(path: Path) -> None:
    create_plan(path)
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()


def _truncated_plan(path: Path) -> None:
    create_plan(path, lambda plan: write_sample(plan, FIXTURE_DAY))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _corrupt_plan(path: Path) -> None:
    create_plan(path, lambda plan: write_sample(plan, FIXTURE_DAY))
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    # Scribble over the second and third pages (table roots), keep the header intact.
    data[page : 3 * page] = bytes([0xA5]) * (2 * page)
    path.write_bytes(bytes(data))


def _schemaless_plan(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute("CREATE TABLE x (y)")
    connection.commit()
    connection.close()


REFUSALS = {
    "empty file": (lambda p: p.write_bytes(b""), "is empty"),
    "text file": (lambda p: p.write_text("title,category\nA,feature\n"), "not an Onproduct plan"),
    "random bytes": (lambda p: p.write_bytes(os.urandom(5000)), "not an Onproduct plan"),
    "another program's database": (_other_program_database, "another program"),
    "plan from a newer version": (_newer_plan, "newer version of Onproduct"),
    "truncated plan": (_truncated_plan, "damaged"),
    "corrupt plan": (_corrupt_plan, "damaged"),
    "plan without a schema": (_schemaless_plan, "not a complete Onproduct plan"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_file_that_is_not_a_usable_plan_is_refused_and_left_untouched(
    tmp_path: Path, case: str
) -> None:
    make, message = REFUSALS[case]
    path = tmp_path / "suspect.onproduct"
    make(path)
    before = fingerprint(tmp_path)
    with pytest.raises(PlanFileError, match=message) as refused:
        open_plan(path)
    assert "\n" not in str(refused.value)  # one sentence, no traceback
    assert fingerprint(tmp_path) == before  # same bytes, and no -wal/-shm/backup files


def test_a_missing_file_or_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlanFileError, match="no plan file"):
        open_plan(tmp_path / "nowhere.onproduct")
    with pytest.raises(PlanFileError, match="is a folder"):
        open_plan(tmp_path)


# ---------------------------------------------------------------- migrations


def test_every_past_format_has_a_saved_plan_file() -> None:
    for version in range(1, SCHEMA_VERSION):
        assert fixture_path(version).is_file(), f"tests/storage/plans lacks format {version}"


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_a_plan_of_a_past_format_is_upgraded_after_a_backup(tmp_path: Path, version: int) -> None:
    path = tmp_path / "old.onproduct"
    shutil.copyfile(fixture_path(version), path)
    original = dump(path)
    assert inspect(path) == version

    plan = open_plan(path)
    try:
        assert plan.upgrade is not None and plan.upgrade.from_version == version
        items = plan.items()
        assert len(items) == len(original["item"])
        assert {i.title for i in items} == {row[1] for row in original["item"]}
        assert plan.settings() == V2_DEFAULT_SETTINGS
        backup = plan.upgrade.backup
    finally:
        plan.close()

    assert backup.parent == tmp_path and backup.suffix == ".onproduct"
    assert dump(backup) == original  # the backup is the plan as it was
    connection = sqlite3.connect(backup)  # closed at once: its -wal/-shm must not linger
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == version
    finally:
        connection.close()
    assert inspect(path) == SCHEMA_VERSION
    # Opening again does not upgrade or back up a second time.
    files = fingerprint(tmp_path).keys()
    again = open_plan(path)
    again.close()
    assert fingerprint(tmp_path).keys() == files
    assert again.upgrade is None


def test_a_failed_upgrade_leaves_the_plan_at_its_old_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.onproduct"
    shutil.copyfile(fixture_path(1), path)
    original = dump(path)

    def broken(cur) -> None:
        cur.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("no space left")

    steps = (*migrations.STEPS, migrations.Step(SCHEMA_VERSION + 1, "broken", broken))
    monkeypatch.setattr(migrations, "STEPS", steps)
    monkeypatch.setattr(planfile, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(PlanFileError, match=r"could not be upgraded.*backup"):
        open_plan(path)
    # Steps that succeeded stay; the broken one left nothing; the backup is the original.
    assert inspect(path) == SCHEMA_VERSION
    assert "half_done" not in dump(path)
    backups = [p for p in tmp_path.iterdir() if "backup" in p.name]
    assert len(backups) == 1 and dump(backups[0]) == original


# ------------------------------------------------------------------- save as


def test_save_as_copies_everything_including_what_is_still_in_the_log(
    sample_plan,
    tmp_path: Path,
) -> None:
    sample_plan.add_item(ItemFields("Only in the WAL so far", "feature"), None, 500.0)
    target = tmp_path / "copy.onproduct"
    save_copy(sample_plan, target)
    assert dump(target) == dump(sample_plan.path)
    assert inspect(target) == SCHEMA_VERSION
    # Nothing left beside the copy; only the open plan's own lock is there.
    hidden = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert hidden == [lock_path(sample_plan.path).name]


def test_save_as_replaces_an_existing_file_completely(sample_plan, tmp_path: Path) -> None:
    target = tmp_path / "old.onproduct"
    create_plan(target, lambda plan: plan.add_item(ItemFields("old", "feature"), None, 1.0))
    save_copy(sample_plan, target)
    assert dump(target) == dump(sample_plan.path)


# ------------------------------------------------------------ a killed process


def test_nothing_is_lost_when_the_process_is_killed(tmp_path: Path, sample_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        from onproduct.domain.items import ItemFields
        from onproduct.storage.planfile import open_plan
        plan = open_plan({str(sample_path)!r})
        for n in range(20):
            plan.add_item(ItemFields(f"written before the kill {{n}}", "feature"), None, 1000.0 + n)
        plan.update_items([(1, {{"title": "renamed before the kill"}})])
        print("committed", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == -signal.SIGKILL
    assert result.stdout.strip() == "committed"
    plan = open_plan(sample_path)
    try:
        titles = {i.title for i in plan.items()}
        ok = plan.raw_connection().execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        plan.close()
    assert ok == "ok"
    assert {f"written before the kill {n}" for n in range(20)} <= titles
    assert "renamed before the kill" in titles
