"""A Trello board's JSON export (Menu ▸ Print, export and share ▸ Export as JSON).

Cards become items: the card's name is the title, its description and checklists the
description (checklists as `- [x]` lines), its labels stay labels, and labels or the
list it is in decide the category through the same mapping step as Jira. A card's
short link is its key, so importing the board again updates the items. Archived
cards, and the cards of archived lists, are skipped unless asked for. The "Scrum for
Trello" habit of a leading "(3)" in a card's name is read as its estimate in points.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onproduct.domain.items import (
    MAX_TITLE,
    ItemFields,
    ValidationError,
    validate_item,
)
from onproduct.domain.settings import PlanSettings
from onproduct.exchange.batch import Batch, ExchangeError, ImportRow, Skipped, bulk
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
from onproduct.exchange.text import MAX_JSON_BYTES, decode, fold, read_bytes
from onproduct.exchange.tracker import apply_option, archived_option

KINDS = ("label", "list")
KIND_TITLES = {"label": "Labels", "list": "Lists"}
_POINTS = re.compile(r"^\((\d+(?:[.,]\d+)?)\)\s*")


@dataclass(slots=True)
class TrelloCard:
    index: int  # position in the export's card array, for messages
    key: str
    name: str
    description: str
    list_name: str
    labels: list[str]
    archived: bool
    checklists: list[tuple[str, list[tuple[str, bool]]]] = field(default_factory=list)
    due_complete: bool = False

    def values(self) -> dict[str, list[str]]:
        return {"label": self.labels, "list": [self.list_name] if self.list_name else []}


@dataclass(slots=True)
class TrelloBoard:
    source: str
    board_id: str
    name: str
    cards: list[TrelloCard]
    notes: list[str] = field(default_factory=list)
    include_archived: bool = False
    encoding: str = ""  # what the file was read as
    # The board's open lists in their order on the board, and the status each name
    # says (see list_statuses).
    lists: list[str] = field(default_factory=list)

    @property
    def source_id(self) -> str:
        return f"trello:{self.board_id or self.name}"

    @property
    def kind_titles(self) -> dict[str, str]:
        return KIND_TITLES

    def values(self, kind: str) -> list[tuple[str, int]]:
        return value_counts(
            Counter(
                value
                for card in self.cards
                if self.include_archived or not card.archived
                for value in card.values()[kind]
            )
        )

    def guessed_mapping(self) -> CategoryMapping:
        return guessed_mapping(KINDS, {kind: [v for v, _ in self.values(kind)] for kind in KINDS})

    # The mapping step shows a status for each value of this kind (see MappingDialog).
    status_kind = "list"

    def guessed_statuses(self) -> dict[str, str]:
        """The status of each list's cards as its name says it, in any language we know;
        when no list's name says done, the board's last open list is the done one."""
        statuses = {name: _status_of_name(name) for name in self.lists}
        if self.lists and "done" not in statuses.values():
            statuses[self.lists[-1]] = "done"
        for card in self.cards:
            statuses.setdefault(card.list_name, _status_of_name(card.list_name))
        return statuses

    def options(self, settings: PlanSettings) -> list[Option]:
        archived = sum(1 for card in self.cards if card.archived)
        return archived_option(archived, self.include_archived, "cards")

    def set_option(self, key: str, value: bool | float) -> None:
        apply_option(self, key, value)

    def batch(self, mapping: CategoryMapping, settings: PlanSettings) -> Batch:
        return _batch(self, mapping, settings)


def read_trello(path: Path) -> TrelloBoard:
    """Read and check a board's JSON export (read whole: JSON has no rows to stream)."""
    raw = read_bytes(path, MAX_JSON_BYTES)
    text, encoding = decode(raw, path.name)
    board = parse_trello(text, path.name)
    board.encoding = encoding
    return board


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _list(value: Any) -> list[Any]:
    """A JSON array, or nothing: an export edited by hand may hold anything anywhere."""
    return value if isinstance(value, list) else []


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _records(data: dict[str, Any], name: str, source: str) -> list[dict[str, Any]]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ExchangeError(f"{source}: the board's {name!r} is not a list of records.")
    return value


def parse_trello(text: str, source: str = "the file") -> TrelloBoard:
    """Check a board export; ExchangeError names the first problem and where."""
    if not text.strip():
        raise ExchangeError(f"{source} is empty.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExchangeError(
            f"{source}, line {error.lineno}, column {error.colno}: the JSON is broken"
            f" ({error.msg.lower()})."
        ) from None
    except RecursionError:
        raise ExchangeError(f"{source}: the JSON is nested too deeply.") from None
    if not isinstance(data, dict) or not isinstance(data.get("cards"), list):
        raise ExchangeError(f"{source} is not a Trello board export: it has no list of cards.")
    list_records = _records(data, "lists", source)
    lists = {
        _text(entry.get("id")): (_text(entry.get("name")), entry.get("closed") is True)
        for entry in list_records
    }
    in_order = [
        _text(entry.get("name"))
        for _, entry in sorted(
            enumerate(list_records), key=lambda pair: (_number(pair[1].get("pos")), pair[0])
        )
        if entry.get("closed") is not True and _text(entry.get("name"))
    ]
    labels = {
        _text(entry.get("id")): _text(entry.get("name")).strip() or _text(entry.get("color"))
        for entry in _records(data, "labels", source)
    }
    checklists: dict[str, list[tuple[float, str, list[tuple[str, bool]]]]] = {}
    for entry in _records(data, "checklists", source):
        items = [
            (_number(item.get("pos")), _text(item.get("name")), item.get("state") == "complete")
            for item in _list(entry.get("checkItems"))
            if isinstance(item, dict)
        ]
        items.sort(key=lambda item: item[0])
        checklists.setdefault(_text(entry.get("idCard")), []).append(
            (_number(entry.get("pos")), _text(entry.get("name")), [(n, d) for _, n, d in items])
        )
    cards: list[TrelloCard] = []
    keys: dict[str, int] = {}
    for index, card in enumerate(_records(data, "cards", source)):
        key = _text(card.get("shortLink")) or _text(card.get("id"))
        list_name, list_closed = lists.get(_text(card.get("idList")), ("", False))
        names: list[str] = []
        for label_id in _list(card.get("idLabels")):
            if isinstance(label_id, str) and labels.get(label_id):
                names.append(labels[label_id])
        for label in _list(card.get("labels")):
            if isinstance(label, dict):
                name = _text(label.get("name")).strip() or _text(label.get("color"))
                if name and name.casefold() not in {n.casefold() for n in names}:
                    names.append(name)
        if key:
            if key in keys:
                raise ExchangeError(
                    f"{source}: cards {keys[key] + 1} and {index + 1} have the same short"
                    f" link {key}."
                )
            keys[key] = index
        lists_of_card = sorted(checklists.get(_text(card.get("id")), []), key=lambda c: c[0])
        cards.append(
            TrelloCard(
                index=index,
                key=key,
                name=_text(card.get("name")),
                description=_text(card.get("desc")),
                list_name=list_name,
                labels=names,
                archived=card.get("closed") is True or list_closed,
                checklists=[(name, items) for _, name, items in lists_of_card],
                due_complete=card.get("dueComplete") is True,
            )
        )
    board = data.get("id")
    return TrelloBoard(
        source, _text(board), _text(data.get("name")), cards, lists=list(dict.fromkeys(in_order))
    )


def _status_of_name(name: str) -> str:
    folded = fold(name)
    if DONE.search(folded):
        return "done"
    if DOING.search(folded):
        return "doing"
    return "todo"


@bulk
def _batch(board: TrelloBoard, mapping: CategoryMapping, settings: PlanSettings) -> Batch:
    rows: list[ImportRow] = []
    skipped: list[Skipped] = []
    guessed = board.guessed_statuses()
    for card in board.cards:
        where = f"card {card.index + 1}"
        what = repr(card.name[:40]) if card.name.strip() else card.key or "a card"
        if card.archived and not board.include_archived:
            skipped.append(Skipped(where, what, "archived"))
            continue
        target = mapping.target_of(card.values())
        if target == SKIP:
            skipped.append(Skipped(where, what, "its label or list is mapped to Skip"))
            continue
        title = " ".join(card.name.split())
        estimate = None
        match = _POINTS.match(title)
        if match:
            points = float(match[1].replace(",", "."))
            per_point = settings.hours_per_point or 1.0
            estimate = points if settings.effort_unit == "points" else points * per_point
            title = title[match.end() :]
        if not title:
            skipped.append(Skipped(where, what, "it has no name"))
            continue
        title = shortened(title, MAX_TITLE)
        description = card.description.rstrip()
        for name, items in card.checklists:
            lines = "\n".join(f"- [{'x' if done else ' '}] {text}" for text, done in items)
            description = f"{description}\n\n{name or 'Checklist'}:\n{lines}".lstrip()
        fields = ItemFields(
            title=title,
            category=target,
            description=description,
            estimate=estimate,
            status="done"
            if card.due_complete
            else mapping.status(card.list_name) or guessed.get(card.list_name, "todo"),
            labels=tuple(as_label(label) for label in card.labels),
            external_key=card.key or None,
        )
        try:
            fields = validate_item(fields)
        except ValidationError as error:
            raise ExchangeError(f"{board.source}, {where}: {error}") from None
        rows.append(ImportRow(card.index + 1, fields))
    return Batch(
        source=board.source,
        rows=tuple(rows),
        sprints={},
        fields=frozenset({"title", "category", "description", "status", "labels", "external_key"}),
        skipped=tuple(skipped),
        notes=tuple(board.notes),
        create_sprints=False,
        encoding=board.encoding,
        keep_lanes=True,
    )


def _recognise(sniffed: Sniffed) -> float:
    start = sniffed.text.lstrip("\ufeff \t\r\n")[:1]
    if start not in ("{", "["):
        return 0.0
    return 0.9 if '"cards"' in sniffed.text or '"lists"' in sniffed.text else 0.5


FORMAT = Format(
    key="trello",
    name="Trello JSON",
    patterns=("*.json",),
    summary="a Trello board's Menu ▸ Print, export and share ▸ Export as JSON",
    recognise=_recognise,
    read=read_trello,
    order=30,
)
