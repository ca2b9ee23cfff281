"""Running Onproduct as a user does, in a process of its own: the command line, and a
window shown off screen on one plan (for what could hang or crash the test process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def onproduct(
    *args: str | Path, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m onproduct ARGS` as a script runs it (no Qt platform forced)."""
    return subprocess.run(
        [sys.executable, "-m", "onproduct", *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,
        env=env or {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"},
    )  # fmt: skip


def refused(result: subprocess.CompletedProcess[str], command: str) -> str:
    """The one stderr line of a refused command: exit 1, nothing on stdout, no traceback."""
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"onproduct {command}: "), result.stderr
    return lines[0]


OPEN_IN_WINDOW = """
import sys, tempfile
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox
from onproduct.ui.main_window import MainWindow
from onproduct.ui.settings import Settings
app = QApplication([])
QMessageBox.warning = lambda _p, _t, text, *_a: print("warned:", text)
QMessageBox.information = lambda _p, _t, text, *_a: print("told:", text)
folder = Path(tempfile.mkdtemp())
window = MainWindow(Settings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)),
                    folder / "data")
window.show()
print("opened:", window.open_plan(Path(sys.argv[1])))
if window.document is not None:
    print("items:", len(window.document.items.items()))
app.processEvents()
print("window alive" if window.isVisible() else "window gone")
window.close()
"""


def open_in_window(plan: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """A window (off screen, in a child process) opening `plan`; what it said is in
    stdout as "warned: …", "told: …", "opened: True/False", "window alive"."""
    return subprocess.run(
        [sys.executable, "-c", OPEN_IN_WINDOW, str(plan)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )  # fmt: skip
