"""The operations burden, day by day, with every number worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from onproduct.domain.items import ValidationError
from onproduct.domain.operations import (
    AutomationPlan,
    Burden,
    Operation,
    OperationFields,
    Period,
    Saving,
    burden,
    extend,
    hours_between,
    savings_of,
    scaling_note,
    validate_operation,
)

MON = date(2026, 1, 5)  # a Monday; the sprint runs two weeks, 5 to 18 January
SPRINT = Period("S1", MON, date(2026, 1, 18))
TODAY = date(2026, 6, 1)  # after every sprint here, unless a test says otherwise


def op(
    hours: float,
    start: date = date(2025, 12, 1),
    end: date | None = None,
    kind: str = "product",
    id: int = 1,
) -> Operation:
    return Operation("Hand onboarding", kind, start, hours_per_week=hours, end=end, id=id)


def test_an_operation_running_all_sprint_costs_its_weekly_hours_times_weeks() -> None:
    assert hours_between(op(7.0), [], SPRINT.start, SPRINT.end) == pytest.approx(14.0)


def test_an_operation_starting_mid_sprint_counts_from_its_first_day() -> None:
    # Starts on Monday the 12th: 7 days of 14.
    assert hours_between(
        op(7.0, start=date(2026, 1, 12)), [], SPRINT.start, SPRINT.end
    ) == pytest.approx(7.0)


def test_an_ended_operation_counts_until_its_last_day() -> None:
    # Ends on Thursday the 8th: the 5th to the 8th, 4 days at 1 h a day.
    ended = op(7.0, end=date(2026, 1, 8))
    assert hours_between(ended, [], SPRINT.start, SPRINT.end) == pytest.approx(4.0)
    assert hours_between(ended, [], date(2026, 2, 1), date(2026, 2, 14)) == 0.0


def test_partial_weeks_count_their_days() -> None:
    ten_days = Period("short", MON, date(2026, 1, 14))
    assert hours_between(op(7.0), [], ten_days.start, ten_days.end) == pytest.approx(10.0)
    assert ten_days.weeks == pytest.approx(10 / 7)


def test_automation_done_mid_sprint_lowers_the_load_from_that_day() -> None:
    # 7 h a week until Sunday the 11th (7 h), then 3.5 h saved: 3.5 h a week for 7 days.
    saving = Saving(1, 3.5, date(2026, 1, 12))
    assert hours_between(op(7.0), [saving], SPRINT.start, SPRINT.end) == pytest.approx(10.5)


def test_savings_never_push_an_operation_below_zero() -> None:
    saving = Saving(1, 10.0, date(2026, 1, 5))
    assert hours_between(op(7.0), [saving], SPRINT.start, SPRINT.end) == 0.0


def test_overlapping_operations_add_up_by_kind_with_the_sprints_items() -> None:
    operations = [
        op(7.0, id=1),
        op(3.5, kind="development", id=2),
        op(1.75, start=date(2026, 1, 12), kind="development", id=3),
    ]
    period = Period("S1", MON, date(2026, 1, 18), product_items=5.0, dev_items=2.0)
    (b,) = burden([period], operations, [], TODAY)
    assert (b.product_recurring, b.dev_recurring) == (14.0, 8.75)  # 3.5 x 2 + 1.75 x 1
    assert (b.product_hours, b.dev_hours, b.total_hours) == (19.0, 10.75, 29.75)
    assert not b.forecast and not b.recorded


def test_recorded_hours_of_a_closed_sprint_are_what_happened() -> None:
    period = Period(
        "S1", MON, date(2026, 1, 18), product_items=5.0, recorded_product=30.0, recorded_dev=4.0
    )
    (b,) = burden([period], [op(7.0)], [], TODAY)
    assert (b.product_hours, b.dev_hours) == (30.0, 4.0)
    assert b.recorded and b.product_recurring == 14.0  # what the plan expected


def test_a_sprint_closed_before_its_end_is_history_not_forecast() -> None:
    mid_sprint = date(2026, 1, 12)
    running = Period("S1", MON, date(2026, 1, 18))
    closed = Period("S1", MON, date(2026, 1, 18), closed=True)
    recorded = Period("S1", MON, date(2026, 1, 18), recorded_product=3.0)
    (still_running,) = burden([running], [op(7.0)], [], mid_sprint)
    assert still_running.forecast
    for period in (closed, recorded):
        (entry,) = burden([period], [op(7.0)], [], mid_sprint)
        assert not entry.forecast


def test_planned_automation_is_forecast_as_done_when_its_sprint_ends() -> None:
    today = date(2026, 1, 20)
    s2 = Period("S2", date(2026, 1, 19), date(2026, 2, 1))
    s3 = Period("S3", date(2026, 2, 2), date(2026, 2, 15))
    plans = [
        AutomationPlan(1, 4.0, done_on=date(2026, 1, 12), sprint_end=date(2026, 1, 18)),
        AutomationPlan(1, 3.0, done_on=None, sprint_end=date(2026, 2, 1)),  # S2, running
        AutomationPlan(1, 9.0, done_on=None, sprint_end=date(2026, 1, 18)),  # past, not done
        AutomationPlan(1, 0.0, done_on=None, sprint_end=date(2026, 2, 15)),  # saves nothing
    ]
    savings = savings_of(plans, today)
    assert savings == [
        Saving(1, 4.0, date(2026, 1, 12)),
        Saving(1, 3.0, date(2026, 2, 1), forecast=True),
    ]
    b1, b2, b3 = burden([SPRINT, s2, s3], [op(7.0)], savings, today)
    assert b1.product_hours == pytest.approx(7.0 + 3.0)  # 7 days at 7, 7 days at 3
    # S2: 13 days at 3 h a week, its last day at 0: 39/7.
    assert b2.product_hours == pytest.approx(39 / 7)
    assert b3.product_hours == 0.0
    assert (b1.forecast, b2.forecast, b3.forecast) == (False, True, True)


def test_the_forecast_can_run_past_the_last_sprint() -> None:
    extra = extend([SPRINT], 2)
    assert [(p.start, p.end) for p in extra] == [
        (date(2026, 1, 19), date(2026, 2, 1)),
        (date(2026, 2, 2), date(2026, 2, 15)),
    ]
    assert extend([], 3) == []


def test_hours_per_unit_of_revenue() -> None:
    (b,) = burden([Period("S1", MON, date(2026, 1, 18), revenue=28.0)], [op(7.0)], [], TODAY)
    assert b.hours_per_revenue == 0.5


def _history(hours_and_revenue: list[tuple[float, float]]) -> list[Burden]:
    result = []
    for n, (hours, revenue) in enumerate(hours_and_revenue):
        start = MON + timedelta(days=14 * n)
        period = Period(
            f"S{n}", start, start, recorded_product=hours, recorded_dev=0.0, revenue=revenue
        )
        result.append(Burden(period, 0.0, 0.0, forecast=False))
    return result


def test_operations_growing_with_revenue_are_called_out() -> None:
    note = scaling_note(_history([(10, 100), (15, 150), (21, 200), (24, 250)]), "k€")
    assert note is not None and not note.scales
    assert note.text.startswith("Operations hours grew in step with k€ over the last 4 sprints")


def test_operations_falling_per_unit_of_revenue_are_good_news() -> None:
    note = scaling_note(_history([(20, 100), (20, 150), (18, 200), (15, 250)]), "customers")
    assert note is not None and note.scales
    # 0.2 h per customer then 0.06: a fall of 70%.
    assert note.text.startswith(
        "Operations hours per customers fell by 70% over the last 4 sprints"
    )


def test_too_little_revenue_history_says_nothing() -> None:
    assert scaling_note(_history([(10, 100), (15, 150)]), "k€") is None


def test_an_operation_is_given_in_hours_or_as_times_and_minutes() -> None:
    by_hours = validate_operation(
        OperationFields(" Hand  onboarding ", "product", MON, hours_per_week=6)
    )
    assert by_hours.name == "Hand onboarding" and by_hours.weekly_hours == 6
    by_times = validate_operation(
        OperationFields("Deploys", "development", MON, times_per_week=3, minutes_each=40)
    )
    assert by_times.weekly_hours == 2.0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (OperationFields("", "product", MON, hours_per_week=1), "needs a name"),
        (OperationFields("X", "sales", MON, hours_per_week=1), "product or development"),
        (OperationFields("X", "product", MON), "Give the hours per week"),
        (OperationFields("X", "product", MON, times_per_week=3), "Give the hours per week"),
        (OperationFields("X", "product", MON, hours_per_week=-1), "hours per week must be"),
        (OperationFields("X", "product", MON, hours_per_week=200), "168 hours"),
        (
            OperationFields("X", "product", MON, hours_per_week=1, end=date(2026, 1, 1)),
            "end before it starts",
        ),
    ],
)
def test_bad_operations_are_refused(fields: OperationFields, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_operation(fields)
