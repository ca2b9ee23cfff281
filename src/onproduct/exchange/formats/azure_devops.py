"""Azure DevOps (or TFS) query results saved with Export to CSV, mapped into items.

What such a file looks like, and what this reader copes with:
* UTF-8 with a byte-order mark and every cell quoted; Windows-1252 or `;` after a
  spreadsheet saved it again;
* the query's columns: only ID and Title are sure, and header names are in the
  exporting user's language (English, German, Spanish, French, Portuguese are known);
* a tree query's `Title 1`, `Title 2`, ... columns: an item's title is in the column of
  its level, and its parent is the nearest row above it at a lower level;
* descriptions in HTML, read as plain text with their line breaks;
* Epics and Features, which hold other work: the guessed mapping skips them, and what
  they hold gets their name as a label; Tasks under a backlog item (by the Parent column
  or the tree) are folded into it as a checklist, as Jira's sub-tasks are;
* Effort, Story Points or Size are points, Original Estimate and Remaining Work hours;
  the last part of the Iteration Path is the sprint (the project alone: the backlog).

`read_ado` checks the whole file first (line and column of the first problem);
`AdoFile.batch` then applies a category mapping and gives the rows to import.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
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
from onproduct.exchange.html_text import PlainText, plain_text
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

KINDS = ("tag", "type")
KIND_TITLES = {"tag": "Tags", "type": "Work item types"}

# Header names per field, folded (see _header_key), in the languages Azure DevOps
# exports in. Effort (Scrum), Story Points (Agile) and Size (CMMI) are all "points".
# fmt: off
_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "work item id"),
    "type": ("work item type", "arbeitsaufgabentyp", "arbeitselementtyp",
        "tipo de elemento de trabajo", "type d'element de travail",
        "tipo de item de trabalho", "tipo de item de trabajo"),
    "title": ("title", "titel", "titulo", "titre"),
    "state": ("state", "zustand", "status", "estado", "etat"),
    "area": ("area path", "bereichspfad", "ruta de area", "ruta de acceso de area",
        "chemin de la zone", "chemin d'acces de la zone", "caminho da area"),
    "iteration": ("iteration path", "iterationspfad", "ruta de iteracion",
        "ruta de acceso de iteracion", "chemin d'iteration", "chemin d'acces d'iteration",
        "caminho da iteracao"),
    "tags": ("tags", "markierungen", "etiquetas", "balises", "marcas"),
    "points": ("effort", "aufwand", "esfuerzo", "esforco", "story points", "storypunkte",
        "story-punkte", "puntos de historia", "points de recit", "pontos de historia",
        "size", "grosse", "tamano", "taille", "tamanho"),
    "original": ("original estimate", "ursprungliche schatzung", "estimacion original",
        "estimation d'origine", "estimation initiale", "estimativa original"),
    "remaining": ("remaining work", "verbleibende arbeit", "trabajo restante",
        "travail restant", "trabalho restante"),
    "completed": ("completed work", "abgeschlossene arbeit", "trabajo completado",
        "travail effectue", "travail termine", "trabalho concluido"),
    "description": ("description", "beschreibung", "descripcion", "descricao"),
    "repro": ("repro steps", "reproduktionsschritte", "pasos de reproduccion",
        "etapes de reproduction", "etapas de reproducao", "passos de reproducao"),
    "acceptance": ("acceptance criteria", "akzeptanzkriterien", "criterios de aceptacion",
        "criteres d'acceptation", "criterios de aceitacao"),
    "parent": ("parent", "parent id", "ubergeordnet", "ubergeordnetes element",
        "primario", "elemento primario", "id primario", "element parent", "pai",
        "item pai", "elemento pai"),
    "closed": ("closed date", "geschlossen am", "datum geschlossen", "schliessdatum",
        "fecha de cierre", "date de fermeture", "data de fechamento", "data de fecho"),
    "url": ("url", "link", "web url", "work item url"),
}
# fmt: on
_FIELD_OF_HEADER = {name: key for key, names in _HEADERS.items() for name in names}
# The fields read from one cell each, in the order `_work_item` unpacks them.
_SINGLE = (
    "id", "type", "title", "state", "area", "iteration", "tags",
    "points", "original", "remaining", "completed", "parent", "closed", "url",
)  # fmt: skip

# Work item types (folded) that hold other work, and those folded into their parent.
_CONTAINERS = frozenset({
    "epic", "epico", "epique", "feature", "funktion", "caracteristica", "fonctionnalite",
    "funcionalidad", "funcionalidade", "recurso",
})  # fmt: skip
_TASKS = frozenset({"task", "aufgabe", "tarea", "tache", "tarefa"})
# States (folded) a mapping has no say in, and those Jira's words miss.
_REMOVED = frozenset({"removed", "entfernt", "eliminado", "quitado", "supprime", "removido"})
# Resolved: fixed but not yet verified; Azure Boards keeps such items on the backlog.
_RESOLVED = frozenset({"resolved", "aufgelost", "geloest", "resuelto", "resolu", "resolvido"})
_ACTIVE = re.compile(r"activ|aktiv|ativ|committed|zugesagt|confirmad|doing|valide")
_CLOSED = re.compile(r"ferme|fait\b|gelost")

_DATE = re.compile(r"^(\d{1,4})([-/.])(\d{1,2})\2(\d{1,4})$")
_MOST_HOURS = MAX_EFFORT * 1000  # the most hours a point can be worth, times MAX_EFFORT
# Descriptions are kept whole up to this many characters (a pasted log can be longer).
MAX_DESCRIPTION = 50_000
# Lines of a record kept to say where a quoting problem is (a record is a line or a few;
# a quote left open runs on to the end of the file).
_KEPT_LINES = 2000


@dataclass(slots=True)
class WorkItem:
    """One work item as the export has it."""

    line: int
    work_id: str | None
    title: str
    work_type: str
    state_name: str
    tags: list[str]
    description: str  # plain text, made of its HTML
    points: float | None
    hours: float | None  # the original estimate, else the remaining and completed work
    completed: float | None
    area: str
    iteration: str
    parent_id: str | None
    closed_text: str
    url: str
    level: int = 0  # its Title column in a tree query (1 is the top), else 0
    closed: date | None = None
    parent: WorkItem | None = None  # from the Parent column, else the tree
    host: WorkItem | None = None  # the backlog item a task is folded into
    kind: str = field(init=False)  # "container", "task" or "item"
    state: str = field(init=False)  # todo, doing, done or removed

    def __post_init__(self) -> None:
        self.kind = _kind(self.work_type)
        self.state = _state(self.state_name)

    def values(self) -> dict[str, list[str]]:
        return {"tag": self.tags, "type": [self.work_type] if self.work_type else []}

    @property
    def what(self) -> str:
        return f"#{self.work_id}" if self.work_id else repr(self.title[:40])


@dataclass(slots=True)
class AdoFile:
    """A checked export: its work items and what was noticed while reading it."""

    source: str
    items: list[WorkItem]
    fields: frozenset[str]  # the fields the file has columns for
    tree: bool = False  # a tree query (Title 1, Title 2, ...)
    notes: list[str] = field(default_factory=list)
    encoding: str = ""
    _values: dict[str, list[tuple[str, int]]] | None = None
    _tasks: dict[int, list[WorkItem]] | None = None
    # Choices of the mapping step, as for Jira: done items in no sprint come in
    # (default: skipped, they are history), and the hours a point is worth.
    include_done_backlog: bool = False
    hours_per_point: float | None = None

    def conversions(self, settings: PlanSettings) -> int:
        """How many items' estimates the import converts between points and hours (their
        own, or their tasks' when they have none)."""
        tasks = self.tasks()
        return sum(
            1
            for i in self.items
            if i.host is None
            and (
                _converts(i, settings)
                if i.points is not None or i.hours is not None
                else any(_converts(t, settings) for t in tasks.get(i.line, ()))
            )
        )

    def tasks(self) -> dict[int, list[WorkItem]]:
        """The tasks folded into each item, by its line (removed ones left out)."""
        if self._tasks is None:
            self._tasks = {}
            for item in self.items:
                if item.host is not None and item.state != "removed":
                    self._tasks.setdefault(item.host.line, []).append(item)
        return self._tasks

    def done_without_sprint(self) -> int:
        """Done items in no sprint: what the import skips unless asked to bring them."""
        return sum(
            1
            for i in self.items
            if i.state == "done" and i.host is None and _sprint_name(i.iteration) is None
        )

    @property
    def source_id(self) -> str:
        """Which mapping to remember: the projects (the first part of the area paths)."""
        projects = sorted(
            {
                (i.area or i.iteration).split("\\", 1)[0].strip()
                for i in self.items
                if i.area or i.iteration
            }
            - {""}
        )
        return "ado:" + "+".join(projects[:3] or [self.source])

    @property
    def kind_titles(self) -> dict[str, str]:
        return KIND_TITLES

    def values(self, kind: str) -> list[tuple[str, int]]:
        """The distinct tags or types, most used first, with their counts."""
        if self._values is None:
            lead = [i for i in self.items if i.host is None]
            counts = {
                "tag": Counter(chain.from_iterable(i.tags for i in lead)),
                "type": Counter(i.work_type for i in lead if i.work_type),
            }
            self._values = {k: value_counts(c) for k, c in counts.items()}
        return self._values[kind]

    def guessed_mapping(self) -> CategoryMapping:
        """The usual guesses, and every container type (Epic, Feature) skipped."""
        mapping = guessed_mapping(KINDS, {k: [v for v, _ in self.values(k)] for k in KINDS})
        for value, _ in self.values("type"):
            if _kind(value) == "container":
                mapping.set("type", value, SKIP)
        return mapping

    def options(self, settings: PlanSettings) -> list[Option]:
        return [
            *rate_option(self.conversions(settings), self.hours_per_point, settings, "points"),
            *done_option(self.done_without_sprint(), self.include_done_backlog, "items", "sprint"),
        ]

    def set_option(self, key: str, value: bool | float) -> None:
        apply_option(self, key, value)

    def batch(self, mapping: CategoryMapping, settings: PlanSettings) -> Batch:
        return _batch(self, mapping, settings)


def read_ado(path: Path) -> AdoFile:
    """Read and check an Azure DevOps export as a stream, in whatever encoding it is in."""
    check_source(path, MAX_CSV_BYTES)
    ado, encoding = read_text_file(path, lambda lines: parse_ado(lines, path.name))
    ado.encoding = encoding
    return ado


def _header_key(name: str) -> str:
    return fold(name).replace("\u2019", "'")  # "Type d’élément de travail"


def _field_of(name: str) -> str | None:
    key = _header_key(name)
    return _FIELD_OF_HEADER.get(key) or ("title" if _title_level(key) else None)


def _title_level(key: str) -> int | None:
    """The level of a tree query's title column ("title 2" is 2), from a folded name."""
    base, _, number = key.rpartition(" ")
    if number.isdigit() and _FIELD_OF_HEADER.get(base) == "title":
        return int(number)
    return None


def looks_like_ado(header: Iterable[str]) -> bool:
    """An ID, a Work Item Type and a Title column, in any of the languages known."""
    found = {_field_of(name) for name in header}
    return {"id", "type", "title"} <= found


def parse_ado(text: str | Iterable[str], source: str = "the file") -> AdoFile:
    """Check an Azure DevOps export's text (or its lines); ExchangeError names the first
    problem and where."""
    kept: list[str] = []  # the physical lines of the record being read
    reader, header = csv_records(text, source, lambda lines: _keeping(lines, kept))
    cells = _cells(header)
    if not cells.has_title:
        raise ExchangeError(
            f"{source} is not an Azure DevOps export: its header (line 1) has no Title"
            f" column (it starts: {', '.join(h.strip() for h in header[:5]) or 'nothing'})."
        )
    ado = AdoFile(source, [], cells.present, tree=bool(cells.levels))
    seen: dict[str, int] = {}
    ancestors: list[WorkItem] = []  # a tree query's rows above, one per lower level
    parser = PlainText()
    line = reader.line_num + 1
    kept.clear()
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            kept.clear()
            if not "".join(record).strip():
                continue
            if len(record) > len(header):
                raise ExchangeError(
                    f"{source}, line {start}, column {len(header) + 1}: {len(record)} cells,"
                    f" but the header names {len(header)} columns."
                )
            item = _work_item(record, cells, source, start, parser)
            if item.work_id is not None:
                folded = item.work_id.casefold()
                if folded in seen:
                    raise ExchangeError(
                        f"{source}, line {start}, column {cells.names['id']}: the work item"
                        f" ID {item.work_id} is already the ID of line {seen[folded]}."
                    )
                seen[folded] = start
            if cells.levels:
                while ancestors and ancestors[-1].level >= item.level:
                    ancestors.pop()
                item.parent = ancestors[-1] if ancestors else None
                ancestors.append(item)
            ado.items.append(item)
    except csv.Error as error:
        raise ExchangeError(
            _quoting_problem(source, line, kept, reader.dialect.delimiter, header, error)
        ) from None
    _link(ado)
    if "closed" in cells.present:
        _read_dates(ado, cells.names["closed"], day_first=not cells.english)
    return ado


def _keeping(lines: Iterator[str], kept: list[str]) -> Iterator[str]:
    """The lines, each also kept (up to a limit) until the reader empties `kept`."""
    for text in lines:
        if len(kept) < _KEPT_LINES:
            kept.append(text)
        yield text


def _quoting_problem(
    source: str, line: int, kept: list[str], delimiter: str, header: list[str], error: csv.Error
) -> str:
    """Where in the record that begins on `line` the quotes go wrong, in words."""
    # The first lines of the record are enough: past an unclosed quote, csv met only
    # doubled quotes (else it would have stopped at one), so the scan stays in the cell.
    found = _quote_trouble("".join(kept), delimiter)
    if found is None or (found[3] and "unexpected end of data" not in str(error)):
        return f"{source}, line {line}: {error}."
    cell, opened, stopped, unclosed = found
    column = header[cell].strip() if cell < len(header) else str(cell + 1)
    if unclosed:
        what = "a quote opens this cell and is never closed"
    elif opened == stopped:
        what = "a quote ends this cell but text follows it (a quote inside a cell is written twice)"
    else:
        what = (
            "a quote opens this cell and is not closed where the cell ends (reading stopped"
            f" on line {line + stopped}; a quote inside a cell is written twice)"
        )
    return f"{source}, line {line + opened}, column {column}: {what}."


def _quote_trouble(text: str, delimiter: str) -> tuple[int, int, int, bool] | None:
    """The first quoting problem in one record's text, read as csv does in strict mode:
    its cell, the lines (from the record's first) where its quote opened and where
    reading stopped, and whether the quote was never closed at all."""
    cell = newlines = opened = 0
    state = "start"  # of a cell; "plain", "quoted", "quote" (a quote in a quoted cell)
    for char in text:
        if state == "quoted":
            if char == '"':
                state = "quote"
            elif char == "\n":
                newlines += 1
        elif char == delimiter and state != "quoted":
            cell += 1
            state = "start"
        elif char in "\r\n":
            return None  # the record ended well
        elif state == "start":
            state = "quoted" if char == '"' else "plain"
            opened = newlines
        elif state == "quote":
            if char != '"':
                return cell, opened, newlines, False
            state = "quoted"
    return (cell, opened, newlines, True) if state == "quoted" else None


@dataclass(frozen=True, slots=True)
class _Cells:
    """Where each field's cells are in a row, worked out once per file (as jira.py does:
    rows are padded with one empty cell, which a field without a column reads)."""

    width: int
    get_single: Callable[[Sequence[str]], tuple[str, ...]]  # in _SINGLE's order
    texts: tuple[int, int, int]  # description, repro steps, acceptance criteria
    several: tuple[tuple[int, tuple[int, ...]], ...]  # (position in _SINGLE, columns)
    levels: tuple[tuple[int, int], ...]  # a tree query's (level, column), top first
    present: frozenset[str]
    names: dict[str, str]  # each field's header name, for messages
    english: bool  # the header is in English (dates then read month first)

    @property
    def has_title(self) -> bool:
        return "title" in self.present


def _cells(header: list[str]) -> _Cells:
    width = len(header)
    indices: dict[str, list[int]] = {}
    levels = []
    english = False
    for index, name in enumerate(header):
        key = _header_key(name)
        level = _title_level(key)
        if level is not None:
            levels.append((level, index))
            english = english or key.startswith("title")
            continue
        found = _FIELD_OF_HEADER.get(key)
        if found:
            indices.setdefault(found, []).append(index)
            english = english or key == "title"
    present = set(indices) | ({"title"} if levels else set())
    return _Cells(
        width=width,
        get_single=itemgetter(*(indices.get(name, [width])[0] for name in _SINGLE)),
        texts=(
            indices.get("description", [width])[0],
            indices.get("repro", [width])[0],
            indices.get("acceptance", [width])[0],
        ),
        several=tuple(
            (_SINGLE.index(name), tuple(found))
            for name, found in indices.items()
            if name in _SINGLE and len(found) > 1
        ),
        levels=tuple(sorted(levels)),
        present=frozenset(present),
        names={n: header[i[0]].strip() for n, i in indices.items()},
        english=english,
    )


def _work_item(
    record: list[str], cells: _Cells, source: str, line: int, parser: PlainText
) -> WorkItem:
    """One work item from its row."""
    record.extend(repeat("", cells.width + 1 - len(record)))
    single = cells.get_single(record)
    if cells.several:
        values = list(single)
        for position, indices in cells.several:
            values[position] = next((record[i] for i in indices if record[i].strip()), "")
        single = tuple(values)
    (work_id, work_type, title, state, area, iteration, tags, points, original, remaining,
     completed, parent, closed, url) = map(str.strip, single)  # fmt: skip
    level = 0
    if cells.levels:
        for number, index in cells.levels:
            cell = record[index]
            if cell and not cell.isspace():
                level = number
                title = title or cell.strip()
                break
    description, repro, acceptance = (record[i] for i in cells.texts)
    text = plain_text(description, parser) or plain_text(repro, parser)
    if acceptance and not acceptance.isspace():
        criteria = plain_text(acceptance, parser)
        if criteria:
            text = f"{text}\n\nAcceptance criteria:\n{criteria}".lstrip()
    numbers = _numbers((points, original, remaining, completed), line, cells.names, source)
    points_value, original_hours, remaining_hours, completed_hours = numbers
    hours = original_hours
    if hours is None and remaining_hours is not None:
        hours = remaining_hours + (completed_hours or 0.0)  # the work as now foreseen
    return WorkItem(
        line,
        work_id or None,
        title,
        work_type,
        state,
        [t.strip() for t in tags.split(";") if t and not t.isspace()] if tags else [],
        text,
        points_value,
        hours,
        completed_hours,
        area,
        iteration,
        parent or None,
        closed,
        url,
        level,
    )


_NUMBERS = ("points", "original", "remaining", "completed")


def _numbers(
    texts: tuple[str, str, str, str], line: int, names: dict[str, str], source: str
) -> tuple[float | None, ...]:
    """Points and hours of a row (None where empty): plain numbers in range, nearly every
    row's, in one step; anything else through `_number`, which words the error."""
    try:
        values = tuple(float(text) if text else None for text in texts)
        if all(v is None or 0 <= v <= _MOST_HOURS for v in values):
            return values
    except ValueError:
        pass
    return tuple(
        _number(text, line, names[name], source) if text else None
        for text, name in zip(texts, _NUMBERS, strict=True)
    )


def _number(text: str, line: int, column: str, source: str) -> float:
    try:  # "3,5", "1 200" (a spreadsheet's decimal comma or thousands separator)
        value = float(text.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        value = float("nan")
    if not (0 <= value <= _MOST_HOURS):  # also false for nan
        raise ExchangeError(
            f"{source}, line {line}, column {column}: {text!r} is not a number of 0 or more."
        )
    return value


def _link(ado: AdoFile) -> None:
    """Each item's parent (by the Parent column where it names a row of the file, else
    the tree's), and the backlog item each task is folded into."""
    by_id = (
        {i.work_id.casefold(): i for i in ado.items if i.work_id} if "parent" in ado.fields else {}
    )
    orphans = 0
    for item in ado.items:
        if item.parent_id is not None:
            named = by_id.get(item.parent_id.casefold())
            if named is not None and named is not item:
                item.parent = named
            elif item.kind == "task" and item.parent is None:
                orphans += 1
        parent = item.parent
        if item.kind == "task" and parent is not None and parent.kind == "item":
            item.host = parent
    if orphans:
        ado.notes.append(
            f"{orphans} task{'s' if orphans != 1 else ''} whose parent is not in the file"
            " came in as items of their own."
        )


def _date_parts(text: str) -> tuple[str, int, int, int] | None:
    """A date's numbers: ("ymd" or "dmy", year, month, day), or ("either", year, a, b)
    when a/b could be month/day or day/month; None when it is no date."""
    # A file has a few thousand distinct days and 100,000s of times: the day part alone
    # ("1/15/2024" of "1/15/2024 3:04:05 PM") is read, once.
    return _day_parts(text.split(" ", 1)[0].split("T", 1)[0])


@lru_cache(maxsize=8192)
def _day_parts(day: str) -> tuple[str, int, int, int] | None:
    match = _DATE.match(day)
    if not match:
        return None
    first, separator, second, third = match.groups()
    if len(first) == 4:
        return "ymd", int(first), int(second), int(third)
    if len(third) not in (2, 4) or len(first) > 2:
        return None
    year = int(third) + (2000 if len(third) == 2 else 0)
    if separator == ".":
        return "dmy", year, int(second), int(first)
    return "either", year, int(first), int(second)


def _read_dates(ado: AdoFile, column: str, day_first: bool) -> None:
    """The closed dates: 1/15/2024 in a US export, 15/01/2024 in most others. Which it
    is the days past 12 tell; else the header's language does."""
    found = [(item, _date_parts(item.closed_text)) for item in ado.items if item.closed_text]
    either = {parts for _, parts in found if parts is not None and parts[0] == "either"}
    if any(parts[2] > 12 for parts in either):
        day_first = True
    elif any(parts[3] > 12 for parts in either):
        day_first = False
    unread: tuple[int, str] | None = None
    for item, parts in found:
        try:
            if parts is None:
                raise ValueError(item.closed_text)
            order, year, month, day = parts
            if order == "either" and day_first:
                month, day = day, month
            item.closed = date(year, month, day)
        except ValueError:
            unread = unread or (item.line, item.closed_text)
    if unread:
        ado.notes.append(
            f"Dates in the column {column} were not understood (such as {unread[1]!r} on"
            f" line {unread[0]}); those items have no done date."
        )


@lru_cache(maxsize=1024)
def _kind(work_type: str) -> str:
    folded = fold(work_type)
    if folded in _CONTAINERS:
        return "container"
    return "task" if folded in _TASKS else "item"


@lru_cache(maxsize=1024)
def _state(name: str) -> str:
    folded = fold(name)
    if folded in _REMOVED:
        return "removed"
    if folded in _RESOLVED:
        return "doing"
    if DONE.search(folded) or _CLOSED.search(folded):
        return "done"
    if DOING.search(folded) or _ACTIVE.search(folded):
        return "doing"
    return "todo"


@lru_cache(maxsize=4096)  # a file names a few hundred iterations, on 100,000s of rows
def _sprint_name(path: str) -> tuple[str, str] | None:
    """The sprint of an iteration path (its last part) and that folded; None for the
    project alone (the backlog)."""
    if "\\" not in path:
        return None
    name = " ".join(path.rsplit("\\", 1)[1].split())
    return (name, name.casefold()) if name else None


def _converts(item: WorkItem, settings: PlanSettings) -> bool:
    """Whether the item's estimate is converted through the hours per point."""
    if settings.effort_unit == "points":
        return item.points is None and item.hours is not None
    return item.hours is None and item.points is not None


def _efforts(item: WorkItem, settings: PlanSettings) -> tuple[float | None, float | None]:
    """The estimate and actual effort in the plan's unit, as jira.py works them out:
    points for a plan in points, hours for one in hours, each falling back on the other
    through the plan's hours per point."""
    per_point = settings.hours_per_point or 1.0
    hours, done = item.hours, item.completed
    if settings.effort_unit == "points":
        estimate = item.points
        if estimate is None and hours is not None:
            estimate = hours / per_point
        actual = None if done is None else done / per_point
    else:
        estimate = hours
        if estimate is None and item.points is not None:
            estimate = item.points * per_point
        actual = done
    return (
        None if estimate is None else round(estimate, 2),
        None if actual is None else round(actual, 2),
    )


def _checklist_line(task: WorkItem, settings: PlanSettings) -> str:
    mark = "x" if task.state == "done" else " "
    estimate, _ = _efforts(task, settings)
    effort = f" ({estimate:g} {settings.unit})" if estimate is not None else ""
    key = f"#{task.work_id} " if task.work_id else ""
    return f"- [{mark}] {key}{' '.join(task.title.split())}{effort}"


def _summed(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known), 2) if known else None


@bulk
def _batch(ado: AdoFile, mapping: CategoryMapping, settings: PlanSettings) -> Batch:
    """The items of the file under a mapping: one pass over the work items, each checked;
    what a row's tags, type and state make of it is worked out once per such shape."""
    if ado.hours_per_point is not None:
        settings = replace(settings, hours_per_point=ado.hours_per_point)
    tasks = ado.tasks()
    skipped: list[tuple[int, Skipped]] = []

    def skip(item: WorkItem, why: str) -> None:
        skipped.append((item.line, Skipped(f"line {item.line}", item.what, why)))

    rows: list[ImportRow] = []
    sprints: dict[str, SprintRef] = {}
    shapes: dict[tuple[object, ...], tuple[str, tuple[str, ...]]] = {}
    containers: dict[str, list[str]] = {}  # container titles left out, by type
    imported: set[int] = set()
    truncated = shortened_texts = converted = done_left = 0
    for item in ado.items:
        if item.host is not None:
            continue  # decided with the item it is folded into, below
        if item.state == "removed":
            skip(item, f"removed in Azure DevOps (state {item.state_name!r})")
            continue
        shape_key = (tuple(item.tags), item.work_type)
        shape = shapes.get(shape_key)
        if shape is None:
            found = mapping.checked_target_of(item.values())
            shape = shapes[shape_key] = (found, tuple(map(as_label, item.tags)))
        target, labels = shape
        if target == SKIP:
            reason = mapping.skip_reason(item.values())
            if item.kind == "container":
                containers.setdefault(item.work_type, []).append(" ".join(item.title.split()))
            skip(item, reason)
            continue
        sprint = _sprint_name(item.iteration)
        if item.state == "done" and sprint is None and not ado.include_done_backlog:
            skip(item, "already done, and in no sprint")
            done_left += 1
            continue
        title = " ".join(item.title.split())
        if not title:
            skip(item, "it has no title")
            continue
        if len(title) > MAX_TITLE:
            title = shortened(title, MAX_TITLE)
            truncated += 1
        estimate, actual = _efforts(item, settings)
        converts = _converts(item, settings)
        description = item.description
        children = tasks.get(item.line)
        if children:
            checklist = "\n".join(_checklist_line(child, settings) for child in children)
            description = f"{description}\n\nTasks:\n{checklist}".lstrip()
            if estimate is None:
                estimate = _summed(_efforts(child, settings)[0] for child in children)
                converts = any(_converts(child, settings) for child in children)
            if actual is None:
                actual = _summed(_efforts(child, settings)[1] for child in children)
        if converts and estimate is not None:
            converted += 1
        if len(description) > MAX_DESCRIPTION:
            description = shortened(description, MAX_DESCRIPTION)
            shortened_texts += 1
        parent = item.parent
        if parent is not None and parent.kind == "container" and parent.title.strip():
            labels = (*labels, as_label(parent.title))
        try:
            fields = ItemFields(
                title,
                target,
                description.rstrip(),
                check_effort(estimate, "estimate"),
                check_effort(actual, "actual effort"),
                item.state,
                clean_labels(labels),
                check_key(item.work_id),
                None,
                None,
                item.closed if item.state == "done" else None,
            )
        except ValidationError as error:
            raise ExchangeError(f"{ado.source}, line {item.line}: {error}") from None
        if sprint is not None and sprint[1] not in sprints:
            sprints[sprint[1]] = SprintRef(sprint[0], item.line)
        refs = (item.url,) if item.url else ()
        rows.append(ImportRow(item.line, fields, sprint[0] if sprint else None, refs=refs))
        imported.add(item.line)
    for item in ado.items:
        host = item.host
        if host is None:
            continue
        if item.state == "removed":
            skip(item, f"removed in Azure DevOps (state {item.state_name!r})")
        elif host.line in imported:
            skip(item, f"task, folded into {host.what}")
        else:
            skip(item, f"task of {host.what}, which is left out")
    notes = list(ado.notes)
    for work_type, titles in containers.items():
        names = ", ".join(repr(t) for t in titles[:3]) + (", …" if len(titles) > 3 else "")
        notes.append(
            f"{len(titles)} {work_type} item{'s' if len(titles) != 1 else ''} ({names}) left"
            f" out, as containers of other work. Map the type {work_type!r} to a lane to"
            " bring them in."
        )
    if truncated:
        notes.append(
            f"{truncated} title{'s' if truncated != 1 else ''} longer than {MAX_TITLE}"
            " characters were shortened."
        )
    if shortened_texts:
        notes.append(
            f"{shortened_texts} description{'s' if shortened_texts != 1 else ''} longer than"
            f" {MAX_DESCRIPTION:,} characters were shortened."
        )
    if converted:
        notes.append(conversion_note(converted, settings))
    if done_left:
        were = "s were" if done_left != 1 else " was"
        notes.append(
            f"{done_left} done item{were} in no sprint and left out (already done);"
            " the mapping step can bring them in."
        )
    return Batch(
        source=ado.source,
        rows=tuple(rows),
        sprints=sprints,
        fields=_fields_set(ado.fields, bool(tasks) or ado.tree),
        skipped=tuple(s for _, s in sorted(skipped, key=itemgetter(0))),
        notes=tuple(notes),
        create_sprints=False,
        encoding=ado.encoding,
        keep_lanes=True,
    )


def _fields_set(present: frozenset[str], nested: bool) -> frozenset[str]:
    """The item fields a re-import updates: those the export has columns for."""
    result = {"title", "category"}
    if present & {"description", "repro", "acceptance"} or nested:
        result.add("description")
    if present & {"tags", "parent"} or nested:
        result.add("labels")
    if "state" in present:
        result.add("status")
    if "id" in present:
        result.add("external_key")
    if present & {"points", "original", "remaining"} or nested:
        result.add("estimate")
    if "completed" in present:
        result.add("actual")
    if "closed" in present:
        result.add("done_on")
    if "iteration" in present:
        result.add("sprint")
    return frozenset(result)


def _recognise(sniffed: Sniffed) -> float:
    return 0.95 if looks_like_ado(sniffed.header) else 0.0


FORMAT = Format(
    key="ado",
    name="Azure DevOps CSV",
    patterns=("*.csv",),
    summary="an Azure DevOps (or TFS) query's Export to CSV",
    recognise=_recognise,
    read=read_ado,
    order=40,
)
