"""The Operations tab and sprint history, as a user drives them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from onproduct.domain.operations import Operation
from onproduct.ui.main_window import MainWindow
from onproduct.ui.operations_dialogs import CloseSprintDialog, OperationDialog
from onproduct.ui.operations_model import Column

from ..helpers import dump


def operations_by_name(window: MainWindow) -> dict[str, Operation]:
    assert window.document is not None
    return {o.name: o for o in window.document.operations.operations()}


def now_text(window: MainWindow, name: str) -> str:
    assert window.document is not None
    model = window.document.operations
    return model.index(model.row_of(operations_by_name(window)[name].id), Column.NOW).data()


def test_adding_an_operation_is_one_undoable_step(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = window.document
    assert document is not None

    def fill(dialog: OperationDialog) -> int:
        dialog.name_edit.setText("Reset customer passwords by hand")
        dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("product"))
        dialog.by_times.setChecked(True)
        dialog.times_edit.setText("10")
        dialog.minutes_edit.setText("6")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(OperationDialog, "exec", fill)
    window.tabs.setCurrentIndex(1)
    window.operations_page.add_button.click()
    added = operations_by_name(window)["Reset customer passwords by hand"]
    assert (added.times_per_week, added.minutes_each, added.weekly_hours) == (10.0, 6.0, 1.0)
    assert window.operations_page.selected() == added
    before = dump(document.plan.path)
    document.undo_stack.undo()
    assert "Reset customer passwords by hand" not in operations_by_name(window)
    document.undo_stack.redo()
    assert operations_by_name(window)["Reset customer passwords by hand"].id == added.id
    assert dump(document.plan.path) == before


def test_the_operation_dialog_says_what_is_wrong(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    errors: list[str] = []

    def run(dialog: OperationDialog) -> int:
        dialog.name_edit.setText("onboard new customers BY HAND")  # the register has it
        dialog.hours_edit.setText("3")
        dialog.accept()
        errors.append(dialog.error_text)
        dialog.name_edit.setText("Something else")
        dialog.hours_edit.setText("")
        dialog.accept()
        errors.append(dialog.error_text)
        dialog.reject()
        return dialog.result()

    monkeypatch.setattr(OperationDialog, "exec", run)
    window.operations_actions.ask_add_operation()
    assert errors == [
        "There is already an operation called “onboard new customers BY HAND”.",
        "Give the hours per week, or how often and how long each time.",
    ]


def test_deleting_an_operation_unlinks_its_automation_and_undo_relinks_it(
    window: MainWindow,
) -> None:
    document = window.document
    assert document is not None
    vat = operations_by_name(window)["Correct VAT on EU invoices by hand"]
    linked = [i.id for i in document.items.items() if i.operation_id == vat.id]
    assert len(linked) == 1
    before = dump(document.plan.path)
    window.operations_page.select(vat.id)
    window.operations_page.delete_button.click()
    assert "Correct VAT on EU invoices by hand" not in operations_by_name(window)
    assert document.items.item(linked[0]).operation_id is None
    document.undo_stack.undo()
    assert document.items.item(linked[0]).operation_id == vat.id
    assert dump(document.plan.path) == before


def test_marking_an_automation_done_lowers_todays_load(window: MainWindow) -> None:
    document = window.document
    assert document is not None
    window.tabs.setCurrentIndex(1)  # the Operations tab, where the load is shown
    assert now_text(window, "Correct VAT on EU invoices by hand") == "3 h a week"
    assert now_text(window, "Onboard new customers by hand") == "0 h a week"  # automated
    assert now_text(window, "Deploy releases by hand") == "ended"
    vat_rules = next(
        i for i in document.items.items() if i.title == "Automatic VAT rules for EU customers"
    )
    document.edit_item(
        vat_rules.id, replace(vat_rules.editable, status="done", done_on=date.today())
    )
    assert now_text(window, "Correct VAT on EU invoices by hand") == "0 h a week"
    row = document.operations.row_of(vat_rules.operation_id or -1)
    links = document.operations.index(row, Column.AUTOMATION).data()
    assert links == "Automatic VAT rules for EU customers (done)"
    assert window.operations_page.load_label.text() == (
        "Today: product operations 5.5 h a week, development operations 0.5 h a week."
    )
    document.undo_stack.undo()
    assert now_text(window, "Correct VAT on EU invoices by hand") == "3 h a week"


def test_closing_a_sprint_records_what_it_took_and_reopening_undoes_it(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = window.document
    sprint = window.board.current_sprint()
    assert document is not None and sprint is not None
    before = dump(document.plan.path)
    seen: dict[str, object] = {}

    def close(dialog: CloseSprintDialog) -> int:
        table = dialog.table
        titles = [table.item(r, 0).text() for r in range(table.rowCount())]
        seen["rows"] = len(titles)
        quotes = titles.index("Quotes that turn into invoices")
        seen["actual prefilled"] = table.item(quotes, 3).text()  # 10 h spent so far
        monitoring = titles.index("Remove the legacy CSV exporter")
        seen["estimate prefilled"] = table.item(monitoring, 3).text()
        table.item(quotes, 3).setText("30")
        table.item(quotes, 4).setCheckState(Qt.CheckState.Checked)
        seen["product hours prefilled"] = dialog.product_edit.text()
        dialog.product_edit.setText("25")
        dialog.dev_edit.setText("3")
        dialog.revenue_edit.setText("66")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(CloseSprintDialog, "exec", close)
    window.operations_actions.close_sprint.trigger()
    assert seen["rows"] == 8
    assert seen["actual prefilled"] == "10" and seen["estimate prefilled"] == "6"
    assert seen["product hours prefilled"] != ""  # what the plan expected
    closed = document.sprints.sprint(sprint.id)
    assert closed.closed and closed.revenue == 66.0
    assert (closed.record.product_ops_hours, closed.record.dev_ops_hours) == (25.0, 3.0)
    quotes = next(i for i in document.items.items() if i.title == "Quotes that turn into invoices")
    # Closed before its end: done today, not on a day still to come.
    assert (quotes.status, quotes.actual) == ("done", 30.0)
    assert quotes.done_on == min(sprint.end, date.today())
    entry = next(b for b in document.burden() if b.period.sprint_id == sprint.id)
    assert entry.recorded and (entry.product_hours, entry.dev_hours) == (25.0, 3.0)
    assert window.board.sprint_info.text().startswith("Closed: history.")
    assert window.board.sprint_box.currentText().endswith("(closed)")
    assert window.operations_actions.reopen_sprint.isEnabled()
    assert not window.operations_actions.close_sprint.isEnabled()

    window.operations_actions.reopen_sprint.trigger()
    reopened = document.sprints.sprint(sprint.id)
    assert not reopened.closed and reopened.record.product_ops_hours is None
    assert quotes == next(i for i in document.items.items() if i.id == quotes.id)  # kept
    document.undo_stack.undo()
    assert window.board.sprint_info.text().startswith("Closed: history.")
    document.undo_stack.undo()
    assert dump(document.plan.path) == before
    # The menu follows an undo too (once the event loop runs): the sprint is open again.
    qtbot.waitUntil(lambda: window.operations_actions.close_sprint.isEnabled())
    assert not window.operations_actions.reopen_sprint.isEnabled()


def test_a_baseline_keeps_the_planned_allocation(window: MainWindow) -> None:
    document = window.document
    sprint = window.board.current_sprint()
    assert document is not None and sprint is not None
    window.operations_actions.baseline_sprint.trigger()
    baseline = document.sprints.sprint(sprint.id).baseline
    assert baseline is not None and baseline.taken_on == date.today()
    assert baseline.effort_by_category["feature"] == 36.0
    assert baseline.count_by_category["tech_debt"] == 2
    planned = next(b for b in document.burden() if b.period.sprint_id == sprint.id)
    assert baseline.product_ops_hours == pytest.approx(planned.product_hours)
    # Moving work afterwards does not change the baseline.
    backlog = window.board.backlog_view.lane_model()
    assert backlog is not None
    window.board.backlog_view.select_ids([backlog.id_at(0)])
    window.board.move_selection_to_lane("feature")
    assert document.sprints.sprint(sprint.id).baseline == baseline
    document.undo_stack.undo()
    document.undo_stack.undo()
    assert document.sprints.sprint(sprint.id).baseline is None


def test_an_edited_sprint_keeps_its_record_and_baseline(window: MainWindow) -> None:
    document = window.document
    sprint = window.board.current_sprint()
    assert document is not None and sprint is not None
    window.operations_actions.baseline_sprint.trigger()
    baseline = document.sprints.sprint(sprint.id).baseline
    document.edit_sprint(sprint.id, replace(sprint.editable, capacity=120.0, revenue=12.5))
    edited = document.sprints.sprint(sprint.id)
    assert (edited.capacity, edited.revenue, edited.baseline) == (120.0, 12.5, baseline)


def test_an_operation_that_starts_tomorrow_costs_nothing_today(window: MainWindow) -> None:
    document = window.document
    assert document is not None
    from onproduct.domain.operations import OperationFields

    document.add_operation(
        OperationFields(
            "Year-end reports by hand", "product", date.today() + timedelta(days=1), 5.0
        )
    )
    assert now_text(window, "Year-end reports by hand") == "0 h a week"
