"""The five kinds of work a product team does, in board order."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Group(Enum):
    """Whether a category improves the product, pays down debt, or keeps it running by hand."""

    ON_PRODUCT = "on_product"
    DEVELOPMENT = "development"
    OPERATIONS = "operations"


@dataclass(frozen=True, slots=True)
class Category:
    """One lane of the board."""

    key: str
    name: str
    short: str  # for places with little room, such as a card
    group: Group
    purpose: str

    @property
    def is_development(self) -> bool:
        """Development work is everything that changes the product or the way it is built."""
        return self.group is not Group.OPERATIONS

    @property
    def is_on_product(self) -> bool:
        return self.group is Group.ON_PRODUCT

    @property
    def is_operations(self) -> bool:
        return self.group is Group.OPERATIONS


CATEGORIES: tuple[Category, ...] = (
    Category(
        "feature",
        "Product improvement",
        "Improvement",
        Group.ON_PRODUCT,
        "Makes the product more valuable to its customers.",
    ),
    Category(
        "automation",
        "Ops automation",
        "Automation",
        Group.ON_PRODUCT,
        "Removes a manual product operation for good.",
    ),
    Category(
        "tech_debt",
        "Technical debt",
        "Tech debt",
        Group.DEVELOPMENT,
        "Lowers the team's own manual burden, e.g. setting up CI/CD.",
    ),
    Category(
        "product_ops",
        "Product operations",
        "Product ops",
        Group.OPERATIONS,
        "Manual work done for a customer as part of delivering value.",
    ),
    Category(
        "dev_ops",
        "Development operations",
        "Dev ops",
        Group.OPERATIONS,
        "Manual work the team does because of technical debt, e.g. hand deploys.",
    ),
)

CATEGORY_KEYS: tuple[str, ...] = tuple(c.key for c in CATEGORIES)
# One hue per category, chosen to stay apart for the common colour-vision deficiencies
# (blue / teal / amber / purple / vermilion); the board and exported PDFs share them.
CATEGORY_HUES = {
    "feature": "#2f6fdb",
    "automation": "#0f9488",
    "tech_debt": "#c98a0b",
    "product_ops": "#8e44c7",
    "dev_ops": "#d1493b",
}
_BY_KEY = {c.key: c for c in CATEGORIES}


def category(key: str) -> Category:
    """The category with this key; raises KeyError naming the valid keys otherwise."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(
            f"unknown category {key!r}; expected one of {', '.join(CATEGORY_KEYS)}"
        ) from None


def lane_index(key: str) -> int:
    """Position of the category's lane on the board, counted from 0."""
    return CATEGORY_KEYS.index(key)
