"""Recurring manual operations, the operations burden per sprint, and its forecast.

A recurring operation is a manual process that costs hours every week while it runs
("hand onboarding, 6 h a week, since March"). Automation items that remove it save
hours a week from the day they are done. The burden of a sprint is the load of every
operation on each day of the sprint, plus the operations items planned or done in it.
Counting day by day makes partial weeks, operations that start or end mid-sprint and
automation done mid-sprint come out right without special cases.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from onproduct.domain.items import MAX_TITLE, Sprint, ValidationError, check_effort
from onproduct.domain.settings import PlanSettings

KINDS = ("product", "development")
KIND_NAMES = {"product": "Product operation", "development": "Development operation"}


def hours_a_week(hours: float) -> str:
    """ "2 h a week", "1.5 h a week": one way of writing a weekly load everywhere."""
    return f"{round(hours, 1) + 0.0:g} h a week"


@dataclass(frozen=True, slots=True)
class OperationFields:
    """What a user enters about a recurring operation.

    Its load is either `hours_per_week`, or `times_per_week` × `minutes_each`.
    """

    name: str
    kind: str
    start: date
    hours_per_week: float | None = None
    times_per_week: float | None = None
    minutes_each: float | None = None
    end: date | None = None
    notes: str = ""

    @property
    def weekly_hours(self) -> float:
        if self.hours_per_week is not None:
            return self.hours_per_week
        return (self.times_per_week or 0.0) * (self.minutes_each or 0.0) / 60

    def active(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Operation(OperationFields):
    """A recurring operation as stored."""

    id: int = 0
    version: int = 0  # see Item.version

    @property
    def editable(self) -> OperationFields:
        return OperationFields(
            self.name,
            self.kind,
            self.start,
            self.hours_per_week,
            self.times_per_week,
            self.minutes_each,
            self.end,
            self.notes,
        )


def validate_operation(fields: OperationFields) -> OperationFields:
    name = " ".join(fields.name.split())
    if not name:
        raise ValidationError("An operation needs a name.")
    if len(name) > MAX_TITLE:
        raise ValidationError(f"An operation name can be at most {MAX_TITLE} characters.")
    if fields.kind not in KINDS:
        raise ValidationError(f"An operation is product or development, not {fields.kind!r}.")
    hours = check_effort(fields.hours_per_week, "hours per week")
    times = check_effort(fields.times_per_week, "number of times per week")
    minutes = check_effort(fields.minutes_each, "minutes each time")
    if hours is None and (times is None or minutes is None):
        raise ValidationError("Give the hours per week, or how often and how long each time.")
    if hours is not None and hours > 168:
        raise ValidationError("A week has 168 hours; an operation cannot take more.")
    if hours is None and times is not None and minutes is not None and times * minutes > 168 * 60:
        raise ValidationError("That is more than the 168 hours of a week.")
    if fields.end is not None and fields.end < fields.start:
        raise ValidationError("An operation cannot end before it starts.")
    if hours is not None:
        times = minutes = None  # one way to say the load, not two
    return OperationFields(
        name, fields.kind, fields.start, hours, times, minutes, fields.end, fields.notes.rstrip()
    )


@dataclass(frozen=True, slots=True)
class Saving:
    """Hours a week an automation item takes off an operation, from a day on."""

    operation_id: int
    hours_per_week: float
    from_day: date
    forecast: bool = False


def load_on(operation: Operation, savings: Sequence[Saving], day: date) -> float:
    """Hours a week the operation costs on `day`, after the savings that started by then."""
    if not operation.active(day):
        return 0.0
    saved = sum(s.hours_per_week for s in savings if s.from_day <= day)
    return max(0.0, operation.weekly_hours - saved)


def hours_between(operation: Operation, savings: Sequence[Saving], start: date, end: date) -> float:
    """Hours the operation costs from `start` to `end`, both days included."""
    total = 0.0
    day = start
    while day <= end:
        total += load_on(operation, savings, day)
        day += timedelta(days=1)
    return total / 7


@dataclass(frozen=True, slots=True)
class Period:
    """A stretch of days the burden is counted for: a sprint, or a forecast period."""

    name: str
    start: date
    end: date
    # Operations items of the period, in hours (actual when done, else estimate).
    product_items: float = 0.0
    dev_items: float = 0.0
    # Hours really spent on operations, recorded when the sprint was closed.
    recorded_product: float | None = None
    recorded_dev: float | None = None
    revenue: float | None = None
    sprint_id: int | None = None
    # A closed sprint is history even before its last day.
    closed: bool = False

    @property
    def weeks(self) -> float:
        return ((self.end - self.start).days + 1) / 7


@dataclass(frozen=True, slots=True)
class Burden:
    """The operations burden of one period, in hours."""

    period: Period
    product_recurring: float
    dev_recurring: float
    forecast: bool

    @property
    def recorded(self) -> bool:
        return self.period.recorded_product is not None or self.period.recorded_dev is not None

    @property
    def product_hours(self) -> float:
        if self.period.recorded_product is not None:
            return self.period.recorded_product
        return round(self.product_recurring + self.period.product_items, 6)

    @property
    def dev_hours(self) -> float:
        if self.period.recorded_dev is not None:
            return self.period.recorded_dev
        return round(self.dev_recurring + self.period.dev_items, 6)

    @property
    def total_hours(self) -> float:
        return round(self.product_hours + self.dev_hours, 6)

    @property
    def hours_per_revenue(self) -> float | None:
        revenue = self.period.revenue
        return self.total_hours / revenue if revenue else None


@dataclass(frozen=True, slots=True)
class AutomationPlan:
    """An automation item as the burden sees it: which operation, how much, when."""

    operation_id: int
    hours_per_week: float
    done_on: date | None  # when it was done; None if not done
    sprint_end: date | None  # the end of the sprint it is planned in, if any


def savings_of(automation: Iterable[AutomationPlan], today: date) -> list[Saving]:
    """Savings that happened (done items) and that are forecast (planned, not done)."""
    found = []
    for plan in automation:
        if plan.hours_per_week <= 0:
            continue
        if plan.done_on is not None:
            found.append(Saving(plan.operation_id, plan.hours_per_week, plan.done_on))
        elif plan.sprint_end is not None and plan.sprint_end >= today:
            # Planned in a sprint still to run: assume it is done when that sprint ends.
            found.append(Saving(plan.operation_id, plan.hours_per_week, plan.sprint_end, True))
    return found


def burden(
    periods: Sequence[Period],
    operations: Sequence[Operation],
    savings: Sequence[Saving],
    today: date,
) -> list[Burden]:
    """The burden of every period, earliest first; periods still to come are forecasts."""
    by_operation: dict[int, list[Saving]] = {}
    for saving in savings:
        by_operation.setdefault(saving.operation_id, []).append(saving)
    result = []
    for period in sorted(periods, key=lambda p: (p.start, p.end)):
        recurring = {"product": 0.0, "development": 0.0}
        for operation in operations:
            recurring[operation.kind] += hours_between(
                operation, by_operation.get(operation.id, []), period.start, period.end
            )
        result.append(
            Burden(
                period,
                round(recurring["product"], 6),
                round(recurring["development"], 6),
                # Still to come: not over yet, and not closed or recorded (history).
                forecast=period.end >= today
                and not period.closed
                and period.recorded_product is None
                and period.recorded_dev is None,
            )
        )
    return result


def extend(periods: Sequence[Period], count: int) -> list[Period]:
    """`count` more periods after the last one, as long as it, to carry a forecast on."""
    if not periods or count <= 0:
        return []
    last = max(periods, key=lambda p: p.end)
    length = last.end - last.start
    extra = []
    start = last.end + timedelta(days=1)
    for n in range(count):
        extra.append(Period(f"after {last.name} +{n + 1}", start, start + length))
        start = start + length + timedelta(days=1)
    return extra


@dataclass(frozen=True, slots=True)
class SprintOperations:
    """Operations items of one sprint as the plan file totals them, in the plan's unit."""

    sprint_id: int
    product_ops: float
    dev_ops: float


def plan_burden(
    sprints: Sequence[Sprint],
    items: Sequence[SprintOperations],
    operations: Sequence[Operation],
    automation: Iterable[AutomationPlan],
    settings: PlanSettings,
    today: date,
    extra: int = 0,
) -> list[Burden]:
    """The burden of every sprint of a plan (and `extra` periods after the last)."""
    by_sprint = {row.sprint_id: row for row in items}
    periods = []
    for sprint in sprints:
        row = by_sprint.get(sprint.id, SprintOperations(sprint.id, 0.0, 0.0))
        periods.append(
            Period(
                sprint.name,
                sprint.start,
                sprint.end,
                product_items=settings.hours(row.product_ops),
                dev_items=settings.hours(row.dev_ops),
                recorded_product=sprint.record.product_ops_hours,
                recorded_dev=sprint.record.dev_ops_hours,
                revenue=sprint.revenue,
                sprint_id=sprint.id,
                closed=sprint.record.closed,
            )
        )
    periods += extend(periods, extra)
    return burden(periods, operations, savings_of(automation, today), today)


def burden_entry(entry: Burden) -> dict[str, object]:
    """One period of the burden as `metrics --json` reports it."""
    return {
        "sprint": entry.period.name,
        "start": entry.period.start.isoformat(),
        "end": entry.period.end.isoformat(),
        "product_ops_hours": entry.product_hours,
        "dev_ops_hours": entry.dev_hours,
        "recurring_hours": round(entry.product_recurring + entry.dev_recurring, 6),
        "recorded": entry.recorded,
        "forecast": entry.forecast,
    }


# ------------------------------------------------------- does it scale?


@dataclass(frozen=True, slots=True)
class ScalingNote:
    """What the recent sprints say about operations and revenue."""

    scales: bool
    text: str


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    var_x = sum((x - mean_x) ** 2 for x in xs)
    var_y = sum((y - mean_y) ** 2 for y in ys)
    if var_x <= 0 or var_y <= 0:
        return None
    return cov / math.sqrt(var_x * var_y)


def scaling_note(history: Sequence[Burden], unit: str, last: int = 6) -> ScalingNote | None:
    """Whether operations hours grow in step with revenue over the last sprints.

    Needs at least three finished sprints with revenue recorded. Hours that rise with
    revenue (correlation of 0.8 or more) while hours per unit of revenue do not fall are
    the sign of a product whose revenue still depends on the team's time.
    """
    points = [b for b in history if not b.forecast and b.period.revenue][-last:]
    if len(points) < 3:
        return None
    revenue = [b.period.revenue or 0.0 for b in points]
    hours = [b.total_hours for b in points]
    first = hours[0] / revenue[0]
    latest = hours[-1] / revenue[-1]
    correlation = _correlation(revenue, hours)
    span = f"the last {len(points)} sprints"
    if correlation is not None and correlation >= 0.8 and latest >= first * 0.9:
        return ScalingNote(
            False,
            f"Operations hours grew in step with {unit} over {span}: the product's"
            " revenue still depends on the team's time. Automate the largest operations.",
        )
    if latest < first:
        drop = (first - latest) / first
        return ScalingNote(
            True,
            f"Operations hours per {unit} fell by {drop:.0%} over {span}: revenue is"
            " becoming independent of the team's time.",
        )
    return None
