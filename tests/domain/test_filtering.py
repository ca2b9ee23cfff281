"""The board filter: words anywhere, #labels by prefix, every term must match."""

from __future__ import annotations

from onproduct.domain.filtering import ItemFilter, search_key
from onproduct.domain.items import Item

ITEM = Item(
    id=1,
    title="Automatic VAT rules",
    category="automation",
    description="Removes hand corrections.",
    labels=("Tax", "billing"),
    external_key="LED-142",
)


def matches(text: str) -> bool:
    return ItemFilter.parse(text).matches(search_key(ITEM))


def test_words_match_title_key_description_and_labels_ignoring_case() -> None:
    assert matches("vat")
    assert matches("led-142")
    assert matches("HAND corrections")
    assert matches("billing")
    assert not matches("invoice")


def test_every_term_must_match() -> None:
    assert matches("vat rules")
    assert not matches("vat invoice")


def test_label_terms_match_label_prefixes_only() -> None:
    assert matches("#bill")
    assert matches("label:tax")
    assert not matches("#vat")  # in the title, but not a label
    assert matches("#tax #billing vat")
    assert not matches("#tax #security")


def test_an_empty_filter_matches_everything() -> None:
    for text in ("", "   ", "#", "label:"):
        item_filter = ItemFilter.parse(text)
        assert item_filter.is_empty
        assert item_filter.matches(search_key(ITEM))


def test_typing_more_narrows_and_anything_else_does_not() -> None:
    parse = ItemFilter.parse
    assert parse("inv").narrows(parse(""))
    assert parse("invoice").narrows(parse("inv"))
    assert parse("invoice #bill").narrows(parse("invoice"))
    assert parse("invoice #billing").narrows(parse("invoice #bill"))
    assert parse("tax invoice").narrows(parse("voice"))
    assert not parse("inv").narrows(parse("invoice"))  # deleting a letter widens
    assert not parse("").narrows(parse("inv"))
    assert not parse("#bill").narrows(parse("#billing"))
    assert not parse("tax").narrows(parse("invoice"))


def test_select_keeps_the_order_and_agrees_with_matches() -> None:
    items = [
        Item(1, "Invoice export", "feature", labels=("billing",)),
        Item(2, "Tax report", "feature", labels=("tax", "billing-eu")),
        Item(3, "Invoice reminders", "feature", description="by tax region"),
        Item(4, "Login", "tech_debt"),
    ]
    keys = {item.id: search_key(item) for item in items}
    for text in ("invoice", "tax", "invoice tax", "#bill", "#billing-eu", "in #bill", "zzz", ""):
        wanted = ItemFilter.parse(text)
        expected = [i.id for i in items if wanted.matches(keys[i.id])]
        assert wanted.select([4, 3, 2, 1], keys) == [i for i in [4, 3, 2, 1] if i in expected]
