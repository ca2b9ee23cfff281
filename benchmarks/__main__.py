"""Every benchmark, on generated plans of 1,000, 10,000 and 100,000 items: one command.

    python -m benchmarks [--quick] [--out FILE.json]

Prints a table (Markdown, as the README shows it) and writes the results as JSON
(default benchmarks/results/latest.json). Each figure has its median and worst over
several runs and the floor it is set against, measured in the same run on the same
machine, and the target from issue 7 with whether it is met.

--quick runs everything once on 1,000 items (and a small import and chart plan): the
test suite uses it to check that the benchmarks still run, not how fast.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import charts, drop_gauge, export_pdf, import_jira, open_board, team
from benchmarks.common import ROOT, Result, table


def run_all(quick: bool, folder: Path, progress: bool = True) -> list[Result]:
    sizes = [1000] if quick else [1000, 10_000, 100_000]
    steps = [
        ("launch and memory", lambda: open_board.measure(sizes, 1 if quick else 7, folder)),
        ("drops and filter", lambda: drop_gauge.measure(sizes, 20 if quick else 300, folder)),
        (
            "Jira import",
            lambda: import_jira.measure(1000 if quick else 100_000, 1 if quick else 5, folder),
        ),
        ("PDF export", lambda: export_pdf.measure(1000, 1 if quick else 5, folder)),
        ("charts", lambda: charts.measure(20 if quick else 260, 1 if quick else 5, folder)),
        ("team plans", lambda: team.measure(quick, folder)),
    ]
    results: list[Result] = []
    for name, step in steps:
        start = time.perf_counter()
        results.extend(step())
        if progress:
            print(
                f"benchmarks: {name} done in {time.perf_counter() - start:.0f} s", file=sys.stderr
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="once, on 1,000 items")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "latest.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="onproduct-bench-") as folder:
        results = run_all(args.quick, Path(folder))
    print(table(results))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.node()} {platform.machine()}, {platform.python_version()}",
                "quick": args.quick,
                "results": [r.as_dict() for r in results],
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
