"""A plan's own settings: the company's stage and target index, the basis, the effort unit."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from onproduct.domain.items import ValidationError


@dataclass(frozen=True, slots=True)
class Stage:
    """Where the company is, and the share of development it should put into the product."""

    key: str
    name: str
    target: float
    band: float
    why: str


STAGES: tuple[Stage, ...] = (
    Stage(
        "pre_pmf",
        "Before product–market fit",
        0.90,
        0.05,
        "Nearly everything goes into learning what customers want.",
    ),
    Stage(
        "early_growth",
        "Early growth",
        0.75,
        0.05,
        "Mostly product, with room to keep the code base workable.",
    ),
    Stage(
        "scaling",
        "Scaling",
        0.65,
        0.05,
        "More for debt and automation so the product keeps up with growth.",
    ),
    Stage(
        "mature",
        "Mature",
        0.55,
        0.05,
        "A sustainable, maintainable product matters as much as new features.",
    ),
)
CUSTOM_STAGE = "custom"
STAGE_KEYS = (*(s.key for s in STAGES), CUSTOM_STAGE)
_STAGES = {s.key: s for s in STAGES}

BASES = ("count", "effort")
UNITS = ("hours", "points")
UNIT_SYMBOLS = {"hours": "h", "points": "pt"}


def stage(key: str) -> Stage | None:
    """The preset for a stage key; None for a custom stage."""
    return _STAGES.get(key)


def stage_name(key: str) -> str:
    preset = _STAGES.get(key)
    return preset.name if preset is not None else "Custom"


@dataclass(frozen=True, slots=True)
class PlanSettings:
    """Settings stored in the plan file. The defaults are those of a new plan (PRODUCT.md)."""

    basis: str = "effort"
    stage: str = "early_growth"
    target: float = 0.75
    band: float = 0.05
    effort_unit: str = "hours"
    hours_per_point: float = 4.0
    hourly_cost: float | None = None
    # Product operations above this many hours a week need more than one person.
    ops_threshold: float = 40.0
    # What revenue is recorded in per sprint: an amount ("k€") or a count ("customers").
    revenue_unit: str = "k€"

    @property
    def unit(self) -> str:
        """The symbol efforts are shown with: "h" or "pt"."""
        return UNIT_SYMBOLS[self.effort_unit]

    @property
    def band_range(self) -> tuple[float, float]:
        """The target band as fractions, clipped to 0–1."""
        low = max(0.0, self.target - self.band)
        high = min(1.0, self.target + self.band)
        return (round(low, 9), round(high, 9))

    def hours(self, effort: float) -> float:
        """An effort in the plan's unit, in hours."""
        return effort * self.hours_per_point if self.effort_unit == "points" else effort

    @property
    def follows_stage(self) -> bool:
        """True when target and band are the stage's preset."""
        preset = stage(self.stage)
        return preset is not None and (preset.target, preset.band) == (self.target, self.band)

    def with_stage(self, key: str) -> PlanSettings:
        """Switch stage, taking the stage's preset target and band."""
        preset = stage(key)
        if preset is None:
            return replace(self, stage=CUSTOM_STAGE)
        return replace(self, stage=key, target=preset.target, band=preset.band)

    def stored(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_stored(cls, values: Mapping[str, Any]) -> PlanSettings:
        """Settings from a plan file; a value that is missing or unusable takes its default.

        A plan edited by hand or by another tool still opens; the settings dialog then
        shows, and saves, what is actually in effect.
        """
        defaults = cls()
        chosen: dict[str, Any] = {}
        for field in fields(cls):
            value = values.get(field.name, getattr(defaults, field.name))
            try:
                validate_settings(replace(defaults, **{field.name: value}))
            except (ValidationError, TypeError, ValueError):
                value = getattr(defaults, field.name)
            chosen[field.name] = value
        return cls(**chosen)


def _fraction(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"The {what} must be a number.")
    return float(value)


def validate_settings(settings: PlanSettings) -> PlanSettings:
    """The settings, or ValidationError saying which value is out of bounds."""
    if settings.basis not in BASES:
        raise ValidationError(f"The basis must be count or effort, not {settings.basis!r}.")
    if settings.stage not in STAGE_KEYS:
        raise ValidationError(f"Unknown stage {settings.stage!r}.")
    target = _fraction(settings.target, "target")
    if not 0.0 < target <= 1.0:
        raise ValidationError("The target index must be more than 0% and at most 100%.")
    band = _fraction(settings.band, "band")
    if not 0.0 <= band <= 0.5:
        raise ValidationError("The band must be between 0 and 50 points.")
    if settings.effort_unit not in UNITS:
        raise ValidationError(
            f"The effort unit must be hours or points, not {settings.effort_unit!r}."
        )
    per_point = _fraction(settings.hours_per_point, "hours per point")
    if not 0.0 < per_point <= 1000.0:
        raise ValidationError("Hours per point must be more than 0 and at most 1,000.")
    if settings.hourly_cost is not None:
        cost = _fraction(settings.hourly_cost, "hourly cost")
        if not 0.0 <= cost <= 1_000_000.0:
            raise ValidationError("The hourly cost must be between 0 and 1,000,000.")
    threshold = _fraction(settings.ops_threshold, "operations threshold")
    if not 0.0 < threshold <= 10_000.0:
        raise ValidationError("The operations threshold must be more than 0 hours a week.")
    if (
        not isinstance(settings.revenue_unit, str)
        or not 0 < len(settings.revenue_unit.strip()) <= 20
    ):
        raise ValidationError("Name what revenue is counted in (such as k€ or customers).")
    return settings
