"""The life of a shown plan beside the board: others' changes arriving, the server
going away and coming back, said in the banner and the status bar.

The main window makes one `LiveSession` per document it shows; the session owns the
document's PlanWatcher (live.py) and speaks through the banner above the tabs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from onproduct.storage.changelog import Change
from onproduct.storage.errors import StorageError
from onproduct.ui.document import PlanDocument
from onproduct.ui.live import PlanWatcher


class Banner(QFrame):
    """A line across the top of the window for what must not be missed (no server)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        # Amber with dark text reads on light and dark themes alike.
        self.setStyleSheet(
            "#banner { background: #f6c343; border-bottom: 1px solid #b88a0b; }"
            " #banner QLabel { color: #1d1d1d; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        unit = self.fontMetrics().averageCharWidth()
        layout.setContentsMargins(unit * 2, unit, unit * 2, unit)
        layout.addWidget(self.label, 1)
        self.hide()

    def say(self, text: str | None, details: str = "") -> None:
        """Show `text` (None hides the banner); `details` (what the connection said, for
        whoever runs the server) go in its tooltip, not in front of the user."""
        self.label.setText(text or "")
        self.setToolTip(details)
        self.setVisible(bool(text))

    @property
    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""


class LiveSession(QObject):
    """Others' changes and the server's comings and goings, for one shown document."""

    def __init__(
        self,
        document: PlanDocument,
        banner: Banner,
        show_status: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.document = document
        self._banner = banner
        self._show_status = show_status
        self._why = ""  # what the connection said when it was lost
        self.watcher: PlanWatcher | None = None
        try:
            self.watcher = PlanWatcher(document, self)
        except StorageError as error:  # the server went away between open and listen
            self._lost(str(error))
        if self.watcher is not None:
            self.watcher.lost.connect(self._lost)
            self.watcher.back.connect(self._back)
        document.remoteChanged.connect(self._theirs)
        document.offlineChanged.connect(self._offline_changed)
        self._show_banner()

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
        self._banner.say(None)

    def _show_banner(self) -> None:
        document = self.document
        if document.offline is not None:
            self._banner.say(
                f"The server cannot be reached: {document.plan.name} is read-only until it is"
                " back. Onproduct keeps trying and will catch up on what changed meanwhile.",
                f"What the connection said: {self._why}" if self._why else "",
            )
        else:
            self._banner.say(None)

    def _lost(self, why: str) -> None:
        # The banner says it in words; the driver's own message is for the admin.
        self._why = why
        self.document.set_offline("the server cannot be reached")
        self._show_banner()

    def _back(self) -> None:
        self._show_banner()
        self._show_status("The server is back; what changed meanwhile is on the board.")

    def _offline_changed(self, offline: bool) -> None:
        self._show_banner()
        if offline and self.watcher is not None and not self.watcher.retrying:
            self.watcher.went_away("a change could not reach the server")

    def _theirs(self, changes: Sequence[Change]) -> None:
        if not changes:
            return
        last = changes[-1]
        more = f" (and {len(changes) - 1} more changes)" if len(changes) > 1 else ""
        self._show_status(f"{last.who} {last.what}{more}.")
