"""An unexpected exception in the app is logged, shown in one sentence, and not fatal."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer

from onproduct.ui.errors import LOG_NAME, ErrorHandler


@pytest.mark.qt_no_exception_capture
def test_an_error_in_a_slot_is_logged_shown_and_the_app_goes_on(qtbot, tmp_path: Path) -> None:
    shown: list[str] = []
    handler = ErrorHandler(tmp_path / "data", shown.append)
    handler.install()
    try:

        def broken() -> None:
            raise RuntimeError("the gauge fell over")

        QTimer.singleShot(0, broken)
        qtbot.waitUntil(lambda: bool(shown), timeout=5000)
        later: list[bool] = []
        QTimer.singleShot(0, lambda: later.append(True))
        qtbot.waitUntil(lambda: bool(later), timeout=5000)  # the event loop still runs
    finally:
        handler.close()
    assert sys.excepthook is sys.__excepthook__
    log = (tmp_path / "data" / LOG_NAME).read_text()
    assert "RuntimeError: the gauge fell over" in log and "Traceback" in log
    assert shown == [
        "Something went wrong inside Onproduct (RuntimeError: the gauge fell over). Your plan"
        " is safe: every change you saw was saved the moment you made it. You can keep"
        f" working; if this happens again, the details are in {tmp_path / 'data' / LOG_NAME}."
    ]


def test_an_error_while_the_message_is_up_is_logged_but_not_stacked(tmp_path: Path) -> None:
    shown: list[str] = []
    handler: ErrorHandler

    def show(message: str) -> None:
        shown.append(message)
        try:
            raise ValueError("second")
        except ValueError as error:
            handler(ValueError, error, error.__traceback__)

    handler = ErrorHandler(tmp_path, show)
    try:
        try:
            raise KeyError("first")
        except KeyError as error:
            handler(KeyError, error, error.__traceback__)
    finally:
        handler.close()
    assert len(shown) == 1
    log = (tmp_path / LOG_NAME).read_text()
    assert "KeyError: 'first'" in log and "ValueError: second" in log
