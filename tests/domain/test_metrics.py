"""The on-product index and the figures around it, with numbers worked out by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from onproduct.domain.items import Item
from onproduct.domain.metrics import (
    BandState,
    CategoryTotals,
    WarningKind,
    advice,
    band_state,
    compute_metrics,
    on_product_index,
    payback_weeks,
    percent,
    report,
    suggested_order,
    totals_of,
)
from onproduct.domain.operations import Period, burden
from onproduct.domain.settings import PlanSettings

# 2 features (6 h, 4 h), 1 automation (5 h), 3 debt items (3 h, 2 h, one unestimated),
# 2 product operations (5 h, 3 h), 1 development operation (2 h).
ITEMS = [
    Item(1, "f1", "feature", estimate=6.0),
    Item(2, "f2", "feature", estimate=4.0),
    Item(3, "a1", "automation", estimate=5.0),
    Item(4, "d1", "tech_debt", estimate=3.0),
    Item(5, "d2", "tech_debt", estimate=2.0),
    Item(6, "d3", "tech_debt"),
    Item(7, "p1", "product_ops", estimate=5.0),
    Item(8, "p2", "product_ops", estimate=3.0),
    Item(9, "o1", "dev_ops", estimate=2.0),
]
TOTALS = totals_of(ITEMS)


def test_both_bases_count_only_development_work() -> None:
    # Count: on-product 2 + 1 = 3 of development 2 + 1 + 3 = 6.
    assert on_product_index(TOTALS, "count") == 3 / 6
    # Effort: on-product 10 + 5 = 15 of development 15 + 5 = 20; unestimated weighs 0.
    assert on_product_index(TOTALS, "effort") == 15 / 20


def test_no_development_work_leaves_the_index_undefined() -> None:
    ops_only = totals_of([Item(1, "p", "product_ops", estimate=5.0)])
    assert on_product_index(ops_only, "count") is None
    assert on_product_index({}, "effort") is None
    metrics = compute_metrics(ops_only, PlanSettings())
    assert metrics.index is None and metrics.state is BandState.UNDEFINED
    assert percent(metrics.index) == "—"


def test_development_that_is_all_unestimated_is_undefined_by_effort_only() -> None:
    guesses = totals_of([Item(1, "f", "feature"), Item(2, "d", "tech_debt")])
    assert on_product_index(guesses, "effort") is None
    assert on_product_index(guesses, "count") == 0.5


def test_all_the_figures_of_a_sprint() -> None:
    metrics = compute_metrics(TOTALS, PlanSettings(), capacity=40.0, weeks=2.0)
    assert metrics.basis == "effort"
    assert metrics.index == 0.75 and metrics.other_index == 0.5
    assert metrics.state is BandState.INSIDE
    assert metrics.effort_by_category == {
        "feature": 10.0,
        "automation": 5.0,
        "tech_debt": 5.0,
        "product_ops": 8.0,
        "dev_ops": 2.0,
    }
    assert (metrics.items, metrics.unestimated, metrics.effort) == (9, 1, 30.0)
    assert metrics.ops_effort == 10.0
    assert metrics.ops_share == 10 / 30
    assert metrics.capacity_use == 30 / 40
    assert metrics.ops_share_of_capacity == 10 / 40
    assert metrics.over_capacity == 0.0
    assert metrics.product_ops_hours_per_week == 4.0  # 8 h over two weeks


def test_the_chosen_basis_decides_the_index() -> None:
    by_count = compute_metrics(TOTALS, replace(PlanSettings(), basis="count"))
    assert by_count.index == 0.5 and by_count.other_index == 0.75
    assert by_count.state is BandState.UNDER


def test_band_edges_belong_to_the_band() -> None:
    band = PlanSettings().band_range  # 0.70-0.80, from 0.75 -/+ 0.05 in floats
    assert band_state(7 / 10, band) is BandState.INSIDE
    assert band_state(4 / 5, band) is BandState.INSIDE
    assert band_state(0.6999, band) is BandState.UNDER
    assert band_state(0.8001, band) is BandState.OVER


@pytest.mark.parametrize(
    ("fraction", "places", "text"),
    [
        (0.625, 0, "63%"),
        (0.745, 0, "75%"),
        (2 / 3, 0, "67%"),
        (0.004999, 0, "0%"),
        (1 / 3, 1, "33.3%"),
        (1.0, 0, "100%"),
        (0.0, 0, "0%"),
        (None, 0, "—"),
    ],
)
def test_percentages_round_half_up_as_people_expect(
    fraction: float | None, places: int, text: str
) -> None:
    assert percent(fraction, places) == text


def test_sums_of_decimal_efforts_do_not_drift() -> None:
    tenths = totals_of([Item(n, "x", "feature", estimate=0.1) for n in range(3)])
    assert compute_metrics(tenths, PlanSettings()).effort_by_category["feature"] == 0.3


def test_without_work_there_are_no_shares_and_no_capacity_use() -> None:
    metrics = compute_metrics({}, PlanSettings(), capacity=None, weeks=None)
    assert metrics.ops_share is None and metrics.capacity_use is None
    assert metrics.product_ops_hours_per_week is None
    assert compute_metrics({}, PlanSettings(), capacity=0.0).capacity_use is None


def test_advice_for_an_index_outside_the_band() -> None:
    under = compute_metrics(TOTALS, replace(PlanSettings(), basis="count"))
    (only,) = advice(under, PlanSettings())
    assert only.kind is WarningKind.INDEX_UNDER
    assert only.text.startswith("On-product index 50% is below the 70%–80% target")
    over = compute_metrics(totals_of(ITEMS[:3] + ITEMS[3:4]), PlanSettings())  # 15 of 18
    assert [a.kind for a in advice(over, PlanSettings())] == [WarningKind.INDEX_OVER]
    assert advice(compute_metrics(TOTALS, PlanSettings()), PlanSettings()) == []


def test_advice_when_product_operations_need_a_dedicated_person() -> None:
    heavy = {"product_ops": CategoryTotals(3, 90.0, 0), "feature": CategoryTotals(1, 8.0, 0)}
    settings = replace(PlanSettings(), target=1.0, band=0.0)
    metrics = compute_metrics(heavy, settings, weeks=2.0)  # 45 h a week
    (ops,) = advice(metrics, settings)
    assert ops.kind is WarningKind.OPERATIONS
    assert ops.text.startswith("Product operations take 45 h a week, above the 40 h threshold")
    assert "a week at" not in ops.text  # no hourly cost set: no made-up money
    costed = replace(settings, hourly_cost=60.0)
    (ops,) = advice(compute_metrics(heavy, costed, weeks=2.0), costed)
    assert "(2,700 a week at 60 an hour)" in ops.text
    assert advice(compute_metrics(heavy, settings, weeks=3.0), settings) == []  # 30 h a week


def test_operations_per_week_are_in_hours_when_the_plan_counts_points() -> None:
    points = replace(PlanSettings(), effort_unit="points", hours_per_point=5.0)
    metrics = compute_metrics({"product_ops": CategoryTotals(2, 20.0, 0)}, points, weeks=2.0)
    assert metrics.product_ops_hours_per_week == 50.0


def test_advice_when_the_sprint_is_over_capacity() -> None:
    metrics = compute_metrics(TOTALS, PlanSettings(), capacity=24.0)
    (over,) = advice(metrics, PlanSettings())
    assert metrics.over_capacity == 6.0
    assert over.text == "Planned 30 h is 6 h more than the sprint's capacity of 24 h."


def test_payback_is_estimate_over_hours_saved_per_week() -> None:
    item = Item(1, "a", "automation", estimate=30.0, saves_hours_per_week=6.0)
    assert payback_weeks(item, PlanSettings()) == 5.0
    points = replace(PlanSettings(), effort_unit="points", hours_per_point=4.0)
    assert payback_weeks(replace(item, estimate=3.0), points) == 2.0  # 12 h / 6 h a week
    assert payback_weeks(replace(item, saves_hours_per_week=None), PlanSettings()) is None
    assert payback_weeks(replace(item, estimate=None), PlanSettings()) is None
    assert payback_weeks(replace(item, category="feature"), PlanSettings()) is None


def test_suggested_order_puts_automation_first_by_payback() -> None:
    backlog = [
        Item(1, "feature", "feature", estimate=8.0),
        Item(2, "slow automation", "automation", estimate=40.0, saves_hours_per_week=2.0),  # 20 wk
        Item(3, "debt", "tech_debt", estimate=3.0),
        Item(4, "unknown automation", "automation", estimate=10.0),
        Item(5, "quick automation", "automation", estimate=6.0, saves_hours_per_week=3.0),  # 2 wk
    ]
    assert suggested_order(backlog, PlanSettings()) == [5, 2, 4, 1, 3]


def test_the_report_has_the_fields_of_the_contract() -> None:
    metrics = compute_metrics(TOTALS, PlanSettings(), capacity=40.0, weeks=2.0)
    s1 = Period("S1", date(2026, 1, 1), date(2026, 1, 14), product_items=5.0, dev_items=2.5)
    s2 = Period("S2", date(2026, 1, 15), date(2026, 1, 28), product_items=3.0, dev_items=1.0)
    data = report(metrics, PlanSettings(), burden([s2, s1], [], [], date(2026, 1, 20)))
    assert data["on_product_index"] == 0.75 and data["basis"] == "effort"
    assert data["target"] == 0.75 and data["band"] == [0.7, 0.8]
    assert data["ops_share"] == 10 / 30
    assert data["effort_by_category"] == metrics.effort_by_category
    assert [b["sprint"] for b in data["burden"]] == ["S1", "S2"]  # type: ignore[index]
    assert data["burden"][0] == {  # type: ignore[index]
        "sprint": "S1",
        "start": "2026-01-01",
        "end": "2026-01-14",
        "product_ops_hours": 5.0,
        "dev_ops_hours": 2.5,
        "recurring_hours": 0.0,
        "recorded": False,
        "forecast": False,
    }
    assert data["burden"][1]["forecast"] is True  # type: ignore[index]
