"""Onproduct's own CSV format (PRODUCT.md): a header row, then one item per row.

Columns, in any order: key, title, category, estimate, actual, status, sprint,
sprint_start, sprint_end, labels, description. Only title and category are required.
What Onproduct itself writes adds the columns that make a round trip lossless:
done_on, removes_operation, saves_hours_per_week, sprint_capacity, sprint_revenue.
The whole file is read and checked before anything is written, and a problem is
reported with its line and column.

Spreadsheets run a cell that starts with = + - @ (or a tab or carriage return) as a
formula, which is how a CSV file can carry an attack. Onproduct writes such cells with
a leading apostrophe, which spreadsheets show as text; reading takes exactly that
apostrophe off again, so a round trip gives back the very same text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from itertools import chain
from pathlib import Path

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import (
    STATUSES,
    ItemFields,
    ValidationError,
    clean_labels,
    parse_amount,
    parse_effort,
    validate_item,
)
from onproduct.exchange.batch import Batch, ExchangeError, ImportRow, SprintRef
from onproduct.exchange.formats import Format, Sniffed
from onproduct.exchange.text import (
    MAX_CSV_BYTES,
    check_source,
    header_lines,
    read_text_file,
    sniff_delimiter,
)

COLUMNS = (
    "key",
    "title",
    "category",
    "estimate",
    "actual",
    "status",
    "sprint",
    "sprint_start",
    "sprint_end",
    "labels",
    "description",
)
OPTIONAL_COLUMNS = (
    "done_on",
    "removes_operation",
    "saves_hours_per_week",
    "sprint_capacity",
    "sprint_revenue",
)
REQUIRED_COLUMNS = ("title", "category")
# The item field each column sets ("sprint" places the item).
_FIELD_OF_COLUMN = {
    "key": "external_key",
    "title": "title",
    "category": "category",
    "estimate": "estimate",
    "actual": "actual",
    "status": "status",
    "labels": "labels",
    "description": "description",
    "done_on": "done_on",
    "removes_operation": "operation_id",
    "saves_hours_per_week": "saves_hours_per_week",
    "sprint": "sprint",
}
FORMULA_STARTS = frozenset("=+-@\t\r")


def escape(text: str) -> str:
    """Neutralise a cell a spreadsheet would run; reversible by `unescape`.

    Text that already starts with apostrophes before a formula character gets one more,
    so that taking one off on import never changes what the user wrote.
    """
    bare = text.lstrip("'")
    if bare and bare[0] in FORMULA_STARTS:
        return "'" + text
    return text


def unescape(text: str) -> str:
    """Undo `escape`: drop the one apostrophe it added, and nothing else."""
    if text.startswith("'"):
        bare = text.lstrip("'")
        if bare and bare[0] in FORMULA_STARTS:
            return text[1:]
    return text


def read_plan_csv(path: Path) -> Batch:
    """Read and check a file in Onproduct's CSV format, as a stream (any size up to
    MAX_CSV_BYTES reads in the memory its rows take)."""
    check_source(path, MAX_CSV_BYTES)
    batch, encoding = read_text_file(path, lambda lines: parse_plan_csv(lines, path.name))
    return replace(batch, encoding=encoding)


def _date(text: str, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ExchangeError(f"{where}: {text!r} is not a date like 2026-11-24.") from None


def parse_plan_csv(text: str | Iterable[str], source: str = "the file") -> Batch:
    """Check CSV text (or its lines) in Onproduct's format; ExchangeError names the
    first problem."""
    lines = iter(io.StringIO(text, newline="") if isinstance(text, str) else text)
    first = header_lines(lines)  # `,`, or `;` or a tab as spreadsheets save them
    reader = csv.reader(chain([first], lines), delimiter=sniff_delimiter(first), strict=True)
    try:
        header = next(reader, None)
        while header is not None and not "".join(header).strip():
            header = next(reader, None)  # blank lines before the header
    except csv.Error as error:
        raise ExchangeError(f"{source}, line {reader.line_num}: {error}.") from None
    if header is None:
        raise ExchangeError(f"{source} is empty.")
    names = [name.strip().lower() for name in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ExchangeError(
            f"{source} is not an Onproduct CSV file: its header has no"
            f" {' and no '.join(missing)} column (it has: {', '.join(header) or 'nothing'})."
        )
    doubles = sorted({n for n in names if n and names.count(n) > 1})
    if doubles:
        raise ExchangeError(f"{source}, line 1: the column {doubles[0]!r} appears twice.")
    known = set(COLUMNS) | set(OPTIONAL_COLUMNS)
    position = {name: i for i, name in enumerate(names) if name in known}

    rows: list[ImportRow] = []
    sprints: dict[str, SprintRef] = {}
    keys: dict[str, int] = {}
    line = reader.line_num + 1
    try:
        for record in reader:
            start_line, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header):
                raise ExchangeError(
                    f"{source}, line {start_line}: {len(record)} cells, but the header"
                    f" names {len(header)} columns."
                )
            record = [unescape(cell) for cell in record]
            row = _row(record, position, source, start_line)
            rows.append(row)
            key = row.fields.external_key
            if key is not None:
                folded = key.casefold()
                if folded in keys:
                    raise ExchangeError(
                        f"{source}, line {start_line}, column key: {key} is already the key"
                        f" of line {keys[folded]}."
                    )
                keys[folded] = start_line
            _note_sprint(record, position, row, source, start_line, sprints)
    except csv.Error as error:
        raise ExchangeError(f"{source}, line {line}: {error}.") from None
    fields = frozenset(_FIELD_OF_COLUMN[c] for c in position if c in _FIELD_OF_COLUMN)
    return Batch(source, tuple(rows), sprints, fields)


def _cell(record: list[str], position: dict[str, int], name: str) -> str:
    index = position.get(name)
    return record[index] if index is not None and index < len(record) else ""


def _row(record: list[str], position: dict[str, int], source: str, line: int) -> ImportRow:
    def cell(name: str) -> str:
        return _cell(record, position, name)

    def where(column: str) -> str:
        return f"{source}, line {line}, column {column}"

    category = cell("category").strip()
    if category not in CATEGORY_KEYS:
        raise ExchangeError(
            f"{where('category')}: {category!r} is not a category;"
            f" use one of {', '.join(CATEGORY_KEYS)}."
        )
    status = cell("status").strip().lower() or "todo"
    if status not in STATUSES:
        raise ExchangeError(f"{where('status')}: {status!r} is not todo, doing or done.")
    efforts: dict[str, float | None] = {}
    for column in ("estimate", "actual", "saves_hours_per_week"):
        try:
            efforts[column] = parse_effort(cell(column), column.replace("_", " "))
        except ValidationError as error:
            raise ExchangeError(f"{where(column)}: {error}") from None
    try:
        labels = clean_labels(cell("labels").split(";"))
    except ValidationError as error:
        raise ExchangeError(f"{where('labels')}: {error}") from None
    fields = ItemFields(
        title=cell("title"),
        category=category,
        description=cell("description"),
        estimate=efforts["estimate"],
        actual=efforts["actual"],
        status=status,
        labels=labels,
        external_key=cell("key"),
        saves_hours_per_week=efforts["saves_hours_per_week"],
        done_on=_date(cell("done_on").strip(), where("done_on"))
        if cell("done_on").strip()
        else None,
    )
    try:
        fields = validate_item(fields)
    except ValidationError as error:
        column = "title" if "title" in str(error) else "key" if "key" in str(error) else "row"
        raise ExchangeError(f"{where(column)}: {error}") from None
    sprint = " ".join(cell("sprint").split()) or None
    operation = " ".join(cell("removes_operation").split()) or None
    if fields.category != "automation":
        operation = None
    return ImportRow(line, fields, sprint, operation)


def _note_sprint(
    record: list[str],
    position: dict[str, int],
    row: ImportRow,
    source: str,
    line: int,
    sprints: dict[str, SprintRef],
) -> None:
    """Remember the sprint a row names and its dates; rows must not disagree about them."""
    if row.sprint is None:
        return
    ref = sprints.setdefault(row.sprint.casefold(), SprintRef(row.sprint, line))
    for column, what in (("sprint_capacity", "capacity"), ("sprint_revenue", "revenue")):
        text = _cell(record, position, column)
        try:
            value = (
                parse_amount(text, f"sprint {what}")
                if what == "revenue"
                else (parse_effort(text, f"sprint {what}"))
            )
        except ValidationError as error:
            raise ExchangeError(f"{source}, line {line}, column {column}: {error}") from None
        if value is not None:
            setattr(ref, what, value)
    start_text = _cell(record, position, "sprint_start").strip()
    end_text = _cell(record, position, "sprint_end").strip()
    if not start_text and not end_text:
        return
    if not start_text or not end_text:
        missing = "sprint_start" if not start_text else "sprint_end"
        raise ExchangeError(f"{source}, line {line}, column {missing}: give both sprint dates.")
    start = _date(start_text, f"{source}, line {line}, column sprint_start")
    end = _date(end_text, f"{source}, line {line}, column sprint_end")
    if end < start:
        raise ExchangeError(
            f"{source}, line {line}, column sprint_end: {row.sprint} cannot end before it starts."
        )
    if ref.dates is None:
        ref.dates, ref.dates_line = (start, end), line
    elif ref.dates != (start, end):
        raise ExchangeError(
            f"{source}, line {line}: {row.sprint} runs {start} to {end} here but"
            f" {ref.dates[0]} to {ref.dates[1]} on line {ref.dates_line}."
        )


def _recognise(sniffed: Sniffed) -> float:
    names = {name.strip().lower() for name in sniffed.header}
    return 1.0 if all(column in names for column in REQUIRED_COLUMNS) else 0.0


FORMAT = Format(
    key="csv",
    name="Onproduct CSV",
    patterns=("*.csv",),
    summary="Onproduct's own CSV (title and category columns), as `export --csv` writes it"
    " or a spreadsheet made by hand",
    recognise=_recognise,
    read=read_plan_csv,
    order=10,
)
