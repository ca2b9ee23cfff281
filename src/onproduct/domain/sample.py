"""The sample plan a first launch starts from: a small invoicing product at early growth.

The story it tells: as customers came, the manual work grew, onboarding by hand, bank
statements, VAT corrections, hand deploys. The team set up continuous deployment and
automated onboarding and the bank import, and the hours of manual operations began
to fall; the VAT rules are being automated in the current sprint.

Recurring manual processes are operations of the register; the items in the
operations lanes are one-off manual tasks, so nothing is counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from onproduct.domain.items import ItemFields, SprintFields
from onproduct.domain.operations import OperationFields

SPRINT_DAYS = 14
PAST_SPRINTS = 4
CAPACITY_HOURS = 160.0


@dataclass(frozen=True, slots=True)
class SampleItem:
    """An item of the sample plan, its sprint (an index into the sprints) and the
    operation it removes (by name), if any."""

    fields: ItemFields
    sprint: int | None
    operation: str | None = None


@dataclass(frozen=True, slots=True)
class SamplePlan:
    sprints: tuple[SprintFields, ...]
    operations: tuple[OperationFields, ...]
    items: tuple[SampleItem, ...]


# sprint, category, title, estimate, actual, status, labels, key, description
_Row = tuple[int | None, str, str, float | None, float | None, str, str, str, str]

# fmt: off
_ROWS: tuple[_Row, ...] = (
    # Sprint 21
    (0, "feature", "PDF invoice templates", 24, 28, "done", "billing", "LED-101", ""),
    (0, "feature", "Send invoices by e-mail", 16, 14, "done", "billing", "LED-102", ""),
    (0, "feature", "Customer list search", 8, 9, "done", "ux", "LED-104", ""),
    (0, "tech_debt", "Split the monolithic settings module", 12, 16, "done", "", "LED-106", ""),
    (0, "product_ops", "Set up Acme's custom tax rates", 4, 5, "done", "customer:acme;tax", "LED-107", ""),
    (0, "product_ops", "Fix Acme's broken invoice export", 6, 6, "done", "customer:acme;billing", "LED-108", ""),
    (0, "dev_ops", "Restore staging after a failed migration", 3, 4, "done", "infra", "LED-109", ""),
    # Sprint 22
    (1, "feature", "Recurring invoices", 32, 36, "done", "billing", "LED-110", ""),
    (1, "feature", "Payment reminders", 12, 12, "done", "billing", "LED-111", ""),
    (1, "tech_debt", "Set up CI with automated tests", 20, 24, "done", "infra", "LED-112",
     "Every push runs the test suite; red builds block merges."),
    (1, "product_ops", "Reconcile Globex's duplicate payments", 5, 6, "done", "customer:globex;billing", "LED-113", ""),
    (1, "dev_ops", "Restart the stuck sync worker", 2, 3, "done", "infra", "LED-116", ""),
    # Sprint 23: the team starts automating.
    (2, "automation", "Self-service onboarding wizard", 30, 34, "done", "onboarding", "LED-120",
     "Customers create their account and import their list themselves."),
    (2, "feature", "Multi-currency invoices", 28, 30, "done", "billing", "LED-121", ""),
    (2, "tech_debt", "Continuous deployment to staging and production", 16, 18, "done", "infra;release", "LED-122",
     "Ends the deploys by hand."),
    (2, "product_ops", "Resend invoices that went out with the old logo", 3, 4, "done", "billing", "LED-123", ""),
    (2, "dev_ops", "Move backups to the new storage bucket", 3, 3, "done", "infra", "LED-125", ""),
    # Sprint 24: onboarding is self-service now; deploys are automatic.
    (3, "automation", "Automatic bank reconciliation import", 24, 26, "done", "billing", "LED-130",
     "Replaces the weekly hand import of bank statements."),
    (3, "feature", "Customer portal: download past invoices", 20, 18, "done", "portal;ux", "LED-131", ""),
    (3, "feature", "Dark mode for the web app", 8, 10, "done", "ux", "LED-132", ""),
    (3, "tech_debt", "Upgrade the web framework to the current release", 14, 15, "done", "infra", "LED-133", ""),
    (3, "product_ops", "Help three customers finish self-service onboarding", 6, 5, "done", "onboarding", "LED-134", ""),
    (3, "dev_ops", "Upgrade the database server by hand", 4, 5, "done", "infra", "LED-136", ""),
    # Sprint 25: the current sprint.
    (4, "feature", "Quotes that turn into invoices", 26, 10, "doing", "billing", "LED-140", ""),
    (4, "feature", "Invoice numbering per country", 10, None, "todo", "billing;tax", "LED-141", ""),
    (4, "automation", "Automatic VAT rules for EU customers", 20, 6, "doing", "tax;billing", "LED-142",
     "Removes the hand corrections of VAT on EU invoices."),
    (4, "tech_debt", "Error monitoring with alerts", 8, 8, "done", "infra", "LED-143", ""),
    (4, "tech_debt", "Remove the legacy CSV exporter", 6, None, "todo", "", "LED-144", ""),
    (4, "product_ops", "Reissue Initech's invoices with corrected VAT", 6, None, "todo", "billing;tax", "LED-145", ""),
    (4, "product_ops", "Migrate Globex's data from their old tool", 8, 4, "doing", "customer:globex;onboarding", "LED-146", ""),
    (4, "dev_ops", "Free disk space on the database server", 2, None, "todo", "infra", "LED-147", ""),
    # Sprint 26: next sprint, being planned.
    (5, "feature", "Stripe payment links on invoices", 18, None, "todo", "billing;payments", "LED-150", ""),
    (5, "automation", "Automatic certificate renewal", 4, None, "todo", "infra;security", "LED-151",
     "Ends the hand renewal of certificates."),
    (5, "tech_debt", "Speed up the invoice list query", 6, None, "todo", "performance", "LED-152", ""),
    (5, "product_ops", "Hand-check invoices of the five largest customers", 4, None, "todo", "billing", "LED-153", ""),
    # The backlog.
    (None, "feature", "Expense tracking", 40, None, "todo", "expenses", "LED-160",
     "Let customers attach receipts and track expenses next to invoices."),
    (None, "feature", "Mobile app: send an invoice from a phone", 60, None, "todo", "mobile", "LED-161", ""),
    (None, "feature", "Client time tracking import", 20, None, "todo", "integrations", "LED-162", ""),
    (None, "feature", "Late payment fees", 8, None, "todo", "billing", "LED-163", ""),
    (None, "feature", "Team accounts with roles", None, None, "todo", "accounts", "LED-164",
     "Needs a design session before it can be estimated."),
    (None, "automation", "Self-service data migration from other tools", 30, None, "todo", "onboarding", "LED-165",
     "Customers import their data from their old tool themselves."),
    (None, "automation", "Automatic dunning e-mails", 12, None, "todo", "billing;payments", "LED-166", ""),
    (None, "automation", "Tax answer library in the help centre", 10, None, "todo", "tax;support", "LED-167", ""),
    (None, "tech_debt", "Replace the hand-written PDF renderer", 24, None, "todo", "billing", "LED-168", ""),
    (None, "tech_debt", "Database backups tested by restore", 6, None, "todo", "infra;security", "LED-169", ""),
    (None, "tech_debt", "Type-check the billing module", 10, None, "todo", "", "LED-170", ""),
    (None, "product_ops", "Monthly usage report for Initech", 3, None, "todo", "customer:initech", "LED-171", ""),
    (None, "product_ops", "Export a year of invoices for Initech's auditor", 6, None, "todo", "customer:initech;tax", "LED-172", ""),
    (None, "dev_ops", "Clean up old staging databases", 2, None, "todo", "infra", "LED-173", ""),
    (None, "dev_ops", "Rebuild the demo environment by hand", 4, None, "todo", "demo", "LED-174", ""),
)
# fmt: on

# Automation items: the operation each removes and the hours a week it saves.
_AUTOMATES = {
    "LED-120": ("Onboard new customers by hand", 6.0),
    "LED-130": ("Import bank statements by hand", 4.0),
    "LED-142": ("Correct VAT on EU invoices by hand", 3.0),
    "LED-151": ("Renew TLS certificates by hand", 0.5),
    "LED-165": ("Migrate customer data from other tools by hand", 2.0),
    "LED-166": ("Chase late payments by e-mail", 2.0),
    "LED-167": ("Answer tax questions from customers", 1.5),
}


# Revenue (k€) of the finished sprints: it grew while the operations hours fell.
_REVENUE = (42.0, 48.0, 55.0, 61.0)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _operations(first: date) -> tuple[OperationFields, ...]:
    """The register, its operations starting as the company grew."""

    def sprint_start(n: int) -> date:
        return first + timedelta(days=SPRINT_DAYS * n)

    long_ago = first - timedelta(days=28)
    return (
        OperationFields("Onboard new customers by hand", "product", long_ago, 6.0,
                        notes="Create the account, import their customer list, set up taxes."),
        OperationFields("Chase late payments by e-mail", "product", long_ago, 2.0),
        OperationFields("Import bank statements by hand", "product", sprint_start(1), 4.0),
        OperationFields("Answer tax questions from customers", "product", sprint_start(1), 1.5),
        OperationFields("Correct VAT on EU invoices by hand", "product", sprint_start(2), 3.0,
                        notes="Since the first EU customers signed up."),
        OperationFields("Migrate customer data from other tools by hand", "product",
                        sprint_start(3), 2.0),
        OperationFields("Deploy releases by hand", "development", long_ago,
                        times_per_week=2, minutes_each=120, end=sprint_start(3) - timedelta(days=1),
                        notes="Ended by continuous deployment (LED-122)."),
        OperationFields("Renew TLS certificates by hand", "development", long_ago,
                        times_per_week=1, minutes_each=30),
    )  # fmt: skip


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
            revenue=_REVENUE[n] if n < len(_REVENUE) else None,
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
                saves_hours_per_week=_AUTOMATES[key][1] if key in _AUTOMATES else None,
            ),
            sprint,
            _AUTOMATES[key][0] if key in _AUTOMATES else None,
        )
        for sprint, category, title, estimate, actual, status, labels, key, description in _ROWS
    )
    return SamplePlan(sprints, _operations(first_start), items)
