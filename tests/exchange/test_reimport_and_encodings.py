"""Importing a tracker's export again, and files in the encodings spreadsheets save."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from onproduct.domain.settings import PlanSettings
from onproduct.exchange.batch import Batch, ExchangeError
from onproduct.exchange.formats.jira import read_jira
from onproduct.exchange.formats.trello import parse_trello, read_trello
from onproduct.exchange.importer import import_batch, plan_import_into
from onproduct.exchange.mapping import CategoryMapping
from onproduct.exchange.sources import detect_format, read_source
from onproduct.storage.plan import Plan

from ..helpers import dump
from .jira_files import HEADER, ROWS, jira_text, write_jira

HOURS = PlanSettings()


def _batch(path: Path) -> Batch:
    source = read_source(path)
    return source if isinstance(source, Batch) else source.batch(source.guessed_mapping(), HOURS)


def _by_key(plan: Plan) -> dict[str, object]:
    return {i.external_key: i for i in plan.items() if i.external_key}


# ------------------------------------------------------------------ re-import


def test_a_lane_a_user_chose_survives_a_reimport(tmp_path: Path, sample_plan: Plan) -> None:
    path = write_jira(tmp_path / "jira.csv", jira_text())
    import_batch(sample_plan, _batch(path))
    bug = _by_key(sample_plan)["LED-3"]
    assert bug.category == "tech_debt"  # the guessed mapping: bugs are debt
    sample_plan.update_items([(bug.id, {"category": "product_ops"})])  # the user moves it
    count = len(sample_plan.items())
    changes = import_batch(sample_plan, _batch(path))
    assert len(sample_plan.items()) == count and not changes.added
    assert _by_key(sample_plan)["LED-3"].category == "product_ops"
    # A changed title still comes in: only the lane is the user's.
    renamed = {"Summary": "Invoice totals off by a cent"}
    edited = [dict(r, **renamed) if r.get("Issue key") == "LED-3" else r for r in ROWS]
    write_jira(path, jira_text(edited))
    import_batch(sample_plan, _batch(path))
    again = _by_key(sample_plan)["LED-3"]
    assert (again.title, again.category) == ("Invoice totals off by a cent", "product_ops")
    # Asked to apply the mapping again, it does.
    import_batch(sample_plan, replace(_batch(path), keep_lanes=False))
    assert _by_key(sample_plan)["LED-3"].category == "tech_debt"


def test_an_export_without_keys_is_matched_by_the_issue_id(
    tmp_path: Path, sample_plan: Plan
) -> None:
    header = [name for name in HEADER if name != "Issue key"]
    path = write_jira(tmp_path / "ids.csv", jira_text(ROWS, header))
    import_batch(sample_plan, _batch(path))
    count = len(sample_plan.items())
    changes = import_batch(sample_plan, _batch(path))
    assert not changes.added and len(sample_plan.items()) == count


def test_a_file_that_nothing_can_match_says_so_before_writing(
    tmp_path: Path, sample_plan: Plan
) -> None:
    header = [name for name in HEADER if name not in ("Issue key", "Issue id", "Parent id")]
    path = write_jira(tmp_path / "bare.csv", jira_text(ROWS, header))
    before = dump(sample_plan.path)
    preview = plan_import_into(sample_plan, _batch(path))
    assert any("importing it again will add every item a second time" in n for n in preview.notes)
    assert dump(sample_plan.path) == before  # the preview wrote nothing


def test_trello_cards_keep_their_lanes_on_reimport(tmp_path: Path, sample_plan: Plan) -> None:
    board = {
        "id": "B", "name": "Team",
        "lists": [{"id": "L1", "name": "To do", "pos": 1}, {"id": "L2", "name": "Done", "pos": 2}],
        "cards": [{"id": "C1", "shortLink": "k1", "name": "Fix the login bug", "idList": "L1"}],
    }  # fmt: skip
    path = tmp_path / "board.json"
    path.write_text(json.dumps(board), encoding="utf-8")
    import_batch(sample_plan, _batch(path))
    card = _by_key(sample_plan)["k1"]
    sample_plan.update_items([(card.id, {"category": "feature"})])
    import_batch(sample_plan, _batch(path))
    assert _by_key(sample_plan)["k1"].category == "feature"


# ------------------------------------------------------------------ encodings


def test_excel_unicode_text_utf16_with_tabs(tmp_path: Path, sample_plan: Plan) -> None:
    text = jira_text(delimiter="\t").replace("Signup wizard", "Assistente de inscrição 登録")
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))  # with its byte-order mark, as Excel saves it
    assert detect_format(path) == "jira"
    jira = read_jira(path)
    assert jira.encoding == "utf-16"
    assert "Assistente de inscrição 登録" in [i.summary for i in jira.issues]
    changes = import_batch(sample_plan, jira.batch(jira.guessed_mapping(), HOURS))
    assert changes.details()[0] == "Read as UTF-16 (Excel's Unicode text) text."
    own = tmp_path / "own.txt"
    own.write_bytes(b"\xfe\xff" + "title\tcategory\nFacturação\tfeature\n".encode("utf-16-be"))
    batch = _batch(own)
    assert batch.rows[0].fields.title == "Facturação" and batch.encoding == "utf-16"


@pytest.mark.parametrize(
    ("encoding", "title", "expected"),
    [
        ("cp1250", "Zgłoszenie: żółta łódź na fakturze", "cp1250"),
        ("cp1252", "Facturación electrónica añadida", "cp1252"),
        ("cp1251", "Счёт для клиента не отправлен", "cp1251"),
        ("cp932", "請求書の送信を自動化する", "cp932"),
        ("cp1253", "Τιμολόγιο για τον πελάτη", "cp1253"),
        ("cp949", "고객에게 송장을 자동으로 보내기", "cp949"),
        ("gbk", "自动发送发票给客户", "gb18030"),  # GB18030 reads all GBK does
        ("big5", "自動發送發票給客戶", "big5"),
    ],
)
def test_spreadsheet_code_pages_are_told_apart(
    tmp_path: Path, encoding: str, title: str, expected: str
) -> None:
    rows = [
        dict(row, Summary=f"{title} {n}") if row["Issue Type"] != "Epic" else row
        for n, row in enumerate(ROWS * 6)
    ]
    rows = [dict(row, **{"Issue key": f"LED-{n}", "Issue id": str(10000 + n)}) for n, row in
            enumerate(rows)]  # fmt: skip
    header = [h for h in HEADER if not h.startswith("Σ")]
    path = write_jira(tmp_path / "excel.csv", jira_text(rows, header, ";"), encoding)
    jira = read_jira(path)
    assert jira.encoding == expected
    assert jira.issues[1].summary == f"{title} 1"


def test_a_file_in_no_encoding_imports_nothing(tmp_path: Path, sample_plan: Plan) -> None:
    path = tmp_path / "noise.csv"
    path.write_bytes(b"Summary,Issue key\n" + bytes(range(0x80, 0x100)) * 4 + b",K-1\n")
    before = dump(sample_plan.path)
    with pytest.raises(ExchangeError, match=r"not text in any encoding|cannot be told") as error:
        read_source(path, "jira")
    assert "\n" not in str(error.value)
    assert dump(sample_plan.path) == before


# ------------------------------------------------------------------ Trello statuses


def _board(lists: list[str], cards: list[tuple[str, str]]) -> str:
    return json.dumps(
        {
            "id": "B",
            "name": "Board",
            "lists": [{"id": f"L{n}", "name": name, "pos": n} for n, name in enumerate(lists)],
            "cards": [
                {
                    "id": f"C{n}",
                    "shortLink": f"s{n}",
                    "name": title,
                    "idList": f"L{lists.index(lst)}",
                }
                for n, (title, lst) in enumerate(cards)
            ],
        }
    )


@pytest.mark.parametrize(
    ("lists", "statuses"),
    [
        (["未着手", "進行中", "完了"], ["todo", "doing", "done"]),  # Japanese
        (["À faire", "En cours", "Terminé"], ["todo", "doing", "done"]),  # French
        (["Por hacer", "En curso", "Hecho"], ["todo", "doing", "done"]),  # Spanish
        (["Zu klären", "In Arbeit", "Erledigt"], ["todo", "doing", "done"]),  # German
        (["待办", "进行中", "已完成"], ["todo", "doing", "done"]),  # Chinese
        # Names that say nothing: the last open list is the done one.
        (["Ideas", "This week", "Shipped to customers"], ["todo", "todo", "done"]),
        (["Ideen", "Diese Woche", "Beim Kunden"], ["todo", "todo", "done"]),
    ],
)
def test_a_lists_status_comes_from_its_name_or_its_place(
    lists: list[str], statuses: list[str]
) -> None:
    board = parse_trello(_board(lists, [(f"Card in {name}", name) for name in lists]))
    batch = board.batch(board.guessed_mapping(), HOURS)
    assert [row.fields.status for row in batch.rows] == statuses


def test_the_mapping_sets_a_lists_status_and_remembers_it(tmp_path: Path) -> None:
    lists = ["Inbox", "Waiting for the customer", "Archive of finished work"]
    path = tmp_path / "board.json"
    path.write_text(_board(lists, [(f"Card {n}", name) for n, name in enumerate(lists)]))
    board = read_trello(path)
    mapping = board.guessed_mapping()
    mapping.set_status("Waiting for the customer", "doing")
    batch = board.batch(mapping, HOURS)
    assert [row.fields.status for row in batch.rows] == ["todo", "doing", "done"]
    remembered = CategoryMapping.from_json(tuple(board.kind_titles), mapping.to_json())
    assert remembered is not None and remembered.status("waiting for the customer") == "doing"


@pytest.mark.parametrize(
    ("value", "lane"),
    [
        ("バグ", "tech_debt"), ("不具合", "tech_debt"), ("缺陷", "tech_debt"),
        ("Bogue", "tech_debt"),
        ("Dette technique", "tech_debt"), ("運用", "product_ops"), ("Exploitation", "product_ops"),
        ("自動化", "automation"), ("Amélioration", "feature"), ("ストーリー", "feature"),
        ("Product Backlog Item", "feature"), ("Requirement", "feature"),
        ("エピック", "skip"), ("Épique", "skip"), ("Эпик", "skip"), ("Работа", None),
    ],
)  # fmt: skip
def test_the_mapping_guesses_in_the_languages_of_trackers(value: str, lane: str | None) -> None:
    from onproduct.exchange.mapping import guess

    assert guess(value) == lane
