"""Backlog items and sprints as plain records, and the rules their fields follow."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from typing import Any

from onproduct.domain.categories import CATEGORY_KEYS

STATUSES: tuple[str, ...] = ("todo", "doing", "done")
STATUS_NAMES = {"todo": "To do", "doing": "Doing", "done": "Done"}

MAX_TITLE = 500
MAX_LABEL = 60
MAX_KEY = 100
MAX_EFFORT = 1_000_000.0

# Labels are written to CSV joined by ';', so neither separator may appear inside one.
_LABEL_SPLIT = re.compile(r"[;,]")


class ValidationError(ValueError):
    """A field value a user typed or a file carried breaks a rule; the message says which."""


# Not frozen, like Item below: an import builds one per row, and a frozen dataclass
# costs twice as much to build. Treat them as values all the same: use replace().
@dataclass(slots=True)
class ItemFields:
    """Everything about an item a user can edit."""

    title: str
    category: str
    description: str = ""
    estimate: float | None = None
    actual: float | None = None
    status: str = "todo"
    labels: tuple[str, ...] = ()
    external_key: str | None = None
    # Automation items only: the recurring operation they remove, and the hours it saves.
    operation_id: int | None = None
    saves_hours_per_week: float | None = None
    # When the item was done; done items without one count as done at their sprint's end.
    done_on: date | None = None


ITEM_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(ItemFields))


# Not frozen: building a frozen dataclass costs three times as much, and a plan loads
# 100,000 of them. Treat items as values all the same: change them with replace().
@dataclass(slots=True)
class Item:
    """An item as stored: its fields plus identity and place on the board."""

    id: int
    title: str
    category: str
    description: str = ""
    estimate: float | None = None
    actual: float | None = None
    status: str = "todo"
    labels: tuple[str, ...] = ()
    external_key: str | None = None
    operation_id: int | None = None
    saves_hours_per_week: float | None = None
    done_on: date | None = None
    sprint_id: int | None = None
    rank: float = 0.0
    # How many times the stored row has been changed: a change is written only over
    # the version it was made from (so nobody's change silently overwrites another's).
    version: int = 0

    @property
    def editable(self) -> ItemFields:
        return ItemFields(**{name: getattr(self, name) for name in ITEM_FIELD_NAMES})

    @classmethod
    def placed(cls, item_id: int, f: ItemFields, sprint_id: int | None, rank: float) -> Item:
        """An item made of its fields and a place (positional: imports make 100,000)."""
        return cls(
            item_id,
            f.title,
            f.category,
            f.description,
            f.estimate,
            f.actual,
            f.status,
            f.labels,
            f.external_key,
            f.operation_id,
            f.saves_hours_per_week,
            f.done_on,
            sprint_id,
            rank,
        )

    def values(self, names: Iterable[str]) -> dict[str, Any]:
        return {name: getattr(self, name) for name in names}


@dataclass(frozen=True, slots=True)
class SprintFields:
    """Everything about a sprint a user edits in the sprint dialog."""

    name: str
    start: date
    end: date
    capacity: float | None = None
    # Revenue (or customers) the product brought in during the sprint, if recorded.
    revenue: float | None = None


@dataclass(frozen=True, slots=True)
class Baseline:
    """The planned allocation of a sprint, kept when the user baselines it."""

    taken_on: date
    effort_by_category: dict[str, float]
    count_by_category: dict[str, int]
    product_ops_hours: float
    dev_ops_hours: float


@dataclass(frozen=True, slots=True)
class SprintRecord:
    """What closing a sprint records; a closed sprint is history."""

    closed: bool = False
    product_ops_hours: float | None = None
    dev_ops_hours: float | None = None


@dataclass(frozen=True, slots=True)
class Sprint:
    """A sprint as stored."""

    id: int
    name: str
    start: date
    end: date
    capacity: float | None = None
    revenue: float | None = None
    record: SprintRecord = SprintRecord()
    baseline: Baseline | None = None
    version: int = 0  # see Item.version

    @property
    def editable(self) -> SprintFields:
        return SprintFields(self.name, self.start, self.end, self.capacity, self.revenue)

    @property
    def closed(self) -> bool:
        return self.record.closed

    @property
    def weeks(self) -> float:
        return ((self.end - self.start).days + 1) / 7

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One item's fields before and after a change, so it can be applied either way."""

    item_id: int
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    def reversed(self) -> ItemChange:
        return ItemChange(self.item_id, self.after, self.before)


def parse_labels(text: str) -> tuple[str, ...]:
    """Split a typed label list ("ux, billing; api") into clean, de-duplicated labels."""
    return clean_labels(_LABEL_SPLIT.split(text))


def clean_labels(labels: Iterable[str]) -> tuple[str, ...]:
    """Labels without blanks, separators or doubles (case-insensitive), in their order."""
    return _clean_labels(tuple(labels))


@lru_cache(maxsize=4096)  # imports meet the same few label sets on every row
def _clean_labels(labels: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    result: list[str] = []
    for raw in labels:
        label = " ".join(raw.split())
        if not label:
            continue
        if _LABEL_SPLIT.search(label):
            raise ValidationError(f"A label cannot contain ';' or ',': {label!r}.")
        if len(label) > MAX_LABEL:
            raise ValidationError(f"A label can be at most {MAX_LABEL} characters: {label!r}.")
        folded = label.casefold()
        if folded not in seen:
            seen.add(folded)
            result.append(label)
    return tuple(result)


def format_labels(labels: Iterable[str]) -> str:
    return ", ".join(labels)


def check_effort(value: float | None, what: str) -> float | None:
    if value is None:
        return None
    if type(value) is float and 0 <= value <= MAX_EFFORT:
        return value  # the usual case, in one step (false for nan and infinities)
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise ValidationError(f"The {what} must be a number of 0 or more.")
    if value > MAX_EFFORT:
        raise ValidationError(f"The {what} cannot be more than {MAX_EFFORT:,.0f}.")
    return value


def check_key(key: str | None) -> str | None:
    """An external key without surrounding spaces (None when there is none)."""
    key = (key or "").strip() or None
    if key is not None and len(key) > MAX_KEY:
        raise ValidationError(f"An external key can be at most {MAX_KEY} characters.")
    return key


def validate_item(item: ItemFields) -> ItemFields:
    """The item with its fields cleaned up, or ValidationError saying what is wrong."""
    title = " ".join(item.title.split())
    if not title:
        raise ValidationError("An item needs a title.")
    if len(title) > MAX_TITLE:
        raise ValidationError(f"A title can be at most {MAX_TITLE} characters.")
    if item.category not in CATEGORY_KEYS:
        raise ValidationError(
            f"Unknown category {item.category!r}; use one of {', '.join(CATEGORY_KEYS)}."
        )
    if item.status not in STATUSES:
        raise ValidationError(f"Unknown status {item.status!r}; use todo, doing or done.")
    key = check_key(item.external_key)
    operation, saves = (
        item.operation_id,
        check_effort(item.saves_hours_per_week, "hours saved per week"),
    )
    if item.category != "automation":
        operation, saves = None, None  # only automation removes an operation
    done_on = item.done_on if item.status == "done" else None
    description = item.description.rstrip()
    estimate = check_effort(item.estimate, "estimate")
    actual = check_effort(item.actual, "actual effort")
    labels = clean_labels(item.labels)
    if (
        title == item.title
        and description == item.description
        and estimate == item.estimate
        and type(estimate) is type(item.estimate)  # 3 and 3.0 are equal, not the same
        and actual == item.actual
        and type(actual) is type(item.actual)
        and labels == item.labels
        and key == item.external_key
        and operation == item.operation_id
        and saves == item.saves_hours_per_week
        and type(saves) is type(item.saves_hours_per_week)
        and done_on == item.done_on
    ):
        return item  # already clean (an import's rows mostly are): no second object
    return ItemFields(
        title=title,
        category=item.category,
        description=description,
        estimate=estimate,
        actual=actual,
        status=item.status,
        labels=labels,
        external_key=key,
        operation_id=operation,
        saves_hours_per_week=saves,
        done_on=done_on,
    )


def sprint_named(sprints: Iterable[Sprint], name: str) -> Sprint:
    """The sprint called `name` (case and spacing aside); ValidationError naming those
    there are when none is."""
    folded = " ".join(name.split()).casefold()
    sprints = list(sprints)
    for sprint in sprints:
        if sprint.name.casefold() == folded:
            return sprint
    names = ", ".join(s.name for s in sprints) or "none"
    raise ValidationError(f"the plan has no sprint {name!r} (its sprints: {names}).")


def validate_sprint(sprint: SprintFields) -> SprintFields:
    name = " ".join(sprint.name.split())
    if not name:
        raise ValidationError("A sprint needs a name.")
    if len(name) > MAX_TITLE:
        raise ValidationError(f"A sprint name can be at most {MAX_TITLE} characters.")
    if sprint.end < sprint.start:
        raise ValidationError("A sprint cannot end before it starts.")
    revenue = sprint.revenue
    if revenue is not None and (not math.isfinite(revenue) or revenue < 0):
        raise ValidationError("Revenue must be a number of 0 or more.")
    return SprintFields(
        name, sprint.start, sprint.end, check_effort(sprint.capacity, "capacity"), revenue
    )


def format_effort(value: float | None, unit: str = "h") -> str:
    """An effort as a person reads it: "5 h", "2.5 h", "—" when unknown."""
    if value is None:
        return "—"
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"


def parse_effort(text: str, what: str = "estimate") -> float | None:
    """A typed effort ("", "3", "2,5", "1.5h") as a number; empty means unknown."""
    cleaned = text.strip().lower().removesuffix("h").strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise ValidationError(f"The {what} must be a number, not {text.strip()!r}.") from None
    return check_effort(value, what)


def parse_amount(text: str, what: str) -> float | None:
    """A typed amount (revenue, customers): a number of 0 or more, no upper bound."""
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        raise ValidationError(f"The {what} must be a number, not {text.strip()!r}.") from None
    if not math.isfinite(value) or value < 0:
        raise ValidationError(f"The {what} must be a number of 0 or more.")
    return value
