"""The last line of defence: an unexpected exception is logged and shown, never fatal.

PySide6 hands exceptions raised in slots and event handlers to `sys.excepthook`; the
app installs `ErrorHandler` there. It writes the traceback to a log file in the data
folder (rotated, so it never grows without bound) and tells the user in one sentence
what happened and what to do, and the app carries on. Every change a user made is
already in the plan file, so nothing is lost by carrying on or by quitting.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

LOG_NAME = "onproduct.log"

log = logging.getLogger("onproduct")


def message_for(error: BaseException, log_path: Path) -> str:
    """What the user reads: what happened, that the work is safe, where the details are."""
    what = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return (
        f"Something went wrong inside Onproduct ({what[:200]}). Your plan is safe: every"
        " change you saw was saved the moment you made it. You can keep working; if this"
        f" happens again, the details are in {log_path}."
    )


class ErrorHandler:
    """A `sys.excepthook` that logs to the data folder and shows a message."""

    def __init__(self, data_dir: Path, show: Callable[[str], None]) -> None:
        self.log_path = data_dir / LOG_NAME
        self._show = show
        self._showing = False
        data_dir.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(self.log_path, maxBytes=1_000_000, backupCount=3)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        self._handler = handler

    def __call__(
        self,
        kind: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        log.error("Unexpected error\n%s", "".join(traceback.format_exception(kind, error, trace)))
        self._handler.flush()
        if self._showing:  # an error while the message is up: logged, not stacked
            return
        self._showing = True
        try:
            self._show(message_for(error, self.log_path))
        finally:
            self._showing = False

    def install(self) -> None:
        sys.excepthook = self

    def close(self) -> None:
        log.removeHandler(self._handler)
        self._handler.close()
        if sys.excepthook is self:
            sys.excepthook = sys.__excepthook__
