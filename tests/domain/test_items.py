"""The rules item and sprint fields follow, and how efforts and labels are typed."""

from __future__ import annotations

from datetime import date

import pytest

from onproduct.domain.items import (
    ItemFields,
    SprintFields,
    ValidationError,
    format_effort,
    parse_effort,
    parse_labels,
    validate_item,
    validate_sprint,
)


def test_an_item_is_cleaned_up() -> None:
    item = validate_item(
        ItemFields(
            title="  Fix   the  export ",
            category="tech_debt",
            description="Details\n\n",
            labels=(" billing ", "Billing", "tax"),
            external_key="  LED-1 ",
        )
    )
    assert item.title == "Fix the export"
    assert item.description == "Details"
    assert item.labels == ("billing", "tax")  # the same label twice counts once
    assert item.external_key == "LED-1"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (ItemFields("   ", "feature"), "needs a title"),
        (ItemFields("x" * 501, "feature"), "at most 500"),
        (ItemFields("A", "bug"), "Unknown category 'bug'"),
        (ItemFields("A", "feature", status="blocked"), "Unknown status"),
        (ItemFields("A", "feature", estimate=-1), "estimate must be a number of 0 or more"),
        (ItemFields("A", "feature", actual=float("nan")), "actual effort must be a number"),
        (ItemFields("A", "feature", estimate=2_000_000), "cannot be more than"),
        (ItemFields("A", "feature", labels=("a;b",)), "cannot contain"),
        (ItemFields("A", "feature", labels=("x" * 61,)), "at most 60"),
        (ItemFields("A", "feature", external_key="K" * 101), "at most 100"),
    ],
)
def test_bad_item_fields_are_refused_with_a_reason(fields: ItemFields, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        validate_item(fields)


def test_an_empty_external_key_means_none() -> None:
    assert validate_item(ItemFields("A", "feature", external_key="  ")).external_key is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("", None), ("  ", None), ("3", 3.0), ("2,5", 2.5), ("1.5h", 1.5), ("0", 0.0)],
)
def test_efforts_are_typed_as_people_write_them(text: str, value: float | None) -> None:
    assert parse_effort(text) == value


@pytest.mark.parametrize("text", ["abc", "1..2", "-3"])
def test_a_bad_effort_says_what_is_wrong(text: str) -> None:
    with pytest.raises(ValidationError, match="estimate"):
        parse_effort(text)


def test_efforts_are_shown_without_needless_decimals() -> None:
    assert format_effort(5.0) == "5 h"
    assert format_effort(2.5) == "2.5 h"
    assert format_effort(None) == "—"
    assert format_effort(3, "pt") == "3 pt"


def test_labels_can_be_separated_by_commas_or_semicolons() -> None:
    assert parse_labels("ux, billing;  api ,, ") == ("ux", "billing", "api")


def test_a_sprint_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValidationError, match="end before it starts"):
        validate_sprint(SprintFields("S", date(2026, 5, 2), date(2026, 5, 1)))


def test_a_sprint_needs_a_name_and_a_sane_capacity() -> None:
    with pytest.raises(ValidationError, match="needs a name"):
        validate_sprint(SprintFields(" ", date(2026, 5, 1), date(2026, 5, 2)))
    with pytest.raises(ValidationError, match="capacity"):
        validate_sprint(SprintFields("S", date(2026, 5, 1), date(2026, 5, 2), -5))
    one_day = validate_sprint(SprintFields(" S  1 ", date(2026, 5, 1), date(2026, 5, 1), 40))
    assert one_day.name == "S 1"


def test_an_item_placed_from_its_fields_keeps_every_field() -> None:
    from dataclasses import fields as dataclass_fields
    from datetime import date

    from onproduct.domain.items import ITEM_FIELD_NAMES, Item, ItemFields

    given = ItemFields(
        title="T", category="automation", description="d", estimate=1.0, actual=2.0,
        status="done", labels=("a",), external_key="K-1", operation_id=7,
        saves_hours_per_week=3.0, done_on=date(2026, 1, 2),
    )  # fmt: skip
    item = Item.placed(5, given, 9, 4.5)
    assert item.editable == given
    assert (item.id, item.sprint_id, item.rank) == (5, 9, 4.5)
    # Every field of ItemFields is a distinct value above, so a swapped position shows.
    assert len({repr(getattr(given, f.name)) for f in dataclass_fields(given)}) == len(
        ITEM_FIELD_NAMES
    )


def test_a_clean_item_is_returned_as_it_is_and_a_dirty_one_cleaned() -> None:
    from onproduct.domain.items import ItemFields, validate_item

    clean = ItemFields(title="Quotes", category="feature", estimate=3.0, labels=("a",))
    assert validate_item(clean) is clean
    dirty = ItemFields(title=" Quotes ", category="feature", estimate=3, labels=("a", "A"))
    cleaned = validate_item(dirty)
    assert (cleaned.title, cleaned.labels) == ("Quotes", ("a",))
    assert type(cleaned.estimate) is float
