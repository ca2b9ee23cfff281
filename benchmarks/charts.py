"""Charts first shown, on a plan of five years of weekly sprints, against pyqtgraph's own cost.

    python -m benchmarks.charts [--sprints 260] [--runs 5]

Each run is a fresh process, off screen, with the main window already showing the
board of the plan (pyqtgraph not imported yet). Timed from the click on the Charts tab
to the four charts drawn and painted. The floor, in the same kind of process: importing
pyqtgraph, then one empty plot in a shown window, painted. Target: <= 1.3x.

The plan: 260 weekly sprints (about 20 items each, half operations work on the late
ones), 8 recurring operations that start and stop over the years, automation items
that remove them, revenue and recorded operations hours on every closed sprint.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from benchmarks.common import Result, run_child, summary, table

TARGET = 1.3


def make_plan(path: Path, sprints: int, seed: int = 1) -> None:
    from onproduct.domain.categories import CATEGORY_KEYS
    from onproduct.domain.items import Item, SprintFields, SprintRecord
    from onproduct.domain.operations import OperationFields
    from onproduct.storage.plan import Plan
    from onproduct.storage.planfile import create_plan

    rng = random.Random(seed)
    today = date.today()
    first = today - timedelta(days=7 * (sprints - 4))

    def fill(plan: Plan) -> None:
        operations = [
            plan.add_operation(
                OperationFields(
                    f"Operation {n}", "product" if n % 3 else "development",
                    first + timedelta(days=60 * n), hours_per_week=float(rng.randint(1, 8)),
                    end=first + timedelta(days=60 * n + 700) if n % 2 else None,
                )
            )
            for n in range(8)
        ]  # fmt: skip
        items, next_id = [], 1
        for n in range(sprints):
            start = first + timedelta(days=7 * n)
            sprint = plan.add_sprint(
                SprintFields(f"Week {n + 1}", start, start + timedelta(days=6), 40.0,
                             revenue=100.0 + n * 3)
            )  # fmt: skip
            past = sprint.end < today
            if past:
                record = SprintRecord(True, rng.uniform(5, 30), rng.uniform(1, 10))
                plan.save_sprint(replace(sprint, record=record))
            for k in range(20):
                category = rng.choice(CATEGORY_KEYS)
                removes = category == "automation" and k % 4 == 0
                items.append(
                    Item(
                        next_id, f"Item {next_id}", category, estimate=float(rng.randint(1, 8)),
                        status="done" if past else "todo", sprint_id=sprint.id, rank=float(k),
                        operation_id=rng.choice(operations).id if removes else None,
                        saves_hours_per_week=1.0 if removes else None,
                        done_on=sprint.end if past else None,
                    )
                )  # fmt: skip
                next_id += 1
        plan.bulk_insert_items(items)

    create_plan(path, fill)


def _child(kind: str, plan: str, scratch: str) -> None:
    from PySide6.QtCore import QSettings

    from onproduct.app import create_application
    from onproduct.ui.main_window import MainWindow
    from onproduct.ui.settings import Settings

    app = create_application()
    settings = Settings(QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, Path(scratch) / "data")
    window.resize(1400, 860)
    window.show()
    if not window.open_plan(Path(plan)):
        raise SystemExit("could not open the plan")
    app.processEvents()
    assert window.document is not None
    window.document.finish_loading()  # a big plan's rest, read after its first paint
    window.repaint()
    if "pyqtgraph" in sys.modules:
        raise SystemExit("pyqtgraph was imported before the charts were shown")
    start = time.perf_counter()
    if kind == "charts":
        window.tabs.setCurrentIndex(window.tabs.indexOf(window._charts_holder))
        window.repaint()
        app.processEvents()
        assert window.charts_page is not None
    else:
        import pyqtgraph

        holder = window._charts_holder
        plot = pyqtgraph.PlotWidget()
        layout = holder.layout()
        assert layout is not None
        layout.addWidget(plot)
        window.tabs.setCurrentIndex(window.tabs.indexOf(holder))
        window.repaint()
        app.processEvents()
    print(f"{(time.perf_counter() - start) * 1000:.3f}", flush=True)


def measure(sprints: int, runs: int, folder: Path) -> list[Result]:
    plan = folder / f"charts-{sprints}.onproduct"
    make_plan(plan, sprints)
    times: dict[str, list[float]] = {"floor": [], "charts": []}
    for run in range(runs + 1):  # the first of each warms the caches
        for kind in ("floor", "charts"):
            scratch = folder / f"charts-scratch-{kind}-{run}"
            scratch.mkdir()
            value = float(
                run_child("benchmarks.charts", "--child", kind, str(plan), str(scratch))[-1]
            )
            if run:
                times[kind].append(value)
    median, worst = summary(times["charts"])
    floor = summary(times["floor"])[0]
    return [
        Result(
            f"charts first shown, {sprints} weekly sprints", None, "ms", median, worst,
            "pyqtgraph import + one empty plot", floor, f"<= {TARGET}x",
            median <= TARGET * floor, runs=runs,
        )
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sprints", type=int, default=260)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="onproduct-bench-") as folder:
        print(table(measure(args.sprints, args.runs, Path(folder))))


if __name__ == "__main__":
    main()
