"""The sample plan a first launch shows must be believable and complete."""

from __future__ import annotations

from collections import Counter
from datetime import date

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import Sprint, validate_item, validate_sprint
from onproduct.domain.operations import AutomationPlan, Operation, OperationFields, plan_burden
from onproduct.domain.sample import PAST_SPRINTS, sample_plan
from onproduct.domain.settings import PlanSettings

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
    """The story of the sample, told by the burden per sprint."""
    plan = sample_plan(TODAY)
    sprints = [
        Sprint(n + 1, f.name, f.start, f.end, f.capacity) for n, f in enumerate(plan.sprints)
    ]
    operations = [
        Operation(**{k: getattr(f, k) for k in OperationFields.__dataclass_fields__}, id=n + 1)
        for n, f in enumerate(plan.operations)
    ]
    ids = {o.name: o.id for o in operations}
    automation = [
        AutomationPlan(
            ids[entry.operation],
            entry.fields.saves_hours_per_week or 0.0,
            sprints[entry.sprint].end
            if entry.fields.status == "done" and entry.sprint is not None
            else None,
            sprints[entry.sprint].end if entry.sprint is not None else None,
        )
        for entry in plan.items
        if entry.operation is not None
    ]
    burden = plan_burden(sprints, [], operations, automation, PlanSettings(), TODAY)
    product = [b.product_recurring for b in burden]
    peak = product.index(max(product))
    assert 0 < peak < len(product) - 1  # it rose, then it fell
    assert product[-1] < product[peak] / 2
    development = [b.dev_recurring for b in burden]
    assert development[-1] < development[0] / 4  # continuous deployment ended the hand deploys


def test_automation_items_say_what_they_automate_and_what_it_saves() -> None:
    plan = sample_plan(TODAY)
    names = {o.name for o in plan.operations}
    automation = [i for i in plan.items if i.fields.category == "automation"]
    assert automation and all(
        i.operation in names and i.fields.saves_hours_per_week for i in automation
    )
