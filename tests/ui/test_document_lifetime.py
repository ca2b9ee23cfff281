"""A plan document that has been worked on can be closed and forgotten safely."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# In a child process: a crash there is a failed test here, not a dead test run.
_CHILD = """
import gc
from datetime import date
from pathlib import Path
from PySide6.QtGui import QGuiApplication
from onproduct.storage.planfile import create_plan
from onproduct.storage.seeding import write_sample
from tests.robustness.actions import run

app = QGuiApplication([])
path = Path({path!r})
create_plan(path, lambda plan: write_sample(plan, date(2026, 11, 24)))
run(path, seed=1, steps=60)  # moves, edits, adds, deletes, undos, redos, imports; closed
gc.collect()
print("collected", flush=True)
"""


def test_a_closed_document_with_undo_history_is_freed_without_a_crash(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    child = subprocess.run(
        [
            sys.executable,
            "-X",
            "faulthandler",
            "-c",
            _CHILD.format(path=str(tmp_path / "plan.onproduct")),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.strip() == "collected"
