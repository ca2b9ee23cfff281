"""An Onproduct window in a process of its own, driven line by line, for tests of several
app processes on one plan (a file or a team plan).

    python -m tests.window_driver PLAN [--settings FILE]

It opens PLAN in a MainWindow (off screen) and keeps Qt's event loop turning, so it
hears others' changes as the app does. Each line on stdin is a JSON command; each
answer is one JSON line on stdout:

    {"do": "board"}                   every item: [id, title, sprint_id, category, status, rank]
    {"do": "add", "title": T, "lane": KEY}          a new item in that lane of the sprint
    {"do": "edit", "title": T, "to": NEW}           rename an item (through the dialog's path)
    {"do": "move", "title": T, "lane": KEY}         into a lane of the shown sprint
    {"do": "delete", "title": T}
    {"do": "undo"} / {"do": "redo"}
    {"do": "wait", "title": T, "gone": false, "seconds": 5}   until the board shows it
    {"do": "random", "seed": N, "steps": K}         K random changes; answers how many held
    {"do": "add_sprint", "name": N} / {"do": "sprints"}
    {"do": "add_operation", "name": N, "hours": H} / {"do": "operations"}
    {"do": "deaf", "on": true}        stop turning the event loop between commands (a
                                      user looking at a stale screen), or start again
    {"do": "state"}                   banner text, read-only reason, warnings so far
    {"do": "quit"}
"""

from __future__ import annotations

import json
import os
import random
import select
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import ItemFields
from onproduct.domain.operations import OperationFields
from onproduct.domain.ranking import BACKLOG, Bucket
from onproduct.ui.main_window import MainWindow
from onproduct.ui.settings import Settings


def main(argv: list[str]) -> int:
    app = QApplication([])
    warnings: list[str] = []
    QMessageBox.warning = lambda _p, _t, text, *_a: warnings.append(text)  # type: ignore[method-assign]
    QMessageBox.information = lambda _p, _t, text, *_a: warnings.append(text)  # type: ignore[method-assign]
    folder = Path(tempfile.mkdtemp(prefix="onproduct-driver-"))
    settings = Settings(QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, folder / "data")
    window.resize(1400, 860)
    window.show()
    if not window.open_plan(argv[0]):
        print(json.dumps({"error": warnings}), flush=True)
        return 1
    document = window.document
    assert document is not None
    document.errorOccurred.connect(warnings.append)
    print(json.dumps({"ready": True}), flush=True)

    def by_title(title: str) -> int | None:
        return next((i.id for i in document.items.items() if i.title == title), None)

    def lane(key: str) -> Bucket:
        sprint = window.board.current_sprint()
        return Bucket(sprint.id, key) if sprint is not None and key != "backlog" else BACKLOG

    def board() -> list[list[object]]:
        return sorted(
            [i.id, i.title, i.sprint_id, i.category, i.status, i.rank]
            for i in document.items.items()
        )

    def random_steps(seed: int, steps: int) -> dict[str, object]:
        rng = random.Random(seed)
        held = 0
        for n in range(steps):
            items = document.items.items()
            pick = rng.choice(items) if items else None
            roll = rng.random()
            before = document.undo_stack.index()
            count = document.undo_stack.count()
            try:
                if roll < 0.45 and pick is not None:
                    document.move_items([pick.id], lane(rng.choice([*CATEGORY_KEYS, "backlog"])))
                elif roll < 0.7 and pick is not None:
                    document.edit_item(pick.id, ItemFields(
                        f"{pick.title.split(' ·')[0]} · {seed}-{n}", pick.category,
                        estimate=float(rng.randint(1, 9)),
                    ))  # fmt: skip
                elif roll < 0.85:
                    document.add_item(
                        ItemFields(f"Added {seed}-{n}", rng.choice(CATEGORY_KEYS)),
                        lane(rng.choice(CATEGORY_KEYS)),
                    )
                elif pick is not None:
                    document.delete_items([pick.id])
            except Exception as error:  # a refusal a user would see (closed sprint)
                warnings.append(str(error))
            if document.undo_stack.count() > count or document.undo_stack.index() != before:
                held += 1
            app.processEvents()
        return {"held": held}

    deaf = False
    while True:
        if not deaf:
            app.processEvents()
        ready, _, _ = select.select([sys.stdin], [], [], 0.01)
        if not ready:
            continue
        line = sys.stdin.readline()
        if not line:
            break
        command = json.loads(line)
        do = command["do"]
        answer: dict[str, object] = {"ok": True}
        try:
            if do == "board":
                answer["board"] = board()
            elif do == "add":
                answer["id"] = document.add_item(
                    ItemFields(command["title"], command.get("lane", "feature")),
                    lane(command.get("lane", "feature")),
                )
            elif do == "edit":
                item_id = by_title(command["title"])
                assert item_id is not None, command
                item = document.items.item(item_id)
                answer["ok"] = document.edit_item(
                    item_id, ItemFields(command["to"], item.category, estimate=item.estimate)
                )
            elif do == "move":
                item_id = by_title(command["title"])
                assert item_id is not None, command
                answer["ok"] = document.move_items([item_id], lane(command["lane"]))
            elif do == "delete":
                item_id = by_title(command["title"])
                answer["ok"] = item_id is not None and document.delete_items([item_id])
            elif do == "undo":
                document.undo_stack.undo()
            elif do == "redo":
                document.undo_stack.redo()
            elif do == "wait":
                deadline = time.monotonic() + float(command.get("seconds", 5))
                gone = bool(command.get("gone", False))
                while time.monotonic() < deadline:
                    app.processEvents()
                    if (by_title(command["title"]) is None) == gone:
                        break
                    time.sleep(0.005)
                answer["ok"] = (by_title(command["title"]) is None) == gone
                answer["after"] = round(
                    float(command.get("seconds", 5)) - (deadline - time.monotonic()), 3
                )
            elif do == "random":
                answer.update(random_steps(int(command["seed"]), int(command["steps"])))
            elif do == "add_sprint":
                fields = document.sprints.next_defaults(date.today())
                answer["id"] = document.add_sprint(replace(fields, name=command["name"]))
            elif do == "sprints":
                answer["sprints"] = sorted(s.name for s in document.sprints.sprints())
            elif do == "add_operation":
                answer["id"] = document.add_operation(
                    OperationFields(
                        command["name"], "product", date.today(),
                        hours_per_week=float(command["hours"]),
                    )
                )  # fmt: skip
            elif do == "edit_operation":
                found = next(
                    o for o in document.operations.operations() if o.name == command["name"]
                )
                answer["ok"] = document.edit_operation(
                    found.id, replace(found.editable, hours_per_week=float(command["hours"]))
                )
            elif do == "operations":
                answer["operations"] = sorted(
                    [o.name, o.hours_per_week] for o in document.operations.operations()
                )
            elif do == "deaf":
                deaf = bool(command["on"])
            elif do == "settle":
                deadline = time.monotonic() + float(command.get("seconds", 1))
                while time.monotonic() < deadline:
                    app.processEvents()
                    time.sleep(0.005)
            elif do == "state":
                plan = document.plan
                answer.update(
                    banner=window.banner.text,
                    read_only=plan.read_only,
                    offline=document.offline,
                    warnings=list(warnings),
                    title=window.windowTitle(),
                )
            elif do == "quit":
                print(json.dumps(answer), flush=True)
                break
        except Exception as error:
            answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
