"""One real drag and drop with the mouse, end to end through the views."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cards_can_be_dragged_with_the_mouse() -> None:
    # A platform is chosen once per process, and offscreen cannot drag: use a child.
    env = dict(os.environ, QT_QPA_PLATFORM="minimal:enable_fonts")
    cases = Path(__file__).with_name("mouse_drag_cases.py")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(cases)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
