"""Reading the rest of a big plan once its first screen is on screen.

A plan of 100,000 items takes longer to read than the whole window takes to start, so
the document first reads what the board shows (the sprint shown and the top of the
backlog; see `PlanDocument`), the window paints it, and this reads everything else
right after that first paint. Nothing the user does can see the plan half read: the
first key press, click, wheel turn or drag reads the rest before it is handled.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from onproduct.storage.errors import StorageError
from onproduct.ui.document import PlanDocument

_INPUT = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.KeyPress,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.Wheel,
        QEvent.Type.ContextMenu,
        QEvent.Type.DragEnter,
        QEvent.Type.Drop,
        QEvent.Type.TouchBegin,
    }
)

# A window that is never painted (started minimised, hidden) still gets its plan.
_AT_THE_LATEST_MS = 1000


class RestLoader(QObject):
    """Finishes loading `document` after `watched` first paints, or before any input."""

    # The rest could not be read: one sentence for the user.
    failed = Signal(str)

    def __init__(
        self, document: PlanDocument, watched: QWidget, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._document: PlanDocument | None = document
        self._watched: QWidget | None = watched
        watched.installEventFilter(self)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        QTimer.singleShot(_AT_THE_LATEST_MS, self, self.finish)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._document is not None:
            kind = event.type()
            if kind in _INPUT:
                self.finish()
            elif kind == QEvent.Type.Paint and watched is self._watched:
                # Once this paint has reached the screen.
                QTimer.singleShot(0, self, self.finish)
        return False

    def cancel(self) -> None:
        """Stop watching (another plan is shown instead)."""
        if self._document is None:
            return
        self._document = None
        if self._watched is not None:
            self._watched.removeEventFilter(self)
            self._watched = None
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def finish(self) -> None:
        document = self._document
        if document is None:
            return
        self.cancel()
        try:
            document.finish_loading()
        except StorageError as error:
            self.failed.emit(str(error))
