"""Kill test of an import: `onproduct import` SIGKILLed at random moments, before, during
and after its commit (SQLite's checkpoint included). Every time, the plan opens and
equals either the plan before or the plan before plus the whole import.

ONPRODUCT_IMPORT_KILLS and ONPRODUCT_IMPORT_ROWS set the size (the suite runs a few
kills of a small import; by hand: ONPRODUCT_IMPORT_KILLS=110 ONPRODUCT_IMPORT_ROWS=50000).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from onproduct.storage.planfile import create_plan, open_plan, open_snapshot
from onproduct.storage.seeding import write_sample

from ..helpers import dump

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("ONPRODUCT_IMPORT_KILLS", "6"))
ROWS = int(os.environ.get("ONPRODUCT_IMPORT_ROWS", "6000"))
ENV = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}


def _import(plan: Path, source: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "onproduct", "import", str(plan), str(source)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, env=ENV,
    )  # fmt: skip


def test_a_killed_import_leaves_the_old_plan_or_the_whole_import(tmp_path: Path) -> None:
    start = tmp_path / "start.onproduct"
    create_plan(start, lambda plan: write_sample(plan, date(2026, 11, 29)))  # not empty
    source = tmp_path / "backlog.csv"
    lines = ["key,title,category,estimate,labels,description"]
    lines += [
        f"KILL-{n},Imported item {n},feature,{n % 13},imported;batch,{'a line of text ' * 6}"
        for n in range(ROWS)
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")

    # The two plans a kill may leave: before, and after the whole import.
    old = dump(start)
    whole_path = tmp_path / "whole.onproduct"
    shutil.copyfile(start, whole_path)
    began = time.monotonic()
    reference = _import(whole_path, source)
    _out, err = reference.communicate(timeout=300)
    assert reference.returncode == 0, err
    duration = time.monotonic() - began
    whole = dump(whole_path)
    assert len(whole["item"]) == len(old["item"]) + ROWS

    rng = random.Random(20261129)
    outcomes = {"old": 0, "whole": 0}
    for kill in range(KILLS):
        plan = tmp_path / f"kill-{kill}" / "plan.onproduct"
        plan.parent.mkdir()
        shutil.copyfile(start, plan)
        child = _import(plan, source)
        # Anywhere from the start to a little past its usual end (the close and its
        # checkpoint come after the commit).
        time.sleep(rng.uniform(0.2, 1.05) * duration)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        opened = open_plan(plan)  # never refused (a checkpoint cut short included)
        opened.close()
        snapshot = open_snapshot(plan)
        snapshot.close()
        found = dump(plan)
        assert found in (old, whole), f"kill {kill}: a partial import"
        outcomes["old" if found == old else "whole"] += 1
    print(
        f"\n{KILLS} kills of a {ROWS}-row import (about {duration:.1f} s):"
        f" {outcomes['old']} left the old plan, {outcomes['whole']} the whole import;"
        " every plan opened"
    )
