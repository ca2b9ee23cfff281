"""A plan that cannot be written opens read-only and says so; a full disk refuses the
change and leaves a plan that still opens. Either way the file is left exactly as it was."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from onproduct.domain.items import Item
from onproduct.storage.errors import StorageError
from onproduct.storage.planfile import READ_ONLY_FILE, open_plan

from ..helpers import fingerprint


@pytest.fixture
def read_only_plan(sample_path: Path) -> Iterator[Path]:
    """The sample plan made unwritable: immutable for root (who ignores permissions)."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(sample_path)], check=True)
    else:
        sample_path.chmod(0o444)
    try:
        yield sample_path
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(sample_path)], check=True)
        sample_path.chmod(0o644)


def test_a_read_only_plan_opens_read_only_and_refuses_changes(read_only_plan: Path) -> None:
    before = fingerprint(read_only_plan.parent)
    plan = open_plan(read_only_plan)
    try:
        assert plan.read_only == READ_ONLY_FILE
        items = plan.items()
        assert len(items) > 40  # everything can be read
        with pytest.raises(StorageError, match="the plan file is read-only"):
            plan.update_items([(items[0].id, {"title": "Changed"})])
        with pytest.raises(StorageError, match="the plan file is read-only"):
            plan.bulk_insert_items([Item(10_000, "New", "feature")])
    finally:
        plan.close()
    assert fingerprint(read_only_plan.parent) == before


def test_a_full_disk_refuses_the_change_and_the_plan_still_opens(sample_path: Path) -> None:
    plan = open_plan(sample_path)
    try:
        pages = plan.raw_connection().execute("PRAGMA page_count").fetchone()[0]
        # A size limit where the file is now: the next page it needs is not there.
        plan.raw_connection().execute(f"PRAGMA max_page_count = {pages}")
        many = [Item(20_000 + n, "x" * 400, "feature", rank=float(n)) for n in range(500)]
        with pytest.raises(StorageError, match="the disk is full"):
            plan.bulk_insert_items(many)
        count = len(plan.items())
    finally:
        plan.close()
    again = open_plan(sample_path)
    try:
        assert len(again.items()) == count  # nothing of the refused change is there
    finally:
        again.close()
