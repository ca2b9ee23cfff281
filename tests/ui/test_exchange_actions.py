"""File ▸ Import and Export in the window: mapping step, worker thread, cancel, undo."""

from __future__ import annotations

import gc
import json
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QMessageBox

from onproduct.exchange.mapping import SKIP
from onproduct.ui.import_dialog import MappingDialog
from onproduct.ui.worker import Worker

from ..exchange.jira_files import jira_text
from ..helpers import dump


@pytest.fixture
def jira_file(tmp_path: Path) -> Path:
    path = tmp_path / "export.csv"
    path.write_text(jira_text(), encoding="utf-8")
    return path


@pytest.fixture
def summaries(window) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    window.exchange_actions.show_summary = lambda message, details: shown.append((message, details))
    return shown


def run_import(qtbot, window, path: Path) -> str:
    actions = window.exchange_actions
    with qtbot.waitSignal(actions.importFinished, timeout=20000) as finished:
        actions.import_file(path)
    return finished.args[0]


def keys_on_board(window) -> set[str]:
    return {i.external_key for i in window.document.items.items() if i.external_key}


def test_a_jira_import_lands_on_the_board_in_one_undoable_step(
    qtbot, window, jira_file: Path, summaries
) -> None:
    seen: list[MappingDialog] = []

    def accept(dialog: MappingDialog) -> bool:
        seen.append(dialog)
        return True

    window.exchange_actions.choose_mapping = accept
    before = dump(window.document.plan.path)
    message = run_import(qtbot, window, jira_file)
    assert message == "Imported export.csv: 3 added, 0 updated, 3 skipped."
    assert {"LED-2", "LED-3", "LED-6"} <= keys_on_board(window)
    assert "Skipped LED-1 (line 2): type 'Epic' is mapped to Skip" in summaries[0][1]
    assert "Import will do: 3 added, 0 updated, 3 skipped." in seen[0].outcome.text()
    # What the board shows is what the file holds.
    on_file = {i.external_key for i in window.document.plan.items() if i.external_key}
    assert on_file == keys_on_board(window)

    stack = window.document.undo_stack
    assert stack.undoText() == "Import export.csv"
    stack.undo()
    assert dump(window.document.plan.path) == before
    assert "LED-2" not in keys_on_board(window)
    stack.redo()
    assert {"LED-2", "LED-3", "LED-6"} <= keys_on_board(window)


def test_the_mapping_is_changed_in_the_dialog_previewed_and_remembered(
    qtbot, window, jira_file: Path, summaries, settings
) -> None:
    texts: list[str] = []

    def skip_bugs(dialog: MappingDialog) -> bool:
        dialog.set_rule("type", "Bug", SKIP)
        dialog.set_rule("type", "Task", "dev_ops")
        dialog.refresh()
        texts.append(dialog.outcome.text())
        return True

    window.exchange_actions.choose_mapping = skip_bugs
    run_import(qtbot, window, jira_file)
    assert texts[0].startswith("Import will do: 2 added, 0 updated, 4 skipped.")
    assert "LED-3" not in keys_on_board(window)
    remembered = json.loads(settings.value("import/mappings"))
    assert json.loads(remembered["jira:LED"])["rules"]["type"]["bug"] == SKIP

    # Next time the same project's export comes with the same rules.
    rules: list[str | None] = []
    window.exchange_actions.choose_mapping = lambda d: (
        rules.append(d.mapping.rule("type", "Bug")) or False
    )
    message = run_import(qtbot, window, jira_file)
    assert rules == [SKIP] and message == "Import cancelled; the plan is unchanged."


def test_cancelling_the_write_leaves_the_plan_untouched(
    qtbot, window, tmp_path: Path, summaries
) -> None:
    rows = "\n".join(f"Item {n},tech_debt,{n % 7}" for n in range(6000))
    path = tmp_path / "many.csv"
    path.write_text(f"title,category,estimate\n{rows}\n", encoding="utf-8")
    before = dump(window.document.plan.path)
    count = len(window.document.items.items())
    actions = window.exchange_actions
    # Cancel as soon as the write reports its first chunk: the rest must roll back.
    original_run = actions._run

    def run(label, job, then):
        def cancelling(progress):
            def report(done, total):
                actions.cancel()
                progress(done, total)

            return job(report)

        original_run(label, cancelling if label.startswith("Importing") else job, then)

    actions._run = run
    message = run_import(qtbot, window, path)
    assert message == "Import cancelled; the plan is unchanged."
    assert dump(window.document.plan.path) == before
    assert len(window.document.items.items()) == count
    assert window.document.undo_stack.count() == 0


def test_a_worker_is_held_until_its_thread_has_ended(
    qtbot, window, jira_file: Path, summaries, monkeypatch
) -> None:
    # The result reaches the window while the worker's thread is still winding down.
    # Let go of then, the thread object could be collected while running: now and
    # then the app hung, or crashed on quitting.
    started: list[Worker] = []
    original = Worker.run

    def lingering(worker: Worker) -> None:
        started.append(worker)
        original(worker)
        time.sleep(0.3)  # the tail of run(), made long enough to see

    monkeypatch.setattr(Worker, "run", lingering)
    window.exchange_actions.choose_mapping = lambda dialog: True
    run_import(qtbot, window, jira_file)
    assert started and all(w in window.exchange_actions._workers for w in started if w.isRunning())
    gc.collect()
    qtbot.waitUntil(lambda: not window.exchange_actions._workers, timeout=5000)
    assert all(w.isFinished() for w in started)


def test_a_broken_file_says_where_and_imports_nothing(
    qtbot, window, tmp_path: Path, monkeypatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    path = tmp_path / "broken.csv"
    path.write_text("title,category\nGood,feature\nBad,nope\n", encoding="utf-8")
    before = dump(window.document.plan.path)
    run_import(qtbot, window, path)
    assert warnings == [
        "broken.csv, line 3, column category: 'nope' is not a category; use one of"
        " feature, automation, tech_debt, product_ops, dev_ops. Nothing was imported."
    ]
    assert dump(window.document.plan.path) == before


def test_exports_from_the_window(qtbot, window, tmp_path: Path) -> None:
    actions = window.exchange_actions
    sprint = window.board.current_sprint()
    assert actions.export_sprint_pdf_to(tmp_path / "sprint.pdf", sprint)
    assert actions.export_report_pdf_to(tmp_path / "report.pdf")
    assert actions.export_csv_to(tmp_path / "sprint.csv", sprint)
    assert (tmp_path / "sprint.pdf").read_bytes().startswith(b"%PDF")
    lines = (tmp_path / "sprint.csv").read_text(encoding="utf-8-sig").splitlines()
    members = [i for i in window.document.items.items() if i.sprint_id == sprint.id]
    assert len(lines) == 1 + len(members)
    assert "Exported sprint.csv" in window.statusBar().currentMessage()


def test_a_rule_changed_just_before_import_is_the_one_used(
    qtbot, window, jira_file: Path, summaries
) -> None:
    def skip_bugs_and_import_at_once(dialog: MappingDialog) -> bool:
        dialog.set_rule("type", "Bug", SKIP)  # its preview is still waiting on a timer
        return True

    window.exchange_actions.choose_mapping = skip_bugs_and_import_at_once
    message = run_import(qtbot, window, jira_file)
    assert message == "Imported export.csv: 2 added, 0 updated, 4 skipped."
    assert "LED-3" not in keys_on_board(window)


def test_the_mapping_step_shows_points_where_items_land_and_done_history(
    qtbot, window, tmp_path: Path, summaries
) -> None:
    from ..exchange.jira_files import ROWS

    done_old = {
        "Summary": "Shipped long ago", "Issue key": "LED-9", "Issue id": "10009",
        "Issue Type": "Story", "Status": "Done", "Status Category": "Done",
    }  # fmt: skip
    path = tmp_path / "export.csv"
    path.write_text(jira_text([*ROWS, done_old]), encoding="utf-8")
    seen: dict[str, object] = {}

    def look(dialog: MappingDialog) -> bool:
        keys = [
            dialog.preview_table.item(r, 1).text() for r in range(dialog.preview_table.rowCount())
        ]
        lands = {k: dialog.preview_table.item(r, 6).text() for r, k in enumerate(keys)}
        estimate = {k: dialog.preview_table.item(r, 5).text() for r, k in enumerate(keys)}
        seen["lands"] = lands
        seen["before"] = estimate["LED-3"]
        per_point = dialog.option_widgets["hours_per_point"]
        assert isinstance(per_point, QDoubleSpinBox) and per_point.value() == 4.0
        per_point.setValue(6.0)
        done_backlog = dialog.option_widgets["include_done_backlog"]
        assert isinstance(done_backlog, QCheckBox) and not done_backlog.isChecked()
        seen["old left out"] = "LED-9" not in keys
        dialog.refresh()
        keys = [
            dialog.preview_table.item(r, 1).text() for r in range(dialog.preview_table.rowCount())
        ]
        seen["after"] = dialog.preview_table.item(keys.index("LED-3"), 5).text()
        return True

    window.exchange_actions.choose_mapping = look
    run_import(qtbot, window, path)
    # The plan has no "LED Sprint 2": the preview says where the items really go.
    assert seen["lands"]["LED-6"] == "Backlog"
    assert (seen["before"], seen["after"]) == ("8 h", "12 h")  # 2 points × 4 h, then × 6 h
    assert seen["old left out"] is True
    details = summaries[0][1]
    assert "2 estimates in story points became hours at 6 h per point." in details
    assert "1 done issue was in no sprint and left out" in details
    assert "LED-9" not in keys_on_board(window)


def test_the_mapping_step_sets_a_trello_lists_status_and_keeps_moved_lanes(
    qtbot, window, tmp_path: Path, summaries
) -> None:
    board = {
        "id": "B7", "name": "計画",
        "lists": [
            {"id": "L1", "name": "アイデア", "pos": 1}, {"id": "L2", "name": "今週", "pos": 2},
            {"id": "L3", "name": "お客様確認待ち", "pos": 3},
        ],
        "cards": [
            {"id": f"C{n}", "shortLink": f"jp{n}", "name": f"カード {n}", "idList": lst}
            for n, lst in enumerate(["L1", "L2", "L3"])
        ],
    }  # fmt: skip
    path = tmp_path / "board.json"
    path.write_text(json.dumps(board, ensure_ascii=False), encoding="utf-8")
    statuses: dict[str, list[str]] = {}

    def statuses_in_preview(dialog: MappingDialog) -> list[str]:
        table = dialog.preview_table
        return [table.item(r, 4).text() for r in range(table.rowCount())]

    def choose(dialog: MappingDialog) -> bool:
        assert set(dialog.status_combos) == {"アイデア", "今週", "お客様確認待ち"}
        # No name says done: the last list is taken for done until the user says else.
        assert dialog.status_combos["お客様確認待ち"].currentData() == "done"
        statuses["guessed"] = statuses_in_preview(dialog)
        dialog.set_status("今週", "doing")
        dialog.set_status("お客様確認待ち", "todo")
        dialog.refresh()
        statuses["chosen"] = statuses_in_preview(dialog)
        return True

    window.exchange_actions.choose_mapping = choose
    run_import(qtbot, window, path)
    assert statuses["guessed"] == ["To do", "To do", "Done"]
    assert statuses["chosen"] == ["To do", "Doing", "To do"]
    items = {i.external_key: i for i in window.document.items.items() if i.external_key}
    assert [items[f"jp{n}"].status for n in range(3)] == ["todo", "doing", "todo"]

    # The user moves a card to another lane; importing the board again keeps it there,
    # unless the mapping is applied again.
    moved = items["jp1"]
    window.document.edit_item(moved.id, replace(moved.editable, category="dev_ops"))

    def again(dialog: MappingDialog) -> bool:
        assert not dialog.remap.isChecked()
        return True

    window.exchange_actions.choose_mapping = again
    run_import(qtbot, window, path)
    assert window.document.items.item(moved.id).category == "dev_ops"

    def remap(dialog: MappingDialog) -> bool:
        dialog.remap.setChecked(True)
        dialog.refresh()
        return True

    window.exchange_actions.choose_mapping = remap
    run_import(qtbot, window, path)
    assert window.document.items.item(moved.id).category == "feature"
