"""Writing a CSV into a plan: added at the end of their lists, updated by key, all or nothing."""

from __future__ import annotations

import pytest

from onproduct.domain.ranking import BACKLOG, Bucket, bucket_of
from onproduct.exchange.formats.own_csv import ExchangeError, parse_plan_csv
from onproduct.exchange.importer import import_batch
from onproduct.storage.plan import Plan

from ..helpers import dump


def test_new_items_go_to_the_end_of_their_lists_and_new_sprints_are_created(
    sample_plan: Plan,
) -> None:
    text = (
        "title,category,sprint,sprint_start,sprint_end,estimate\n"
        "Late fees v2,feature,,,,3\n"
        "Hotfix deploy,dev_ops,Sprint 25,,,1\n"
        "Spring clean,tech_debt,Hardening,2027-03-01,2027-03-12,8\n"
    )
    summary = import_batch(sample_plan, parse_plan_csv(text))
    assert (len(summary.added), len(summary.updated)) == (3, 0)
    assert [s.name for s in summary.sprints] == ["Hardening"]
    items = sample_plan.items()

    def last_of(bucket: Bucket) -> str:
        members = [i for i in items if bucket_of(i.sprint_id, i.category) == bucket]
        return max(members, key=lambda i: i.rank).title

    sprints = {s.name: s for s in sample_plan.sprints()}
    assert last_of(BACKLOG) == "Late fees v2"
    assert last_of(bucket_of(sprints["Sprint 25"].id, "dev_ops")) == "Hotfix deploy"
    assert sprints["Hardening"].start.isoformat() == "2027-03-01"
    assert last_of(bucket_of(sprints["Hardening"].id, "tech_debt")) == "Spring clean"


def test_known_keys_update_only_the_columns_the_file_has(sample_plan: Plan) -> None:
    before = {i.external_key: i for i in sample_plan.items()}
    text = (
        "key,title,category,estimate\n"
        "LED-160,Expenses and receipts,feature,44\n"
        "LED-999,New,tech_debt,1\n"
    )
    summary = import_batch(sample_plan, parse_plan_csv(text))
    assert (len(summary.added), len(summary.updated)) == (1, 1)
    after = {i.external_key: i for i in sample_plan.items()}
    updated = after["LED-160"]
    assert (updated.title, updated.estimate) == ("Expenses and receipts", 44.0)
    assert updated.labels == before["LED-160"].labels  # no labels column: kept
    assert updated.sprint_id is None and updated.rank == before["LED-160"].rank


def test_importing_the_same_file_twice_changes_nothing_the_second_time(sample_plan: Plan) -> None:
    text = "key,title,category,status\nLED-160,Expense tracking,feature,todo\n"
    first = import_batch(sample_plan, parse_plan_csv(text))
    snapshot = dump(sample_plan.path)
    second = import_batch(sample_plan, parse_plan_csv(text))
    assert (len(first.updated), second.unchanged, len(second.updated)) == (0, 1, 0)
    assert dump(sample_plan.path) == snapshot


def test_a_row_that_moves_an_item_to_another_sprint_appends_it_there(sample_plan: Plan) -> None:
    text = "key,title,category,sprint\nLED-160,Expense tracking,feature,Sprint 26\n"
    import_batch(sample_plan, parse_plan_csv(text))
    moved = next(i for i in sample_plan.items() if i.external_key == "LED-160")
    sprint26 = next(s for s in sample_plan.sprints() if s.name == "Sprint 26")
    lane = [
        i for i in sample_plan.items() if i.sprint_id == sprint26.id and i.category == "feature"
    ]
    assert moved.sprint_id == sprint26.id and moved.rank == max(i.rank for i in lane)


def test_an_unknown_sprint_without_dates_imports_nothing(sample_plan: Plan) -> None:
    before = dump(sample_plan.path)
    text = "title,category,sprint\nOne,feature,\nTwo,feature,Sprint 99\n"
    with pytest.raises(
        ExchangeError, match="line 3, column sprint: the plan has no sprint 'Sprint 99'"
    ):
        import_batch(sample_plan, parse_plan_csv(text))
    assert dump(sample_plan.path) == before
