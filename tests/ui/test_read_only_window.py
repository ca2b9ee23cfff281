"""A plan open in another Onproduct, or one that cannot be written, opens read-only and
says so; changes are refused with a message and the file is left as it was."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from onproduct.domain.items import ItemFields
from onproduct.storage.lock import lock_path
from onproduct.ui.main_window import MainWindow

from ..helpers import fingerprint

HOLD = """
import sys, time
from pathlib import Path
from onproduct.storage.lock import PlanLock
PlanLock(Path(sys.argv[1])).acquire()
print("locked", flush=True)
time.sleep(60)
"""


def test_a_plan_open_in_another_process_opens_read_only(
    qtbot, tmp_path: Path, settings, sample_path: Path, monkeypatch
) -> None:
    told: list[str] = []
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(sample_path)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "locked"
        window = MainWindow(settings, tmp_path / "data")
        qtbot.addWidget(window)
        before = fingerprint(tmp_path)
        assert window.open_plan(sample_path)
        assert told and "is open read-only because it is open in another Onproduct" in told[0]
        assert "(read-only)" in window.windowTitle()
        window.document.add_item(ItemFields(title="Lost?", category="feature"))
        assert warned == [
            "The change was not saved: the plan file is read-only. Use File ▸ Save As to go"
            " on working in a copy."
        ]
        assert "Lost?" not in {i.title for i in window.document.items.items()}
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
