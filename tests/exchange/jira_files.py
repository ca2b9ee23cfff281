"""Jira "Export CSV (all fields)" files, written the way Jira writes them.

A real export has one column per value of a multi-value field (so `Labels`, `Sprint`,
`Watchers` and `Comment` repeat), custom fields as `Custom field (Name)`, times in
seconds and dates like `25/Jun/20 12:44 PM`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HEADER = [
    "Summary", "Issue key", "Issue id", "Parent id", "Issue Type", "Status", "Project key",
    "Priority", "Resolution", "Assignee", "Reporter", "Created", "Updated", "Resolved",
    "Component/s", "Component/s", "Labels", "Labels", "Labels", "Description",
    "Original Estimate", "Remaining Estimate", "Time Spent", "Σ Original Estimate",
    "Sprint", "Sprint", "Watchers", "Watchers", "Custom field (Story Points)",
    "Custom field (Epic Link)", "Comment", "Comment", "Status Category",
]  # fmt: skip

ROWS = [
    # An epic (skipped by the guessed mapping), a story in it carried over two sprints,
    # a bug with a multi-line description, two sub-tasks of the story, an ops task.
    {
        "Summary": "Self-service onboarding", "Issue key": "LED-1", "Issue id": "10001",
        "Issue Type": "Epic", "Status": "In Progress", "Status Category": "In Progress",
        "Created": "02/Jan/20 9:05 AM",
    },
    {
        "Summary": "Signup wizard", "Issue key": "LED-2", "Issue id": "10002",
        "Issue Type": "Story", "Status": "Done", "Status Category": "Done",
        "Resolution": "Done", "Resolved": "25/Jun/20 12:44 PM",
        "Labels": ["automation", "onboarding"], "Sprint": ["LED Sprint 1", "LED Sprint 2"],
        "Original Estimate": "28800", "Time Spent": "36000",
        "Custom field (Story Points)": "5", "Custom field (Epic Link)": "LED-1",
        "Watchers": ["ana", "bo"], "Comment": ["01/Jun/20 1:00 PM;ana;Looks good", "x"],
    },
    {
        "Summary": "Invoice totals off by one cent", "Issue key": "LED-3", "Issue id": "10003",
        "Issue Type": "Bug", "Status": "To Do", "Status Category": "To Do",
        "Description": (
            "Steps:\n1. Create an invoice, \"quoted\"\n2. Add 3 lines\n\nExpected: 10.00"
        ),
        "Component/s": ["Billing"], "Custom field (Story Points)": "2",
    },
    {
        "Summary": "Form layout", "Issue key": "LED-4", "Issue id": "10004",
        "Parent id": "10002", "Issue Type": "Sub-task", "Status": "Done",
        "Status Category": "Done", "Original Estimate": "7200",
    },
    {
        "Summary": "Email confirmation", "Issue key": "LED-5", "Issue id": "10005",
        "Parent id": "10002", "Issue Type": "Sub-task", "Status": "To Do",
        "Status Category": "To Do", "Original Estimate": "3600",
    },
    {
        "Summary": "Reset passwords by hand", "Issue key": "LED-6", "Issue id": "10006",
        "Issue Type": "Task", "Status": "In Review", "Labels": ["support"],
        "Sprint": ["LED Sprint 2"], "Custom field (Story Points)": "1",
    },
]  # fmt: skip


def jira_text(
    rows: list[dict[str, object]] = ROWS,
    header: list[str] = HEADER,
    delimiter: str = ",",
) -> str:
    """The export's text: repeated columns filled left to right, like Jira does."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        cells = []
        used: dict[str, int] = {}
        for name in header:
            value = row.get(name, "")
            if isinstance(value, list):
                position = used.get(name, 0)
                used[name] = position + 1
                value = value[position] if position < len(value) else ""
            cells.append(str(value))
        writer.writerow(cells)
    return buffer.getvalue()


def write_jira(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path
