"""Trello board exports: cards, lists, labels, archived cards and checklists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from onproduct.domain.settings import PlanSettings
from onproduct.exchange.batch import ExchangeError
from onproduct.exchange.formats.trello import parse_trello, read_trello
from onproduct.exchange.importer import import_batch
from onproduct.exchange.mapping import SKIP
from onproduct.storage.plan import Plan

HOURS = PlanSettings()


def board() -> dict[str, object]:
    """A board as Trello's "Export as JSON" writes it (the fields we read, and some we don't)."""
    return {
        "id": "5f1b2c3d4e5f6a7b8c9d0e1f",
        "name": "Ledger team",
        "lists": [
            {"id": "L1", "name": "Backlog", "closed": False, "pos": 1},
            {"id": "L2", "name": "Doing", "closed": False, "pos": 2},
            {"id": "L3", "name": "Done", "closed": False, "pos": 3},
            {"id": "L4", "name": "Old ideas", "closed": True, "pos": 4},
        ],
        "labels": [
            {"id": "B1", "name": "Tech debt", "color": "red"},
            {"id": "B2", "name": "", "color": "green"},
            {"id": "B3", "name": "Support", "color": "blue"},
        ],
        "cards": [
            {
                "id": "C1", "shortLink": "aB3dE6fG", "name": "(3) Upgrade the ORM",
                "desc": "Version 4 drops Python 3.8.", "idList": "L2",
                "idLabels": ["B1"], "closed": False, "idChecklists": ["K1"],
                "labels": [{"id": "B1", "name": "Tech debt", "color": "red"}],
            },
            {
                "id": "C2", "shortLink": "hI9jK0lM", "name": "Reset passwords by hand",
                "desc": "", "idList": "L3", "idLabels": ["B3", "B2"], "closed": False,
                "labels": [],
            },
            {
                "id": "C3", "shortLink": "nO1pQ2rS", "name": "Dark mode", "desc": "",
                "idList": "L1", "idLabels": [], "closed": True, "labels": [],
            },
            {
                "id": "C4", "shortLink": "tU3vW4xY", "name": "Gamified invoices", "desc": "",
                "idList": "L4", "idLabels": [], "closed": False, "labels": [],
            },
            {
                "id": "C5", "shortLink": "zA5bC6dE", "name": "Журнал изменений", "desc": "",
                "idList": "L1", "idLabels": [], "closed": False, "labels": [],
            },
        ],
        "checklists": [
            {
                "id": "K1", "idCard": "C1", "name": "Steps", "pos": 1,
                "checkItems": [
                    {"id": "I2", "name": "Run the tests", "state": "incomplete", "pos": 2},
                    {"id": "I1", "name": "Read the changelog", "state": "complete", "pos": 1},
                ],
            }
        ],
        "actions": [{"type": "createCard", "data": {}}],
    }  # fmt: skip


def _rows(data: dict[str, object], include_archived: bool = False) -> dict[str, object]:
    parsed = parse_trello(json.dumps(data), "board.json")
    parsed.include_archived = include_archived
    batch = parsed.batch(parsed.guessed_mapping(), HOURS)
    return {row.fields.external_key: row.fields for row in batch.rows}


def test_cards_become_items_with_labels_lists_and_checklists() -> None:
    rows = _rows(board())
    assert set(rows) == {"aB3dE6fG", "hI9jK0lM", "zA5bC6dE"}  # archived skipped
    orm = rows["aB3dE6fG"]
    assert orm.title == "Upgrade the ORM" and orm.estimate == 12.0  # (3) points × 4 h
    assert (orm.category, orm.status, orm.labels) == ("tech_debt", "doing", ("Tech debt",))
    assert orm.description == (
        "Version 4 drops Python 3.8.\n\nSteps:\n- [x] Read the changelog\n- [ ] Run the tests"
    )
    ops = rows["hI9jK0lM"]
    assert (ops.category, ops.status, ops.labels) == ("product_ops", "done", ("Support", "green"))
    assert rows["zA5bC6dE"].title == "Журнал изменений"


def test_archived_cards_come_in_only_when_asked() -> None:
    rows = _rows(board(), include_archived=True)
    assert {"nO1pQ2rS", "tU3vW4xY"} <= set(rows)


def test_skipped_cards_say_why() -> None:
    parsed = parse_trello(json.dumps(board()), "board.json")
    mapping = parsed.guessed_mapping()
    mapping.set("list", "Backlog", SKIP)  # the Done card keeps its label's category
    batch = parsed.batch(mapping, HOURS)
    reasons = sorted(skip.why for skip in batch.skipped)
    assert reasons == ["archived", "archived", "its label or list is mapped to Skip"]


def test_reimport_updates_cards_by_short_link(sample_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "board.json"
    path.write_text(json.dumps(board()), encoding="utf-8")
    parsed = read_trello(path)
    first = import_batch(sample_plan, parsed.batch(parsed.guessed_mapping(), HOURS))
    data = board()
    data["cards"][0]["name"] = "(5) Upgrade the ORM to v4"  # type: ignore[index]
    parsed = parse_trello(json.dumps(data), "board.json")
    second = import_batch(sample_plan, parsed.batch(parsed.guessed_mapping(), HOURS))
    assert (len(first.added), len(second.added), len(second.updated)) == (3, 0, 1)
    titles = [i.title for i in sample_plan.items() if i.external_key == "aB3dE6fG"]
    assert titles == ["Upgrade the ORM to v4"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "board.json is empty."),
        ('{"name": "x", "cards": [', "board.json, line 1, column 25: the JSON is broken"),
        ('{\n  "name": "x",\n  "cards": [}\n', "board.json, line 3, column 13"),
        ('{"name": "not a board"}', "is not a Trello board export"),
        ("[1, 2, 3]", "is not a Trello board export"),
        ('{"cards": [1, 2]}', "the board's 'cards' is not a list of records"),
    ],
)
def test_broken_files_say_what_and_where(text: str, message: str) -> None:
    with pytest.raises(ExchangeError) as error:
        parse_trello(text, "board.json")
    assert message in str(error.value)
