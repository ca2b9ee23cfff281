"""A plan file open in several Onproducts at once: each window sees the others' changes
within a second, a change to something someone else changed first is refused with who
did what, and nothing anyone saved is lost. Every window is a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..helpers import dump
from .drivers import ROOT, Window


def test_an_import_into_an_open_plan_shows_up_in_the_window(
    tmp_path: Path, sample_path: Path
) -> None:
    source = tmp_path / "more.csv"
    source.write_text(
        "key,title,category,estimate\nLIVE-1,Imported while open,feature,3\n", encoding="utf-8"
    )
    with Window(sample_path) as window:
        result = subprocess.run(
            [sys.executable, "-m", "onproduct", "import", str(sample_path), str(source)],
            capture_output=True, text=True, timeout=60, cwd=ROOT,
            env={k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        seen = window.ask("wait", title="Imported while open", seconds=5)
        assert seen["ok"] and seen["after"] < 1.0, seen


def test_two_windows_on_one_file_see_each_other_and_lose_nothing(sample_path: Path) -> None:
    with Window(sample_path) as one, Window(sample_path) as two:
        assert one.ask("add", title="From one", lane="feature")["ok"]
        assert two.ask("wait", title="From one")["ok"]
        assert two.ask("move", title="From one", lane="tech_debt")["ok"]
        assert one.ask("wait", title="From one")["ok"]
        one.ask("settle", seconds=0.6)
        moved = next(row for row in one.board() if row[1] == "From one")
        assert moved[3] == "tech_debt"
        assert two.ask("delete", title="Expense tracking")["ok"]
        assert one.ask("wait", title="Expense tracking", gone=True)["ok"]
        assert one.ask("undo")["ok"]  # one's undo: its add of "From one"... moved since
        state = one.ask("state")
        assert any("your change was not applied" in w for w in state["warnings"]), state
        assert "From one" in one.titles()  # refused: nothing lost
        one.ask("settle", seconds=0.6)
        two.ask("settle", seconds=0.6)
        assert one.board() == two.board()
    stored = dump(sample_path)
    titles = {row[1] for row in stored["item"]}
    assert "From one" in titles and "Expense tracking" not in titles


def test_the_same_item_changed_in_two_windows_at_once_keeps_exactly_one(
    sample_path: Path,
) -> None:
    with Window(sample_path) as one, Window(sample_path) as two:
        one.ask("settle", seconds=0.3)
        # Both rename the same card; the second to write finds it changed under it.
        first = one.ask("edit", title="Late payment fees", to="Late fees (one)")
        second = two.ask("edit", title="Late payment fees", to="Late fees (two)")
        assert first["ok"]
        if second.get("ok") and second.get("error") is None:
            two.ask("settle", seconds=0.5)
        state = two.ask("state")
        two.ask("settle", seconds=0.6)
        one.ask("settle", seconds=0.6)
        titles = {row[1] for row in dump(sample_path)["item"]}
        kept = {t for t in titles if t.startswith("Late fees")}
        assert len(kept) == 1
        if kept == {"Late fees (one)"}:  # two wrote second: refused, and told who
            assert any(
                "edited “Late payment fees”" in w or "your change was not applied" in w
                for w in state["warnings"]
            ), state
        assert one.board() == two.board()
