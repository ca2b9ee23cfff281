"""A window action made the one way every action group of the window makes them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def window_action(
    window: QWidget,
    text: str,
    slot: Callable[[], object],
    shortcut: str | None = None,
    tip: str = "",
) -> QAction:
    """An action of the window (so its shortcut works anywhere in it) that calls `slot`."""
    created = QAction(text, window)
    if shortcut:
        created.setShortcut(QKeySequence(shortcut))
    if tip:
        created.setStatusTip(tip)
        created.setToolTip(tip)
    created.triggered.connect(lambda _checked=False: slot())
    window.addAction(created)
    return created
