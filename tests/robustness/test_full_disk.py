"""A full disk, for real (a tmpfs of its own): one clear line that says the disk is full,
nothing lost, nothing left behind, and a plan that is never called damaged."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from onproduct.storage.planfile import create_plan, sidecars
from onproduct.storage.seeding import write_sample

from ..commands import onproduct, open_in_window, refused
from ..disk import fill, small_disk
from ..helpers import dump, fingerprint

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def disk(tmp_path: Path):
    with small_disk(tmp_path / "disk", "3m") as folder:
        yield folder


@pytest.fixture
def plan_on_disk(disk: Path, tmp_path: Path) -> Path:
    made = tmp_path / "made.onproduct"
    create_plan(made, lambda plan: write_sample(plan, date(2026, 11, 29)))
    plan = disk / "plan.onproduct"
    shutil.copyfile(made, plan)
    return plan


def backlog(path: Path, rows: int) -> Path:
    lines = ["key,title,category,estimate,description"]
    lines += [f"FULL-{n},Imported item {n},feature,3,{'words ' * 40}" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_on_a_full_disk_says_so_and_leaves_the_plan_whole(
    plan_on_disk: Path, disk: Path, tmp_path: Path
) -> None:
    source = backlog(tmp_path / "big.csv", 4000)
    before = dump(plan_on_disk)
    fill(disk, leave=64 * 1024)  # room to open the plan, not for the import
    line = refused(onproduct("import", plan_on_disk, source), "import")
    assert "the disk is full" in line and "damaged" not in line
    assert dump(plan_on_disk) == before
    leftovers = sorted(p.name for p in disk.iterdir() if p.name not in {"plan.onproduct", "filler"})
    assert leftovers == []
    # Still full: the plan is read, never called damaged.
    result = onproduct("metrics", plan_on_disk, "--json")
    assert result.returncode == 0, result.stderr
    # With no room at all, not even the log can be made: the same words.
    filler = fill(disk, leave=0)
    line = refused(onproduct("import", plan_on_disk, source), "import")
    assert "the disk is full" in line and "damaged" not in line
    assert [p.name for p in disk.iterdir() if p.name.startswith("plan.onproduct-")] == []
    # Room again: the same import goes through.
    filler.unlink()
    result = onproduct("import", plan_on_disk, source)
    assert result.returncode == 0, result.stderr
    assert len(dump(plan_on_disk)["item"]) == len(before["item"]) + 4000


def test_the_window_opens_a_plan_on_a_full_disk_read_only_and_says_why(
    plan_on_disk: Path, disk: Path
) -> None:
    fill(disk, leave=0)
    before = fingerprint(disk)
    shown = open_in_window(plan_on_disk)
    assert shown.returncode == 0, shown.stderr
    assert "opened: True" in shown.stdout
    assert "is open read-only because the disk holding it is full" in shown.stdout
    assert "another Onproduct window" not in shown.stdout and "damaged" not in shown.stdout
    assert fingerprint(disk) == before


def test_a_pdf_export_on_a_full_disk_keeps_the_old_pdf(
    disk: Path, tmp_path: Path, sample_path: Path
) -> None:
    target = disk / "sprint.pdf"
    first = onproduct("export", sample_path, "--pdf", target)
    assert first.returncode == 0, first.stderr
    old = target.read_bytes()
    fill(disk, leave=16 * 1024)  # less than the PDF needs
    line = refused(onproduct("export", sample_path, "--pdf", target), "export")
    assert "not enough space on the disk for sprint.pdf" in line
    assert "the file that was there is unchanged" in line
    assert target.read_bytes() == old
    assert sorted(p.name for p in disk.iterdir()) == ["filler", "sprint.pdf"]
    fill(disk, leave=0)
    csv_line = refused(onproduct("export", sample_path, "--csv", disk / "plan.csv"), "export")
    assert "not enough space" in csv_line and "nothing was written" in csv_line
    assert not (disk / "plan.csv").exists()


def test_the_self_test_says_when_its_temporary_folder_is_full(disk: Path) -> None:
    fill(disk, leave=0)
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env["TMPDIR"] = str(disk)
    result = subprocess.run(
        [sys.executable, "-m", "onproduct", "--self-test"],
        capture_output=True, text=True, timeout=120, cwd=ROOT, env=env,
    )  # fmt: skip
    assert result.returncode == 1
    assert f"FAIL the temporary folder {disk} cannot be written to: the disk is full" in (
        result.stdout
    )


def test_a_plan_with_room_for_nothing_still_opens_for_reading(
    plan_on_disk: Path, disk: Path
) -> None:
    """A refused write can leave an empty log: reading it must still work, full disk or
    not, and make nothing beside it."""
    sidecars(plan_on_disk)[0].write_bytes(b"")
    fill(disk, leave=0)
    before = fingerprint(disk)
    for command in (("metrics", plan_on_disk), ("export", plan_on_disk, "--csv", os.devnull)):
        result = onproduct(*command)
        if command[0] == "export":  # /dev/null is a device: refused, but not as damaged
            assert "is a device, not a file an export can replace" in refused(result, "export")
        else:
            assert result.returncode == 0, result.stderr
    assert fingerprint(disk) == before
