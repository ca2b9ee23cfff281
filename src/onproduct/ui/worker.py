"""Long work off the GUI thread: a function run on a QThread, with progress and cancel.

The function gets a `progress(done, total)` callback; once the user cancels, the next
call raises `Cancelled`, so work that writes in one transaction rolls back. Results
and errors come back to the GUI thread as signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

from onproduct.exchange.batch import Cancelled

Progress = Callable[[int, int], None]


class Worker(QThread):
    """Runs `job(progress)` once; emits `progressed`, then `succeeded` or `failed`."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception

    def __init__(self, job: Callable[[Progress], Any]) -> None:
        super().__init__()
        self._job = job
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled
        self.progressed.emit(done, total)

    def run(self) -> None:
        try:
            result = self._job(self._progress)
            if self._cancel.is_set():
                raise Cancelled
        except BaseException as error:  # reported on the GUI thread, never lost
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)
