"""Writes to an open plan: each one whole, each one refused with a reason when it breaks a rule."""

from __future__ import annotations

from datetime import date

import pytest

from onproduct.domain.items import Item, ItemFields, SprintFields
from onproduct.storage.errors import StorageError
from onproduct.storage.plan import Plan

from ..helpers import dump


def test_updates_change_fields_and_replace_labels(sample_plan: Plan) -> None:
    item = sample_plan.items()[0]
    sample_plan.update_items([(item.id, {"title": "New", "labels": ("z", "y"), "rank": 0.5})])
    again = sample_plan.item(item.id)
    assert (again.title, again.labels, again.rank) == ("New", ("z", "y"), 0.5)


def test_an_update_to_a_missing_item_or_field_changes_nothing(sample_plan: Plan) -> None:
    before = dump(sample_plan.path)
    first = sample_plan.items()[0].id
    with pytest.raises(StorageError, match="no item 424242"):
        sample_plan.update_items([(first, {"title": "half"}), (424242, {"title": "x"})])
    with pytest.raises(StorageError, match="no field colour"):
        sample_plan.update_items([(first, {"colour": "red"})])
    assert dump(sample_plan.path) == before


def test_deleting_items_takes_their_labels(sample_plan: Plan) -> None:
    labelled = [i.id for i in sample_plan.items() if i.labels]
    sample_plan.delete_items(labelled)
    rows = dump(sample_plan.path)["item_label"]
    assert not any(row[0] in labelled for row in rows)


def test_items_come_back_exactly_with_their_ids(sample_plan: Plan) -> None:
    before = dump(sample_plan.path)
    items = [i for i in sample_plan.items() if i.sprint_id is None][:3]
    sample_plan.delete_items([i.id for i in items])
    sample_plan.insert_items(items)
    assert dump(sample_plan.path) == before


def test_two_items_cannot_share_an_external_key(sample_plan: Plan) -> None:
    with pytest.raises(StorageError, match="another item already has that external key"):
        sample_plan.add_item(ItemFields("Twin", "feature", external_key="LED-101"), None, 1.0)


def test_two_sprints_cannot_share_a_name(sample_plan: Plan) -> None:
    with pytest.raises(StorageError, match="another sprint already has that name"):
        sample_plan.add_sprint(SprintFields("Sprint 21", date(2030, 1, 1), date(2030, 1, 2)))


def test_a_transaction_lands_whole_or_not_at_all(sample_plan: Plan) -> None:
    before = dump(sample_plan.path)
    with pytest.raises(StorageError), sample_plan.transaction():
        sample_plan.add_item(ItemFields("first half", "feature"), None, 1.0)
        sample_plan.add_item(ItemFields("clash", "feature", external_key="LED-101"), None, 2.0)
    assert dump(sample_plan.path) == before


def test_bulk_insert_keeps_ids_labels_and_places(sample_plan: Plan) -> None:
    sprint = sample_plan.sprints()[0].id
    new = [
        Item(
            id=10_000 + n,
            title=f"bulk {n}",
            category="tech_debt",
            labels=("a", "b"),
            sprint_id=sprint if n % 2 else None,
            rank=float(n),
        )
        for n in range(50)
    ]
    sample_plan.bulk_insert_items(new)
    stored = {i.id: i for i in sample_plan.items()}
    assert all(stored[i.id] == i for i in new)
