"""What the trackers' exports share in the mapping step: its choices and their words.

Jira, Azure DevOps and Linear estimate in story points or hours, convert between them
at a rate the user sets, and leave out history (done work in no sprint) or archived
work unless asked. Each format's `options()` is built of these, and its
`set_option()` is `apply_option`.
"""

from __future__ import annotations

from typing import Any

from onproduct.domain.settings import PlanSettings
from onproduct.exchange.formats import Option

HISTORY_TIP = "Left out by default: they are finished history, not backlog."
_KINDS = {"hours_per_point": float, "include_done_backlog": bool, "include_archived": bool}


def rate_option(
    converting: int,
    current: float | None,
    settings: PlanSettings,
    points: str = "story points",
    label: str = "One story &point is worth",
) -> list[Option]:
    """The rate of a point, offered when that many estimates are converted."""
    if not converting:
        return []
    what = points if settings.effort_unit == "hours" else "hours"
    return [
        Option(
            "hours_per_point",
            label,
            current or settings.hours_per_point,
            suffix=" h",
            note=f"({converting} estimate{'s' if converting != 1 else ''} in {what})",
        )
    ]


def done_option(done: int, current: bool, things: str, where: str) -> list[Option]:
    """Done work in no sprint (or cycle): left out unless asked for."""
    if not done:
        return []
    return [
        Option(
            "include_done_backlog",
            f"Bring in &done {things} that are in no {where} ({done})",
            current,
            tooltip=HISTORY_TIP,
        )
    ]


def archived_option(archived: int, current: bool, things: str, tip: str = "") -> list[Option]:
    if not archived:
        return []
    return [Option("include_archived", f"Include &archived {things} ({archived})", current, tip)]


def apply_option(source: Any, key: str, value: bool | float) -> None:
    """Set one of the choices above on a source (an unknown key is ignored)."""
    kind = _KINDS.get(key)
    if kind is not None and hasattr(source, key):
        setattr(source, key, kind(value))


def conversion_note(count: int, settings: PlanSettings) -> str:
    """What the import made of story points (or hours), in the words of the summary."""
    per = f"{settings.hours_per_point:g} h per point"
    estimates = f"{count} estimate{'s' if count != 1 else ''}"
    if settings.effort_unit == "points":
        return f"{estimates} in hours became story points at {per}."
    return f"{estimates} in story points became hours at {per}."
