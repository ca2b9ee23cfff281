"""The sample plan a first launch starts from: a small invoicing product at early growth.

The story it tells: customer onboarding and invoice fixes were done by hand and kept
growing with every new customer, deploys were manual; the team set up CI/CD and
automated onboarding, and the hours of manual operations started to fall.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from onproduct.domain.items import ItemFields, SprintFields

SPRINT_DAYS = 14
PAST_SPRINTS = 4
CAPACITY_HOURS = 160.0


@dataclass(frozen=True, slots=True)
class SampleItem:
    """An item of the sample plan and the sprint it sits in (an index into the sprints)."""

    fields: ItemFields
    sprint: int | None


@dataclass(frozen=True, slots=True)
class SamplePlan:
    sprints: tuple[SprintFields, ...]
    items: tuple[SampleItem, ...]


# sprint, category, title, estimate, actual, status, labels, key, description
_Row = tuple[int | None, str, str, float | None, float | None, str, str, str, str]

_ROWS: tuple[_Row, ...] = (
    # Sprint 21: manual onboarding grows with every new customer, deploys by hand.
    (0, "feature", "PDF invoice templates", 24, 28, "done", "billing", "LED-101", ""),
    (0, "feature", "Send invoices by e-mail", 16, 14, "done", "billing", "LED-102", ""),
    (0, "feature", "Customer list search", 8, 9, "done", "ux", "LED-104", ""),
    (0, "tech_debt", "Split the monolithic settings module", 12, 16, "done", "", "LED-106", ""),
    (
        0,
        "product_ops",
        "Onboard new customers by hand (5 accounts)",
        10,
        12,
        "done",
        "onboarding",
        "LED-107",
        "Create the account, import their customer list, set up taxes.",
    ),
    (
        0,
        "product_ops",
        "Fix Acme's broken invoice export",
        6,
        6,
        "done",
        "customer:acme;billing",
        "LED-108",
        "",
    ),
    (
        0,
        "dev_ops",
        "Hand deploy releases 1.4 and 1.5",
        8,
        10,
        "done",
        "release",
        "LED-109",
        "Copy the build to the server, run migrations, restart workers.",
    ),
    # Sprint 22
    (1, "feature", "Recurring invoices", 32, 36, "done", "billing", "LED-110", ""),
    (1, "feature", "Payment reminders", 12, 12, "done", "billing", "LED-111", ""),
    (
        1,
        "tech_debt",
        "Set up CI with automated tests",
        20,
        24,
        "done",
        "infra",
        "LED-112",
        "Every push runs the test suite; red builds block merges.",
    ),
    (
        1,
        "product_ops",
        "Onboard new customers by hand (8 accounts)",
        16,
        18,
        "done",
        "onboarding",
        "LED-113",
        "",
    ),
    (
        1,
        "product_ops",
        "Correct VAT on invoices for EU customers",
        8,
        8,
        "done",
        "billing;tax",
        "LED-114",
        "",
    ),
    (1, "dev_ops", "Hand deploy releases 1.6 and 1.7", 8, 9, "done", "release", "LED-115", ""),
    (1, "dev_ops", "Restart the stuck sync worker", 2, 3, "done", "infra", "LED-116", ""),
    # Sprint 23: the team starts automating.
    (
        2,
        "automation",
        "Self-service onboarding wizard",
        30,
        34,
        "done",
        "onboarding",
        "LED-120",
        "Customers create their account and import their list themselves.",
    ),
    (2, "feature", "Multi-currency invoices", 28, 30, "done", "billing", "LED-121", ""),
    (
        2,
        "tech_debt",
        "Continuous deployment to staging and production",
        16,
        18,
        "done",
        "infra;release",
        "LED-122",
        "",
    ),
    (
        2,
        "product_ops",
        "Onboard new customers by hand (11 accounts)",
        22,
        24,
        "done",
        "onboarding",
        "LED-123",
        "",
    ),
    (2, "product_ops", "Answer tax questions from customers", 6, 7, "done", "tax", "LED-124", ""),
    (2, "dev_ops", "Hand deploy release 1.8", 4, 4, "done", "release", "LED-125", ""),
    # Sprint 24: onboarding is self-service now; deploys are automatic.
    (
        3,
        "automation",
        "Automatic bank reconciliation import",
        24,
        26,
        "done",
        "billing",
        "LED-130",
        "Replaces the weekly hand import of bank statements.",
    ),
    (
        3,
        "feature",
        "Customer portal: download past invoices",
        20,
        18,
        "done",
        "portal;ux",
        "LED-131",
        "",
    ),
    (3, "feature", "Dark mode for the web app", 8, 10, "done", "ux", "LED-132", ""),
    (
        3,
        "tech_debt",
        "Upgrade the web framework to the current release",
        14,
        15,
        "done",
        "infra",
        "LED-133",
        "",
    ),
    (
        3,
        "product_ops",
        "Help three customers finish self-service onboarding",
        6,
        5,
        "done",
        "onboarding",
        "LED-134",
        "",
    ),
    (3, "product_ops", "Import bank statements by hand", 8, 8, "done", "billing", "LED-135", ""),
    (
        3,
        "dev_ops",
        "Rotate expiring TLS certificates by hand",
        2,
        2,
        "done",
        "infra;security",
        "LED-136",
        "",
    ),
    # Sprint 25: the current sprint.
    (4, "feature", "Quotes that turn into invoices", 26, 10, "doing", "billing", "LED-140", ""),
    (4, "feature", "Invoice numbering per country", 10, None, "todo", "billing;tax", "LED-141", ""),
    (
        4,
        "automation",
        "Automatic VAT rules for EU customers",
        20,
        6,
        "doing",
        "tax;billing",
        "LED-142",
        "Removes the hand corrections of VAT on EU invoices.",
    ),
    (4, "tech_debt", "Error monitoring with alerts", 8, 8, "done", "infra", "LED-143", ""),
    (4, "tech_debt", "Remove the legacy CSV exporter", 6, None, "todo", "", "LED-144", ""),
    (
        4,
        "product_ops",
        "Correct VAT on invoices for EU customers",
        6,
        None,
        "todo",
        "billing;tax",
        "LED-145",
        "",
    ),
    (
        4,
        "product_ops",
        "Migrate Globex's data from their old tool",
        8,
        4,
        "doing",
        "customer:globex;onboarding",
        "LED-146",
        "",
    ),
    (
        4,
        "dev_ops",
        "Renew the TLS certificates by hand",
        2,
        None,
        "todo",
        "infra;security",
        "LED-147",
        "",
    ),
    # Sprint 26: next sprint, being planned.
    (
        5,
        "feature",
        "Stripe payment links on invoices",
        18,
        None,
        "todo",
        "billing;payments",
        "LED-150",
        "",
    ),
    (
        5,
        "automation",
        "Automatic certificate renewal",
        4,
        None,
        "todo",
        "infra;security",
        "LED-151",
        "Ends the hand renewal of certificates.",
    ),
    (
        5,
        "tech_debt",
        "Speed up the invoice list query",
        6,
        None,
        "todo",
        "performance",
        "LED-152",
        "",
    ),
    (
        5,
        "product_ops",
        "Hand-check invoices of the five largest customers",
        4,
        None,
        "todo",
        "billing",
        "LED-153",
        "",
    ),
    # The backlog.
    (
        None,
        "feature",
        "Expense tracking",
        40,
        None,
        "todo",
        "expenses",
        "LED-160",
        "Let customers attach receipts and track expenses next to invoices.",
    ),
    (
        None,
        "feature",
        "Mobile app: send an invoice from a phone",
        60,
        None,
        "todo",
        "mobile",
        "LED-161",
        "",
    ),
    (
        None,
        "feature",
        "Client time tracking import",
        20,
        None,
        "todo",
        "integrations",
        "LED-162",
        "",
    ),
    (None, "feature", "Late payment fees", 8, None, "todo", "billing", "LED-163", ""),
    (
        None,
        "feature",
        "Team accounts with roles",
        None,
        None,
        "todo",
        "accounts",
        "LED-164",
        "Needs a design session before it can be estimated.",
    ),
    (
        None,
        "automation",
        "Self-service data migration from other tools",
        30,
        None,
        "todo",
        "onboarding",
        "LED-165",
        "Customers import their data from their old tool themselves.",
    ),
    (
        None,
        "automation",
        "Automatic dunning e-mails",
        12,
        None,
        "todo",
        "billing;payments",
        "LED-166",
        "",
    ),
    (
        None,
        "automation",
        "Tax answer library in the help centre",
        10,
        None,
        "todo",
        "tax;support",
        "LED-167",
        "",
    ),
    (
        None,
        "tech_debt",
        "Replace the hand-written PDF renderer",
        24,
        None,
        "todo",
        "billing",
        "LED-168",
        "",
    ),
    (
        None,
        "tech_debt",
        "Database backups tested by restore",
        6,
        None,
        "todo",
        "infra;security",
        "LED-169",
        "",
    ),
    (None, "tech_debt", "Type-check the billing module", 10, None, "todo", "", "LED-170", ""),
    (
        None,
        "product_ops",
        "Monthly usage report for Initech",
        3,
        None,
        "todo",
        "customer:initech",
        "LED-171",
        "",
    ),
    (
        None,
        "product_ops",
        "Answer tax questions from customers",
        6,
        None,
        "todo",
        "tax",
        "LED-172",
        "",
    ),
    (None, "dev_ops", "Clean up old staging databases", 2, None, "todo", "infra", "LED-173", ""),
    (
        None,
        "dev_ops",
        "Rebuild the demo environment by hand",
        4,
        None,
        "todo",
        "demo",
        "LED-174",
        "",
    ),
)


# Automation items: the manual operation each removes and the hours a week it saves.
_AUTOMATES = {
    "LED-120": ("Onboard new customers by hand", 8.0),
    "LED-130": ("Import bank statements by hand", 4.0),
    "LED-142": ("Correct VAT on EU invoices by hand", 3.0),
    "LED-151": ("Renew TLS certificates by hand", 0.5),
    "LED-165": ("Migrate customer data from other tools by hand", 5.0),
    "LED-166": ("Chase late payments by e-mail", 2.0),
    "LED-167": ("Answer tax questions from customers", 1.5),
}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def sample_plan(today: date) -> SamplePlan:
    """The sample plan with its current sprint around `today` and four behind it."""
    first_start = _monday(today) - timedelta(days=SPRINT_DAYS * PAST_SPRINTS)
    sprint_count = PAST_SPRINTS + 2
    sprints = tuple(
        SprintFields(
            name=f"Sprint {21 + n}",
            start=first_start + timedelta(days=SPRINT_DAYS * n),
            end=first_start + timedelta(days=SPRINT_DAYS * (n + 1) - 1),
            capacity=CAPACITY_HOURS,
        )
        for n in range(sprint_count)
    )
    items = tuple(
        SampleItem(
            ItemFields(
                title=title,
                category=category,
                description=description,
                estimate=float(estimate) if estimate is not None else None,
                actual=float(actual) if actual is not None else None,
                status=status,
                labels=tuple(label for label in labels.split(";") if label),
                external_key=key,
                removes_operation=_AUTOMATES[key][0] if key in _AUTOMATES else None,
                saves_hours_per_week=_AUTOMATES[key][1] if key in _AUTOMATES else None,
            ),
            sprint,
        )
        for sprint, category, title, estimate, actual, status, labels, key, description in _ROWS
    )
    return SamplePlan(sprints, items)
