"""A long, seeded, repeatable sequence of user actions on a plan, for the kill test.

`run` performs steps 1..n of the sequence for a seed; the same seed always gives the
same actions on the same plan, so the harness can work out, without the killed
process, what the plan must hold after any step.
"""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import ItemFields, ValidationError
from onproduct.domain.ranking import BACKLOG, Bucket
from onproduct.exchange.formats.own_csv import parse_plan_csv
from onproduct.exchange.importer import plan_import
from onproduct.storage.planfile import open_plan
from onproduct.ui.commands import ImportCommand
from onproduct.ui.document import PlanDocument


def _step(document: PlanDocument, rng: random.Random, n: int) -> None:
    items = sorted(document.items.items(), key=lambda i: i.id)
    sprints = document.sprints.sprints()
    pick = rng.choice(items) if items else None
    roll = rng.random()
    stack = document.undo_stack
    if roll < 0.35 and pick is not None:
        bucket = (
            BACKLOG
            if rng.random() < 0.3
            else Bucket(rng.choice(sprints).id, rng.choice(CATEGORY_KEYS))
        )
        document.move_items([pick.id], bucket)
    elif roll < 0.5 and pick is not None:
        document.edit_item(pick.id, replace(pick.editable, title=f"Edited {n}"))
    elif roll < 0.6:
        document.add_item(ItemFields(title=f"Added {n}", category=rng.choice(CATEGORY_KEYS)))
    elif roll < 0.65 and pick is not None:
        document.delete_items([pick.id])
    elif roll < 0.8:
        if stack.canUndo():
            stack.undo()
    elif roll < 0.92:
        if stack.canRedo():
            stack.redo()
    else:
        rows = "\n".join(
            f"K{n}-{k},Imported {n}.{k},{rng.choice(CATEGORY_KEYS)},{k + 1}" for k in range(5)
        )
        batch = parse_plan_csv(f"key,title,category,estimate\n{rows}\n", f"import-{n}.csv")
        changes = plan_import(
            batch, document.items.items(), sprints, document.operations.operations()
        )
        stack.push(ImportCommand(document, changes))


def run(path: Path, seed: int, steps: int, done: Callable[[int], None] = lambda n: None) -> None:
    """Perform steps 1..`steps`; `done(n)` is called once step n is in the file."""
    rng = random.Random(seed)
    document = PlanDocument(open_plan(path))
    try:
        for n in range(1, steps + 1):
            with contextlib.suppress(ValidationError):  # refused, as a dialog would: no write
                _step(document, rng, n)
            done(n)
    finally:
        document.close()


def main() -> None:
    """The child the harness kills: python -m tests.robustness.actions PLAN JOURNAL SEED."""
    import sys

    from PySide6.QtGui import QGuiApplication

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication(sys.argv[:1])
    plan, journal, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    with journal.open("a", encoding="utf-8") as out:

        def record(n: int) -> None:
            out.write(f"{n}\n")
            out.flush()
            os.fsync(out.fileno())

        run(plan, seed, 1_000_000, record)
    del app


if __name__ == "__main__":
    main()
