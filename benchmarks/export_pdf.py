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
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

TITLES = ("Zażółć gęślą jaźń", "Ελληνικά γράμματα", "Журнал изменений", "Café für Zoë", "Plain")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
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
    print(
        f"sprint of {args.items:,} items + the sample's: {pages} pages,"
        f" median {statistics.median(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms"
        " (target < 1000 ms)"
    )


if __name__ == "__main__":
    main()
