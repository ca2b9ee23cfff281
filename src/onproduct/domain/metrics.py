"""The on-product index, the operations share, capacity use and automation payback.

Every figure is computed from per-category totals (item count, estimated effort,
items without an estimate), so the board can feed it the running totals it keeps and
the command line can feed it SQL aggregates: both get the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from functools import lru_cache

from onproduct.domain.categories import CATEGORIES, CATEGORY_KEYS
from onproduct.domain.items import Item
from onproduct.domain.operations import Burden, burden_entry
from onproduct.domain.settings import PlanSettings

ON_PRODUCT = tuple(c.key for c in CATEGORIES if c.is_on_product)
DEVELOPMENT = tuple(c.key for c in CATEGORIES if c.is_development)
OPERATIONS = tuple(c.key for c in CATEGORIES if c.is_operations)

# Fractions are compared after rounding to this many places, so that 7/10 is inside
# a band that starts at 0.75 - 0.05 whatever the last bit of either float says.
_PLACES = 9


@dataclass(frozen=True, slots=True)
class CategoryTotals:
    """The work of one category in scope: items, their estimates, items without one."""

    count: int = 0
    effort: float = 0.0
    unestimated: int = 0


Totals = Mapping[str, CategoryTotals]


class BandState(Enum):
    """Where the index sits against the target band."""

    UNDER = "under"
    INSIDE = "inside"
    OVER = "over"
    UNDEFINED = "undefined"


def _weight(totals: CategoryTotals, basis: str) -> float:
    return float(totals.count) if basis == "count" else totals.effort


def on_product_index(totals: Totals, basis: str) -> float | None:
    """On-product work as a fraction of development work; None with no development work.

    On the count basis every item weighs 1; on the effort basis it weighs its estimate,
    so an unestimated item weighs nothing. Operations are not development.
    """
    empty = CategoryTotals()
    development = sum(_weight(totals.get(k, empty), basis) for k in DEVELOPMENT)
    if development <= 0:
        return None
    on_product = sum(_weight(totals.get(k, empty), basis) for k in ON_PRODUCT)
    return on_product / development


def band_state(index: float | None, band: tuple[float, float]) -> BandState:
    if index is None:
        return BandState.UNDEFINED
    value = round(index, _PLACES)
    if value < band[0]:
        return BandState.UNDER
    if value > band[1]:
        return BandState.OVER
    return BandState.INSIDE


@lru_cache(maxsize=4096)  # every drop redraws the same few target figures in words
def percent(fraction: float | None, places: int = 0) -> str:
    """A fraction as people read it: 0.625 -> "63%" (halves round up), None -> "—"."""
    if fraction is None:
        return "—"
    # Through the shortest decimal of the float, so 0.745 rounds as the 0.745 it shows.
    scaled = Decimal(repr(round(fraction * 100, _PLACES)))
    quantum = Decimal(1).scaleb(-places)
    return f"{scaled.quantize(quantum, rounding=ROUND_HALF_UP)}%"


@dataclass(frozen=True, slots=True)
class Metrics:
    """Every figure of one scope (a sprint, or the whole plan)."""

    basis: str
    index: float | None
    index_by_count: float | None
    index_by_effort: float | None
    target: float
    band: tuple[float, float]
    state: BandState
    effort_by_category: dict[str, float]
    items: int
    unestimated: int
    effort: float
    ops_effort: float
    ops_share: float | None
    capacity: float | None
    capacity_use: float | None
    ops_share_of_capacity: float | None
    over_capacity: float
    product_ops_hours_per_week: float | None

    @property
    def other_basis(self) -> str:
        return "count" if self.basis == "effort" else "effort"

    @property
    def other_index(self) -> float | None:
        return self.index_by_count if self.basis == "effort" else self.index_by_effort


def compute_metrics(
    totals: Totals,
    settings: PlanSettings,
    capacity: float | None = None,
    weeks: float | None = None,
) -> Metrics:
    """All figures for one scope from its per-category totals.

    Efforts stay in the plan's unit (hours or points), like the capacity they are
    compared with; only hours a week of operations are converted to hours.
    """
    empty = CategoryTotals()
    by_category = {k: totals.get(k, empty) for k in CATEGORY_KEYS}
    effort_by_category = {k: round(t.effort, 6) for k, t in by_category.items()}
    effort = round(sum(effort_by_category.values()), 6)
    ops_effort = round(sum(effort_by_category[k] for k in OPERATIONS), 6)
    index_by_count = on_product_index(by_category, "count")
    index_by_effort = on_product_index(by_category, "effort")
    index = index_by_count if settings.basis == "count" else index_by_effort
    band = settings.band_range
    has_capacity = capacity is not None and capacity > 0
    product_ops_hours = settings.hours(effort_by_category["product_ops"])
    return Metrics(
        basis=settings.basis,
        index=index,
        index_by_count=index_by_count,
        index_by_effort=index_by_effort,
        target=settings.target,
        band=band,
        state=band_state(index, band),
        effort_by_category=effort_by_category,
        items=sum(t.count for t in by_category.values()),
        unestimated=sum(t.unestimated for t in by_category.values()),
        effort=effort,
        ops_effort=ops_effort,
        ops_share=ops_effort / effort if effort > 0 else None,
        capacity=capacity,
        capacity_use=effort / capacity if has_capacity and capacity else None,
        ops_share_of_capacity=ops_effort / capacity if has_capacity and capacity else None,
        over_capacity=round(max(0.0, effort - capacity), 6) if has_capacity and capacity else 0.0,
        product_ops_hours_per_week=product_ops_hours / weeks if weeks else None,
    )


def report(
    metrics: Metrics,
    settings: PlanSettings,
    burden: Sequence[Burden],
    scope: str | None = None,
) -> dict[str, object]:
    """The figures of `onproduct metrics --json` (PRODUCT.md), plus a few that explain them."""
    return {
        "scope": scope if scope is not None else "plan",
        "on_product_index": metrics.index,
        "basis": metrics.basis,
        "target": metrics.target,
        "band": list(metrics.band),
        "state": metrics.state.value,
        "index_by_count": metrics.index_by_count,
        "index_by_effort": metrics.index_by_effort,
        "ops_share": metrics.ops_share,
        "ops_share_of_capacity": metrics.ops_share_of_capacity,
        "effort_by_category": {
            k: round(settings.hours(v), 6) for k, v in metrics.effort_by_category.items()
        },
        "effort_unit": settings.effort_unit,
        "items": metrics.items,
        "unestimated": metrics.unestimated,
        "capacity": metrics.capacity,
        "capacity_use": metrics.capacity_use,
        "burden": [burden_entry(b) for b in burden],
    }


def operations_text(metrics: Metrics, unit: str) -> str:
    """ "Operations: 16 h, 19% of the work, 10% of capacity": the same words and figures
    in the window, the PDF and `metrics`, naming which share is which."""
    parts = [f"Operations: {metrics.ops_effort:g} {unit}"]
    if metrics.ops_share is not None:
        parts.append(f"{percent(metrics.ops_share)} of the work")
    if metrics.ops_share_of_capacity is not None:
        parts.append(f"{percent(metrics.ops_share_of_capacity)} of capacity")
    return ", ".join(parts)


# ------------------------------------------------------------------ warnings


class WarningKind(Enum):
    INDEX_UNDER = "index_under"
    INDEX_OVER = "index_over"
    OPERATIONS = "operations"
    CAPACITY = "capacity"


@dataclass(frozen=True, slots=True)
class Advice:
    """A warning that helps a product owner decide; it never blocks anything."""

    kind: WarningKind
    text: str


def _money(value: float) -> str:
    return f"{value:,.0f}"


def advice(metrics: Metrics, settings: PlanSettings) -> list[Advice]:
    """What deserves a product owner's attention in these figures."""
    found: list[Advice] = []
    unit = settings.unit
    low, high = metrics.band
    band_text = f"{percent(low)}–{percent(high)}"
    if metrics.state is BandState.UNDER:
        found.append(
            Advice(
                WarningKind.INDEX_UNDER,
                f"On-product index {percent(metrics.index)} is below the {band_text} target:"
                " less of the development goes into the product than agreed.",
            )
        )
    elif metrics.state is BandState.OVER:
        found.append(
            Advice(
                WarningKind.INDEX_OVER,
                f"On-product index {percent(metrics.index)} is above the {band_text} target:"
                " technical debt is getting less time than agreed.",
            )
        )
    weekly = metrics.product_ops_hours_per_week
    if weekly is not None and weekly > settings.ops_threshold:
        text = (
            f"Product operations take {weekly:.0f} h a week, above the"
            f" {settings.ops_threshold:.0f} h threshold: consider a dedicated operations hire"
        )
        if settings.hourly_cost is not None:
            rate = settings.hourly_cost
            text += f" ({_money(weekly * rate)} a week at {_money(rate)} an hour)"
        text += " as an operating cost, and automate to win the time back."
        found.append(Advice(WarningKind.OPERATIONS, text))
    if metrics.over_capacity > 0 and metrics.capacity is not None:
        found.append(
            Advice(
                WarningKind.CAPACITY,
                f"Planned {metrics.effort:g} {unit} is {metrics.over_capacity:g} {unit} more than"
                f" the sprint's capacity of {metrics.capacity:g} {unit}.",
            )
        )
    return found


# ------------------------------------------------------------------ payback


def payback_weeks(item: Item, settings: PlanSettings) -> float | None:
    """Weeks until an automation item has saved the hours it costs; None if unknown."""
    if item.category != "automation" or item.estimate is None:
        return None
    saves = item.saves_hours_per_week
    if saves is None or saves <= 0:
        return None
    return settings.hours(item.estimate) / saves


def suggested_order(items: Sequence[Item], settings: PlanSettings) -> list[int]:
    """Automation first, quickest payback first; then everything else as it was.

    Automating product operations comes before anything else, because it is what makes
    revenue independent of the team's time. Automation items whose payback is unknown
    follow those with one, in their current order.
    """
    paying: list[tuple[float, int, int]] = []
    unknown: list[int] = []
    rest: list[int] = []
    for position, item in enumerate(items):
        weeks = payback_weeks(item, settings)
        if weeks is not None:
            paying.append((weeks, position, item.id))
        elif item.category == "automation":
            unknown.append(item.id)
        else:
            rest.append(item.id)
    return [item_id for *_, item_id in sorted(paying)] + unknown + rest


def totals_of(items: Iterable[Item]) -> dict[str, CategoryTotals]:
    """Per-category totals of some items (for tests and small scopes)."""
    counts = {k: [0, 0.0, 0] for k in CATEGORY_KEYS}
    for item in items:
        row = counts[item.category]
        row[0] += 1
        if item.estimate is None:
            row[2] += 1
        else:
            row[1] += item.estimate
    return {k: CategoryTotals(int(c), float(e), int(u)) for k, (c, e, u) in counts.items()}
