"""Undo and redo as a property: for any sequence of user actions, undoing all of them
gives back the plan file exactly, and redoing all of them gives the same plan again."""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import ItemFields, SprintFields, ValidationError
from onproduct.domain.ranking import BACKLOG, Bucket
from onproduct.storage.planfile import create_plan, open_plan
from onproduct.storage.seeding import write_sample
from onproduct.ui.document import PlanDocument

from ..helpers import dump

ACTION = st.one_of(
    st.tuples(st.just("move"), st.integers(0, 10_000), st.integers(0, 6), st.integers(0, 40)),
    st.tuples(st.just("edit"), st.integers(0, 10_000), st.text(min_size=1, max_size=12)),
    st.tuples(st.just("add"), st.text(min_size=1, max_size=12), st.sampled_from(CATEGORY_KEYS)),
    st.tuples(st.just("delete"), st.integers(0, 10_000)),
    st.tuples(st.just("sprint"), st.integers(1, 30)),
    st.tuples(st.just("settings"), st.sampled_from(["count", "effort"])),
    st.tuples(st.just("plan"), st.integers(0, 10_000)),
)


def _apply(document: PlanDocument, action: tuple[object, ...]) -> None:
    with contextlib.suppress(ValidationError):  # refused, as its dialog would: no change
        _act(document, action)


def _act(document: PlanDocument, action: tuple[object, ...]) -> None:
    items = sorted(document.items.items(), key=lambda i: i.id)
    sprints = document.sprints.sprints()
    pick = items[int(action[1]) % len(items)] if items and isinstance(action[1], int) else None
    kind = action[0]
    if kind == "move" and pick is not None:
        choice = int(action[2]) % (len(CATEGORY_KEYS) + 1)
        bucket = (
            BACKLOG
            if choice == len(CATEGORY_KEYS) or not sprints
            else Bucket(sprints[int(action[3]) % len(sprints)].id, CATEGORY_KEYS[choice])
        )
        document.move_items([pick.id], bucket)
    elif kind == "edit" and pick is not None:
        title = " ".join(str(action[2]).split()) or "x"
        document.edit_item(pick.id, replace(pick.editable, title=title))
    elif kind == "add":
        title = " ".join(str(action[1]).split()) or "x"
        document.add_item(ItemFields(title=title, category=str(action[2])))
    elif kind == "delete" and pick is not None:
        document.delete_items([pick.id])
    elif kind == "sprint":
        start = date(2027, 1, 4) + timedelta(days=14 * int(action[1]))
        document.add_sprint(SprintFields(f"Later {action[1]}", start, start + timedelta(days=13)))
    elif kind == "settings":
        document.change_settings(replace(document.settings, basis=str(action[1])))
    elif kind == "plan" and pick is not None and sprints:
        document.plan_into_sprint([pick.id], sprints[-1].id)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(ACTION, min_size=1, max_size=20))
def test_undo_all_restores_the_plan_and_redo_all_reproduces_it(
    qtbot, actions: list[tuple[object, ...]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.onproduct"
        create_plan(path, lambda plan: write_sample(plan, date(2026, 11, 24)))
        document = PlanDocument(open_plan(path))
        try:
            before = dump(path)
            for action in actions:
                _apply(document, action)
            after = dump(path)
            model_after = sorted(
                (i.id, i.title, i.sprint_id, i.rank) for i in document.items.items()
            )
            stack = document.undo_stack
            while stack.canUndo():
                stack.undo()
            assert dump(path) == before
            while stack.canRedo():
                stack.redo()
            assert dump(path) == after
            # The board's model follows the file both ways.
            assert (
                sorted((i.id, i.title, i.sprint_id, i.rank) for i in document.items.items())
                == model_after
            )
        finally:
            document.close()
