"""Plan settings: the stage presets of PRODUCT.md and what a new plan starts with."""

from __future__ import annotations

from dataclasses import replace

import pytest

from onproduct.domain.items import ValidationError
from onproduct.domain.settings import STAGES, PlanSettings, stage, validate_settings


def test_a_new_plan_counts_effort_at_early_growth_in_hours() -> None:
    settings = PlanSettings()
    assert (settings.basis, settings.stage, settings.effort_unit) == (
        "effort",
        "early_growth",
        "hours",
    )
    assert (settings.target, settings.band) == (0.75, 0.05)
    assert settings.band_range == (0.7, 0.8)
    assert settings.ops_threshold == 40.0  # one full-time person
    assert settings.unit == "h"


@pytest.mark.parametrize(
    ("key", "target", "band"),
    [
        ("pre_pmf", 0.90, (0.85, 0.95)),
        ("early_growth", 0.75, (0.70, 0.80)),
        ("scaling", 0.65, (0.60, 0.70)),
        ("mature", 0.55, (0.50, 0.60)),
    ],
)
def test_stage_presets_set_target_and_band(
    key: str, target: float, band: tuple[float, float]
) -> None:
    settings = PlanSettings().with_stage(key)
    assert settings.target == target
    assert settings.band_range == band
    assert settings.follows_stage


def test_targets_fall_as_the_company_matures() -> None:
    targets = [s.target for s in STAGES]
    assert targets == sorted(targets, reverse=True)
    assert all(s.band == 0.05 for s in STAGES)


def test_a_preset_can_be_adjusted_and_a_custom_stage_keeps_its_numbers() -> None:
    adjusted = replace(PlanSettings(), target=0.72)
    assert adjusted.stage == "early_growth" and not adjusted.follows_stage
    custom = adjusted.with_stage("custom")
    assert (custom.stage, custom.target) == ("custom", 0.72)
    assert stage("custom") is None


def test_the_band_is_clipped_to_zero_and_one_hundred_percent() -> None:
    assert replace(PlanSettings(), target=0.98, band=0.05).band_range == (0.93, 1.0)


def test_points_convert_to_hours() -> None:
    points = replace(PlanSettings(), effort_unit="points", hours_per_point=6.0)
    assert points.unit == "pt"
    assert points.hours(2.5) == 15.0
    assert PlanSettings().hours(2.5) == 2.5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"basis": "tickets"}, "count or effort"),
        ({"stage": "unicorn"}, "Unknown stage"),
        ({"target": 0.0}, "more than 0%"),
        ({"target": 1.2}, "at most 100%"),
        ({"band": 0.6}, "between 0 and 50"),
        ({"effort_unit": "days"}, "hours or points"),
        ({"hours_per_point": 0}, "more than 0"),
        ({"hourly_cost": -1.0}, "between 0 and"),
        ({"ops_threshold": 0}, "more than 0 hours"),
        ({"target": float("nan")}, "must be a number"),
    ],
)
def test_bad_settings_are_refused(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_settings(replace(PlanSettings(), **change))  # type: ignore[arg-type]


def test_stored_settings_that_make_no_sense_fall_back_to_defaults() -> None:
    stored = {"basis": "count", "target": "lots", "band": 0.1, "effort_unit": "days", "extra": 1}
    settings = PlanSettings.from_stored(stored)
    assert settings.basis == "count"
    assert settings.band == 0.1
    assert settings.target == 0.75 and settings.effort_unit == "hours"
    assert PlanSettings.from_stored(PlanSettings().stored()) == PlanSettings()
