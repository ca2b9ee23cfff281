"""The five categories and which of them count as development and as on-product work."""

from __future__ import annotations

import pytest

from onproduct.domain.categories import CATEGORIES, CATEGORY_KEYS, category, lane_index


def test_lanes_are_the_five_categories_in_board_order() -> None:
    assert CATEGORY_KEYS == ("feature", "automation", "tech_debt", "product_ops", "dev_ops")
    assert [lane_index(key) for key in CATEGORY_KEYS] == [0, 1, 2, 3, 4]


def test_on_product_is_features_and_automation_and_operations_are_not_development() -> None:
    on_product = {c.key for c in CATEGORIES if c.is_on_product}
    development = {c.key for c in CATEGORIES if c.is_development}
    operations = {c.key for c in CATEGORIES if c.is_operations}
    assert on_product == {"feature", "automation"}
    assert development == {"feature", "automation", "tech_debt"}
    assert operations == {"product_ops", "dev_ops"}


def test_unknown_category_names_the_valid_keys() -> None:
    with pytest.raises(KeyError, match="feature, automation, tech_debt"):
        category("bug")
