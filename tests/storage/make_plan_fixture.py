"""Write the sample plan in an older plan format, for the migration tests.

Run it before adding a format's migration step, while the code still writes the
format that is about to become the previous one:
    python tests/storage/make_plan_fixture.py 3
writes tests/storage/plans/format-3.onproduct. Once the next step exists, the code
writes fields an older schema lacks, so a fixture cannot be made again afterwards;
the committed files are what each release wrote.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from onproduct.storage.planfile import create_plan
from onproduct.storage.seeding import write_sample

FIXTURE_DAY = date(2026, 11, 24)


def fixture_path(version: int) -> Path:
    return Path(__file__).parent / "plans" / f"format-{version}.onproduct"


def main(version: int) -> None:
    path = fixture_path(version)
    path.unlink(missing_ok=True)
    create_plan(path, lambda plan: write_sample(plan, FIXTURE_DAY), up_to=version)
    print(f"wrote {path}")


if __name__ == "__main__":
    main(int(sys.argv[1]))
