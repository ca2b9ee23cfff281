"""The sample plan a first launch shows must be believable and complete."""

from __future__ import annotations

from collections import Counter
from datetime import date

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import validate_item, validate_sprint
from onproduct.domain.sample import PAST_SPRINTS, sample_plan

TODAY = date(2026, 11, 24)


def test_the_current_sprint_contains_today_with_past_sprints_behind_it() -> None:
    plan = sample_plan(TODAY)
    current = [s for s in plan.sprints if s.start <= TODAY <= s.end]
    assert len(current) == 1
    assert sum(s.end < TODAY for s in plan.sprints) == PAST_SPRINTS
    assert any(s.start > TODAY for s in plan.sprints)
    starts = [s.start for s in plan.sprints]
    assert starts == sorted(starts)
    assert all(
        later.start > earlier.end
        for earlier, later in zip(plan.sprints, plan.sprints[1:], strict=False)
    )


def test_it_uses_all_five_categories_in_sprints_and_in_the_backlog() -> None:
    plan = sample_plan(TODAY)
    planned = Counter(i.fields.category for i in plan.items if i.sprint is not None)
    waiting = Counter(i.fields.category for i in plan.items if i.sprint is None)
    assert set(planned) == set(CATEGORY_KEYS)
    assert set(waiting) == set(CATEGORY_KEYS)


def test_past_sprints_are_done_with_actuals_and_every_item_is_valid() -> None:
    plan = sample_plan(TODAY)
    for entry in plan.items:
        assert validate_item(entry.fields) == entry.fields
        if entry.sprint is not None and entry.sprint < PAST_SPRINTS:
            assert entry.fields.status == "done"
            assert entry.fields.actual is not None
    for sprint in plan.sprints:
        assert validate_sprint(sprint) == sprint
    assert any(i.fields.labels for i in plan.items)
    assert any(i.fields.estimate is None for i in plan.items)  # unestimated work exists
    keys = [i.fields.external_key for i in plan.items]
    assert len(keys) == len(set(keys))


def test_product_operations_rise_then_fall_as_automation_lands() -> None:
    plan = sample_plan(TODAY)
    hours = [0.0] * PAST_SPRINTS
    for entry in plan.items:
        past = entry.sprint is not None and entry.sprint < PAST_SPRINTS
        if entry.fields.category == "product_ops" and past:
            assert entry.sprint is not None
            hours[entry.sprint] += entry.fields.actual or 0.0
    peak = hours.index(max(hours))
    assert 0 < peak < PAST_SPRINTS - 1
    assert hours[-1] < hours[peak]


def test_automation_items_say_what_they_automate_and_what_it_saves() -> None:
    automation = [i.fields for i in sample_plan(TODAY).items if i.fields.category == "automation"]
    assert automation and all(f.removes_operation and f.saves_hours_per_week for f in automation)
