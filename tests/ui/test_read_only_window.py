"""A plan open in another Onproduct opens for changes too, but is never replaced under
it; one that cannot be written opens read-only and says so."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from onproduct.domain.items import ItemFields
from onproduct.storage.errors import PlanBusyError
from onproduct.storage.lock import lock_path
from onproduct.storage.planfile import create_plan
from onproduct.ui.main_window import MainWindow

from ..helpers import fingerprint

HOLD = """
import sys, time
from pathlib import Path
from onproduct.storage.planfile import open_plan
plan = open_plan(Path(sys.argv[1]))
print("locked", flush=True)
time.sleep(60)
"""


def test_a_plan_open_in_another_process_opens_for_changes_but_is_never_replaced(
    qtbot, tmp_path: Path, settings, sample_path: Path, monkeypatch
) -> None:
    """Several Onproducts may change one plan (rows carry versions, each window sees
    the others' changes); none may replace the file under the others."""
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(sample_path)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "locked"
        window = MainWindow(settings, tmp_path / "data")
        qtbot.addWidget(window)
        assert window.open_plan(sample_path)
        assert window.document.plan.read_only is None
        assert "(read-only)" not in window.windowTitle()
        window.document.add_item(ItemFields(title="Kept", category="feature"))
        assert "Kept" in {i.title for i in window.document.items.items()}
        before = fingerprint(tmp_path)
        # New over it (what File ▸ New onto its name would do) is refused, file untouched.
        with pytest.raises(PlanBusyError, match="it is open in another Onproduct"):
            create_plan(sample_path, replace=True)
        assert fingerprint(tmp_path) == before
        window.close()
    finally:
        other.kill()
        other.wait()


def test_the_lock_is_let_go_when_the_window_closes(
    qtbot, tmp_path: Path, settings, sample_path: Path
) -> None:
    window = MainWindow(settings, tmp_path / "data")
    qtbot.addWidget(window)
    assert window.open_plan(sample_path)
    assert lock_path(sample_path).exists()
    assert window.document.plan.read_only is None
    window.close()
    deadline = time.monotonic() + 5
    while lock_path(sample_path).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not lock_path(sample_path).exists()
