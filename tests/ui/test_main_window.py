"""The main window as a user drives it: keyboard, dialogs, filter, files and settings."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from onproduct.domain.items import Item
from onproduct.domain.ranking import BACKLOG
from onproduct.storage.planfile import inspect, open_plan
from onproduct.ui.dialogs import ItemDialog, SprintDialog
from onproduct.ui.lanes import LaneView
from onproduct.ui.main_window import MainWindow
from onproduct.ui.settings import Settings

from ..helpers import dump, fingerprint
from ..storage.make_plan_fixture import fixture_path


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Messages the window would have shown in a warning box."""
    shown: list[str] = []

    def warn(parent: QWidget, title: str, text: str, *args: object) -> int:
        shown.append(text)
        return QMessageBox.StandardButton.Ok.value

    monkeypatch.setattr(QMessageBox, "warning", warn)
    monkeypatch.setattr(QMessageBox, "information", warn)
    return shown


def fill_dialog(monkeypatch: pytest.MonkeyPatch, dialog: type, fill: Callable[[QDialog], None]):
    """Make the next dialog of this class be filled in by `fill` and accepted with OK."""
    seen: list[QDialog] = []

    def run(self: QDialog) -> int:
        seen.append(self)
        fill(self)
        self.accept()
        return self.result()

    monkeypatch.setattr(dialog, "exec", run)
    return seen


def items_in(window: MainWindow, view: LaneView) -> list[Item]:
    model = window.board.views()[window.board.views().index(view)].lane_model()
    assert model is not None and window.document is not None
    return [window.document.items.item(i) for i in model.ids()]


def select_rows(view: LaneView, rows: list[int]) -> None:
    view.setFocus()
    view.clearSelection()
    for row in rows:
        view.selectionModel().select(
            view.model().index(row, 0), view.selectionModel().SelectionFlag.Select
        )


def test_the_board_opens_on_the_sprint_running_today(window: MainWindow) -> None:
    sprint = window.board.current_sprint()
    assert sprint is not None and sprint.contains(date.today())
    assert window.windowTitle() == "sample — Onproduct"
    headers = {h.title: h.totals_text for h in window.board.headers()}
    assert headers["Backlog"] == "15 items · 235 h · 1 unestimated"
    assert headers["Product improvement"] == "2 items · 36 h"
    assert window.board.sprint_info.text() == "86 h planned of 160 h capacity"


def test_ctrl_number_moves_the_selection_into_that_lane(qtbot, window: MainWindow) -> None:
    board = window.board
    backlog = board.backlog_view
    select_rows(backlog, [0, 2])
    chosen = [i.id for i in items_in(window, backlog)[:3:2]]
    qtbot.keyClick(backlog, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    lane = board.lane_views["tech_debt"]
    assert [i.id for i in items_in(window, lane)][-2:] == chosen
    assert lane.hasFocus() and lane.selected_ids() == chosen  # the selection follows
    assert board.lane_headers["tech_debt"].totals_text == "4 items · 74 h"

    qtbot.keyClick(lane, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert [i.id for i in items_in(window, backlog)][-2:] == chosen
    qtbot.keyClick(backlog, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [i.id for i in items_in(window, lane)][-2:] == chosen


def test_alt_arrows_reorder_within_a_list(qtbot, window: MainWindow) -> None:
    backlog = window.board.backlog_view
    order = [i.id for i in items_in(window, backlog)]
    select_rows(backlog, [2])
    qtbot.keyClick(backlog, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [i.id for i in items_in(window, backlog)][:3] == [order[0], order[2], order[1]]
    qtbot.keyClick(backlog, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(backlog, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [i.id for i in items_in(window, backlog)][:4] == [order[0], order[1], order[3], order[2]]
    qtbot.keyClick(backlog, Qt.Key.Key_End, Qt.KeyboardModifier.AltModifier)
    assert [i.id for i in items_in(window, backlog)][-1] == order[2]
    qtbot.keyClick(backlog, Qt.Key.Key_Home, Qt.KeyboardModifier.AltModifier)
    assert items_in(window, backlog)[0].id == order[2]


def test_plan_into_sprint_puts_each_item_in_its_own_lane(qtbot, window: MainWindow) -> None:
    board = window.board
    backlog = board.backlog_view
    select_rows(backlog, [0, 5, 8])  # a feature, an automation, a debt item
    chosen = items_in(window, backlog)
    picked = [chosen[0], chosen[5], chosen[8]]
    qtbot.keyClick(
        backlog,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    for item in picked:
        lane = board.lane_views[item.category]
        assert item.id in [i.id for i in items_in(window, lane)]


def test_alt_number_goes_to_a_list_and_sprint_keys_step_sprints(qtbot, window: MainWindow) -> None:
    board = window.board
    qtbot.keyClick(board.backlog_view, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    ops = board.lane_views["product_ops"]
    assert ops.hasFocus()
    assert ops.currentIndex().row() == 0
    first = items_in(window, ops)[0].id
    assert ops.selected_ids() == [first]  # so the next keyboard move acts on it
    qtbot.keyClick(ops, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert first in [i.id for i in items_in(window, board.backlog_view)]
    window.undo_action.trigger()
    sprint = board.current_sprint()
    qtbot.keyClick(board.backlog_view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    earlier = board.current_sprint()
    assert earlier is not None and sprint is not None and earlier.end < sprint.start
    features = [i.title for i in items_in(window, board.lane_views["feature"])]
    assert features == ["Customer portal: download past invoices", "Dark mode for the web app"]
    assert board.lane_headers["feature"].totals_text == "2 items · 28 h"  # 20 h + 8 h


def test_menus_show_the_keyboard_way_of_every_move(window: MainWindow) -> None:
    texts = {
        a.text(): a.shortcut().toString() for a in window.findChildren(type(window.undo_action))
    }
    assert texts["Move to &3 Technical debt"] == "Ctrl+3"
    assert texts["Move to &Backlog"] == "Ctrl+0"
    assert texts["&Plan into Sprint"] == "Ctrl+Shift+P"
    assert texts["Move &Up"] == "Alt+Up"
    assert texts["New &Item…"] == "Ctrl+N"
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"


def test_the_filter_narrows_every_list_and_says_so(qtbot, window: MainWindow) -> None:
    board = window.board
    qtbot.keyClicks(board.filter_box, "#tax")
    assert all("tax" in i.labels for v in board.views() for i in items_in(window, v))
    assert board.backlog_header.totals_text.startswith("2 of 15 shown")
    assert board.lane_headers["product_ops"].totals_text.startswith("1 of 2 shown")
    # A lane whose cards are all filtered out says so, rather than looking empty.
    debt = board.lane_views["tech_debt"]
    assert debt.model().rowCount() == 0
    assert debt.placeholder_text() == "2 cards are hidden by the filter."
    said_hidden = debt.grab().toImage()
    debt.set_hidden(0)  # what it would paint if the lane were really empty
    assert debt.grab().toImage() != said_hidden  # the message is what gets painted
    board.filter_box.clear()
    assert board.backlog_header.totals_text.startswith("15 items")
    assert debt.placeholder_text() == "Drop technical debt work here."


def test_new_item_from_the_dialog_lands_in_the_focused_lane(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    board = window.board
    board.focus_list(3)  # technical debt

    def fill(dialog: ItemDialog) -> None:
        assert dialog.category_box.currentData() == "tech_debt"
        dialog.title_edit.setText("Remove the old importer")
        dialog.estimate_edit.setText("2,5")
        dialog.labels_edit.setText("import, cleanup")

    fill_dialog(monkeypatch, ItemDialog, fill)
    qtbot.keyClick(board.lane_views["tech_debt"], Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    lane = board.lane_views["tech_debt"]
    new = items_in(window, lane)[-1]
    assert (new.title, new.estimate, new.labels) == (
        "Remove the old importer",
        2.5,
        ("import", "cleanup"),
    )
    assert lane.selected_ids() == [new.id]


def test_enter_on_a_card_opens_its_editor(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    lane = window.board.lane_views["automation"]
    window.board.focus_list(2)
    item = items_in(window, lane)[0]

    def fill(dialog: ItemDialog) -> None:
        assert dialog.title_edit.text() == item.title
        dialog.status_box.setCurrentIndex(dialog.status_box.findData("done"))
        dialog.actual_edit.setText("22")

    opened = fill_dialog(monkeypatch, ItemDialog, fill)
    qtbot.keyClick(lane, Qt.Key.Key_Return)
    assert len(opened) == 1
    again = items_in(window, lane)[0]
    assert (again.id, again.status, again.actual) == (item.id, "done", 22.0)


def test_the_item_dialog_says_what_is_wrong_and_stays_open(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch, warnings: list[str]
) -> None:
    board = window.board
    select_rows(board.backlog_view, [0])
    before = dump(window.document.plan.path)  # type: ignore[union-attr]
    errors: list[str] = []

    def run(self: ItemDialog) -> int:
        ok = self.buttons.button(self.buttons.StandardButton.Ok)
        self.title_edit.setText("  ")
        errors.append(f"ok enabled: {ok.isEnabled()}")
        self.title_edit.setText("Expense tracking")
        self.estimate_edit.setText("lots")
        self.accept()
        errors.append(self.error_text)
        self.estimate_edit.setText("4")
        self.key_edit.setText("LED-101")  # another item's key
        self.accept()
        errors.append(self.error_text)
        self.reject()
        return self.result()

    monkeypatch.setattr(ItemDialog, "exec", run)
    window.edit_selected_item()
    assert errors == [
        "ok enabled: False",
        "The estimate must be a number, not 'lots'.",
        "The key LED-101 already belongs to “PDF invoice templates”.",
    ]
    assert dump(window.document.plan.path) == before  # type: ignore[union-attr]
    assert warnings == []


def test_sprint_dialog_checks_dates_and_names(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    errors: list[str] = []

    def run(self: SprintDialog) -> int:
        assert self.name_edit.text() == "Sprint 27"
        self.end_edit.setDate(self.start_edit.date().addDays(-1))
        self.accept()
        errors.append(self.error_text)
        self.end_edit.setDate(self.start_edit.date().addDays(13))
        self.name_edit.setText("sprint 25")
        self.accept()
        errors.append(self.error_text)
        self.name_edit.setText("Sprint 27")
        self.capacity_edit.setText("120")
        self.accept()
        return self.result()

    monkeypatch.setattr(SprintDialog, "exec", run)
    window.ask_new_sprint()
    assert errors == [
        "A sprint cannot end before it starts.",
        "There is already a sprint called “sprint 25”.",
    ]
    sprint = window.board.current_sprint()
    assert sprint is not None and (sprint.name, sprint.capacity) == ("Sprint 27", 120.0)
    assert all(not v.model().rowCount() for v in window.board.lane_views.values())


def test_delete_key_deletes_without_asking_and_undo_brings_it_back(
    qtbot, window: MainWindow, warnings: list[str]
) -> None:
    backlog = window.board.backlog_view
    select_rows(backlog, [0, 1])
    before = [i.id for i in items_in(window, backlog)]
    qtbot.keyClick(backlog, Qt.Key.Key_Delete)
    assert [i.id for i in items_in(window, backlog)] == before[2:]
    assert warnings == []
    window.undo_action.trigger()
    assert [i.id for i in items_in(window, backlog)] == before


def test_deleting_the_sprint_shown_moves_its_items_to_the_backlog(window: MainWindow) -> None:
    board = window.board
    sprint = board.current_sprint()
    assert sprint is not None
    planned = sum(v.model().rowCount() for v in board.lane_views.values())
    window.delete_sprint_action.trigger()
    assert board.current_sprint() != sprint
    assert board.backlog_view.model().rowCount() == 15 + planned
    window.undo_action.trigger()
    assert board.current_sprint() is not None
    assert board.backlog_view.model().rowCount() == 15


def test_closing_never_asks_and_keeps_every_change(
    qtbot, window: MainWindow, warnings: list[str], sample_path: Path
) -> None:
    backlog = window.board.backlog_view
    select_rows(backlog, [0])
    moved = backlog.selected_ids()[0]
    qtbot.keyClick(backlog, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    window.close()
    assert warnings == []
    plan = open_plan(sample_path)
    try:
        assert plan.item(moved).sprint_id is not None
    finally:
        plan.close()


def test_window_and_last_plan_are_remembered(
    qtbot, tmp_path: Path, settings: Settings, sample_path: Path
) -> None:
    first = MainWindow(settings, tmp_path / "data")
    qtbot.addWidget(first)
    first.show()
    first.open_initial(sample_path)
    first.resize(780, 577)  # the offscreen screen is 800x800; larger would be clamped
    size = (first.width(), first.height())
    assert size != (1400, 860)
    first.board.splitter.setSizes([420, 600])
    backlog_width = first.board.splitter.sizes()[0]
    first.close()

    again = MainWindow(
        Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)),
        tmp_path / "data",
    )
    qtbot.addWidget(again)
    again.restore_state()
    again.show()
    assert again.open_initial(None)
    assert again.document is not None and again.document.plan.path == sample_path.absolute()
    assert (again.width(), again.height()) == size
    assert again.board.splitter.sizes()[0] == backlog_width
    again.close()


def test_first_launch_creates_the_sample_plan_in_the_data_folder(
    qtbot, tmp_path: Path, settings: Settings
) -> None:
    window = MainWindow(settings, tmp_path / "data")
    qtbot.addWidget(window)
    assert window.open_initial(None)
    path = tmp_path / "data" / "Sample plan.onproduct"
    assert window.document is not None and window.document.plan.path == path
    assert len(window.document.items) == 50
    window.close()


def test_a_refused_sample_plan_is_kept_and_a_new_one_made(
    qtbot, tmp_path: Path, settings: Settings, warnings: list[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "Sample plan.onproduct").write_text("not a plan")
    window = MainWindow(settings, data)
    qtbot.addWidget(window)
    assert window.open_initial(None)
    assert (data / "Sample plan.onproduct").read_text() == "not a plan"
    assert (
        window.document is not None and window.document.plan.path.name == "Sample plan 2.onproduct"
    )
    assert warnings == ["Sample plan.onproduct is not an Onproduct plan file."]
    window.close()


def test_opening_a_bad_file_says_why_and_keeps_the_current_plan(
    window: MainWindow, tmp_path: Path, warnings: list[str]
) -> None:
    bad = tmp_path / "holiday.onproduct"
    bad.write_bytes(b"\x00" * 4096)
    before = fingerprint(tmp_path)
    current = window.document
    assert not window.open_plan(bad)
    assert warnings == ["holiday.onproduct is not an Onproduct plan file."]
    assert window.document is current
    assert fingerprint(tmp_path) == before


def test_open_recent_lists_plans_and_forgets_missing_ones(
    window: MainWindow, tmp_path: Path, settings: Settings, warnings: list[str]
) -> None:
    gone = tmp_path / "gone.onproduct"
    settings.add_recent(gone)
    window.recent_menu.aboutToShow.emit()
    names = [a.text() for a in window.recent_menu.actions()]
    assert names[:2] == ["&1 gone.onproduct", "&2 sample.onproduct"]
    window.recent_menu.actions()[0].trigger()
    assert warnings and "no plan file" in warnings[0]
    assert gone not in settings.recent_plans()


def test_an_older_plan_is_upgraded_and_the_user_told_where_the_backup_is(
    window: MainWindow, tmp_path: Path, warnings: list[str]
) -> None:
    old = tmp_path / "old.onproduct"
    shutil.copyfile(fixture_path(1), old)
    assert window.open_plan(old)
    assert warnings and "upgraded" in warnings[0] and "backup-format1" in warnings[0]
    assert len(window.document.items) == 54  # type: ignore[union-attr]


def test_save_as_continues_on_the_copy_with_the_undo_history(
    qtbot, window: MainWindow, tmp_path: Path, sample_path: Path
) -> None:
    backlog = window.board.backlog_view
    select_rows(backlog, [0])
    qtbot.keyClick(backlog, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    original = dump(sample_path)
    copy = tmp_path / "copy.onproduct"
    assert window.save_as(copy)
    assert window.windowTitle() == "copy — Onproduct"
    assert dump(copy) == original
    window.undo_action.trigger()  # undone in the copy, not in the original
    assert dump(sample_path) == original
    assert dump(copy) != original
    assert window.document is not None and window.document.items.totals(BACKLOG).count == 15


def test_a_new_plan_starts_empty_with_one_sprint(window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "fresh.onproduct"
    assert window.new_plan(path)
    assert inspect(path) >= 1
    document = window.document
    assert document is not None and len(document.items) == 0
    assert [s.name for s in document.sprints.sprints()] == ["Sprint 1"]
    assert window.board.lane_views["feature"].isEnabled()
    window.new_item_action.setEnabled(True)


def test_a_plan_of_100000_items_gets_no_widget_per_item(
    qtbot, tmp_path: Path, settings: Settings
) -> None:
    from benchmarks.generate import generate_plan

    path = tmp_path / "big.onproduct"
    generate_plan(path, 100_000, seed=7)
    window = MainWindow(settings, tmp_path / "data")
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    assert window.open_plan(path)
    qtbot.waitExposed(window)
    window.grab()  # paint everything once
    document = window.document
    assert document is not None
    # The first screen is painted first; the rest follows by itself.
    qtbot.waitUntil(lambda: document.items.complete, timeout=20_000)
    assert len(document.items) == 100_000
    window.grab()
    assert len(window.findChildren(QWidget)) < 300
    window.close()


def test_cards_follow_the_palette_and_scale_with_the_font(window: MainWindow) -> None:
    from PySide6.QtGui import QColor, QPalette

    view = window.board.lane_views["feature"]
    light = view.grab().toImage().pixelColor(view.width() // 2, view.height() // 6)
    dark = QPalette()
    for role, colour in [
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.Text, "#e8e8e8"),
        (QPalette.ColorRole.WindowText, "#e8e8e8"),
    ]:
        dark.setColor(role, QColor(colour))
    view.setPalette(dark)
    shaded = view.grab().toImage().pixelColor(view.width() // 2, view.height() // 6)
    assert light.lightness() > 200 and shaded.lightness() < 80  # the card, not a light box

    delegate = view.card_delegate
    small = delegate.metrics(view.font()).height
    big_font = view.font()
    big_font.setPointSizeF(view.font().pointSizeF() * 2)
    big = delegate.metrics(big_font).height
    assert 1.7 * small < big < 2.3 * small


def test_dialog_labels_underline_their_shortcut_letter_instead_of_printing_an_ampersand(
    window: MainWindow,
) -> None:
    from PySide6.QtWidgets import QLabel

    document = window.document
    assert document is not None
    item = document.items.items()[0]
    sprint = document.sprints.sprints()[0]
    for dialog in (
        ItemDialog(window, item.editable, title="Edit Item"),
        SprintDialog(window, sprint.editable, title="Edit Sprint"),
    ):
        labels = [label for label in dialog.findChildren(QLabel) if "&" in label.text()]
        assert labels
        for label in labels:
            assert label.buddy() is not None, f"{label.text()!r} would show its '&'"
        dialog.deleteLater()


def test_a_changed_card_is_redrawn_not_taken_stale_from_the_cache(window: MainWindow) -> None:
    from dataclasses import replace

    document = window.document
    assert document is not None
    lane = window.board.lane_views["feature"]
    first = items_in(window, lane)[0]
    before = lane.grab().toImage()
    document.edit_item(first.id, replace(first.editable, status="done"))
    after = lane.grab().toImage()
    assert after != before  # the status chip and the muted title show
    document.undo_stack.undo()
    assert lane.grab().toImage() == before
