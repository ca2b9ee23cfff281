"""PDF export of a sprint of 1,000 items (target: under a second, absolute).

    python -m benchmarks.export_pdf [--items 1000] [--runs 5]

Off screen, in this process: the sample plan with `--items` more items in its current
sprint (titles in several alphabets, one in seven long enough to wrap), read from the
file and drawn to a PDF, as File ▸ Export ▸ Sprint Plan as PDF does.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.common import Result, run_child, summary, table

TITLES = ("Zażółć gęślą jaźń", "Ελληνικά γράμματα", "Журнал изменений", "Café für Zoë", "Plain")


TARGET_MS = 1000.0


def measure(count: int, runs: int, folder: Path) -> list[Result]:
    line = run_child("benchmarks.export_pdf", "--items", str(count), "--runs", str(runs), "--raw")
    times = [float(v) for v in line[-1].split()]
    median, worst = summary(times)
    return [
        Result(
            "PDF export of a sprint", count, "ms", median, worst, "— (absolute)", None,
            "< 1000 ms" if count >= 1000 else "(none)", median < TARGET_MS, runs=runs,
        )
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--raw", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.raw:
        with tempfile.TemporaryDirectory(prefix="onproduct-bench-") as folder:
            print(table(measure(args.items, args.runs, Path(folder))))
        return
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from onproduct.domain.categories import CATEGORY_KEYS
    from onproduct.domain.items import Item
    from onproduct.exchange.pdf import collect, write_sprint_pdf
    from onproduct.storage.planfile import create_plan, open_plan
    from onproduct.storage.seeding import write_sample

    app = QGuiApplication([])
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="onproduct-bench-") as scratch:
        path = Path(scratch) / "plan.onproduct"
        create_plan(path, lambda plan: write_sample(plan, date.today()))
        plan = open_plan(path)
        sprint = plan.sprints()[4]
        plan.bulk_insert_items(
            Item(
                100_000 + n,
                f"{rng.choice(TITLES)} {n}"
                + (" with a title long enough to wrap" * 3 if n % 7 == 0 else ""),
                rng.choice(CATEGORY_KEYS),
                estimate=rng.choice((None, 1.0, 2.0, 3.0, 5.0, 8.0)),
                sprint_id=sprint.id,
                rank=1000.0 + n,
                external_key=f"BIG-{n}",
            )
            for n in range(args.items)
        )
        times, pages = [], 0
        for run in range(args.runs):
            start = time.perf_counter()
            data = collect(plan, date.today())
            pages = write_sprint_pdf(Path(scratch) / f"sprint-{run}.pdf", data, sprint)
            times.append(time.perf_counter() - start)
        plan.close()
    del app
    print(f"{pages} pages", file=sys.stderr)
    print(" ".join(f"{t * 1000:.3f}" for t in times))


if __name__ == "__main__":
    main()
