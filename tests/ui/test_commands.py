"""Undo and redo: every change is one step, and undoing all of them restores the plan exactly."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import ItemFields, SprintFields, ValidationError
from onproduct.domain.ranking import BACKLOG, Bucket
from onproduct.storage.errors import StorageError
from onproduct.storage.planfile import open_plan
from onproduct.ui.document import PlanDocument

from ..helpers import dump
from .boards import assert_consistent, board_lists


def model_matches_file(document: PlanDocument) -> None:
    """What the board shows is what the file holds."""
    plan = open_plan(document.plan.path)
    try:
        on_disk = sorted(plan.items(), key=lambda i: i.id)
        sprints = plan.sprints()
    finally:
        plan.close()
    assert sorted(document.items.items(), key=lambda i: i.id) == on_disk
    assert document.sprints.sprints() == sprints


def current_sprint(document: PlanDocument) -> int:
    sprint = document.sprints.current(date.today())
    assert sprint is not None
    return sprint.id


def check_undo_redo(document: PlanDocument, change: Callable[[], object]) -> None:
    """One change is one undo step; undo restores the file exactly; redo repeats it."""
    before = dump(document.plan.path)
    steps = document.undo_stack.count()
    change()
    assert document.undo_stack.count() == steps + 1
    after = dump(document.plan.path)
    assert after != before
    model_matches_file(document)
    document.undo_stack.undo()
    assert dump(document.plan.path) == before
    model_matches_file(document)
    document.undo_stack.redo()
    assert dump(document.plan.path) == after
    model_matches_file(document)


def test_add_item(document: PlanDocument) -> None:
    sprint = current_sprint(document)
    fields = ItemFields("Add dark mode", "automation", labels=("ux",), estimate=3.0)
    check_undo_redo(document, lambda: document.add_item(fields, Bucket(sprint, "feature")))
    added = [i for i in document.items.items() if i.title == "Add dark mode"]
    assert len(added) == 1
    assert (added[0].sprint_id, added[0].category) == (sprint, "feature")  # the lane decides


def test_a_new_item_goes_to_the_end_of_its_list(document: PlanDocument) -> None:
    item_id = document.add_item(ItemFields("Last one", "dev_ops"))
    assert document.items.bucket_ids(BACKLOG)[-1] == item_id


def test_edit_item_fields_and_labels(document: PlanDocument) -> None:
    item = document.items.item(document.items.bucket_ids(BACKLOG)[0])
    new = replace(item.editable, title="Expenses", labels=("money",), estimate=None, status="doing")
    check_undo_redo(document, lambda: document.edit_item(item.id, new))


def test_changing_the_category_of_a_planned_item_moves_it_to_that_lane(
    document: PlanDocument,
) -> None:
    sprint = current_sprint(document)
    item_id = document.items.bucket_ids(Bucket(sprint, "feature"))[0]
    new = replace(document.items.item(item_id).editable, category="tech_debt")
    check_undo_redo(document, lambda: document.edit_item(item_id, new))
    assert document.items.place_of(item_id) == Bucket(sprint, "tech_debt")
    assert document.items.bucket_ids(Bucket(sprint, "tech_debt"))[-1] == item_id


def test_an_edit_that_changes_nothing_adds_no_step(document: PlanDocument) -> None:
    item = document.items.items()[0]
    assert not document.edit_item(item.id, item.editable)
    assert document.undo_stack.count() == 0


def test_delete_items_and_undo_brings_them_back_exactly(document: PlanDocument) -> None:
    ids = list(document.items.bucket_ids(BACKLOG)[:4])
    check_undo_redo(document, lambda: document.delete_items(ids))
    assert not any(i in document.items for i in ids)
    document.undo_stack.undo()
    assert list(document.items.bucket_ids(BACKLOG)[:4]) == ids  # same places too


def test_move_and_plan_into_sprint(document: PlanDocument) -> None:
    sprint = current_sprint(document)
    ids = list(document.items.bucket_ids(BACKLOG)[:5])
    check_undo_redo(document, lambda: document.move_items(ids[:2], Bucket(sprint, "dev_ops")))
    check_undo_redo(document, lambda: document.plan_into_sprint(ids[2:], sprint))
    for item_id in ids[2:]:
        item = document.items.item(item_id)
        assert document.items.place_of(item_id) == Bucket(sprint, item.category)


def test_add_edit_and_delete_a_sprint(document: PlanDocument) -> None:
    defaults = document.sprints.next_defaults(date.today())
    assert defaults.name == "Sprint 27"
    check_undo_redo(document, lambda: document.add_sprint(defaults))
    sprint = document.sprints.sprints()[-1]
    moved = replace(defaults, name="Hardening", start=date(2020, 1, 6), end=date(2020, 1, 17))
    check_undo_redo(document, lambda: document.edit_sprint(sprint.id, moved))
    assert document.sprints.sprints()[0].name == "Hardening"  # now the earliest
    check_undo_redo(document, lambda: document.delete_sprint(sprint.id))


def test_deleting_a_sprint_sends_its_items_to_the_backlog_and_undo_returns_them(
    document: PlanDocument,
) -> None:
    sprint = current_sprint(document)
    planned = {key: list(document.items.bucket_ids(Bucket(sprint, key))) for key in CATEGORY_KEYS}
    check_undo_redo(document, lambda: document.delete_sprint(sprint))
    document.undo_stack.undo()
    for key, ids in planned.items():
        assert list(document.items.bucket_ids(Bucket(sprint, key))) == ids
    document.undo_stack.redo()
    backlog = document.items.bucket_ids(BACKLOG)
    everything = [i for ids in planned.values() for i in ids]
    assert list(backlog[-len(everything) :]) == everything


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.add_item(ItemFields("Dup", "feature", external_key="LED-101")),
        lambda d: d.add_sprint(SprintFields("Sprint 21", date(2031, 1, 1), date(2031, 1, 2))),
        lambda d: d.add_item(ItemFields("", "feature")),
    ],
    ids=["taken key", "taken sprint name", "no title"],
)
def test_a_change_that_breaks_a_rule_is_refused_before_anything_is_written(
    document: PlanDocument, change: Callable[[PlanDocument], object]
) -> None:
    before = dump(document.plan.path)
    with pytest.raises(ValidationError):
        change(document)
    assert dump(document.plan.path) == before
    assert document.undo_stack.count() == 0


def test_a_write_the_file_refuses_is_reported_and_leaves_no_undo_step(
    qtbot, document: PlanDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    sprint = current_sprint(document)
    ids = list(document.items.bucket_ids(BACKLOG)[:1])

    def full_disk(*args: object) -> None:
        raise StorageError("The change was not saved: the disk holding the plan is full.")

    monkeypatch.setattr(document.plan, "update_items", full_disk)
    before = dump(document.plan.path)
    with qtbot.waitSignal(document.errorOccurred) as reported:
        document.move_items(ids, Bucket(sprint, "feature"))
    assert "disk holding the plan is full" in reported.args[0]
    assert document.undo_stack.count() == 0
    assert document.items.place_of(ids[0]) == BACKLOG  # the board did not pretend
    assert dump(document.plan.path) == before


def _random_action(document: PlanDocument, rng: random.Random, sprint: int) -> None:
    backlog = list(document.items.bucket_ids(BACKLOG))
    lanes = [Bucket(sprint, key) for key in CATEGORY_KEYS]
    planned = [i for lane in lanes for i in document.items.bucket_ids(lane)]
    everything = backlog + planned
    choice = rng.randrange(9)
    if choice == 0 and backlog:
        document.move_items(rng.sample(backlog, min(3, len(backlog))), rng.choice(lanes))
    elif choice == 1 and planned:
        target = rng.choice([BACKLOG, *lanes])
        ids = document.items.bucket_ids(target)
        before = rng.choice(ids) if ids and rng.random() < 0.7 else None
        movers = [i for i in rng.sample(planned, min(2, len(planned))) if i != before]
        document.move_items(movers, target, before)
    elif choice == 2:
        labels = tuple(rng.sample(["ux", "api", "billing", "tax"], rng.randrange(3)))
        fields = ItemFields(
            f"Random {rng.random():.6f}",
            rng.choice(CATEGORY_KEYS),
            estimate=rng.choice([None, 1.0, 2.5, 8.0]),
            labels=labels,
        )
        document.add_item(fields, rng.choice([BACKLOG, *lanes]))
    elif choice == 3 and everything:
        item = document.items.item(rng.choice(everything))
        document.edit_item(
            item.id,
            replace(
                item.editable,
                title=item.title + " (edited)",
                category=rng.choice(CATEGORY_KEYS),
                status=rng.choice(["todo", "done"]),
            ),
        )
    elif choice == 4 and everything:
        document.delete_items(rng.sample(everything, min(2, len(everything))))
    elif choice == 5 and backlog:
        document.plan_into_sprint(rng.sample(backlog, min(4, len(backlog))), sprint)
    elif choice == 6:
        fields = document.sprints.next_defaults(date.today())
        document.add_sprint(replace(fields, end=fields.start + timedelta(days=rng.randrange(14))))
    elif choice == 7 and len(document.sprints.sprints()) > 1:
        candidates = [s for s in document.sprints.sprints() if s.id != sprint]
        document.delete_sprint(rng.choice(candidates).id)
    elif choice == 8 and document.undo_stack.canUndo():
        document.undo_stack.undo()  # users undo in the middle of things, then go on


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_undoing_any_sequence_restores_the_plan_exactly_and_redo_replays_it(
    document: PlanDocument, seed: int
) -> None:
    rng = random.Random(seed)
    sprint = current_sprint(document)
    lists = board_lists(document, sprint)
    initial = dump(document.plan.path)
    for _ in range(40):
        _random_action(document, rng, sprint)
    assert_consistent(document, lists)
    model_matches_file(document)
    final = dump(document.plan.path)
    # The sequence may end on an undo: the plan is then at this index, not at the end.
    final_index = document.undo_stack.index()
    assert document.undo_stack.count() > 10

    while document.undo_stack.canUndo():
        document.undo_stack.undo()
    assert dump(document.plan.path) == initial
    assert_consistent(document, lists)
    model_matches_file(document)

    while document.undo_stack.index() < final_index:
        document.undo_stack.redo()
    assert dump(document.plan.path) == final
    assert_consistent(document, lists)
    model_matches_file(document)
