"""Content for new plans: the sample plan of a first launch, the first sprint of a new plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from onproduct.domain.items import SprintFields
from onproduct.domain.sample import sample_plan
from onproduct.storage.plan import Plan


def write_sample(plan: Plan, today: date) -> None:
    """Fill an empty plan with the sample plan, its current sprint around `today`."""
    sample = sample_plan(today)
    with plan.transaction():
        sprint_ids = [plan.add_sprint(fields).id for fields in sample.sprints]
        operation_ids = {op.name: plan.add_operation(op).id for op in sample.operations}
        for rank, entry in enumerate(sample.items, start=1):
            sprint_id = sprint_ids[entry.sprint] if entry.sprint is not None else None
            fields = entry.fields
            if entry.operation is not None:
                fields = replace(fields, operation_id=operation_ids[entry.operation])
            plan.add_item(fields, sprint_id, float(rank))


def first_sprint(plan: Plan, today: date) -> None:
    """Give a new plan one two-week sprint from this week's Monday, to plan into."""
    start = today - timedelta(days=today.weekday())
    plan.add_sprint(SprintFields("Sprint 1", start, start + timedelta(days=13), None))
