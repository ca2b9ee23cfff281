"""Two Onproducts writing one plan: the storage layer lets one write at a time. An import
waits a bounded time for the other, then says so in one line; nothing is lost and no
raw SQLite error reaches anyone. Every writer is a process of its own here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..helpers import dump

ROOT = Path(__file__).resolve().parents[2]
ENV = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}


def backlog(path: Path, prefix: str, rows: int) -> Path:
    lines = ["key,title,category,estimate"]
    lines += [f"{prefix}-{n},{prefix} item {n},feature,2" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def importing(plan: Path, source: Path, *more: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "onproduct", "import", str(plan), str(source), *more],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=ENV,
    )  # fmt: skip


# Another writer in the middle of a long change: its transaction holds the write lock.
WRITING = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE item SET title = title")
print("writing", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
"""


def test_an_import_while_another_writer_holds_the_plan_waits_then_says_so(
    tmp_path: Path, sample_path: Path
) -> None:
    """Writers take turns; one that waits longer than --wait gets one clear line and the
    plan is left as it was (a window open on the plan is no writer: it is never waited
    for, see test_live_file)."""
    source = backlog(tmp_path / "more.csv", "W", 50)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITING, str(sample_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        before = dump(sample_path)
        refused = importing(sample_path, source, "--wait", "1")
        out, err = refused.communicate(timeout=60)
        assert refused.returncode == 1 and out == ""
        assert err == (
            "onproduct import: sample.onproduct: the plan is being changed by another"
            " Onproduct; try again when it is done.\n"
        )
        assert dump(sample_path) == before
    finally:
        assert writer.stdin is not None
        writer.stdin.write("\n")
        writer.stdin.flush()
        writer.wait(timeout=30)
    # The other writer done: the same import now goes through.
    done = importing(sample_path, source)
    out, err = done.communicate(timeout=60)
    assert done.returncode == 0, err
    assert len(dump(sample_path)["item"]) == len(before["item"]) + 50


def test_two_imports_at_once_both_land_whole(tmp_path: Path, sample_path: Path) -> None:
    """Before, both worked out their new item ids from the same plan and the second
    failed with "UNIQUE constraint failed: item.id"."""
    before = len(dump(sample_path)["item"])
    first = importing(sample_path, backlog(tmp_path / "a.csv", "A", 4000))
    second = importing(sample_path, backlog(tmp_path / "b.csv", "B", 4000))
    results = [process.communicate(timeout=120) for process in (first, second)]
    for process, (out, err) in zip((first, second), results, strict=True):
        assert process.returncode == 0, err
        assert "4000 added" in out and err == ""
    rows = dump(sample_path)["item"]
    assert len(rows) == before + 8000
    titles = {row[1] for row in rows}
    assert {"A item 3999", "B item 3999"} <= titles
