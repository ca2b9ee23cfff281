"""Rolling daily backups and File ▸ Restore from Backup."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from onproduct.domain.items import ItemFields
from onproduct.storage.backups import daily_backup, folder_for, list_backups
from onproduct.ui.main_window import MainWindow

from ..helpers import dump


def test_one_backup_a_day_and_only_the_last_seven_kept(tmp_path: Path, sample_path: Path) -> None:
    folder = tmp_path / "backups"
    first = date(2026, 11, 1)
    for day in range(10):
        made = daily_backup(sample_path, folder, first + timedelta(days=day))
        assert made is not None
        assert daily_backup(sample_path, folder, first + timedelta(days=day)) is None
    backups = list_backups(folder)
    assert [b.path.name for b in backups] == [
        f"{first + timedelta(days=day)}.onproduct" for day in range(9, 2, -1)
    ]
    assert dump(backups[0].path) == dump(sample_path)  # a full, consistent copy


def test_restore_brings_back_the_plan_of_that_day_and_keeps_todays(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    document = window.document
    path = document.plan.path
    actions = window.backup_actions
    actions.after_open(path, date(2026, 11, 20))
    as_backed_up = dump(path)
    document.add_item(ItemFields(title="Added after the backup", category="feature"))
    as_now = dump(path)
    assert as_now != as_backed_up

    questions: list[str] = []
    actions.choose = lambda dialog: dialog.chosen()
    actions.confirm = lambda question: questions.append(question) or True
    assert actions.ask_restore()
    assert dump(path) == as_backed_up
    assert "Added after the backup" not in {i.title for i in window.document.items.items()}
    assert questions and questions[0].startswith(f"Replace {path.name} with the copy of ")
    # The plan as it was before the restore is among the backups, and can come back.
    kept = [b for b in list_backups(folder_for(path, actions._root)) if b.kind != "daily"]
    assert len(kept) == 1 and dump(kept[0].path) == as_now
    actions.choose = lambda dialog: kept[0].path
    assert actions.ask_restore()
    assert "Added after the backup" in {i.title for i in window.document.items.items()}


def test_restore_is_not_done_when_the_user_says_no(qtbot, window: MainWindow) -> None:
    actions = window.backup_actions
    path = window.document.plan.path
    actions.after_open(path, date(2026, 11, 20))
    window.document.add_item(ItemFields(title="Keep me", category="feature"))
    before = dump(path)
    actions.choose = lambda dialog: dialog.chosen()
    actions.confirm = lambda question: False
    assert not actions.ask_restore()
    assert dump(path) == before
