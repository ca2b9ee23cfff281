"""Drags with real mouse events, run by test_mouse_drag.py in a child process.

Qt's offscreen platform ends every QDrag at once, so these run on the `minimal`
platform (with fonts), where QDrag.exec() runs its own event loop. The mouse moves
and the release are queued with timers before the press, because once the drag
starts, nothing after the press runs until the drop is over.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from onproduct.ui.lanes import LaneView
from onproduct.ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


def drag_with_mouse(source: LaneView, start: QPoint, target: LaneView, end: QPoint) -> None:
    """Press on `start` in `source`, move in steps to `end` in `target`, release there."""
    assert os.environ["QT_QPA_PLATFORM"].startswith("minimal"), "needs a platform that drags"
    steps = 6

    def step(n: int = 1) -> None:
        QTest.mouseMove(target.viewport(), end + QPoint(0, steps - n))
        if n < steps:
            QTimer.singleShot(20, lambda: step(n + 1))
        else:
            QTest.mouseRelease(target.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, end)

    QTimer.singleShot(50, step)
    distance = QApplication.startDragDistance() + 5
    QTest.mousePress(source.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(source.viewport(), start + QPoint(distance // 2, 0))
    QTest.mouseMove(source.viewport(), start + QPoint(distance, distance // 2))  # starts QDrag


def test_dragging_a_card_from_the_backlog_into_a_lane(qtbot, window: MainWindow) -> None:
    board = window.board
    backlog, lane = board.backlog_view, board.lane_views["tech_debt"]
    backlog_model, lane_model = backlog.lane_model(), lane.lane_model()
    assert backlog_model is not None and lane_model is not None
    item = backlog_model.id_at(0)
    start = backlog.visualRect(backlog_model.index(0, 0)).center()
    # Below the last card of the lane: the card goes to the end of the lane.
    end = lane.viewport().rect().center()
    drag_with_mouse(backlog, start, lane, end)
    qtbot.waitUntil(lambda: lane_model.ids()[-1:] == [item], timeout=5000)
    assert item not in backlog_model.ids()
    assert window.document is not None
    assert window.document.undo_stack.undoText().startswith("Move “Expense tracking”")
    qtbot.waitUntil(lambda: lane.selected_ids() == [item], timeout=2000)


def test_dragging_two_selected_cards_between_lanes(qtbot, window: MainWindow) -> None:
    board = window.board
    source, target = board.lane_views["product_ops"], board.lane_views["dev_ops"]
    source_model, target_model = source.lane_model(), target.lane_model()
    assert source_model is not None and target_model is not None
    both = source_model.ids()
    assert len(both) == 2
    first = source.visualRect(source_model.index(0, 0)).center()
    second = source.visualRect(source_model.index(1, 0)).center()
    QTest.mouseClick(source.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, first)
    QTest.mouseClick(source.viewport(), LEFT, Qt.KeyboardModifier.ControlModifier, second)
    assert source.selected_ids() == both
    # Onto the top half of the target's only card: both go before it, in their order.
    card = target.visualRect(target_model.index(0, 0))
    drag_with_mouse(source, second, target, QPoint(card.center().x(), card.top() + 3))
    qtbot.waitUntil(lambda: target_model.rowCount() == 3, timeout=5000)
    assert target_model.ids()[:2] == both
    assert source_model.ids() == []
    assert window.document is not None
    assert all(window.document.items.item(i).category == "dev_ops" for i in both)
