"""Jira's "Export CSV (all fields)": issues read as they are, then mapped into items.

What a real export looks like, and what this reader copes with:
* a column per value of a multi-value field: `Labels`, `Sprint`, `Component/s`,
  `Watchers` and `Comment` appear as many times as the busiest issue needs;
* the story-point field is a custom field under one of several names;
* estimates and time spent are in seconds; dates look like `25/Jun/20 12:44 PM`, with
  month names in the language of the user who exported (CLDR's, `cldr_months.py`);
* descriptions span several lines inside quotes;
* UTF-8 with or without a byte-order mark, or Windows-1252 after Excel re-saved it,
  and `;` as the delimiter where Excel uses it;
* header names in the exporting user's language, in Jira's older "issue" wording or
  its newer "work item" one (every language of Jira Cloud: `jira_words.py`);
* sub-tasks, which are folded into their parent as a checklist in its description;
  stories under an epic get the epic's name as a label.

Headers in a language not known here (or names translated otherwise than expected) are
read by shape, from the first records, once per file:
* an export starts with Summary, Issue key and Issue id: when those columns' names are
  not known but the second holds keys such as `ABC-123` and the third numbers, they are
  taken for those three (detection uses the same rule);
* the issue type is the first unknown column whose every value is one of a few short
  words, among them an issue type `jira_words` knows in some language ("Bug", "Story",
  "タスク"); the status likewise, with the statuses it knows ("Done", "En cours"). Where
  the types and statuses are a team's own words in an unknown language, these columns
  stay unread: nothing else tells them apart from, say, Priority;
* sprints are the unknown columns whose values name a sprint ("ABC Sprint 4");
* a custom field is read by its name in brackets whatever the prefix
  ("Xyz (Story Points)");
* the columns still not understood are named in a note (at most eight, each once),
  leaving out those the reader passes over anyway: fields it ignores on purpose under
  a known name (Watchers, Comment, Attachment, Log Work, Priority…), names in brackets
  (custom fields, issue links), sums ("Σ …"), columns empty in the first records and
  columns of comment, attachment or work-log entries (`date;user;…`). Estimates,
  time spent, done dates, labels, components and parents under unknown names are not
  guessed: their values look like too many other fields'.

With an id column, each row carries the issue id besides its key, so a re-import
matches an item whose key changed; an export with ids and no keys uses the ids as keys.
Items already in the plan keep their lane on a re-import (`Batch.keep_lanes`).

`read_jira` checks the whole file first (line and column of the first problem);
`JiraFile.batch` then applies a category mapping and gives the rows to import.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
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
from onproduct.exchange.jira_dates import day_of, jira_date
from onproduct.exchange.jira_words import (
    CUSTOM_FIELDS,
    CUSTOM_PREFIXES,
    FIELD_OF_HEADER,
    IGNORED,
    SPRINT_WORDS,
    STATUS_WORDS,
    SUBTASK_TYPES,
    TYPE_WORDS,
)
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
from onproduct.exchange.tracker import apply_option, conversion_note, done_option, rate_option

KINDS = ("label", "component", "type")
KIND_TITLES = {"label": "Labels", "component": "Components", "type": "Issue types"}

# Jira's export starts with Summary, Issue key and Issue id, in the user's language: keys
# look like ABC-123, ids are numbers.
_LEADING = ("summary", "key", "id")
_KEY_SHAPE = re.compile(r"[A-Z][A-Z0-9_]+-\d+")
# "Custom field (Story Points)": a known prefix, or any (a language not known here).
_CUSTOM = re.compile(rf"^(?:{'|'.join(map(re.escape, CUSTOM_PREFIXES))})\s*\((?P<name>.*)\)$")
_PARENTHESISED = re.compile(r"^.*\((?P<name>[^()]*)\)$")
# Fields whose every column is read (Jira repeats them); the others take the first value.
_REPEATED = {"labels", "components", "sprint"}
# Records read ahead to tell columns by their values when their names are not known.
_SAMPLE = 50
_MOST_NAMED = 8  # columns the "not understood" note names
# Values of a column holding issue types or statuses: few and short.
_MOST_KINDS = 20
_LONGEST_KIND = 60


@lru_cache(maxsize=256)  # a file has a handful of issue types, on 100,000s of rows
def _is_subtask(issue_type: str) -> bool:
    return fold(issue_type) in SUBTASK_TYPES


@dataclass(slots=True)
class JiraIssue:
    """One issue as the export has it."""

    line: int
    key: str | None
    issue_id: str | None
    summary: str
    issue_type: str = ""
    status: str = ""
    status_category: str = ""
    labels: list[str] = field(default_factory=list)
    components: list[str] = field(default_factory=list)
    sprints: list[str] = field(default_factory=list)
    description: str = ""
    story_points: float | None = None
    original_seconds: float | None = None
    spent_seconds: float | None = None
    resolved: date | None = None
    parent: str | None = None
    parent_summary: str = ""
    epic: str | None = None
    is_subtask: bool = field(init=False)  # asked several times per issue: worked out once

    def __post_init__(self) -> None:
        self.is_subtask = _is_subtask(self.issue_type)

    @property
    def state(self) -> str:
        """todo, doing or done, from the status category if there is one, else the name."""
        return _state(self.status_category, self.status)

    def values(self) -> dict[str, list[str]]:
        return {
            "label": self.labels,
            "component": self.components,
            "type": [self.issue_type] if self.issue_type else [],
        }


@dataclass(slots=True)
class JiraFile:
    """A checked export: its issues and what was noticed while reading it."""

    source: str
    issues: list[JiraIssue]
    fields: frozenset[str]  # the fields the file has columns for
    notes: list[str] = field(default_factory=list)
    encoding: str = ""  # what the file was read as
    _values: dict[str, list[tuple[str, int]]] | None = None
    # Choices of the mapping step: done issues in no sprint come in (default: skipped,
    # they are history), and the hours a story point is worth (None: the plan's).
    include_done_backlog: bool = False
    hours_per_point: float | None = None

    def conversions(self, settings: PlanSettings) -> int:
        """How many issues' estimates the import converts between points and hours."""
        return sum(
            1 for issue in self.issues if _converts(issue, settings) and not issue.is_subtask
        )

    def done_without_sprint(self) -> int:
        """Done issues in no sprint: what the import skips unless asked to bring them."""
        return sum(
            1
            for issue in self.issues
            if issue.state == "done" and not issue.sprints and not issue.is_subtask
        )

    @property
    def source_id(self) -> str:
        """Which mapping to remember: the Jira projects of the issue keys."""
        projects = sorted({i.key.rsplit("-", 1)[0] for i in self.issues if i.key and "-" in i.key})
        return "jira:" + "+".join(projects[:3] or [self.source])

    @property
    def kind_titles(self) -> dict[str, str]:
        return KIND_TITLES

    def values(self, kind: str) -> list[tuple[str, int]]:
        """The distinct types, labels or components, most used first, with their counts."""
        if self._values is None:
            lead = [issue for issue in self.issues if not issue.is_subtask]
            counts = {
                "label": Counter(chain.from_iterable(issue.labels for issue in lead)),
                "component": Counter(chain.from_iterable(issue.components for issue in lead)),
                "type": Counter(issue.issue_type for issue in lead if issue.issue_type),
            }
            self._values = {k: value_counts(c) for k, c in counts.items()}
        return self._values[kind]

    def guessed_mapping(self) -> CategoryMapping:
        return guessed_mapping(KINDS, {kind: [v for v, _ in self.values(kind)] for kind in KINDS})

    def options(self, settings: PlanSettings) -> list[Option]:
        """Story points converted at a rate the user sees and sets; done issues in no
        sprint (history) left out unless asked for."""
        return [
            *rate_option(self.conversions(settings), self.hours_per_point, settings),
            *done_option(self.done_without_sprint(), self.include_done_backlog, "issues", "sprint"),
        ]

    def set_option(self, key: str, value: bool | float) -> None:
        apply_option(self, key, value)

    def batch(self, mapping: CategoryMapping, settings: PlanSettings) -> Batch:
        return _batch(self, mapping, settings)


def read_jira(path: Path) -> JiraFile:
    """Read and check a Jira export as a stream, in whatever encoding it is in."""
    check_source(path, MAX_CSV_BYTES)
    jira, encoding = read_text_file(path, lambda lines: parse_jira(lines, path.name))
    jira.encoding = encoding
    return jira


def looks_like_jira(header: Sequence[str], column: Callable[[int], list[str]]) -> float:
    """How sure it is that a file is a Jira export, from its header and a column's first
    values: sure with a Summary column in a language known here; nearly as sure when it
    starts the way Jira's exports do (keys such as ABC-123, then numeric ids)."""
    if any(_field_of(name) == "summary" for name in header):
        return 0.9
    return 0.85 if _leading_shape(column, len(header)) else 0.0


def parse_jira(text: str | Iterable[str], source: str = "the file") -> JiraFile:
    """Check a Jira export's text (or its lines); ExchangeError names the first problem
    and where."""
    reader, header = csv_records(text, source)
    columns = [(index, name) for index, name in enumerate(map(_field_of, header)) if name]
    line = reader.line_num + 1
    ahead: list[tuple[int, list[str]]] = []  # (line, record) read to tell columns by values
    notes: list[str] = []
    if _unsure(columns, len(header)):
        try:
            for record in reader:
                start_line, line = line, reader.line_num + 1
                ahead.append((start_line, record))
                if len(ahead) == _SAMPLE:
                    break
        except csv.Error as error:
            raise ExchangeError(f"{source}, line {line}: {error}.") from None
        columns, notes = _by_values(header, columns, [record for _, record in ahead])
    present = frozenset(f for _, f in columns)
    if "summary" not in present:
        raise ExchangeError(
            f"{source} is not a Jira export: its header has no Summary column"
            f" (it starts: {', '.join(header[:5]) or 'nothing'})."
        )
    jira = JiraFile(source, [], present, notes)
    unread_dates: dict[str, tuple[int, str]] = {}
    cells = _cells(columns, header)
    for start_line, record in ahead:
        if "".join(record).strip():
            _check_width(record, header, source, start_line)
            jira.issues.append(_issue(record, cells, source, start_line, unread_dates))
    try:
        for record in reader:
            start_line, line = line, reader.line_num + 1
            if not "".join(record).strip():
                continue
            if len(record) > len(header):
                _check_width(record, header, source, start_line)
            jira.issues.append(_issue(record, cells, source, start_line, unread_dates))
    except csv.Error as error:
        raise ExchangeError(f"{source}, line {line}: {error}.") from None
    for column, (where, text_seen) in unread_dates.items():
        jira.notes.append(
            f"Dates in the column {column} were not understood (such as {text_seen!r} on"
            f" line {where}); those items have no done date."
        )
    _check_keys(jira)
    return jira


def _check_width(record: list[str], header: list[str], source: str, line: int) -> None:
    if len(record) > len(header):
        raise ExchangeError(
            f"{source}, line {line}: {len(record)} cells, but the header"
            f" names {len(header)} columns."
        )


@lru_cache(maxsize=1024)
def _field_of(name: str) -> str | None:
    """The field a header name is, in any language known here; None when unknown."""
    folded = fold(name)
    custom = _CUSTOM.match(folded) or _PARENTHESISED.match(folded)
    if custom:
        found = CUSTOM_FIELDS.get(custom["name"].strip())
        if found:
            return found
    return FIELD_OF_HEADER.get(folded)


def _unsure(columns: list[tuple[int, str]], width: int) -> bool:
    """Whether the names leave out what values may tell: one of the first three columns,
    or the issue type or status."""
    named = {index for index, _ in columns}
    present = {name for _, name in columns}
    return any(i not in named for i in range(min(3, width))) or not {"type", "status"} <= present


def _leading_shape(column: Callable[[int], list[str]], width: int) -> bool:
    """Whether the first three columns hold what Jira's do: a summary (text), an issue
    key such as ABC-123 and a numeric issue id, in every record."""
    if width < 3:
        return False
    keys, ids = column(1), column(2)
    return (
        bool(keys)
        and len(ids) == len(keys)
        and all(_KEY_SHAPE.fullmatch(key) for key in keys)
        and all(number.isascii() and number.isdigit() for number in ids)
        and not all(_KEY_SHAPE.fullmatch(text) or text.isdigit() for text in column(0))
    )


def _by_values(
    header: list[str], columns: list[tuple[int, str]], sample: list[list[str]]
) -> tuple[list[tuple[int, str]], list[str]]:
    """The columns, with those whose names are not known placed by their values in the
    first records where they can be; and a note naming the columns still not understood.

    Worked out once per file, from at most `_SAMPLE` records: the first three columns
    by Jira's shape (summary, key, id); the issue type and status as the first unknown
    column whose every value is a short word of a small set that holds one of the
    issue types or statuses of `jira_words` (in any language); sprints as the unknown
    columns, under one name, whose values name a sprint ("LED Sprint 2", "スプリント 3").
    """
    rows = [record for record in sample if "".join(record).strip()]

    def column(index: int) -> list[str]:
        return [record[index].strip() for record in rows if index < len(record)]

    columns = list(columns)
    named = {index for index, _ in columns}
    present = {name for _, name in columns}

    def place(index: int, name: str) -> None:
        columns.append((index, name))
        named.add(index)
        present.add(name)

    if _leading_shape(column, len(header)):
        for index, name in enumerate(_LEADING):
            if index not in named and name not in present:
                place(index, name)
    unknown = [i for i, name in enumerate(header) if i not in named and _unread_standard(name)]
    for name, words in (("type", TYPE_WORDS), ("status", STATUS_WORDS)):
        if name in present:
            continue
        found = next((i for i in unknown if _holds_kinds(column(i), len(rows), words)), None)
        if found is not None:
            place(found, name)
            unknown.remove(found)
    if "sprint" not in present:
        names = {fold(header[i]) for i in unknown if _names_sprints(column(i))}
        for index in [i for i in unknown if fold(header[i]) in names]:
            place(index, "sprint")
            unknown.remove(index)
    columns.sort()
    missed = list(dict.fromkeys(header[i].strip() for i in unknown if _plain_values(column(i))))
    if not missed:
        return columns, []
    more = len(missed) - _MOST_NAMED
    listed = ", ".join(missed[:_MOST_NAMED]) + (f" and {more} more" if more > 0 else "")
    return columns, [
        f"Columns not understood: {listed} (their values were not imported; the file's"
        " language may be one Onproduct does not know all the words of)."
    ]


def _unread_standard(name: str) -> bool:
    """Whether a column whose name is not known may be a standard field the reader
    would read: not a field it passes over on purpose (Watchers, Comment, Attachment,
    Log Work, Priority…, in the languages of `jira_words`), nor a custom field or issue
    link ("Custom field (Team)", "Outward issue link (Blocks)": Jira writes both as a
    name in brackets in every language), nor a sum over sub-tasks ("Σ Time Spent")."""
    folded = fold(name)
    return bool(folded) and not (
        folded in IGNORED or folded.startswith("σ") or _PARENTHESISED.match(folded)
    )


def _holds_kinds(values: list[str], rows: int, words: frozenset[str]) -> bool:
    """Whether a column's values are issue types (or statuses): in every record, short,
    few, and at least one of them a type (status) known in some language."""
    if not values or len(values) < rows or not all(values):
        return False
    distinct = set(map(fold, values))
    return (
        len(distinct) <= _MOST_KINDS
        and max(map(len, distinct)) <= _LONGEST_KIND
        and not distinct.isdisjoint(words)
    )


def _names_sprints(values: list[str]) -> bool:
    filled = [fold(value) for value in values if value]
    return bool(filled) and all(any(word in text for word in SPRINT_WORDS) for text in filled)


def _plain_values(values: list[str]) -> bool:
    """Whether a column has values, and they are not entries of a comment, attachment or
    work log ("25/Jun/20 1:00 PM;557058:ab12;Looks good"), which Jira writes alike in
    every language: a column of those is one the reader passes over on purpose."""
    filled = [value for value in values if value]
    return bool(filled) and not all(
        ";" in value and any(jira_date(part) for part in value.split(";")[:2]) for value in filled
    )


def _number(text: str, line: int, column: str, source: str) -> float | None:
    if not text:
        return None
    try:
        value = float(text)  # the usual case: "28800", "3", "2.5"
    except ValueError:
        try:  # "3,5", "28 800" (a spreadsheet's thousands separator)
            value = float(text.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            value = float("nan")
    if not (0 <= value <= _MOST_SECONDS):  # also false for nan
        raise ExchangeError(
            f"{source}, line {line}, column {column}: {text!r} is not a number of 0 or more."
        )
    return value


_NUMBERS = ("points", "original", "spent")
_MOST_SECONDS = MAX_EFFORT * 3600


def _numbers(
    points: str, original: str, spent: str, line: int, names: dict[str, str], source: str
) -> tuple[float | None, float | None, float | None]:
    """Story points, original estimate and time spent of a row (None where empty).

    Plain numbers in range, nearly every row's, are read in one step; anything else
    goes through `_number`, which knows the other forms and words the error.
    """
    try:
        first = float(points) if points else None
        second = float(original) if original else None
        third = float(spent) if spent else None
        if (
            (first is None or 0 <= first <= _MOST_SECONDS)
            and (second is None or 0 <= second <= _MOST_SECONDS)
            and (third is None or 0 <= third <= _MOST_SECONDS)
        ):
            return first, second, third
    except ValueError:
        pass
    texts = (points, original, spent)
    first, second, third = (
        _number(text, line, names[name], source) if text else None
        for text, name in zip(texts, _NUMBERS, strict=True)
    )
    return first, second, third


# The fields read from one cell each, in the order `_issue` unpacks them.
_SINGLE = (
    "key", "id", "summary", "type", "status", "status_category",
    "points", "original", "spent", "resolved", "parent", "parent_summary", "epic",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Cells:
    """Where each field's cells are in a row, worked out once per file.

    Every row is padded with one empty cell past the header's width, and a field the
    file has no column for reads that cell: one C-level itemgetter per row hands back
    all single fields at once. A field that appears in several columns takes the first
    that has text; repeated fields (labels, components, sprints) take all that have text.
    """

    width: int
    get_single: Callable[[Sequence[str]], tuple[str, ...]]  # in _SINGLE's order
    description: int  # its cell (the pad cell when there is no such column)
    # (position in _SINGLE or None for the description, columns)
    several: tuple[tuple[int | None, tuple[int, ...]], ...]
    get_labels: Callable[[Sequence[str]], tuple[str, ...]]
    get_components: Callable[[Sequence[str]], tuple[str, ...]]
    get_sprints: Callable[[Sequence[str]], tuple[str, ...]]
    names: dict[str, str]  # the header name of each field's first column, for messages


def _cells(columns: list[tuple[int, str]], header: list[str]) -> _Cells:
    width = len(header)
    indices: dict[str, list[int]] = {}
    for index, name in columns:
        indices.setdefault(name, []).append(index)

    def getter(name: str) -> Callable[[Sequence[str]], tuple[str, ...]]:
        # The pad cell twice keeps itemgetter returning a tuple whatever the count.
        return itemgetter(*indices.get(name, ()), width, width)

    return _Cells(
        width=width,
        get_single=itemgetter(*(indices.get(name, [width])[0] for name in _SINGLE)),
        description=indices.get("description", [width])[0],
        several=tuple(
            (None if name == "description" else _SINGLE.index(name), tuple(found))
            for name, found in indices.items()
            if name not in _REPEATED and len(found) > 1
        ),
        get_labels=getter("labels"),
        get_components=getter("components"),
        get_sprints=getter("sprint"),
        names={n: header[i[0]].strip() for n, i in indices.items()},
    )


def _issue(
    record: list[str],
    cells: _Cells,
    source: str,
    line: int,
    unread_dates: dict[str, tuple[int, str]],
) -> JiraIssue:
    """One issue from its row."""
    # csv gives short rows when trailing cells are empty; the pad cell reads as "".
    record.extend(repeat("", cells.width + 1 - len(record)))
    single = cells.get_single(record)
    description = record[cells.description]  # as it is: indentation can mean something
    if cells.several:
        values = list(single)
        for position, indices in cells.several:
            first = next((record[i] for i in indices if record[i].strip()), "")
            if position is None:
                description = first
            else:
                values[position] = first
        single = tuple(values)
    (key, issue_id, summary, issue_type, status, category, points, original, spent,
     resolved_text, parent, parent_summary, epic) = map(str.strip, single)  # fmt: skip
    if "\r" in description:
        description = description.replace("\r\n", "\n")
    names = cells.names
    resolved = None
    if resolved_text:
        resolved = day_of(resolved_text.split(" ", 1)[0]) or jira_date(resolved_text)
        if resolved is None:
            unread_dates.setdefault(names["resolved"], (line, resolved_text))
    return JiraIssue(
        line,
        key or None,
        issue_id or None,
        summary,
        issue_type,
        status,
        category,
        " ".join(cells.get_labels(record)).split(),  # a cell may hold several, by spaces
        [c.strip() for c in cells.get_components(record) if c and not c.isspace()],
        [c.strip() for c in cells.get_sprints(record) if c and not c.isspace()],
        description if description and not description.isspace() else "",
        *_numbers(points, original, spent, line, names, source),
        resolved,
        parent or None,
        parent_summary,
        epic or None,
    )


@lru_cache(maxsize=1024)
def _state(status_category: str, status: str) -> str:
    for text in (status_category, status):
        folded = fold(text)
        if not folded:
            continue
        if DONE.search(folded):
            return "done"
        if DOING.search(folded):
            return "doing"
        if status_category:
            return "todo"
    return "todo"


def _check_keys(jira: JiraFile) -> None:
    """No two issues with one key (or id, when the ids are the keys): a re-import would
    not know which item is which."""
    by_id = _keyed_by_id(jira.fields)
    what = "id" if by_id else "key"
    seen: dict[str, int] = {}
    for issue in jira.issues:
        ref = issue.issue_id if by_id else issue.key
        if ref is None:
            continue
        folded = ref.casefold()
        if folded in seen:
            raise ExchangeError(
                f"{jira.source}, line {issue.line}: the issue {what} {ref} is already"
                f" the {what} of line {seen[folded]}."
            )
        seen[folded] = issue.line


def _keyed_by_id(present: frozenset[str]) -> bool:
    """Whether the issue ids are the items' keys: an export with ids and no keys."""
    return "key" not in present and "id" in present


def _converts(issue: JiraIssue, settings: PlanSettings) -> bool:
    """Whether the issue's estimate is converted through the hours per point."""
    if settings.effort_unit == "points":
        return issue.story_points is None and issue.original_seconds is not None
    return issue.original_seconds is None and issue.story_points is not None


def _efforts(issue: JiraIssue, settings: PlanSettings) -> tuple[float | None, float | None]:
    """The estimate and actual effort in the plan's unit.

    Story points are the estimate of a plan in points; a plan in hours takes the
    original estimate. Each falls back on the other through the plan's hours per point.
    """
    per_point = settings.hours_per_point or 1.0
    seconds, spent = issue.original_seconds, issue.spent_seconds
    if settings.effort_unit == "points":
        estimate = issue.story_points
        if estimate is None and seconds is not None:
            estimate = seconds / 3600 / per_point
        actual = None if spent is None else spent / 3600 / per_point
    else:
        estimate = None if seconds is None else seconds / 3600
        if estimate is None and issue.story_points is not None:
            estimate = issue.story_points * per_point
        actual = None if spent is None else spent / 3600
    return (
        None if estimate is None else round(estimate, 2),
        None if actual is None else round(actual, 2),
    )


@lru_cache(maxsize=4096)  # a file names a few hundred sprints, on 100,000s of rows
def _sprint_name(text: str) -> tuple[str, str]:
    """A sprint's name with its spacing cleaned up, and that folded for comparing."""
    name = " ".join(text.split())
    return name, name.casefold()


def _checklist_line(issue: JiraIssue, settings: PlanSettings) -> str:
    mark = "x" if issue.state == "done" else " "
    estimate, _ = _efforts(issue, settings)
    effort = f" ({estimate:g} {settings.unit})" if estimate is not None else ""
    key = f"{issue.key} " if issue.key else ""
    return f"- [{mark}] {key}{' '.join(issue.summary.split())}{effort}"


def _parents(issues: list[JiraIssue]) -> dict[int, JiraIssue]:
    """The parent (or epic) in the file of each issue that names one, by the issue's line."""
    wanted = {ref.casefold() for i in issues for ref in (i.parent, i.epic) if ref}
    if not wanted:
        return {}
    by_ref: dict[str, JiraIssue] = {}
    for issue in issues:
        for ref in (issue.issue_id, issue.key):
            if ref:
                folded = ref.casefold()
                if folded in wanted:
                    by_ref.setdefault(folded, issue)
    parents: dict[int, JiraIssue] = {}
    for issue in issues:
        if issue.parent is None and issue.epic is None:
            continue
        for ref in (issue.parent, issue.epic):
            if ref and ref.casefold() in by_ref:
                parents[issue.line] = by_ref[ref.casefold()]
                break
    return parents


@bulk
def _batch(jira: JiraFile, mapping: CategoryMapping, settings: PlanSettings) -> Batch:
    """The items of the file under a mapping: one pass over the issues, each checked.

    A 100,000-row export runs through the loop below, so it works per row only with
    what varies per row: category, stored labels and state are worked out once per
    shape (labels, components, type and status), sprint names once per name.
    """
    parents = _parents(jira.issues)
    if jira.hours_per_point is not None:
        settings = replace(settings, hours_per_point=jira.hours_per_point)

    def skip(issue: JiraIssue, why: str) -> None:
        what = issue.key or issue.issue_id or repr(issue.summary[:40])
        skipped.append(Skipped(f"line {issue.line}", what, why))

    subtasks: dict[int, list[JiraIssue]] = {}  # by the parent's line
    skipped: list[Skipped] = []
    notes = list(jira.notes)
    orphans = 0
    for issue in jira.issues:
        if not issue.is_subtask:
            continue
        parent = parents.get(issue.line)
        if parent is not None and not parent.is_subtask:
            subtasks.setdefault(parent.line, []).append(issue)
        else:
            orphans += 1
    if orphans:
        notes.append(
            f"{orphans} sub-task{'s' if orphans != 1 else ''} whose parent is not in the file"
            " came in as items of their own."
        )

    rows: list[ImportRow] = []
    sprints: dict[str, SprintRef] = {}
    # What an issue's labels, components, type and status make of it: its category
    # (or SKIP), its labels as stored and its state. A file has a few hundred of these.
    shapes: dict[tuple[object, ...], tuple[str, tuple[str, ...], str]] = {}
    truncated = 0
    converted = 0
    by_id = _keyed_by_id(jira.fields)
    for issue in jira.issues:
        parent = parents.get(issue.line)
        if parent is not None and issue.is_subtask and not parent.is_subtask:
            skip(issue, f"sub-task, folded into {parent.key or 'its parent'}")
            continue
        shape_key = (
            tuple(issue.labels),
            tuple(issue.components),
            issue.issue_type,
            issue.status,
            issue.status_category,
        )
        shape = shapes.get(shape_key)
        if shape is None:
            found = mapping.checked_target_of(issue.values())
            shape = shapes[shape_key] = (found, tuple(map(as_label, issue.labels)), issue.state)
        target, labels, status = shape
        if target == SKIP:
            reason = mapping.skip_reason(issue.values())
            skip(issue, reason)
            continue
        if status == "done" and not issue.sprints and not jira.include_done_backlog:
            skip(issue, "already done, and in no sprint")
            continue
        title = " ".join(issue.summary.split())
        if not title:
            skip(issue, "it has no summary")
            continue
        if len(title) > MAX_TITLE:
            title = shortened(title, MAX_TITLE)
            truncated += 1
        estimate, actual = _efforts(issue, settings)
        if _converts(issue, settings):
            converted += 1
        description = issue.description.rstrip()
        children = subtasks.get(issue.line)
        if children:
            checklist = "\n".join(_checklist_line(child, settings) for child in children)
            description = f"{description}\n\nSub-tasks:\n{checklist}".lstrip()
            if estimate is None:
                efforts = [_efforts(child, settings)[0] for child in children]
                known = [e for e in efforts if e is not None]
                estimate = round(sum(known), 2) if known else None
        epic_name = parent.summary if parent is not None else issue.parent_summary
        if epic_name and not epic_name.isspace():
            labels = (*labels, as_label(epic_name))
        # Built clean (the title, description and labels above are what validate_item
        # would make of them; tests/exchange/test_fuzz.py holds every row to that), so
        # only what can still be wrong is checked, by validate_item's own rules.
        try:
            fields = ItemFields(
                title,
                target,
                description,
                check_effort(estimate, "estimate"),
                check_effort(actual, "actual effort"),
                status,
                clean_labels(labels),
                check_key(issue.issue_id if by_id else issue.key),
                None,
                None,
                issue.resolved if status == "done" else None,
            )
        except ValidationError as error:
            raise ExchangeError(f"{jira.source}, line {issue.line}: {error}") from None
        sprint = None
        if issue.sprints:
            sprint, folded = _sprint_name(issue.sprints[-1])  # the latest it was in
            if folded not in sprints:
                sprints[folded] = SprintRef(sprint, issue.line)
        # The id too: a re-import matches an item by it when its key changed (the issue
        # moved to another project) or the earlier import had ids only.
        refs = (issue.issue_id,) if issue.issue_id else ()
        rows.append(ImportRow(issue.line, fields, sprint or None, None, refs))
    if truncated:
        notes.append(
            f"{truncated} summar{'ies' if truncated != 1 else 'y'} longer than {MAX_TITLE}"
            " characters were shortened."
        )
    if converted:
        notes.append(conversion_note(converted, settings))
    done = sum(1 for s in skipped if s.why == "already done, and in no sprint")
    if done:
        were = "s were" if done != 1 else " was"
        notes.append(
            f"{done} done issue{were} in no sprint and left out (already done);"
            " the mapping step can bring them in."
        )
    return Batch(
        source=jira.source,
        rows=tuple(rows),
        sprints=sprints,
        fields=_fields_set(jira.fields),
        skipped=tuple(skipped),
        notes=tuple(notes),
        create_sprints=False,
        encoding=jira.encoding,
        keep_lanes=True,
    )


def _fields_set(present: frozenset[str]) -> frozenset[str]:
    """The item fields a re-import updates: those the export has columns for."""
    result = {"title", "category"}
    if "description" in present:
        result.add("description")
    if present & {"labels", "parent", "parent_summary", "epic"}:
        result.add("labels")
    if present & {"status", "status_category"}:
        result.add("status")
    if present & {"key", "id"}:
        result.add("external_key")
    if present & {"points", "original"}:
        result.add("estimate")
    if "spent" in present:
        result.add("actual")
    if "resolved" in present:
        result.add("done_on")
    if "sprint" in present:
        result.add("sprint")
    return frozenset(result)


def _recognise(sniffed: Sniffed) -> float:
    return looks_like_jira(sniffed.header, sniffed.column)


FORMAT = Format(
    key="jira",
    name="Jira CSV",
    patterns=("*.csv",),
    summary="Jira's Export ▸ CSV (all fields or current fields), in any language Jira"
    " ships (a language it does not know is read by the shape of the export)",
    recognise=_recognise,
    read=read_jira,
    order=20,
)
