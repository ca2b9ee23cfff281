"""The live gauge: it follows every change at once and agrees with the plan file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest

from onproduct.domain.items import ItemFields
from onproduct.domain.metrics import BandState, compute_metrics
from onproduct.domain.ranking import BACKLOG, Bucket
from onproduct.domain.settings import PlanSettings
from onproduct.storage.planfile import open_snapshot
from onproduct.ui.dialogs import ItemDialog
from onproduct.ui.main_window import MainWindow
from onproduct.ui.plan_settings_dialog import PlanSettingsDialog

from ..helpers import dump

# Sprint 25 of the sample: on-product 36 + 20 = 56 h of 56 + 14 = 70 h development.
START = 56 / 70


def gauge(window: MainWindow):
    return window.board.gauge


def drop_into(window: MainWindow, lane_key: str, backlog_row: int) -> int:
    """Drag a backlog card into a lane through the models, as a mouse drop does."""
    backlog = window.board.backlog_view.lane_model()
    lane = window.board.lane_views[lane_key].lane_model()
    assert backlog is not None and lane is not None
    item = backlog.id_at(backlog_row)
    data = backlog.mimeData([backlog.index(backlog_row, 0)])
    assert lane.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
    return item


def test_the_gauge_shows_the_sprint_on_opening(window: MainWindow) -> None:
    metrics = gauge(window).metrics
    assert metrics is not None
    assert metrics.index == pytest.approx(START) and metrics.state is BandState.INSIDE
    assert gauge(window).dial.describe() == (
        "On-product index 80% by effort, on target (target 70% to 80%)"
    )
    assert gauge(window).other_label.text() == "By count: 60%"  # 3 of 5 development items
    assert gauge(window).capacity_label.text() == "86 of 160 h planned (54%)"
    assert gauge(window).advice_texts() == []
    assert not gauge(window).all_clear.isHidden()


def test_a_drop_an_undo_and_a_redo_each_move_the_gauge_at_once(window: MainWindow) -> None:
    document = window.document
    assert document is not None
    # "Late payment fees", an 8 h feature: 64 of 78 h is above the 70-80% band.
    backlog = window.board.backlog_view.lane_model()
    assert backlog is not None and document.items.item(backlog.id_at(3)).estimate == 8.0
    drop_into(window, "feature", 3)
    # No event processing in between: the gauge changed in the same turn as the drop.
    assert gauge(window).metrics.index == pytest.approx(64 / 78)
    assert gauge(window).metrics.state is BandState.OVER
    assert gauge(window).state_label.text() == "Above target"
    (warning,) = gauge(window).advice_texts()
    assert warning.startswith("On-product index 82% is above the 70%–80% target")
    assert gauge(window).all_clear.isHidden()

    document.undo_stack.undo()
    assert gauge(window).metrics.index == pytest.approx(START)
    assert gauge(window).advice_texts() == []

    document.undo_stack.redo()
    assert gauge(window).metrics.index == pytest.approx(64 / 78)
    assert len(gauge(window).advice_texts()) == 1


def test_an_edit_and_a_keyboard_move_move_the_gauge_too(qtbot, window: MainWindow) -> None:
    document = window.document
    assert document is not None
    debt = window.board.lane_views["tech_debt"]
    window.board.focus_list(3)
    first = debt.selected_ids()[0]  # "Error monitoring with alerts", 8 h
    item = document.items.item(first)
    document.edit_item(first, replace(item.editable, estimate=30.0))
    assert gauge(window).metrics.index == pytest.approx(56 / 92)
    assert gauge(window).metrics.state is BandState.UNDER
    qtbot.keyClick(debt, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)  # to the backlog
    assert gauge(window).metrics.index == pytest.approx(56 / 62)


def test_the_gauge_agrees_with_the_plan_file(window: MainWindow) -> None:
    """The gauge reads the lanes' running totals; the file is counted by SQL: they agree."""
    document = window.document
    assert document is not None
    for lane, row in (("automation", 6), ("tech_debt", 0), ("product_ops", 2), ("feature", 1)):
        drop_into(window, lane, row)
    document.undo_stack.undo()
    sprint = window.board.current_sprint()
    assert sprint is not None
    snapshot = open_snapshot(document.plan.path)
    try:
        totals = snapshot.category_totals(sprint.id)
    finally:
        snapshot.close()
    weeks = ((sprint.end - sprint.start).days + 1) / 7
    from_file = compute_metrics(totals, document.settings, sprint.capacity, weeks)
    assert gauge(window).metrics == from_file


def test_the_capacity_warning_comes_and_goes(window: MainWindow) -> None:
    document = window.document
    sprint = window.board.current_sprint()
    assert document is not None and sprint is not None
    document.edit_sprint(sprint.id, replace(sprint.editable, capacity=80.0))
    assert gauge(window).advice_texts() == [
        "Planned 86 h is 6 h more than the sprint's capacity of 80 h."
    ]
    assert gauge(window).capacity_label.text() == "86 of 80 h planned (108%), 6 h over"
    document.undo_stack.undo()
    assert gauge(window).advice_texts() == []


def test_unestimated_items_are_counted_and_said(window: MainWindow) -> None:
    backlog = window.board.backlog_view.lane_model()
    document = window.document
    assert backlog is not None and document is not None
    unestimated = next(
        r for r, i in enumerate(backlog.ids()) if document.items.item(i).estimate is None
    )
    drop_into(window, "feature", unestimated)
    assert gauge(window).unestimated_label.text() == (
        "1 item has no estimate and weighs nothing by effort"
    )
    assert gauge(window).metrics.index == pytest.approx(START)  # weighs nothing by effort
    assert gauge(window).other_label.text() == "By count: 67%"  # but counts: 4 of 6


def test_a_sprint_without_development_work_shows_a_dash(window: MainWindow) -> None:
    document = window.document
    assert document is not None
    sprint_id = document.add_sprint(document.sprints.next_defaults(date.today()))
    assert sprint_id is not None
    document.add_item(
        ItemFields("Hand onboarding", "product_ops", estimate=6.0), Bucket(sprint_id, "product_ops")
    )
    window.board.set_current_sprint(sprint_id)
    assert gauge(window).metrics.index is None
    assert gauge(window).state_label.text() == "No development work"
    assert "On-product index —" in gauge(window).dial.describe()


def test_plan_settings_change_the_target_and_undo_restores_the_file_exactly(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = window.document
    assert document is not None
    before = dump(document.plan.path)

    def choose(dialog: PlanSettingsDialog) -> int:
        dialog.stage_box.setCurrentIndex(dialog.stage_box.findData("pre_pmf"))
        assert dialog.target_spin.value() == 90 and dialog.band_spin.value() == 5
        dialog.threshold_spin.setValue(5)
        dialog.cost_edit.setText("65")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PlanSettingsDialog, "exec", choose)
    QTest.mouseDClick(gauge(window).dial, Qt.MouseButton.LeftButton)  # the dial opens them
    assert document.settings.stage == "pre_pmf" and document.settings.hourly_cost == 65.0
    assert gauge(window).metrics.state is BandState.UNDER
    texts = gauge(window).advice_texts()
    assert texts[0].startswith("On-product index 80% is below the 85%–95% target")
    # 14 h of product operations over two weeks is 7 h a week: above 5 h; 7 x 65 = 455.
    assert "Product operations take 7 h a week, above the 5 h threshold" in texts[1]
    assert "(455 a week at 65 an hour)" in texts[1]
    assert gauge(window).stage_label.text() == "Stage: before product–market fit"

    document.undo_stack.undo()
    assert dump(document.plan.path) == before
    assert document.settings == PlanSettings()
    assert gauge(window).advice_texts() == []


def test_story_points_change_what_every_effort_says(window: MainWindow) -> None:
    document = window.document
    assert document is not None
    document.change_settings(replace(document.settings, effort_unit="points", hours_per_point=4.0))
    assert window.board.lane_headers["feature"].totals_text == "2 items · 36 pt"
    assert gauge(window).capacity_label.text() == "86 of 160 pt planned (54%)"
    assert window.board.views()[1].card_delegate.unit == "pt"


def test_the_settings_dialog_refuses_nonsense(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    errors: list[str] = []

    def run(dialog: PlanSettingsDialog) -> int:
        dialog.cost_edit.setText("a lot")
        dialog.accept()
        errors.append(dialog.error_text)
        dialog.reject()
        return dialog.result()

    monkeypatch.setattr(PlanSettingsDialog, "exec", run)
    window.ask_plan_settings()
    assert errors == ["The hourly cost must be a number, not 'a lot'."]
    assert window.document is not None and window.document.undo_stack.count() == 0


def test_the_item_editor_asks_automation_items_what_they_remove(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = window.document
    assert document is not None
    lane = window.board.lane_views["automation"]
    window.board.focus_list(2)
    item_id = lane.selected_ids()[0]  # "Automatic VAT rules for EU customers", 20 h
    operations = {o.name: o.id for o in document.operations.operations()}
    seen: dict[str, object] = {}

    def run(dialog: ItemDialog) -> int:
        seen["shown"] = dialog.form.isRowVisible(dialog.operation_box)
        seen["chosen"] = dialog.operation_box.currentText()
        dialog.operation_box.setCurrentIndex(
            dialog.operation_box.findText("Answer tax questions from customers")
        )
        dialog.saves_edit.setText("4")
        seen["payback"] = dialog.payback_label.text()
        dialog.category_box.setCurrentIndex(dialog.category_box.findData("feature"))
        seen["hidden_for_features"] = not dialog.form.isRowVisible(dialog.operation_box)
        dialog.category_box.setCurrentIndex(dialog.category_box.findData("automation"))
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ItemDialog, "exec", run)
    window.edit_selected_item()
    assert seen == {
        "shown": True,
        "chosen": "Correct VAT on EU invoices by hand",
        "payback": "pays back in 5.0 weeks",
        "hidden_for_features": True,
    }
    item = document.items.item(item_id)
    assert item.operation_id == operations["Answer tax questions from customers"]
    assert item.saves_hours_per_week == 4.0


def test_put_automation_first_orders_the_backlog_by_payback(window: MainWindow) -> None:
    document = window.document
    assert document is not None
    backlog = list(document.items.bucket_ids(BACKLOG))
    by_title = {document.items.item(i).title: i for i in backlog}
    # The three automation items of the sample backlog, given hours saved a week:
    # 30 h / 2 = 15 weeks, 12 h / 4 = 3 weeks, and one left unknown.
    for title, saves in (
        ("Self-service data migration from other tools", 2.0),
        ("Automatic dunning e-mails", 4.0),
        ("Tax answer library in the help centre", None),
    ):
        item = document.items.item(by_title[title])
        document.edit_item(item.id, replace(item.editable, saves_hours_per_week=saves))
    before = dump(document.plan.path)
    window.automation_first_action.trigger()
    titles = [document.items.item(i).title for i in document.items.bucket_ids(BACKLOG)]
    assert titles[:3] == [
        "Automatic dunning e-mails",
        "Self-service data migration from other tools",
        "Tax answer library in the help centre",
    ]
    assert titles[3:] == [
        document.items.item(i).title
        for i in backlog
        if document.items.item(i).category != "automation"
    ]
    document.undo_stack.undo()
    assert dump(document.plan.path) == before
    assert list(document.items.bucket_ids(BACKLOG)) == backlog


def test_each_state_paints_a_different_dial(window: MainWindow) -> None:
    document = window.document
    assert document is not None
    pictures = {}
    for stage_key in ("early_growth", "pre_pmf", "mature"):
        document.change_settings(document.settings.with_stage(stage_key))
        pictures[gauge(window).metrics.state] = gauge(window).dial.grab().toImage()
    assert set(pictures) == {BandState.INSIDE, BandState.UNDER, BandState.OVER}
    images = list(pictures.values())
    assert images[0] != images[1] and images[1] != images[2] and images[0] != images[2]
