"""A closed sprint is history: nothing is dropped into it, moved in it or edited in it
until it is re-opened, and the board says so in one line. Closing asks where unfinished
work goes, and only done work gets a done date."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox

from onproduct.domain.items import SprintRecord
from onproduct.domain.ranking import BACKLOG, Bucket
from onproduct.ui.document import CARRY_BACKLOG, CARRY_NEXT, CARRY_STAY
from onproduct.ui.main_window import MainWindow
from onproduct.ui.operations_dialogs import CloseSprintDialog, SprintClosing

from ..helpers import dump

HOW = "re-open it first (Sprint ▸ Re-open Sprint)"


def _close_shown_sprint(window: MainWindow, carry: str = CARRY_STAY) -> int:
    document, sprint = window.document, window.board.current_sprint()
    assert document is not None and sprint is not None
    assert document.close_sprint(sprint.id, {}, SprintRecord(True, 10.0, 2.0), None, carry)
    return sprint.id


def test_a_drop_into_a_closed_sprint_is_refused_and_the_file_unchanged(
    qtbot, window: MainWindow
) -> None:
    sprint_id = _close_shown_sprint(window)
    document = window.document
    before = dump(document.plan.path)
    backlog = window.board.backlog_view.lane_model()
    lane = window.board.lane_views["tech_debt"].lane_model()
    data = backlog.mimeData([backlog.index(0, 0)])
    # The lane refuses the drag (Qt shows the no-entry cursor) and the drop.
    assert not lane.canDropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert not lane.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    assert dump(document.plan.path) == before
    # Keyboard moves into it and out of it say how, in the status bar.
    window.board.focus_list(0)
    window.board.move_selection_to_lane("tech_debt")
    assert HOW in window.statusBar().currentMessage()
    assert dump(document.plan.path) == before
    window.board.focus_list(4)  # tech debt lane of the closed sprint
    window.statusBar().clearMessage()
    assert window.board.selected_ids()
    window.board.move_selection(BACKLOG)
    assert HOW in window.statusBar().currentMessage()
    window.statusBar().clearMessage()
    window.delete_selected_items()
    assert HOW in window.statusBar().currentMessage()
    assert dump(document.plan.path) == before
    assert document.items.bucket_ids(Bucket(sprint_id, "tech_debt"))


def test_the_lanes_of_a_closed_sprint_look_read_only(window: MainWindow) -> None:
    _close_shown_sprint(window)
    for key, view in window.board.lane_views.items():
        assert view.read_only, key
        assert "closed" in view.placeholder_text().lower()
        assert "closed" in window.board.lane_headers[key].toolTip().lower()
    window.operations_actions.reopen_sprint.trigger()
    assert not any(view.read_only for view in window.board.lane_views.values())


def test_an_item_of_a_closed_sprint_opens_read_only(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    sprint_id = _close_shown_sprint(window)
    item_id = window.document.items.bucket_ids(Bucket(sprint_id, "feature"))[0]
    seen: dict[str, object] = {}

    def look(dialog) -> int:
        seen["ok shown"] = dialog.ok_button().isVisible()
        seen["title editable"] = not dialog.title_edit.isReadOnly()
        seen["note"] = dialog.error_text
        return 0

    from onproduct.ui.dialogs import ItemDialog

    monkeypatch.setattr(ItemDialog, "exec", look)
    window.edit_item(item_id)
    assert seen["ok shown"] is False and seen["title editable"] is False
    assert HOW in str(seen["note"])


@pytest.mark.parametrize("carry", [CARRY_NEXT, CARRY_BACKLOG, CARRY_STAY])
def test_closing_sends_unfinished_work_where_asked_and_undo_takes_it_back(
    window: MainWindow, carry: str
) -> None:
    document = window.document
    sprint = window.board.current_sprint()
    before = dump(document.plan.path)
    planned = {
        i: document.items.item(i)
        for key in ("feature", "automation", "tech_debt", "product_ops", "dev_ops")
        for i in document.items.bucket_ids(Bucket(sprint.id, key))
    }
    done = {i for i, item in planned.items() if item.status == "done"}
    target = document.carry_target(sprint.id, date.today())
    document.close_sprint(sprint.id, {}, SprintRecord(True, 1.0, 1.0), None, carry)
    for item_id, item in planned.items():
        now = document.items.item(item_id)
        if item_id in done or carry == CARRY_STAY:
            assert now.sprint_id == sprint.id
        elif carry == CARRY_NEXT:
            # Each in its own lane of the next sprint.
            assert (now.sprint_id, now.category) == (target.id, item.category)
        else:
            assert now.sprint_id is None
    if carry == CARRY_NEXT:
        assert target.name in {s.name for s in document.sprints.sprints()}
    document.undo_stack.undo()
    assert dump(document.plan.path) == before
    document.undo_stack.redo()
    document.undo_stack.undo()
    assert dump(document.plan.path) == before


def test_closing_the_last_sprint_makes_the_next_one_for_unfinished_work(
    window: MainWindow,
) -> None:
    document = window.document
    last = max(document.sprints.sprints(), key=lambda s: s.start)
    window.board.set_current_sprint(last.id)
    target = document.carry_target(last.id, date.today())
    assert target.id not in {s.id for s in document.sprints.sprints()}
    assert target.start > last.end
    before = dump(document.plan.path)
    unfinished = [
        i
        for key in ("feature", "automation", "tech_debt", "product_ops", "dev_ops")
        for i in document.items.bucket_ids(Bucket(last.id, key))
        if document.items.item(i).status != "done"
    ]
    document.close_sprint(last.id, {}, SprintRecord(True, 1.0, 1.0), None, CARRY_NEXT)
    made = document.sprints.sprint(target.id)
    assert (made.name, made.start, made.end) == (target.name, target.start, target.end)
    assert all(document.items.item(i).sprint_id == made.id for i in unfinished)
    document.undo_stack.undo()
    assert dump(document.plan.path) == before
    assert target.id not in {s.id for s in document.sprints.sprints()}


def test_the_close_dialog_dates_only_done_rows_and_never_in_the_future(
    window: MainWindow,
) -> None:
    document = window.document
    sprint = window.board.current_sprint()
    today = date.today()
    items = [
        document.items.item(i)
        for key in ("feature", "automation", "tech_debt", "product_ops", "dev_ops")
        for i in document.items.bucket_ids(Bucket(sprint.id, key))
    ]
    dialog = CloseSprintDialog(
        window,
        SprintClosing({}, SprintRecord(True, None, None), None),
        sprint=sprint,
        items=items,
        carry_to=document.carry_target(sprint.id, today),
        today=today,
    )
    table = dialog.table
    for row, item in enumerate(items):
        shown = table.item(row, 5).text()
        if item.status == "done":
            assert shown != "—"
        else:
            assert shown == "—"  # not done: no date
    not_done = next(r for r, item in enumerate(items) if item.status != "done")
    table.item(not_done, 4).setCheckState(Qt.CheckState.Checked)
    value = table.item(not_done, 5).data(Qt.ItemDataRole.EditRole).toPython()
    assert value == min(sprint.end, today) and value <= today
    unfinished = sum(1 for item in items if item.status != "done") - 1
    assert f"Unfinished ({unfinished} items)" in dialog.carry_label.text()
    assert dialog.carry_next.isChecked() and "Move to" in dialog.carry_next.text()
    closing = dialog.read_fields()
    assert closing.carry == CARRY_NEXT
    assert closing.item_values[items[not_done].id]["done_on"] == min(sprint.end, today)
    table.item(not_done, 4).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.read_fields().item_values[items[not_done].id]["done_on"] is None
    dialog.close()


def test_closing_from_the_menu_moves_unfinished_work_to_the_next_sprint(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda *_a: pytest.fail("no warning expected"))
    document = window.document
    sprint = window.board.current_sprint()
    target = document.carry_target(sprint.id, date.today())

    def accept(dialog: CloseSprintDialog) -> int:
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(CloseSprintDialog, "exec", accept)
    window.operations_actions.close_sprint.trigger()
    assert document.sprints.sprint(sprint.id).closed
    left = [
        document.items.item(i)
        for key in ("feature", "automation", "tech_debt", "product_ops", "dev_ops")
        for i in document.items.bucket_ids(Bucket(sprint.id, key))
    ]
    assert left and all(item.status == "done" for item in left)
    moved = [i for i in document.items.items() if i.sprint_id == target.id]
    assert moved
