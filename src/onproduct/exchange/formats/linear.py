"""Linear's Export CSV (issues, with cycles and sub-issues), read and then mapped into items.

What an export looks like, and what this reader makes of it:
* one row per issue, with English header names (Linear exports in no other language);
  ID, Team, Title and Status are always there, the other columns vary by version;
* `ID` (`ENG-123`) is the item's key, so importing the file again updates the items;
  a `URL` column, where an export has one, is kept as another name of the issue;
* the description is Markdown and stays as it is;
* the `Completed`, `Canceled` and `Started` timestamps decide the state before the
  status's name does (teams rename their statuses): completed issues are done on the
  day they were completed, canceled ones and duplicates are left out;
* estimates are points: a plan in hours takes them at an hours-per-point rate the
  mapping step shows and lets the user change;
* labels share one cell (`"Bug, Backend"`), group labels as `Type/Bug`;
* cycles become sprints with the cycle's dates (`Cycle Name`, or `Cycle 12` when only
  the number is given). Dates come as JavaScript's `Mon Jan 15 2024 00:00:00 GMT+0000
  (…)` or as ISO `2024-01-15T00:00:00.000Z`. A cycle runs from one day boundary to the
  next cycle's start, so its start and end are each taken to the nearest midnight and
  the sprint's last day is the one before the end's (an ISO time in UTC such as
  `2024-01-14T23:00:00.000Z` is then the local midnight of a team east of Greenwich).
  One cycle name with other dates on another row (two teams' `Cycle 12`) is refused;
  a cycle named with no dates sends its issues to a sprint of that name if the plan has
  one, else to the backlog;
* archived issues are left out unless asked for, and so are done issues in no cycle
  (history, as with Jira);
* sub-issues are folded into their top-most parent in the file as a checklist in its
  description; one whose parent is not in the file comes in as an item of its own.

The mapping has two kinds of rule: projects first, then labels. Linear has no issue
types; its labels (Bug, Feature, Improvement) are what says what kind of work an issue
is, so they are the last kind and get a guess for every value, like Jira's types. A
project is a body of work with one purpose (a migration is tech debt whatever its
issues are labelled), so a rule for it, when the user sets one, comes first; projects
are guessed only where the name is telling. Teams are not a kind: they say who, not
what. The project's name is also kept as a label, as Jira's epics are.

`read_linear` checks the whole file first (line and column of the first problem);
`LinearFile.batch` then applies a category mapping and gives the rows to import.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from itertools import chain, repeat
from operator import itemgetter
from pathlib import Path

from onproduct.domain.items import (
    MAX_EFFORT,
    MAX_TITLE,
    ItemFields,
    ValidationError,
    check_effort,
    check_key,
    clean_labels,
)
from onproduct.domain.settings import PlanSettings
from onproduct.exchange.batch import Batch, ExchangeError, ImportRow, Skipped, SprintRef, bulk
from onproduct.exchange.formats import Format, Option, Sniffed
from onproduct.exchange.mapping import (
    DOING,
    DONE,
    SKIP,
    CategoryMapping,
    as_label,
    guessed_mapping,
    shortened,
    value_counts,
)
from onproduct.exchange.text import (
    MAX_CSV_BYTES,
    check_source,
    csv_records,
    fold,
    read_text_file,
)
from onproduct.exchange.tracker import apply_option, archived_option, done_option, rate_option

KINDS = ("project", "label")
KIND_TITLES = {"project": "Projects", "label": "Labels"}

# The fields read, in the order `_issue` unpacks them, with their header names (folded).
# fmt: off
_HEADERS: dict[str, tuple[str, ...]] = {
    "key": ("id", "identifier"),
    "team": ("team",),
    "title": ("title",),
    "description": ("description",),
    "status": ("status", "state"),
    "estimate": ("estimate",),
    "project": ("project",),
    "labels": ("labels",),
    "cycle_number": ("cycle number",),
    "cycle_name": ("cycle name", "cycle"),
    "cycle_start": ("cycle start",),
    "cycle_end": ("cycle end",),
    "started": ("started",),
    "completed": ("completed",),
    "canceled": ("canceled", "cancelled"),
    "archived": ("archived",),
    "parent": ("parent issue", "parent"),
    "url": ("url",),
}
# fmt: on
_FIELDS = tuple(_HEADERS)
_FIELD_OF_HEADER = {name: key for key, names in _HEADERS.items() for name in names}
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*-\d+$")

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
# 2024-01-15, 2024-01-15T00:00:00.000Z, 2024-01-15 09:30:00+01:00
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
# Mon Jan 15 2024 00:00:00 GMT+0000 (Coordinated Universal Time), Mon, 15 Jan 2024 …
_JS = re.compile(
    r"^(?:[A-Za-z]{3},?\s+)?(?:([A-Za-z]{3,9})\.?\s+(\d{1,2})|(\d{1,2})\s+([A-Za-z]{3,9})\.?),?"
    r"\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*(?:GMT|UTC|Z)?\s*[+-]?\d{0,4})?"
    r"(?:\s*\([^()]*\))?)?$"
)
_DAY = 24 * 3600


@dataclass(slots=True)
class LinearIssue:
    """One issue as the export has it."""

    line: int
    key: str | None
    team: str
    title: str
    description: str
    status: str
    # done, doing, todo, or canceled / duplicate (left out)
    state: str
    estimate: float | None
    project: str
    labels: tuple[str, ...]
    cycle: str | None  # the sprint's name
    done_on: date | None
    archived: bool
    parent: str | None
    url: str

    def values(self) -> dict[str, tuple[str, ...]]:
        return {"project": (self.project,) if self.project else (), "label": self.labels}


@dataclass(slots=True)
class Cycle:
    """A cycle the file names: its dates (from the first row that gives them)."""

    name: str
    dates: tuple[date, date] | None
    dates_line: int | None


@dataclass(frozen=True, slots=True)
class _Links:
    """Who is folded into whom: worked out once per file."""

    roots: dict[int, LinearIssue]  # a folded sub-issue's line → the item it is folded into
    orphans: int  # sub-issues whose parent is not in the file
    loops: int  # issues whose parents lead round in a circle


@dataclass(slots=True)
class LinearFile:
    """A checked export: its issues, its cycles and what was noticed while reading it."""

    source: str
    issues: list[LinearIssue]
    fields: frozenset[str]  # the fields the file has columns for
    cycles: dict[str, Cycle] = field(default_factory=dict)  # by case-folded name
    notes: list[str] = field(default_factory=list)
    encoding: str = ""  # what the file was read as
    # Choices of the mapping step (see options).
    include_archived: bool = False
    include_done_backlog: bool = False
    hours_per_point: float | None = None  # None: the plan's
    _links: _Links | None = None
    _values: dict[str, list[tuple[str, int]]] | None = None

    @property
    def links(self) -> _Links:
        if self._links is None:
            self._links = _link(self.issues)
        return self._links

    def leads(self) -> Iterable[LinearIssue]:
        """The issues that would become items (not folded, not canceled, not archived
        unless asked for)."""
        roots = self.links.roots
        return (
            issue
            for issue in self.issues
            if issue.line not in roots
            and issue.state not in _LEFT_OUT
            and (self.include_archived or not issue.archived)
        )

    def conversions(self, settings: PlanSettings) -> int:
        """How many estimates (in points) the import converts to a plan's hours."""
        if settings.effort_unit == "points":
            return 0
        return sum(
            1
            for issue in self.issues
            if issue.estimate is not None
            and issue.state not in _LEFT_OUT
            and (self.include_archived or not issue.archived)
        )

    def archived(self) -> int:
        roots = self.links.roots
        return sum(
            1
            for issue in self.issues
            if issue.archived and issue.line not in roots and issue.state not in _LEFT_OUT
        )

    def done_without_cycle(self) -> int:
        """Done issues in no cycle: what the import leaves out unless asked to bring them."""
        return sum(1 for issue in self.leads() if issue.state == "done" and issue.cycle is None)

    @property
    def source_id(self) -> str:
        """Which mapping to remember: the teams of the issues."""
        teams = sorted({issue.team for issue in self.issues if issue.team})
        return "linear:" + "+".join(teams[:3] or [self.source])

    @property
    def kind_titles(self) -> dict[str, str]:
        return KIND_TITLES

    def values(self, kind: str) -> list[tuple[str, int]]:
        """The distinct projects or labels, most used first, with their counts."""
        if self._values is None:
            leads = list(self.leads())
            counts = {
                "project": Counter(issue.project for issue in leads if issue.project),
                "label": Counter(chain.from_iterable(issue.labels for issue in leads)),
            }
            self._values = {k: value_counts(c) for k, c in counts.items()}
        return self._values[kind]

    def guessed_mapping(self) -> CategoryMapping:
        return guessed_mapping(KINDS, {kind: [v for v, _ in self.values(kind)] for kind in KINDS})

    def options(self, settings: PlanSettings) -> list[Option]:
        """Points converted at a rate the user sees and sets; archived issues and done
        issues in no cycle (history) left out unless asked for."""
        archived_tip = "Left out by default: Linear archives issues long closed."
        return [
            *rate_option(
                self.conversions(settings),
                self.hours_per_point,
                settings,
                "points",
                "One estimate &point is worth",
            ),
            *archived_option(self.archived(), self.include_archived, "issues", archived_tip),
            *done_option(self.done_without_cycle(), self.include_done_backlog, "issues", "cycle"),
        ]

    def set_option(self, key: str, value: bool | float) -> None:
        apply_option(self, key, value)
        if key == "include_archived":
            self._values = None  # the archived issues' labels now count

    def batch(self, mapping: CategoryMapping, settings: PlanSettings) -> Batch:
        return _batch(self, mapping, settings)


_LEFT_OUT = frozenset({"canceled", "duplicate"})


def read_linear(path: Path) -> LinearFile:
    """Read and check a Linear export as a stream, in whatever encoding it is in."""
    check_source(path, MAX_CSV_BYTES)
    linear, encoding = read_text_file(path, lambda lines: parse_linear(lines, path.name))
    linear.encoding = encoding
    return linear


def parse_linear(text: str | Iterable[str], source: str = "the file") -> LinearFile:
    """Check a Linear export's text (or its lines); ExchangeError names the first problem
    and where."""
    reader, header = csv_records(text, source)
    indices: dict[str, int] = {}
    for index, name in enumerate(header):
        found = _FIELD_OF_HEADER.get(fold(name))
        if found:
            indices.setdefault(found, index)  # a repeated column: the first one counts
    if "title" not in indices:
        raise ExchangeError(
            f"{source} is not a Linear export: its header has no Title column"
            f" (it starts: {', '.join(map(_shown, header[:5])) or 'nothing'})."
        )
    width = len(header)
    cells = _Cells(
        width,
        itemgetter(*(indices.get(name, width) for name in _FIELDS)),
        {name: header[index].strip() for name, index in indices.items()},
    )
    linear = LinearFile(source, [], frozenset(indices))
    keys: dict[str, int] = {}
    unread: list[tuple[int, str]] = []
    line = reader.line_num + 1
    try:
        for record in reader:
            start_line, line = line, reader.line_num + 1
            if not "".join(record).strip():
                continue
            if len(record) > width:
                raise ExchangeError(
                    f"{source}, line {start_line}: {len(record)} cells, but the header"
                    f" names {width} columns."
                )
            issue = _issue(record, cells, linear, start_line, unread)
            if issue.key is not None:
                folded = issue.key.casefold()
                if folded in keys:
                    raise ExchangeError(
                        f"{source}, line {start_line}, column {cells.names['key']}: the"
                        f" issue ID {_shown(issue.key)} is already the ID of line {keys[folded]}."
                    )
                keys[folded] = start_line
            linear.issues.append(issue)
    except csv.Error as error:
        raise ExchangeError(f"{source}, line {line}: {error}.") from None
    if unread:
        where, seen = unread[0]
        were = "s in the column {} were" if len(unread) != 1 else " in the column {} was"
        linear.notes.append(
            f"{len(unread)} date{were.format(cells.names['completed'])} not understood"
            f" (such as {seen!r} on line {where}); those items have no done date."
        )
    return linear


@dataclass(frozen=True, slots=True)
class _Cells:
    """Where each field's cell is in a row, worked out once per file.

    Every row is padded with one empty cell past the header's width, and a field the
    file has no column for reads that cell: one C-level itemgetter per row hands back
    every field at once, in _FIELDS' order.
    """

    width: int
    get: Callable[[Sequence[str]], tuple[str, ...]]
    names: dict[str, str]  # the header name of each field's column, for messages


def _issue(
    record: list[str],
    cells: _Cells,
    linear: LinearFile,
    line: int,
    unread: list[tuple[int, str]],
) -> LinearIssue:
    """One issue from its row; ExchangeError for a cell that cannot be read."""
    # csv gives short rows when trailing cells are empty; the pad cell reads as "".
    record.extend(repeat("", cells.width + 1 - len(record)))
    values = cells.get(record)
    description = values[3]  # as it is: Markdown's indentation means something
    stripped = map(str.strip, values)
    (key, team, title, _, status, estimate_text, project, labels_text, number, cycle_text,
     start, end, started, completed, canceled, archived, parent, url) = stripped  # fmt: skip
    source = linear.source
    estimate = None
    if estimate_text:
        try:
            estimate = float(estimate_text)
        except ValueError:
            estimate = _number(estimate_text.replace(",", "."))
        if not 0 <= estimate <= MAX_EFFORT:  # also false for nan
            raise ExchangeError(
                f"{source}, line {line}, column {cells.names['estimate']}: {estimate_text!r}"
                " is not a number of points of 0 or more."
            )
    done_on = None
    if completed:
        state = "done"
        done_on = _day(completed)
        if done_on is None:
            unread.append((line, completed))
    elif canceled:
        state = "duplicate" if _state(status) == "duplicate" else "canceled"
    elif started:
        state = "doing"
    else:
        state = _state(status)
    cycle = None
    if cycle_text or number:
        cycle = _cycle_name(cycle_text, number)
        if len(cycle) > MAX_TITLE:
            column = cells.names["cycle_name" if cycle_text else "cycle_number"]
            raise ExchangeError(
                f"{source}, line {line}, column {column}: a cycle's name can be at most"
                f" {MAX_TITLE} characters."
            )
        _check_cycle(linear, cycle, start, end, cells, line)
    if "\r" in description:
        description = description.replace("\r\n", "\n")
    return LinearIssue(
        line,
        key or None,
        team,
        title,
        description if description and not description.isspace() else "",
        status,
        state,
        estimate,
        project,
        _labels(labels_text) if labels_text else (),
        cycle,
        done_on,
        bool(archived),
        parent or None,
        url,
    )


def _shown(text: str) -> str:
    """A cell as a message quotes it: on one line."""
    return " ".join(text.split())


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


@lru_cache(maxsize=4096)  # an export has a few dozen label sets, on every row
def _labels(text: str) -> tuple[str, ...]:
    return tuple(label for label in (part.strip() for part in text.split(",")) if label)


@lru_cache(maxsize=1024)  # a few statuses, on every row
def _state(status: str) -> str:
    folded = fold(status)
    if "duplicate" in folded:
        return "duplicate"
    if "cancel" in folded:
        return "canceled"
    if DONE.search(folded):
        return "done"
    if DOING.search(folded) or "started" in folded or "doing" in folded:
        return "doing"
    return "todo"


@lru_cache(maxsize=4096)  # a file names a few hundred cycles, on 100,000s of rows
def _cycle_name(name: str, number: str) -> str:
    """A cycle's name with its spacing cleaned up; `Cycle 12` when it has only a number."""
    if name:
        return " ".join(name.split())
    try:
        value = float(number)
        if value.is_integer():
            number = str(int(value))  # "12.0" of a spreadsheet
    except (ValueError, OverflowError):
        pass
    return " ".join(f"Cycle {number}".split())


def _check_cycle(
    linear: LinearFile, name: str, start: str, end: str, cells: _Cells, line: int
) -> None:
    """Record a row's cycle; ExchangeError when its dates are no dates, or not the dates
    another row gave the same cycle."""
    dates = None
    if start and end:
        span = _span(start, end)
        if isinstance(span, str):
            column = cells.names["cycle_end" if span == "end" else "cycle_start"]
            text = end if span == "end" else start
            if span == "order":
                raise ExchangeError(
                    f"{linear.source}, line {line}, column {cells.names['cycle_end']}: the"
                    f" cycle {name!r} ends ({_shown(end)}) before it starts ({_shown(start)})."
                )
            raise ExchangeError(
                f"{linear.source}, line {line}, column {column}: {text!r} is not a date."
            )
        dates = span
    folded = name.casefold()
    known = linear.cycles.get(folded)
    if known is None:
        linear.cycles[folded] = Cycle(name, dates, line if dates else None)
    elif dates is not None:
        if known.dates is None:
            known.dates, known.dates_line = dates, line
        elif known.dates != dates:
            raise ExchangeError(
                f"{linear.source}, line {line}, column {cells.names['cycle_start']}: the"
                f" cycle {name!r} runs {_days(dates)} here but {_days(known.dates)} on line"
                f" {known.dates_line}. Export one team at a time, or rename one of them."
            )


def _days(dates: tuple[date, date]) -> str:
    return f"{dates[0].isoformat()} to {dates[1].isoformat()}"


@lru_cache(maxsize=4096)
def _span(start: str, end: str) -> tuple[date, date] | str:
    """A cycle's first and last day, or what is wrong: "start", "end" (not a date) or
    "order" (it ends before it starts).

    A cycle runs from one day boundary to the next cycle's start: each moment is taken
    to the nearest midnight (a UTC time of 23:00 is the next day's start east of
    Greenwich), and the last day is the one before the end's midnight. An end with no
    time at all is a last day as it is.
    """
    first, last = linear_moment(start), linear_moment(end)
    if first is None:
        return "start"
    if last is None:
        return "end"
    if (last[0], last[1] or 0) < (first[0], first[1] or 0):
        return "order"
    first_day = _nearest_midnight(*first)
    last_day = last[0] if last[1] is None else _nearest_midnight(*last) - timedelta(days=1)
    return first_day, max(first_day, last_day)


def _nearest_midnight(day: date, seconds: int | None) -> date:
    return day + timedelta(days=1) if seconds is not None and seconds >= _DAY // 2 else day


@lru_cache(maxsize=8192)
def linear_moment(text: str) -> tuple[date, int | None] | None:
    """A Linear date as written: its day and its time in seconds after midnight (None
    when it has no time); None when it is not a date.

    Linear writes JavaScript's `Mon Jan 15 2024 00:00:00 GMT+0000 (…)` or ISO's
    `2024-01-15T00:00:00.000Z`; `Mon, 15 Jan 2024 …` and a bare `2024-01-15` are read too.
    """
    text = text.strip()
    try:
        match = _ISO.match(text)
        if match:
            year, month, day, hour, minute, second = match.groups()
        else:
            match = _JS.match(text)
            if not match:
                return None
            month_name, day_a, day_b, month_b, year, hour, minute, second = match.groups()
            found = _MONTHS.get((month_name or month_b).casefold()[:3])
            if found is None:
                return None
            month, day = str(found), day_a or day_b
        moment = date(int(year), int(month), int(day))
        if hour is None:
            return moment, None
        seconds = int(hour) * 3600 + int(minute) * 60 + int(second or 0)
        return (moment, seconds) if int(hour) < 24 and int(minute) < 60 else None
    except ValueError:
        return None


def linear_date(text: str) -> date | None:
    """The day of a Linear date (see linear_moment), or None when it is not one."""
    moment = linear_moment(text)
    return None if moment is None else moment[0]


@lru_cache(maxsize=8192)
def _day_part(text: str) -> date | None:
    return linear_date(text)


def _day(text: str) -> date | None:
    """The day of a timestamp. A file has 100,000s of distinct times on a few thousand
    days: the day part alone (before the time) is read once per day, the rest whole."""
    colon = text.find(":")
    if colon > 2:
        found = _day_part(text[: colon - 2].rstrip("T "))
        if found is not None:
            return found
    return linear_date(text)


def _link(issues: list[LinearIssue]) -> _Links:
    """Each sub-issue's top-most parent in the file, which it is folded into.

    A sub-issue whose parent is not in the file is an item of its own (and the parent of
    its own sub-issues); parents that lead round in a circle fold nothing.
    """
    if not any(issue.parent for issue in issues):
        return _Links({}, 0, 0)
    by_key = {issue.key.casefold(): issue for issue in issues if issue.key}
    top: dict[int, LinearIssue | None] = {}  # an issue's line → its top-most ancestor
    orphans = 0
    for issue in issues:
        if issue.parent is None or issue.line in top:
            continue
        path: list[int] = []
        seen: set[int] = set()
        current = issue
        while True:
            if current.line in top:
                found = top[current.line]
                break
            parent = by_key.get(current.parent.casefold()) if current.parent else None
            if parent is None:
                found = current
                top[current.line] = current
                break
            if current.line in seen:
                found = None  # round in a circle
                break
            seen.add(current.line)
            path.append(current.line)
            current = parent
        for line in path:
            top[line] = found
    roots: dict[int, LinearIssue] = {}
    loops = 0
    for issue in issues:
        if issue.parent is None:
            continue
        found = top.get(issue.line)
        if found is None:
            loops += 1
        elif found is issue:
            orphans += 1
        else:
            roots[issue.line] = found
    return _Links(roots, orphans, loops)


def _efforts(estimate: float | None, settings: PlanSettings, per_point: float) -> float | None:
    """An estimate in points, in the plan's unit."""
    if estimate is None:
        return None
    return estimate if settings.effort_unit == "points" else round(estimate * per_point, 2)


def _checklist_line(issue: LinearIssue, settings: PlanSettings, per_point: float) -> str:
    mark = "x" if issue.state == "done" else " "
    estimate = _efforts(issue.estimate, settings, per_point)
    effort = f" ({estimate:g} {settings.unit})" if estimate is not None else ""
    key = f"{issue.key} " if issue.key else ""
    return f"- [{mark}] {key}{' '.join(issue.title.split())}{effort}".rstrip()


_REASONS = {"canceled": "canceled", "duplicate": "marked as a duplicate"}


@bulk
def _batch(linear: LinearFile, mapping: CategoryMapping, settings: PlanSettings) -> Batch:
    """The items of the file under a mapping: one pass over the issues, each checked.

    A 100,000-row export runs through the loop below, so it works per row only with
    what varies per row: category and stored labels are worked out once per shape
    (project and labels).
    """
    links = linear.links
    per_point = linear.hours_per_point or settings.hours_per_point or 1.0
    skipped: list[tuple[int, Skipped]] = []

    def skip(issue: LinearIssue, why: str) -> None:
        what = issue.key or repr(issue.title[:40])
        skipped.append((issue.line, Skipped(f"line {issue.line}", what, why)))

    def left_out(issue: LinearIssue) -> str | None:
        if issue.state in _LEFT_OUT:
            return _REASONS[issue.state]
        if issue.archived and not linear.include_archived:
            return "archived"
        return None

    children: dict[int, list[LinearIssue]] = {}  # by the parent's line
    folded: list[LinearIssue] = []
    for issue in linear.issues:
        root = links.roots.get(issue.line)
        if root is None:
            continue
        why = left_out(issue)
        if why:
            skip(issue, why)
        else:
            children.setdefault(root.line, []).append(issue)
            folded.append(issue)

    notes = list(linear.notes)
    rows: list[ImportRow] = []
    sprints: dict[str, SprintRef] = {}
    undated: Counter[str] = Counter()
    # What an issue's project and labels make of it: its category (or SKIP) and its
    # labels as stored. A file has a few hundred of these.
    shapes: dict[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]]] = {}
    imported: set[int] = set()
    truncated = converted = archived = done_left = 0
    converting = settings.effort_unit != "points"
    for issue in linear.issues:
        if issue.line in links.roots:
            continue
        why = left_out(issue)
        if why:
            if why == "archived":
                archived += 1
            skip(issue, why)
            continue
        shape_key = (issue.project, issue.labels)
        shape = shapes.get(shape_key)
        if shape is None:
            found = mapping.checked_target_of(issue.values())
            stored = tuple(map(as_label, issue.labels))
            if issue.project:
                stored = (*stored, as_label(issue.project))
            shape = shapes[shape_key] = (found, stored)
        target, labels = shape
        if target == SKIP:
            reason = mapping.skip_reason(issue.values())
            skip(issue, reason)
            continue
        if issue.state == "done" and issue.cycle is None and not linear.include_done_backlog:
            done_left += 1
            skip(issue, "already done, and in no cycle")
            continue
        title = " ".join(issue.title.split())
        if not title:
            skip(issue, "it has no title")
            continue
        if len(title) > MAX_TITLE:
            title = shortened(title, MAX_TITLE)
            truncated += 1
        estimate = _efforts(issue.estimate, settings, per_point)
        if converting and issue.estimate is not None:
            converted += 1
        description = issue.description.rstrip()
        subs = children.get(issue.line)
        if subs:
            checklist = "\n".join(_checklist_line(sub, settings, per_point) for sub in subs)
            description = f"{description}\n\nSub-issues:\n{checklist}".lstrip()
            efforts = [_efforts(sub.estimate, settings, per_point) for sub in subs]
            known = [effort for effort in efforts if effort is not None]
            if converting:
                converted += sum(1 for sub in subs if sub.estimate is not None)
            if estimate is None and known:
                estimate = round(sum(known), 2)
        # Built clean (what validate_item would make of the row: tests hold every row
        # to that), so only what can still be wrong is checked, by its own rules.
        try:
            fields = ItemFields(
                title,
                target,
                description,
                check_effort(estimate, "estimate"),
                None,
                issue.state,  # todo, doing or done: the others were left out above
                clean_labels(labels),
                check_key(issue.key),
                None,
                None,
                issue.done_on if issue.state == "done" else None,
            )
        except ValidationError as error:
            raise ExchangeError(f"{linear.source}, line {issue.line}: {error}") from None
        sprint = issue.cycle
        if sprint is not None:
            folded_name = sprint.casefold()
            cycle = linear.cycles[folded_name]
            if cycle.dates is None:
                undated[cycle.name] += 1
            elif folded_name not in sprints:
                sprints[folded_name] = SprintRef(
                    cycle.name, issue.line, cycle.dates, cycle.dates_line
                )
            sprint = cycle.name
        imported.add(issue.line)
        rows.append(ImportRow(issue.line, fields, sprint, refs=(issue.url,) if issue.url else ()))

    for issue in folded:
        root = links.roots[issue.line]
        if root.line in imported:
            skip(issue, f"sub-issue, folded into {root.key or 'its parent'}")
        else:
            skip(issue, f"sub-issue of {root.key or 'an issue'}, which is not imported")
    skipped.sort(key=lambda entry: entry[0])

    if links.orphans:
        s = "s" if links.orphans != 1 else ""
        notes.append(
            f"{links.orphans} sub-issue{s} whose parent is not in the file came in as"
            f" item{s} of {'their' if s else 'its'} own."
        )
    if links.loops:
        notes.append(
            f"{links.loops} issue{'s' if links.loops != 1 else ''} whose parents lead round"
            " in a circle came in as items of their own."
        )
    for name, count in undated.items():
        notes.append(
            f"The cycle {name!r} has no dates in the file: its {count}"
            f" issue{'s go' if count != 1 else ' goes'} to a sprint of that name if the"
            " plan has one, else to the backlog."
        )
    if truncated:
        were = (
            "s longer than {} characters were"
            if truncated != 1
            else " longer than {} characters was"
        )
        notes.append(f"{truncated} title{were.format(MAX_TITLE)} shortened.")
    if converted:
        notes.append(
            f"{converted} estimate{'s' if converted != 1 else ''} in points became hours"
            f" at {per_point:g} h per point."
        )
    if archived:
        were = "s were" if archived != 1 else " was"
        notes.append(
            f"{archived} archived issue{were} left out; the mapping step can bring them in."
        )
    if done_left:
        were = "s were" if done_left != 1 else " was"
        notes.append(
            f"{done_left} done issue{were} in no cycle and left out (already done);"
            " the mapping step can bring them in."
        )
    return Batch(
        source=linear.source,
        rows=tuple(rows),
        sprints=sprints,
        fields=_fields_set(linear.fields),
        skipped=tuple(entry for _, entry in skipped),
        notes=tuple(notes),
        create_sprints=True,
        encoding=linear.encoding,
        keep_lanes=True,
    )


def _fields_set(present: frozenset[str]) -> frozenset[str]:
    """The item fields a re-import updates: those the export has columns for."""
    result = {"title", "category"}
    if present & {"description", "parent"}:
        result.add("description")
    if present & {"labels", "project"}:
        result.add("labels")
    if present & {"status", "started", "completed", "canceled"}:
        result.add("status")
    if "key" in present:
        result.add("external_key")
    if present & {"estimate", "parent"}:
        result.add("estimate")
    if "completed" in present:
        result.add("done_on")
    if present & {"cycle_name", "cycle_number"}:
        result.add("sprint")
    return frozenset(result)


def _recognise(sniffed: Sniffed) -> float:
    """Sure when the header has ID, Team and Title and the IDs look like `ENG-123`."""
    names = [fold(name) for name in sniffed.header]
    if not {"id", "team", "title"} <= set(names):
        return 0.0
    # Jira's header has Summary and Issue key; Azure DevOps' has ID, Work Item Type, Title.
    if {"summary", "issue key", "work item type"} & set(names):
        return 0.0
    ids = [value for value in sniffed.column(names.index("id")) if value]
    return 0.9 if all(_KEY.match(value) for value in ids) else 0.0


FORMAT = Format(
    key="linear",
    name="Linear CSV",
    patterns=("*.csv",),
    summary="Linear's Export CSV (issues, with cycles and sub-issues)",
    recognise=_recognise,
    read=read_linear,
    order=45,
)
