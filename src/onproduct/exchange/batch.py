"""What every importer produces: the items of a file, checked, before anything is written.

A reader (own CSV, Jira CSV, Trello JSON) turns a file into a `Batch`; the importer
then works out what the batch changes in a plan and writes all of it or none of it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import ParamSpec, TypeVar

from onproduct.domain.items import ItemFields

P = ParamSpec("P")
R = TypeVar("R")


def bulk(work: Callable[P, R]) -> Callable[P, R]:
    """Pause Python's cycle collector while an import makes 100,000s of objects.

    None of them form cycles, yet each collection walks them all: a 100,000-row Jira
    import spent a sixth of its time there.
    """

    @wraps(work)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return work(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run


class ExchangeError(Exception):
    """A file that cannot be imported or exported; the message says what and where."""


class Cancelled(Exception):
    """The user cancelled a long import; nothing was written."""


# Not frozen: a 100,000-row import makes one per row, and a frozen dataclass costs
# twice as much to build. Treat it as a value all the same.
@dataclass(slots=True)
class ImportRow:
    """One item of the file, checked, with the sprint and operation it names (if any)."""

    line: int
    fields: ItemFields
    sprint: str | None = None
    operation: str | None = None  # the register entry an automation item removes, by name
    # Other names of the same record in its tracker (its numeric id, its URL): a
    # re-import matches an item by its key, else by one of these.
    refs: tuple[str, ...] = ()


@dataclass(slots=True)
class SprintRef:
    """A sprint a file names: where first, and what it says about it."""

    name: str
    line: int
    dates: tuple[date, date] | None = None
    dates_line: int | None = None
    capacity: float | None = None
    revenue: float | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A record of the file that is not imported, and why."""

    where: str  # "line 12" or "card 'Fix login'"
    what: str  # a key or title
    why: str


@dataclass(frozen=True, slots=True)
class Batch:
    """Everything a file holds, checked.

    `fields` names the item fields the file sets (and "sprint" when it places items):
    an item the plan already has, found by key, is updated in those fields only.
    """

    source: str
    rows: tuple[ImportRow, ...]
    sprints: dict[str, SprintRef]  # by case-folded name
    fields: frozenset[str]
    skipped: tuple[Skipped, ...] = ()
    notes: tuple[str, ...] = ()
    # Sprints the plan lacks: an own CSV must give their dates (they are created);
    # a tracker's export gives only names, so such items go to the backlog.
    create_sprints: bool = True
    encoding: str = ""  # what the file was read as ("" when it was not read from a file)
    # A tracker's export: its lanes come from a mapping, which decides only for new
    # items; an item already in the plan keeps the lane a user put it in. False: the
    # file's categories are data (Onproduct's CSV), or the user asked to apply the
    # mapping again.
    keep_lanes: bool = False
