"""Others' changes, live: a window hears when someone else changed its plan and takes
the change in (PlanDocument.catch_up).

A team plan's server says so itself: every commit sends a NOTIFY on the plan's channel,
and a connection of the window's own LISTENs; its socket is watched by the event loop
(QSocketNotifier), so nothing polls. The same socket says when the server goes away
(TCP keepalives notice a silent network too): the window is told (`lost`) and tries to
reconnect, with growing pauses, until the server is back; then it catches up on all
that changed meanwhile. A plan file has no channel: SQLite's `data_version`, a number
that moves whenever another connection commits, is read four times a second.
"""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal

from onproduct.storage.errors import StorageError
from onproduct.ui.document import PlanDocument

FILE_CHECK_MS = 250
# Pauses between tries to reach a server that went away: 1, 2, 4, ... up to 30 s.
RETRY_FIRST_MS = 1000
RETRY_MOST_MS = 30_000


class PlanWatcher(QObject):
    """Watches one document's plan for others' changes and for its server going away."""

    # The server went away (with why), or came back.
    lost = Signal(str)
    back = Signal()

    def __init__(self, document: PlanDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document: PlanDocument | None = document
        self._connection: Any = None
        self._notifier: QSocketNotifier | None = None
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._reconnect)
        self._pause = RETRY_FIRST_MS
        self._poll = QTimer(self)
        self._poll.setInterval(FILE_CHECK_MS)
        self._poll.timeout.connect(self._check_file)
        self._version = 0
        if document.plan.is_team:
            self._listen()
        elif document.plan.path is not None and document.plan.read_only is None:
            self._version = document.plan.data_version()
            self._poll.start()

    @property
    def listening(self) -> bool:
        return self._notifier is not None

    @property
    def retrying(self) -> bool:
        return self._retry.isActive()

    def went_away(self, why: str) -> None:
        """The server is gone (a write found out): stop listening, start reconnecting."""
        self._went_away(why)

    def stop(self) -> None:
        self._document = None
        self._poll.stop()
        self._retry.stop()
        self._close_channel()

    # ------------------------------------------------------------------ a file

    def _check_file(self) -> None:
        document = self._document
        if document is None:
            return
        try:
            version = document.plan.data_version()
        except Exception:  # the file went away under us: the window will say so on write
            return
        if version != self._version:
            self._version = version
            self._catch_up()

    def _catch_up(self) -> None:
        document = self._document
        if document is None:
            return
        try:
            document.catch_up()
        except StorageError as error:
            if document.plan.is_team:
                self._went_away(str(error))

    # ------------------------------------------------------------ a team plan

    def _listen(self) -> None:
        """A connection of the watcher's own that LISTENs on the plan's channel."""
        from onproduct.storage import team

        document = self._document
        assert document is not None
        plan = document.plan
        backend = plan.backend
        address = plan.address
        keepalives = {
            "keepalives": "1",
            "keepalives_idle": "5",
            "keepalives_interval": "2",
            "keepalives_count": "2",
        }
        address = team.TeamAddress(
            tuple(sorted({**dict(address.params), **keepalives}.items())),
            address.plan,
            address.password,
        )
        self._connection = team.connect(address, getattr(backend, "schema", None))
        self._connection.execute(f"LISTEN {backend.channel}")
        self._notifier = QSocketNotifier(self._connection.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._heard)

    def _heard(self, *_: object) -> None:
        connection = self._connection
        if connection is None:
            return
        try:
            heard = list(connection.notifies(timeout=0))
            if not heard:
                # Readable with nothing to say: the server may have closed the socket.
                connection.execute("SELECT 1")
        except Exception as error:  # psycopg's OperationalError: the server is gone
            self._went_away(_first_line(error))
            return
        if heard:
            self._catch_up()

    def _went_away(self, why: str) -> None:
        document = self._document
        self._close_channel()
        if document is None:
            return
        document.set_offline("the server cannot be reached")
        document.plan.backend.close()
        self.lost.emit(why)
        self._pause = RETRY_FIRST_MS
        self._retry.start(self._pause)

    def _close_channel(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        if self._connection is not None:
            with contextlib.suppress(Exception):
                self._connection.close()
            self._connection = None

    def _reconnect(self) -> None:
        document = self._document
        if document is None:
            return
        try:
            document.plan.backend.connect()
            document.plan.latest_change()  # a query: the connection really works
            self._listen()
        except Exception:
            self._close_channel()
            document.plan.backend.close()
            self._pause = min(self._pause * 2, RETRY_MOST_MS)
            self._retry.start(self._pause)
            return
        document.set_offline(None)
        self._catch_up()
        self.back.emit()


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
