"""Kill test: the app logic is SIGKILLed at random moments while it works; every change
it saw committed must be in the plan, and the plan must open and pass integrity_check.

ONPRODUCT_KILLS sets how many kills (CI runs a few; by hand: ONPRODUCT_KILLS=200).
After each kill the harness replays the same seeded sequence itself: the plan must
equal the plan after the last step the child recorded, or after the one more step it
was doing when it died (committed, not yet recorded) — never anything else.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from onproduct.storage.planfile import create_plan, open_plan
from onproduct.storage.seeding import write_sample

from ..helpers import dump
from .actions import run

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("ONPRODUCT_KILLS", "8"))


def _replayed(start: Path, folder: Path, seed: int, steps: int) -> dict[str, object]:
    copy = folder / f"replay-{seed}-{steps}.onproduct"
    shutil.copy(start, copy)
    run(copy, seed, steps)
    return dump(copy)


def test_every_change_seen_committed_survives_a_kill(qapp, tmp_path: Path) -> None:
    start = tmp_path / "start.onproduct"
    create_plan(start, lambda plan: write_sample(plan, date(2026, 11, 24)))
    rng = random.Random(20261124)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    survived, steps, in_flight = 0, 0, 0
    for kill in range(KILLS):
        folder = tmp_path / f"kill-{kill}"
        folder.mkdir()
        plan, journal = folder / "plan.onproduct", folder / "journal.txt"
        shutil.copy(start, plan)
        seed = rng.randrange(1_000_000)
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.robustness.actions", str(plan), str(journal), str(seed)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        # Let it get going (imports take ~0.5 s), then kill it somewhere in its work.
        deadline = time.monotonic() + 20
        while (not journal.exists() or journal.stat().st_size == 0) and time.monotonic() < deadline:
            assert child.poll() is None, child.stderr.read().decode() if child.stderr else ""
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        lines = journal.read_text().split()
        recorded = int(lines[-1]) if lines else 0
        assert recorded > 0, "the child recorded nothing before it was killed"

        # The plan opens, and SQLite finds nothing wrong with it.
        opened = open_plan(plan)
        opened.close()
        connection = sqlite3.connect(plan)
        try:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            connection.close()
        # Every recorded step is there; at most the one in flight is there too.
        actual = dump(plan)
        allowed = [_replayed(start, folder, seed, recorded)]
        if actual != allowed[0]:
            allowed.append(_replayed(start, folder, seed, recorded + 1))
            in_flight += 1
        assert actual in allowed, f"kill {kill}: the plan lost a change it had committed"
        survived += 1
        steps += recorded
    print(
        f"\nkills survived: {survived}/{KILLS}; {steps} committed steps checked;"
        f" {in_flight} kills landed after a commit and before its record"
    )
