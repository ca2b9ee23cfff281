"""Figures worked out from a whole plan, the same way for the window, the PDF and
`metrics`: the operations burden per sprint."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from onproduct.domain.operations import Burden, Operation, plan_burden
from onproduct.domain.settings import PlanSettings
from onproduct.storage.plan import Plan


def burden_of(
    plan: Plan,
    settings: PlanSettings,
    today: date,
    extra: int = 0,
    operations: Sequence[Operation] | None = None,
) -> list[Burden]:
    """The burden of every sprint of the plan (and `extra` forecast periods after the
    last); `operations` as the caller holds them, else as stored."""
    return plan_burden(
        plan.sprints(),
        plan.sprint_operations(),
        plan.operations() if operations is None else operations,
        plan.automation_plans(),
        settings,
        today,
        extra,
    )
