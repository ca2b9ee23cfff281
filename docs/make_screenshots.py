"""Regenerate the README's screenshots from the sample plan, off screen.

Run from the repository root:

    .venv/bin/python docs/make_screenshots.py

It writes docs/screenshots/board.png, charts.png and pdf.png. Everything else (the plan,
the settings, the data folder, the exported PDF) lives in a temporary folder that is
removed afterwards: the user's own plans and settings are never read or touched.
The PDF page is rendered with pdftoppm (Debian: poppler-utils).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
WINDOW_SIZE = (1400, 860)
WIDTH = 1200  # pixels of the PNGs in the README
# The status bar names the plan's file: show where the first launch puts it on Linux.
SHOWN_PLAN_PATH = "~/.local/share/Onproduct/Sample plan.onproduct"

# Before Qt is imported: no screen, and every folder Qt or fontconfig might write to is
# a temporary one.
SCRATCH = Path(tempfile.mkdtemp(prefix="onproduct-screenshots-"))
os.environ["QT_QPA_PLATFORM"] = "offscreen"
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"):
    os.environ[_name] = str(SCRATCH / _name.lower())
(SCRATCH / "xdg_runtime_dir").mkdir(mode=0o700)

from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from onproduct.app import create_application  # noqa: E402
from onproduct.storage.planfile import create_plan  # noqa: E402
from onproduct.storage.seeding import write_sample  # noqa: E402
from onproduct.ui.main_window import MainWindow  # noqa: E402
from onproduct.ui.settings import Settings  # noqa: E402


class Failed(Exception):
    """A step did not give what the screenshot needs."""


def settle(seconds: float = 0.3) -> None:
    """Let queued work and painting run (timers, the rest of the plan, the charts)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    QCoreApplication.processEvents()


def save_png(image: QImage, path: Path) -> None:
    if image.isNull():
        raise Failed(f"nothing was drawn for {path.name}")
    if image.width() > WIDTH:
        image = image.scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
    if not image.save(str(path), "PNG"):
        raise Failed(f"cannot write {path}")
    print(f"wrote {path.relative_to(ROOT)} ({image.width()}x{image.height()})")


def grab(widget: QWidget, path: Path) -> None:
    save_png(widget.grab().toImage(), path)


class ModalWatch:
    """A message box would wait forever for a click nobody makes: close it, remember it."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._timer = QTimer()
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._close_modal)
        self._timer.start()

    def _close_modal(self) -> None:
        widget = QApplication.activeModalWidget()
        if widget is not None:
            text = getattr(widget, "text", lambda: "")()
            self.seen.append(f"{widget.windowTitle()}: {text}".strip())
            widget.close()

    def check(self, step: str) -> None:
        if self.seen:
            raise Failed(f"{step}: the app showed a message: {'; '.join(self.seen)}")


def tidy(window: MainWindow) -> None:
    """No passing status message, and the plan where the app keeps it, not the temp path."""
    window.statusBar().clearMessage()
    label = getattr(window, "plan_label", None)
    if label is not None:
        label.setText(SHOWN_PLAN_PATH)
    settle(0.05)


def board(window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.board)
    settle()
    tidy(window)
    grab(window, OUT / "board.png")


def charts(window: MainWindow) -> None:
    window.tabs.setCurrentIndex(2)
    settle()
    if window.charts_page is None:
        raise Failed("the Charts tab showed no charts")
    settle(0.5)  # pyqtgraph lays out and paints on the next passes of the event loop
    tidy(window)
    grab(window, OUT / "charts.png")


def pdf(window: MainWindow) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise Failed("pdftoppm is missing (Debian: apt-get install poppler-utils)")
    sprint = window.board.current_sprint()
    if sprint is None:
        raise Failed("the board shows no sprint to export")
    target = SCRATCH / "sprint.pdf"
    if not window.exchange_actions.export_sprint_pdf_to(target, sprint):
        raise Failed("the sprint's PDF was not exported")
    prefix = SCRATCH / "pdf-page"
    subprocess.run(
        [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", target, prefix],
        check=True,
    )
    save_png(QImage(str(prefix.with_suffix(".png"))), OUT / "pdf.png")


def main() -> int:
    _app = create_application()  # kept referenced until the end
    watch = ModalWatch()
    plan_path = SCRATCH / "Sample plan.onproduct"
    create_plan(plan_path, lambda plan: write_sample(plan, date.today()))
    store = QSettings(str(SCRATCH / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Settings(store), SCRATCH / "data")
    window.resize(*WINDOW_SIZE)
    window.show()
    try:
        if not window.open_plan(plan_path):
            raise Failed("the sample plan did not open")
        settle(0.5)
        watch.check("opening the sample plan")
        OUT.mkdir(parents=True, exist_ok=True)
        for step in (board, charts, pdf):
            step(window)
            watch.check(step.__name__)
    except (Failed, subprocess.CalledProcessError) as error:
        print(f"make_screenshots: {error}", file=sys.stderr)
        return 1
    finally:
        window.close()
        window.deleteLater()
        settle(0.1)
    return 0


if __name__ == "__main__":
    try:
        status = main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    sys.exit(status)
