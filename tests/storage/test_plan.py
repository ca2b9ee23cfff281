"""Writes to an open plan: each one whole, each one refused with a reason when it breaks a rule."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from onproduct.domain.items import Item, ItemFields, SprintFields
from onproduct.domain.metrics import CategoryTotals
from onproduct.storage.errors import StorageError
from onproduct.storage.plan import Plan
from onproduct.storage.planfile import open_plan

from ..helpers import plan_dump


@pytest.fixture(params=["file", "team"])
def sample_plan(request: pytest.FixtureRequest, sample_path: Path):
    """The sample plan, as a file and as a team plan on a real server: every test of
    this module runs on both engines, which must behave the same."""
    if request.param == "file":
        plan = open_plan(sample_path)
    else:
        from onproduct.storage.opening import open_team_plan
        from onproduct.storage.team import TeamAddress

        plan = open_team_plan(TeamAddress.parse(request.getfixturevalue("team_url")))
    yield plan
    plan.close()


def test_updates_change_fields_and_replace_labels(sample_plan: Plan) -> None:
    item = sample_plan.items()[0]
    sample_plan.update_items([(item.id, {"title": "New", "labels": ("z", "y"), "rank": 0.5})])
    again = sample_plan.item(item.id)
    assert (again.title, again.labels, again.rank) == ("New", ("z", "y"), 0.5)


def test_an_update_to_a_missing_item_or_field_changes_nothing(sample_plan: Plan) -> None:
    before = plan_dump(sample_plan)
    first = sample_plan.items()[0].id
    with pytest.raises(StorageError, match="no item 424242"):
        sample_plan.update_items([(first, {"title": "half"}), (424242, {"title": "x"})])
    with pytest.raises(StorageError, match="no field colour"):
        sample_plan.update_items([(first, {"colour": "red"})])
    assert plan_dump(sample_plan) == before


def test_deleting_items_takes_their_labels(sample_plan: Plan) -> None:
    labelled = [i.id for i in sample_plan.items() if i.labels]
    sample_plan.delete_items(labelled)
    rows = plan_dump(sample_plan)["item_label"]
    assert not any(row[0] in labelled for row in rows)


def test_items_come_back_exactly_with_their_ids(sample_plan: Plan) -> None:
    before = plan_dump(sample_plan)
    items = [i for i in sample_plan.items() if i.sprint_id is None][:3]
    sample_plan.delete_items([i.id for i in items])
    sample_plan.insert_items(items)
    assert plan_dump(sample_plan) == before


def test_two_items_cannot_share_an_external_key(sample_plan: Plan) -> None:
    with pytest.raises(StorageError, match="another item already has that external key"):
        sample_plan.add_item(ItemFields("Twin", "feature", external_key="LED-101"), None, 1.0)


def test_two_sprints_cannot_share_a_name(sample_plan: Plan) -> None:
    with pytest.raises(StorageError, match="another sprint already has that name"):
        sample_plan.add_sprint(SprintFields("Sprint 21", date(2030, 1, 1), date(2030, 1, 2)))


def test_a_transaction_lands_whole_or_not_at_all(sample_plan: Plan) -> None:
    before = plan_dump(sample_plan)
    with pytest.raises(StorageError), sample_plan.transaction():
        sample_plan.add_item(ItemFields("first half", "feature"), None, 1.0)
        sample_plan.add_item(ItemFields("clash", "feature", external_key="LED-101"), None, 2.0)
    assert plan_dump(sample_plan) == before


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


@pytest.mark.parametrize(
    ("place", "names"),
    [
        ({"sprint_id": 9_999}, "sprint"),
        ({"category": "automation", "operation_id": 9_999}, "operation"),
    ],
)
def test_an_import_pointing_nowhere_is_refused_whole(
    sample_plan: Plan, place: dict[str, int], names: str
) -> None:
    # Imports check foreign keys once before committing, not per row: the check must
    # still refuse the whole write, and leave the checks on for every later write.
    before = plan_dump(sample_plan)
    good = Item(id=20_000, title="fine", category="feature", labels=("a",), rank=1.0)
    bad = Item(id=20_001, title="lost", rank=2.0, **{"category": "feature", **place})
    with pytest.raises(StorageError, match=f"point at a {names} the plan does not have"):
        sample_plan.apply_import([], [good, bad], [])
    assert plan_dump(sample_plan) == before
    with pytest.raises(StorageError):
        sample_plan.insert_items([bad])
    assert plan_dump(sample_plan) == before
    _sprints, (written,) = sample_plan.apply_import([], [good], [])
    # The plan gives a new item its id (two imports at once never share one).
    assert sample_plan.item(written.id) == written
    assert (written.title, written.labels, written.version) == ("fine", ("a",), 1)


def test_an_import_inside_a_larger_change_is_checked_row_by_row(sample_plan: Plan) -> None:
    before = plan_dump(sample_plan)
    lost = Item(id=20_001, title="lost", category="feature", sprint_id=9_999, rank=2.0)
    with pytest.raises(StorageError), sample_plan.transaction():
        sample_plan.apply_import([], [lost], [])
    assert plan_dump(sample_plan) == before


def test_category_totals_of_a_sprint_and_of_the_whole_plan(sample_plan: Plan) -> None:
    current = next(s for s in sample_plan.sprints() if s.name == "Sprint 25")
    sprint = sample_plan.category_totals(current.id)
    # Sprint 25 of the sample: features 26 + 10, automation 20, debt 8 + 6,
    # product ops 6 + 8, dev ops 2.
    assert sprint["feature"] == CategoryTotals(2, 36.0, 0)
    assert sprint["automation"] == CategoryTotals(1, 20.0, 0)
    assert sprint["tech_debt"] == CategoryTotals(2, 14.0, 0)
    assert sprint["product_ops"] == CategoryTotals(2, 14.0, 0)
    assert sprint["dev_ops"] == CategoryTotals(1, 2.0, 0)
    whole = sample_plan.category_totals()
    assert sum(t.count for t in whole.values()) == 50
    assert sum(t.unestimated for t in whole.values()) == 1  # "Team accounts with roles"


def test_operations_items_per_sprint_count_actuals_of_done_items(sample_plan: Plan) -> None:
    names = {s.id: s.name for s in sample_plan.sprints()}
    rows = {names[r.sprint_id]: r for r in sample_plan.sprint_operations()}
    # Sprint 21: product ops done, took 5 and 6; dev ops done, took 4.
    assert (rows["Sprint 21"].product_ops, rows["Sprint 21"].dev_ops) == (11.0, 4.0)
    # Sprint 25: 6 (todo: estimate) + 8 (doing: estimate, though 4 h are spent); dev ops 2.
    assert (rows["Sprint 25"].product_ops, rows["Sprint 25"].dev_ops) == (14.0, 2.0)


def test_the_register_and_what_automation_saves(sample_plan: Plan) -> None:
    operations = {o.name: o for o in sample_plan.operations()}
    assert len(operations) == 8
    deploys = operations["Deploy releases by hand"]
    assert (deploys.kind, deploys.times_per_week, deploys.minutes_each, deploys.weekly_hours) == (
        "development",
        2.0,
        120.0,
        4.0,
    )
    plans = {p.operation_id: p for p in sample_plan.automation_plans()}
    sprints = {s.name: s for s in sample_plan.sprints()}
    onboarding = plans[operations["Onboard new customers by hand"].id]
    # Done in Sprint 23 without a date of its own: it saves from that sprint's end.
    assert (onboarding.hours_per_week, onboarding.done_on) == (6.0, sprints["Sprint 23"].end)
    vat = plans[operations["Correct VAT on EU invoices by hand"].id]
    assert vat.done_on is None and vat.sprint_end == sprints["Sprint 25"].end


def test_settings_are_replaced_exactly(sample_plan: Plan) -> None:
    before = sample_plan.settings()
    sample_plan.replace_settings({"basis": "count", "hourly_cost": 55.5})
    assert sample_plan.settings() == {"basis": "count", "hourly_cost": 55.5}
    sample_plan.replace_settings(before)
    assert sample_plan.settings() == before


def test_a_snapshot_reads_an_older_plan_without_touching_it(tmp_path: Path) -> None:
    import shutil

    from onproduct.storage.planfile import open_snapshot

    from ..helpers import fingerprint
    from .make_plan_fixture import fixture_path

    path = tmp_path / "old.onproduct"
    shutil.copyfile(fixture_path(1), path)
    before = fingerprint(tmp_path)
    snapshot = open_snapshot(path)
    try:
        assert len(snapshot.items()) == 54
        assert snapshot.settings()["basis"] == "effort"  # format 2 added it, in memory
        assert all(i.saves_hours_per_week is None for i in snapshot.items())  # format 3
    finally:
        snapshot.close()
    assert fingerprint(tmp_path) == before
