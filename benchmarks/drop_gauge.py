"""Time from a drop to the gauge showing its effect, on plans of 1,000 to 100,000 items.

    python -m benchmarks.drop_gauge [--items 1000,10000,100000] [--drops 300]

Off screen, in one process per plan size: the main window on a generated plan, then
many drops of a backlog card into a lane through the list model (what a mouse drop
calls), each followed by an untimed undo so the plan stays the same size. Two times
per drop:

* updated: from the drop to the gauge holding the new figures (the file written,
  the lists and totals updated, the metrics recomputed, the gauge told);
* painted: the same plus repainting the gauge strip;
* frame: the same plus everything Qt then does before it is idle again (layouts,
  and repainting every list, header and gauge that changed): what the user waits for.

The floor is one frame at 60 Hz, 16.7 ms: a drop must show before the next frame.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.common import FRAME_MS, Result, percentile, run_child, summary, table

# What a user types into the filter, one keystroke at a time, then clears.
FILTER_KEYSTROKES = ["i", "in", "inv", "invo", "invoice", "invoice #b", "invoice #billing", ""]


def _measure(plan: Path, drops: int, scratch: Path) -> list[list[float]]:
    from PySide6.QtCore import QModelIndex, QSettings, Qt

    from onproduct.app import create_application
    from onproduct.ui.main_window import MainWindow
    from onproduct.ui.settings import Settings

    app = create_application()
    settings = Settings(QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, scratch / "data")
    window.resize(1400, 860)
    window.show()
    if not window.open_plan(plan):
        raise SystemExit("could not open the plan")
    app.processEvents()
    assert window.document is not None
    window.document.finish_loading()  # a big plan's rest, read after its first paint
    board, document = window.board, window.document
    assert document is not None
    # The first keystroke in the filter, a second after the plan is on screen (a user
    # looks before typing): the search keys are made while the window is idle.
    settle = time.perf_counter() + 1.0
    while time.perf_counter() < settle:
        app.processEvents()
    start = time.perf_counter()
    board.filter_box.setText("i")
    first = [(time.perf_counter() - start) * 1000]
    board.filter_box.setText("")
    app.processEvents()
    backlog = board.backlog_view.lane_model()
    lanes = [board.lane_views[key].lane_model() for key in board.lane_views]
    gauge = board.gauge
    updated: list[float] = []
    painted: list[float] = []
    frame: list[float] = []
    for n in range(drops + 20):
        lane = lanes[n % len(lanes)]
        assert backlog is not None and lane is not None
        row = (n * 7) % min(200, backlog.rowCount())
        data = backlog.mimeData([backlog.index(row, 0)])
        before = gauge.metrics
        start = time.perf_counter()
        lane.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
        middle = time.perf_counter()
        gauge.repaint()
        end = time.perf_counter()
        app.processEvents()
        idle = time.perf_counter()
        if gauge.metrics == before:
            raise SystemExit("the drop did not change the gauge")
        document.undo_stack.undo()
        app.processEvents()
        if n >= 20:  # the first drops warm caches and fonts
            updated.append((middle - start) * 1000)
            painted.append((end - start) * 1000)
            frame.append((idle - start) * 1000)
    # Filtering: each keystroke's text set in the filter box (the lists filter at once),
    # then until Qt is idle again (the lists and headers repainted).
    filtered: list[float] = []
    filter_frame: list[float] = []
    box = board.filter_box
    for _round in range(3):
        for text in FILTER_KEYSTROKES:
            start = time.perf_counter()
            box.setText(text)
            middle = time.perf_counter()
            app.processEvents()
            end = time.perf_counter()
            filtered.append((middle - start) * 1000)
            filter_frame.append((end - start) * 1000)
    window.close()
    return [updated, painted, frame, filtered, filter_frame, first]


def measure(sizes: list[int], drops: int, folder: Path) -> list[Result]:
    """Drops and filter keystrokes per plan size, each in its own process."""
    from benchmarks.generate import generate_plan

    results = []
    for size in sizes:
        plan = folder / f"drop-{size}.onproduct"
        generate_plan(plan, size, seed=1)
        scratch = folder / f"drop-scratch-{size}"
        scratch.mkdir()
        # A process per size: one QApplication each, nothing cached between sizes.
        lines = run_child(
            "benchmarks.drop_gauge", "--drops", str(drops), "--child", str(plan), str(scratch)
        )
        updated, painted, frame, filtered, filter_frame, first = (
            [float(v) for v in line.split()] for line in lines[-6:]
        )
        big = size == 100_000
        for what, times, target, met in (
            (
                "drop → gauge updated", updated, "median <= 2 ms, p99 <= 8 ms" if big else "(none)",
                not big or (summary(updated)[0] <= 2 and percentile(updated, 0.99) <= 8),
            ),
            ("drop → gauge repainted", painted, "(none)", True),
            ("drop → idle (every list repainted)", frame, "(none)", True),
            (
                "filter keystroke → lists filtered", filtered,
                "<= 16.7 ms" if big else "(none)", not big or summary(filtered)[0] <= FRAME_MS,
            ),
            ("filter keystroke → idle", filter_frame, "(none)", True),
            (
                "first filter keystroke, 1 s after opening", first,
                "<= 16.7 ms" if big else "(none)", not big or first[0] <= FRAME_MS,
            ),
        ):  # fmt: skip
            median, worst = summary(times)
            results.append(
                Result(
                    what, size, "ms", median, worst, "one frame", FRAME_MS, target, met,
                    p99=percentile(times, 0.99), runs=len(times),
                )
            )  # fmt: skip
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", default="1000,10000,100000")
    parser.add_argument("--drops", type=int, default=300)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        plan, scratch = Path(args.child[0]), Path(args.child[1])
        for times in _measure(plan, args.drops, scratch):
            print(" ".join(f"{v:.4f}" for v in times))
        return
    with tempfile.TemporaryDirectory(prefix="onproduct-bench-") as folder:
        results = measure([int(n) for n in args.items.split(",")], args.drops, Path(folder))
    print(table(results))


if __name__ == "__main__":
    main()
