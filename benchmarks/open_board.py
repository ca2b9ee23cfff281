"""Time from process start to the first painted board, against a bare PySide6 window.

    python -m benchmarks.open_board [--items 1000,10000,100000] [--runs 5]

Each run starts a fresh Python process, off screen, and the parent measures from just
before it starts the process to the moment the child reports its first paint:

* floor: a bare PySide6 window shown and painted;
* board: Onproduct's main window on a generated plan of N items, the way the app
  starts (QApplication, main window, open the plan, show), until the backlog has
  painted its cards.

Prints the median and worst of the runs and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bare_window() -> None:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.resize(1400, 860)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                print("painted", flush=True)
                os._exit(0)
            return False

    spy = FirstPaint()
    window.installEventFilter(spy)
    window.show()
    app.exec()


def _board(plan: str, scratch: str) -> None:
    from PySide6.QtCore import QEvent, QObject, QSettings

    from onproduct.app import create_application
    from onproduct.ui.main_window import MainWindow
    from onproduct.ui.settings import Settings

    app = create_application()
    settings = Settings(QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, Path(scratch) / "data")
    window.resize(1400, 860)
    viewport = window.board.backlog_view.viewport()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            model = window.board.backlog_view.model()
            if event.type() == QEvent.Type.Paint and model is not None and model.rowCount():
                # Let this paint finish, then report: the cards are on screen.
                from PySide6.QtCore import QTimer

                # Start-up must not pay for pyqtgraph; the charts import it when shown.
                charts = "pyqtgraph" in sys.modules
                QTimer.singleShot(
                    0, lambda: (print(f"painted pyqtgraph={charts}", flush=True), os._exit(0))
                )
            return False

    spy = FirstPaint()
    viewport.installEventFilter(spy)
    window.show()
    if not window.open_initial(Path(plan)):
        print("failed to open", flush=True)
        os._exit(1)
    app.exec()


def _time_child(args: list[str]) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    # Installed apps run from compiled bytecode; measure that, not recompiling the
    # sources each run (some environments set this variable). The warm-up run of each
    # kind writes the caches.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.open_board", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    elapsed = time.perf_counter() - start
    child.wait(timeout=60)
    if not line.startswith("painted"):
        raise RuntimeError(f"child did not paint: {line!r}")
    if "pyqtgraph=True" in line:
        raise RuntimeError("pyqtgraph was imported before the board was first painted")
    return elapsed


def _summary(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1000:7.0f} ms   worst {max(times) * 1000:7.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        if args.child[0] == "bare":
            _bare_window()
        else:
            _board(args.child[1], args.child[2])
        return

    from benchmarks.generate import generate_plan

    with tempfile.TemporaryDirectory(prefix="onproduct-bench-") as scratch:
        folder = Path(scratch)
        sizes = [int(n) for n in args.items.split(",")]
        plans = {}
        for size in sizes:
            plans[size] = folder / f"plan-{size}.onproduct"
            generate_plan(plans[size], size, seed=1)
        _time_child(["--child", "bare"])  # warm the disk cache for both
        floor = [_time_child(["--child", "bare"]) for _ in range(args.runs)]
        print(f"{'bare PySide6 window':>28}: {_summary(floor)}")
        for size in sizes:
            settings_dir = folder / f"settings-{size}"
            settings_dir.mkdir()
            run = ["--child", "board", str(plans[size]), str(settings_dir)]
            _time_child(run)
            times = [_time_child(run) for _ in range(args.runs)]
            ratio = statistics.median(times) / statistics.median(floor)
            print(f"{f'board, {size:,} items':>28}: {_summary(times)}   ratio {ratio:4.2f}x")


if __name__ == "__main__":
    main()
