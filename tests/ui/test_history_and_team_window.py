"""View ▸ History, and a team plan in the window: its address, its password, its title."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSettings

from onproduct.domain.items import ItemFields
from onproduct.domain.ranking import BACKLOG
from onproduct.storage.team import TeamAddress
from onproduct.ui.main_window import MainWindow
from onproduct.ui.settings import Settings

from ..helpers import team_address


def _history_rows(window: MainWindow) -> list[tuple[str, str]]:
    model = window.history.model
    return [(model.index(r, 1).data(), model.index(r, 2).data()) for r in range(model.rowCount())]


def test_history_lists_changes_newest_first_by_item_and_shows_the_item(qtbot, window) -> None:
    document = window.document
    first, second = document.items.bucket_ids(BACKLOG)[:2]
    title = document.items.item(first).title
    document.edit_item(first, replace(document.items.item(first).editable, title="Renamed one"))
    other = document.items.item(second)
    document.edit_item(second, replace(other.editable, title="Renamed two"))
    added = document.add_item(ItemFields("Fresh one", "feature"))
    window.history_dock.show()
    qtbot.waitUntil(lambda: window.history.model.rowCount() >= 3)
    whats = [what for _who, what in _history_rows(window)]
    assert "Fresh one" in whats[0]  # newest first
    assert "Renamed two" in whats[1] or other.title in whats[1]
    assert any(title in what or "Renamed one" in what for what in whats[2:])
    assert window.history.model.index(0, 0).data()  # when, readable ("a moment ago")

    window.board.select_items([first])
    window.history.only_item.setChecked(True)
    qtbot.waitUntil(lambda: window.history.model.rowCount() >= 1)
    only = [what for _who, what in _history_rows(window)]
    assert all("Fresh one" not in what and "Renamed two" not in what for what in only)

    window.history.only_item.setChecked(False)
    qtbot.waitUntil(lambda: window.history.model.rowCount() >= 3)
    window.board.select_items([first])
    window.history.table.selectRow(0)  # the newest: the added item
    assert window.board.selected_ids() == [added]
    # An undone change is history too, and says so.
    document.undo_stack.undo()
    qtbot.waitUntil(lambda: _history_rows(window)[0][1].startswith("took back: "))
    assert "Fresh one" in _history_rows(window)[0][1]


def _team_window(qtbot, tmp_path: Path) -> MainWindow:
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Settings(store), tmp_path / "data")
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    return window


def test_a_team_plan_on_the_command_line_opens_with_where_and_whom_in_the_title(
    qtbot, pg, team_url: str, tmp_path: Path
) -> None:
    window = _team_window(qtbot, tmp_path)
    assert window.open_initial(team_url)  # a string, as the command line gives it
    address = TeamAddress.parse(team_url)
    assert window.document is not None and window.document.plan.is_team
    title = window.windowTitle()
    assert address.plan in title and "team plan" in title and "editor1" in title
    assert f"127.0.0.1:{pg.port}" in title
    status = window.plan_label.text()
    assert status.startswith("Team plan on ") and status.endswith("as editor1")
    assert "pw1" not in window.plan_label.toolTip() and address.plan.replace(" ", "+") in (
        window.plan_label.toolTip()
    )
    # Open Recent keeps the address, never the password.
    recent = window._settings.recent_plans()
    assert recent and "pw1" not in recent[0] and address.plan.replace(" ", "+") in recent[0]
    window.close()


def test_the_password_is_asked_once_per_session_and_never_kept(
    qtbot, pg, team_url: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    window = _team_window(qtbot, tmp_path)
    asked: list[str] = []
    answers = iter(["wrong", "pw2"])

    def answer(why: str) -> str | None:
        asked.append(why)
        return next(answers)

    window.team_actions.ask_password = answer
    no_password = team_address(pg, team_url, "editor2", "pw2").with_password(None)
    assert window.team_actions.open_team_plan(no_password)
    assert "asks for a password for editor2" in asked[0]
    assert "refused the password" in asked[1]
    assert window.document is not None and window.document.plan.is_team
    # Opened again this session: not asked again.
    assert window.team_actions.open_team_plan(no_password)
    assert len(asked) == 2
    window.close()
    settings_text = (tmp_path / "settings.ini").read_text()
    assert "pw2" not in settings_text and "editor2" in settings_text
    mirrors = list((tmp_path / "data").rglob("*"))
    assert all(b"pw2" not in p.read_bytes() for p in mirrors if p.is_file())


def test_cancelling_the_password_keeps_what_was_open(
    qtbot, pg, team_url: str, tmp_path: Path, sample_path: Path, monkeypatch
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    window = _team_window(qtbot, tmp_path)
    assert window.open_plan(sample_path)
    window.team_actions.ask_password = lambda why: None
    address = team_address(pg, team_url, "editor2", "pw2").with_password(None)
    assert not window.team_actions.open_team_plan(address)
    assert window.document is not None and window.document.plan.path == sample_path
    window.close()


def test_the_history_fits_a_small_screen_under_the_board(qtbot, window) -> None:
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.width() == 1024)
    window.history_dock.show()
    qtbot.waitUntil(lambda: window.history.model.rowCount() > 0 or window.history.isVisible())
    qtbot.wait(50)
    # Beside the board, the lists' least width and the table's did not fit: the window
    # grew past the screen and the history's "What" was cut off.
    assert window.width() == 1024
    assert window.history.table.columnWidth(2) > 400
    assert window.history.height() >= 2 * window.history.table.verticalHeader().defaultSectionSize()
    assert window.board.backlog_view.height() > 200


def test_listing_a_servers_plans_asks_for_the_password_and_says_so_when_none_is_given(
    qtbot, pg, team_url: str, tmp_path: Path, monkeypatch
) -> None:
    from onproduct.ui.team_actions import OpenTeamPlanDialog

    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    answers: list[str | None] = [None, "pw2"]
    asked: list[str] = []

    def answer(why: str) -> str | None:
        asked.append(why)
        return answers.pop(0)

    where = team_address(pg, team_url, "editor2", "pw2").with_password(None).with_plan(None)
    dialog = OpenTeamPlanDialog(None, where, answer)
    qtbot.addWidget(dialog)
    assert not dialog.list_plans()  # the user cancels the prompt
    assert "asks for a password for editor2" in dialog.status.text()
    assert not dialog.open_button.isEnabled()
    assert dialog.list_plans()
    names = [dialog.plans.itemText(i) for i in range(dialog.plans.count())]
    assert TeamAddress.parse(team_url).plan in names
    assert dialog.status.text().startswith(f"{len(names)} plan")
    assert dialog.open_button.isEnabled() and len(asked) == 2
    # The dialog's address carries the password typed, for opening right after.
    assert dialog.address().password == "pw2"


def test_publishing_from_the_window_asks_for_the_password_once(
    qtbot, pg, tmp_path: Path, sample_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from onproduct.storage.team import list_plans

    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window = _team_window(qtbot, tmp_path)
    assert window.open_plan(sample_path)
    asked: list[str] = []
    window.team_actions.ask_password = lambda why: asked.append(why) or "pw1"
    server = TeamAddress.parse(pg.url("editor1", None, "pw1"))
    target = server.with_password(None).with_plan("Published from the window")
    assert window.team_actions.publish(window.document, target)
    assert "Published from the window" in list_plans(server)
    assert len(asked) == 1
    # Opened next, the plan needs no second prompt: the password is kept for the session.
    assert window.team_actions.open_team_plan(target)
    assert len(asked) == 1 and window.document.plan.is_team
    # Cancelling the prompt publishes nothing and says nothing more.
    window2 = _team_window(qtbot, tmp_path / "second")
    assert window2.open_plan(sample_path)
    window2.team_actions.ask_password = lambda why: None
    assert not window2.team_actions.publish(window2.document, target.with_plan("Never"))
    assert "Never" not in list_plans(server)
    window.close()
    window2.close()
