"""A big plan opens in two steps: what the board shows first, then the rest.

The sample plan stands in for a big one: the size above which a plan opens in two
steps is lowered to nothing and the first screen of the backlog to three rows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import ItemFields
from onproduct.domain.ranking import BACKLOG, Bucket
from onproduct.storage.errors import StorageError
from onproduct.storage.planfile import open_plan
from onproduct.ui import document as document_module
from onproduct.ui import loading
from onproduct.ui.document import PlanDocument
from onproduct.ui.main_window import MainWindow
from onproduct.ui.settings import Settings

BACKLOG_ROWS = 3


@pytest.fixture(autouse=True)
def every_plan_is_big(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(document_module, "FIRST_SCREEN_ABOVE", 0)
    monkeypatch.setattr(document_module, "FIRST_SCREEN_BACKLOG", BACKLOG_ROWS)


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def warn(parent: QWidget, title: str, text: str, *args: object) -> int:
        shown.append(f"{title}: {text}")
        return QMessageBox.StandardButton.Ok.value

    monkeypatch.setattr(QMessageBox, "warning", warn)
    return shown


def _full(path: Path) -> PlanDocument:
    return PlanDocument(open_plan(path))


def _shown_sprint(document: PlanDocument) -> int:
    sprint = document.sprints.current(date.today())
    assert sprint is not None
    return sprint.id


def test_the_first_screen_is_the_shown_sprint_and_the_top_of_the_backlog(
    qtbot, sample_path: Path
) -> None:
    full = _full(sample_path)
    first = PlanDocument(open_plan(sample_path), first_screen=True)
    try:
        assert not first.items.complete
        sprint = _shown_sprint(full)
        for key in CATEGORY_KEYS:  # whole lanes: the gauge reads their totals
            lane = Bucket(sprint, key)
            assert list(first.items.bucket_ids(lane)) == list(full.items.bucket_ids(lane))
            assert first.items.totals(lane) == full.items.totals(lane)
            for item_id in first.items.bucket_ids(lane):
                assert first.items.item(item_id) == full.items.item(item_id)  # labels too
        backlog = list(full.items.bucket_ids(BACKLOG))
        assert len(backlog) > BACKLOG_ROWS
        assert list(first.items.bucket_ids(BACKLOG)) == backlog[:BACKLOG_ROWS]
        other = next(s.id for s in full.sprints.sprints() if s.id != sprint)
        assert not first.items.bucket_ids(Bucket(other, "feature"))

        first.finish_loading()
        assert first.items.complete
        assert sorted(first.items.items(), key=lambda i: i.id) == sorted(
            full.items.items(), key=lambda i: i.id
        )
    finally:
        first.close()
        full.close()


def test_a_change_made_before_the_rest_is_read_sees_the_whole_plan(
    qtbot, sample_path: Path
) -> None:
    first = PlanDocument(open_plan(sample_path), first_screen=True)
    try:
        new_id = first.add_item(ItemFields("Added at once", "feature"))
        assert first.items.complete
        backlog = list(first.items.bucket_ids(BACKLOG))
        # At the end of the whole backlog, not after the third item read first.
        assert backlog[-1] == new_id
        assert len(backlog) > BACKLOG_ROWS + 1
        assert first.plan.item(new_id).rank > max(first.items.item(i).rank for i in backlog[:-1])
    finally:
        first.close()


def _window(qtbot, tmp_path: Path, settings: Settings) -> MainWindow:
    window = MainWindow(settings, tmp_path / "data")
    qtbot.addWidget(window)
    window.resize(1400, 860)
    return window


def test_the_board_shows_the_first_screen_then_reads_the_rest_by_itself(
    qtbot,
    tmp_path: Path,
    settings: Settings,
    sample_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Only the first paint can set the reading off within the test's time.
    monkeypatch.setattr(loading, "_AT_THE_LATEST_MS", 600_000)
    full = _full(sample_path)
    window = _window(qtbot, tmp_path, settings)
    window.show()
    assert window.open_plan(sample_path)
    document = window.document
    assert document is not None and not document.items.complete
    board = window.board
    # The gauge and the lanes are whole from the start; the backlog says it is reading.
    assert _gauge_and_lanes(window) == _gauge_and_lanes(_whole(qtbot, tmp_path, sample_path))
    assert board.backlog_header.totals_text == "reading the plan…"
    assert board.backlog_view.lane_model().rowCount() == BACKLOG_ROWS

    qtbot.waitExposed(window)  # the first paint, and what it set off
    qtbot.waitUntil(lambda: document.items.complete, timeout=5000)
    backlog = len(full.items.bucket_ids(BACKLOG))
    assert board.backlog_view.lane_model().rowCount() == backlog
    assert board.backlog_header.totals_text.startswith(f"{backlog} items · ")
    full.close()


def _gauge_and_lanes(window: MainWindow) -> list[str]:
    gauge = window.board.gauge
    texts = [gauge.state_label.text(), gauge.basis_label.text(), gauge.other_label.text()]
    return texts + [header.totals_text for header in window.board.lane_headers.values()]


def _whole(qtbot, tmp_path: Path, path: Path) -> MainWindow:
    """Another window showing the same plan read whole, at once."""
    from PySide6.QtCore import QSettings

    store = QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat)
    other = MainWindow(Settings(store), tmp_path / "other-data")
    qtbot.addWidget(other)
    other._show_document(PlanDocument(open_plan(path), other))
    assert other.document is not None and other.document.items.complete
    return other


def test_a_key_pressed_before_the_first_paint_reads_the_rest_first(
    qtbot, tmp_path: Path, settings: Settings, sample_path: Path
) -> None:
    window = _window(qtbot, tmp_path, settings)  # never shown: never painted
    assert window.open_plan(sample_path)
    document = window.document
    assert document is not None and not document.items.complete
    QTest.keyClick(window.board.backlog_view, Qt.Key.Key_End)
    assert document.items.complete
    assert window.board.backlog_view.lane_model().rowCount() > BACKLOG_ROWS


def test_a_window_never_painted_still_reads_the_whole_plan(
    qtbot, tmp_path: Path, settings: Settings, sample_path: Path
) -> None:
    assert loading._AT_THE_LATEST_MS <= 1000  # a second at the latest
    window = _window(qtbot, tmp_path, settings)
    assert window.open_plan(sample_path)
    document = window.document
    assert document is not None and not document.items.complete
    qtbot.waitUntil(lambda: document.items.complete, timeout=3000)


def test_another_plan_opened_before_the_rest_is_read(
    qtbot, tmp_path: Path, settings: Settings, sample_path: Path, warnings: list[str]
) -> None:
    other = tmp_path / "other.onproduct"
    other.write_bytes(sample_path.read_bytes())
    window = _window(qtbot, tmp_path, settings)
    assert window.open_plan(sample_path)
    first = window.document
    assert window.open_plan(other)
    assert window.document is not first
    qtbot.wait(1200)  # past the time the first plan's rest would have been read
    assert warnings == []
    assert first is not None and not first.items.complete  # closed, never read again


def test_a_rest_that_cannot_be_read_is_said_once(
    qtbot,
    tmp_path: Path,
    settings: Settings,
    sample_path: Path,
    warnings: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = _window(qtbot, tmp_path, settings)
    window.show()
    assert window.open_plan(sample_path)
    document = window.document
    assert document is not None

    def unreadable() -> list[object]:
        raise StorageError("The plan's items could not be read: disk I/O error.")

    monkeypatch.setattr(document.plan, "items", unreadable)
    qtbot.waitUntil(lambda: bool(warnings), timeout=3000)
    qtbot.wait(50)
    assert warnings == [
        "Cannot read the whole plan: The plan's items could not be read: disk I/O error."
    ]
    assert not document.items.complete
