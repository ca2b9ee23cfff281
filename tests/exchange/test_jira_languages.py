"""Jira exports in the languages Jira ships, and in one it does not know: recognised,
read and imported alike, and imported again without adding anything twice."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from onproduct.domain.items import Item
from onproduct.domain.settings import PlanSettings
from onproduct.exchange import cldr_months
from onproduct.exchange.batch import ExchangeError
from onproduct.exchange.formats import jira
from onproduct.exchange.formats.jira import JiraFile, jira_date, parse_jira
from onproduct.exchange.importer import import_batch
from onproduct.exchange.jira_words import FIELD_OF_HEADER, FIELDS, WORDS
from onproduct.exchange.sources import detect_format, read_source, sniff
from onproduct.exchange.text import fold
from onproduct.storage.plan import Plan

HOURS = PlanSettings()  # 4 h per story point

# The columns of the exports below, in this order, then Priority, Watchers and Comment
# (read past): summary, key, id, parent id, type, status, sprint (twice), original
# estimate, time spent, resolved, story points.
HEADERS = {
    "fr": [
        "Résumé", "Clé de ticket", "ID de ticket", "ID du parent", "Type de ticket", "État",
        "Sprint", "Sprint", "Estimation originale", "Temps consacré", "Résolue",
        "Champ personnalisé (Story Points)", "Priorité", "Observateurs", "Commentaire",
    ],
    "de": [
        "Zusammenfassung", "Vorgangsschlüssel", "Vorgangs-ID", "Übergeordnet", "Vorgangstyp",
        "Status", "Sprint", "Sprint", "Ursprüngliche Schätzung", "Benötigte Zeit", "Erledigt",
        "Benutzerdefiniertes Feld (Story Points)", "Priorität", "Beobachter", "Kommentar",
    ],
    "ja": [
        "要約", "課題キー", "課題 ID", "親", "課題タイプ", "ステータス", "スプリント",
        "スプリント", "初期見積り", "作業時間", "解決日", "カスタムフィールド (Story Points)",
        "優先度", "ウォッチャー", "コメント",
    ],
    "zh": [
        "概要", "问题关键字", "问题 ID", "父级", "问题类型", "状态", "冲刺", "冲刺",
        "初始预估", "耗费时间", "已解决", "自定义字段 (Story Points)", "优先级", "关注者",
        "注释",
    ],
    # Brazilian Portuguese in Jira's "issue" wording, then its newer "work item" one.
    "pt_BR": [
        "Resumo", "Chave do item", "ID do item", "ID do pai", "Tipo de item", "Status",
        "Sprint", "Sprint", "Estimativa original", "Tempo gasto", "Resolvido",
        "Campo personalizado (Story Points)", "Prioridade", "Observadores", "Comentário",
    ],
    "pt_BR_item": [
        "Resumo", "Chave da item", "ID da item", "ID do pai", "Tipo de item", "Status",
        "Sprint", "Sprint", "Estimativa original", "Tempo gasto", "Resolvido",
        "Campo personalizado (Story Points)", "Prioridade", "Observadores", "Comentário",
    ],
}  # fmt: skip
# Per language: story, sub-task and bug types; done, to-do and in-progress statuses;
# the resolved date as Jira writes it there, and the day it is.
VALUES = {
    "fr": ("Story", "Sous-tâche", "Bogue", "Terminé", "À faire", "En cours",
           "25/juin/20 12:44", date(2020, 6, 25)),
    "de": ("Story", "Unteraufgabe", "Fehler", "Fertig", "Zu erledigen", "In Arbeit",
           "25.Mär.20 12:44", date(2020, 3, 25)),
    "ja": ("ストーリー", "サブタスク", "バグ", "完了", "未着手", "進行中",
           "25/6月/20 12:44", date(2020, 6, 25)),
    "zh": ("故事", "子任务", "缺陷", "完成", "待办", "进行中",
           "25/6月/20 12:44", date(2020, 6, 25)),
    "pt_BR": ("História", "Subtarefa", "Bug", "Concluído", "A fazer", "Em andamento",
              "25/mai/20 10:00", date(2020, 5, 25)),
    "pt_BR_item": ("História", "Subtarefa", "Bug", "Concluído", "A fazer", "Em andamento",
                   "25/mai/20 10:00", date(2020, 5, 25)),
}  # fmt: skip
COMMENT = "25/Jun/20 1:00 PM;557058:0a1b2c;Looks good"


def _export(header: list[str], words: tuple[str, ...], sprint: str) -> str:
    """A story done in the plan's sprint (carried over from an older one) with a
    sub-task, a bug in no sprint with story points only, a task in progress."""
    story, subtask, bug, done, todo, doing, resolved = words[:7]
    rows = [
        ["Signup wizard", "ABC-1", "10001", "", story, done, "ABC Sprint 0", sprint,
         "7200", "3600", resolved, "3", "High", "ana", COMMENT],
        ["Form layout", "ABC-2", "10002", "10001", subtask, done, "", "", "3600", "", "",
         "", "Low", "", ""],
        ["Invoice totals off", "ABC-3", "10003", "", bug, todo, "", "", "", "", "", "2",
         "High", "bo", ""],
        ["Reset passwords", "ABC-4", "10004", "", story, doing, sprint, "", "14400", "", "",
         "", "Low", "", COMMENT],
    ]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _import(plan: Plan, path: Path) -> tuple[int, tuple[str, ...]]:
    """Import a file the way the command line does; (items added, notes)."""
    source = read_source(path)
    assert isinstance(source, JiraFile)
    changes = import_batch(plan, source.batch(source.guessed_mapping(), HOURS))
    return len(changes.added), changes.notes


def _by_key(plan: Plan) -> dict[str | None, Item]:
    return {item.external_key: item for item in plan.items()}


@pytest.mark.parametrize("language", sorted(HEADERS))
def test_an_export_in_a_known_language_imports_and_reimports_without_duplicates(
    tmp_path: Path, sample_plan: Plan, language: str
) -> None:
    sprint = sample_plan.sprints()[-1]
    path = _write(
        tmp_path / f"{language}.csv", _export(HEADERS[language], VALUES[language], sprint.name)
    )
    assert detect_format(path) == "jira"
    before = len(sample_plan.items())

    added, notes = _import(sample_plan, path)
    assert added == 3  # the sub-task is folded into its story
    items = _by_key(sample_plan)
    story, bug, task = items["ABC-1"], items["ABC-3"], items["ABC-4"]
    assert (story.status, story.sprint_id, story.estimate, story.actual) == (
        "done",
        sprint.id,
        2.0,
        1.0,
    )
    assert story.done_on == VALUES[language][7]
    assert "- [x] ABC-2 Form layout (1 h)" in story.description
    assert (bug.status, bug.sprint_id, bug.estimate) == ("todo", None, 8.0)  # 2 points × 4 h
    assert (task.status, task.sprint_id, task.estimate) == ("doing", sprint.id, 4.0)
    assert not any("not understood" in note for note in notes)

    assert _import(sample_plan, path)[0] == 0
    assert len(sample_plan.items()) == before + 3


def test_an_unknown_language_is_read_by_the_shape_of_jira_exports(
    tmp_path: Path, sample_plan: Plan
) -> None:
    header = [
        "Xummari", "Kluu", "Ydee", "Pappa", "Tippo", "Stata", "Spranta", "Spranta", "Orrig",
        "Spentu", "Rezolvo", "Xustom (Story Points)", "Prio", "Vorkers", "Kommo",
    ]  # fmt: skip
    words = ("Story", "Sub-task", "Bug", "Done", "To Do", "In Progress", "25/Jun/20 1:00 PM")
    sprint = sample_plan.sprints()[-1]
    path = _write(tmp_path / "export.csv", _export(header, words, sprint.name))
    assert detect_format(path) == "jira"
    before = len(sample_plan.items())

    added, notes = _import(sample_plan, path)
    # The parent column is not understood, so the sub-task is not folded into its story:
    # done and in no sprint, it is left out as history.
    assert added == 3
    items = _by_key(sample_plan)
    assert "ABC-2" not in items and "Sub-tasks" not in items["ABC-1"].description
    assert [items[f"ABC-{n}"].title for n in (1, 3, 4)] == [
        "Signup wizard", "Invoice totals off", "Reset passwords"
    ]  # fmt: skip
    assert [items[f"ABC-{n}"].status for n in (1, 3, 4)] == ["done", "todo", "doing"]
    assert items["ABC-1"].sprint_id == items["ABC-4"].sprint_id == sprint.id
    assert items["ABC-3"].estimate == 8.0  # "(Story Points)" is read under any prefix
    understood = [note for note in notes if note.startswith("Columns not understood: ")]
    assert len(understood) == 1
    assert understood[0].startswith(
        "Columns not understood: Pappa, Orrig, Spentu, Rezolvo, Prio, Vorkers (their"
    )  # not the comments (Kommo), the custom field or the sprints

    assert _import(sample_plan, path)[0] == 0
    assert len(sample_plan.items()) == before + 3


def test_the_note_names_at_most_eight_columns_each_once() -> None:
    names = [f"Zed{n}" for n in range(1, 11)]
    header = ["Xummari", "Kluu", "Ydee", "Zed1", *names, "Outward issue link (Blocks)", "Σ Xyz"]
    row = ["A title", "ABC-1", "10001", *("v" for _ in range(len(header) - 3))]
    text = "\r\n".join(",".join(cells) for cells in (header, row)) + "\r\n"
    assert parse_jira(text, "export.csv").notes == [
        "Columns not understood: Zed1, Zed2, Zed3, Zed4, Zed5, Zed6, Zed7, Zed8 and 2 more"
        " (their values were not imported; the file's language may be one Onproduct does"
        " not know all the words of)."
    ]


def test_columns_named_in_a_known_language_leave_no_note() -> None:
    header = ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Priority"]
    text = f"{','.join(header)}\nA,ABC-1,10001,Story,Done,High\n"
    assert parse_jira(text, "export.csv").notes == []


def test_a_file_that_only_looks_keyed_is_still_refused() -> None:
    # Keys in the first column and no ids: not the way a Jira export starts.
    text = "Ref,Name,Number\nABC-1,Something,1\n"
    with pytest.raises(ExchangeError, match="has no Summary column"):
        parse_jira(text, "export.csv")


def test_ids_are_the_keys_of_an_export_without_keys_and_match_it_later(
    tmp_path: Path, sample_plan: Plan
) -> None:
    before = len(sample_plan.items())
    ids_only = _write(
        tmp_path / "ids.csv",
        "Summary,Issue id,Issue Type,Status\nFirst,10001,Story,To Do\nSecond,10002,Bug,To Do\n",
    )
    assert _import(sample_plan, ids_only)[0] == 2
    assert {"10001", "10002"} <= set(_by_key(sample_plan))
    assert _import(sample_plan, ids_only)[0] == 0

    # The full export names the same issues by key and id: matched by the id.
    full = _write(
        tmp_path / "full.csv",
        "Summary,Issue key,Issue id,Issue Type,Status\n"
        "First,ABC-1,10001,Story,To Do\nSecond,ABC-2,10002,Bug,To Do\n",
    )
    assert _import(sample_plan, full)[0] == 0
    assert len(sample_plan.items()) == before + 2
    assert {"ABC-1", "ABC-2"} <= set(_by_key(sample_plan))


def test_two_issues_with_one_id_are_refused_when_ids_are_the_keys() -> None:
    text = "Summary,Issue id\nA,10001\nB,10001\n"
    with pytest.raises(
        ExchangeError, match="line 3: the issue id 10001 is already the id of line 2"
    ):
        parse_jira(text, "export.csv")


def test_a_reimport_keeps_the_lane_a_user_moved_an_item_to(
    tmp_path: Path, sample_plan: Plan
) -> None:
    sprint = sample_plan.sprints()[-1]
    path = _write(tmp_path / "fr.csv", _export(HEADERS["fr"], VALUES["fr"], sprint.name))
    _import(sample_plan, path)
    bug = _by_key(sample_plan)["ABC-3"]
    moved = "product_ops" if bug.category != "product_ops" else "feature"
    sample_plan.update_items([(bug.id, {"category": moved})])
    _import(sample_plan, path)
    assert _by_key(sample_plan)["ABC-3"].category == moved


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "azure_devops",
            "ID,Work Item Type,Title,State,Tags,Story Points,Description\n"
            "101,User Story,Sign up,Active,web,3,Text\n102,Bug,Crash,New,,1,\n",
        ),
        (
            "linear",
            "ID,Team,Title,Description,Status,Estimate,Labels\n"
            "ENG-12,Engineering,Sign up,Text,Todo,3,web\nENG-13,Engineering,Crash,,Done,1,\n",
        ),
        ("own", "title,category,estimate\nSign up,feature,3\nCrash,tech_debt,1\n"),
    ],
)
def test_other_formats_are_not_taken_for_jira(tmp_path: Path, name: str, text: str) -> None:
    path = _write(tmp_path / f"{name}.csv", text)
    assert jira.FORMAT.recognise(sniff(path)) < 0.5


def test_own_csv_is_still_detected_as_own_csv(tmp_path: Path) -> None:
    path = _write(tmp_path / "own.csv", "title,category\nSign up,feature\n")
    assert detect_format(path) == "csv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25/juin/20 12:44", date(2020, 6, 25)),  # French
        ("25/févr./20", date(2020, 2, 25)),
        ("25/juil./20", date(2020, 7, 25)),
        ("25.Mär.20", date(2020, 3, 25)),  # German
        ("25/Juni/20", date(2020, 6, 25)),
        ("25/6月/20 12:44", date(2020, 6, 25)),  # Japanese, Chinese
        ("25/六月/20", date(2020, 6, 25)),  # Chinese, written out
        ("25/6월/20", date(2020, 6, 25)),  # Korean
        ("25/июн/20", date(2020, 6, 25)),  # Russian
        ("25/июня/20", date(2020, 6, 25)),
        ("25/cze/20", date(2020, 6, 25)),  # Polish
        ("25/mai/20", date(2020, 5, 25)),  # Portuguese
        ("25/Haz/20", date(2020, 6, 25)),  # Turkish
        ("25/čvn/20", date(2020, 6, 25)),  # Czech
        ("25/kesäk./20", date(2020, 6, 25)),  # Finnish
        ("25/jún./20", date(2020, 6, 25)),  # Hungarian
        ("25/Mrz/20", date(2020, 3, 25)),  # what the old table read
        ("25/Sept/20", date(2020, 9, 25)),
        ("25/jui/20", None),  # June or July in French: not guessed
        ("25/Foo/20", None),
    ],
)
def test_dates_in_the_languages_jira_exports_in(text: str, expected: date | None) -> None:
    assert jira_date(text) == expected


def test_dates_in_a_localised_export_become_done_dates() -> None:
    header = ["Résumé", "Clé de ticket", "État", "Sprint", "Résolue"]
    text = f"{','.join(header)}\nA,ABC-1,Terminé,S1,25/févr./20 12:44\n"
    parsed = parse_jira(text, "export.csv")
    assert parsed.issues[0].resolved == date(2020, 2, 25)
    assert parsed.notes == []


def test_the_month_table_is_what_cldr_gives_now() -> None:
    module = Path(cldr_months.__file__).read_text(encoding="utf-8")
    assert cldr_months.regenerated(module) == module, (
        "run: python -m onproduct.exchange.cldr_months --write"
    )


def test_a_name_two_languages_give_different_months_is_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # "lis" is November in Polish and October in Croatian.
    monkeypatch.setattr(cldr_months, "LOCALES", ("pl", "hr"))
    table = cldr_months.table_text()
    assert '"lis": ' not in table
    assert "#   'lis': 10 in hr; 11 in pl" in table
    assert '"grudnia": 12' in table


def test_every_header_name_means_one_field_in_every_language() -> None:
    assert {"fr", "de", "ja", "zh_Hans", "zh_Hant", "ko", "ru", "tr", "pt_BR", "pt_PT"} <= set(
        WORDS
    )
    for language, words in WORDS.items():
        assert set(FIELDS) <= set(words), language
        for field_name in FIELDS:
            for name in words[field_name]:
                assert FIELD_OF_HEADER[fold(name)] == field_name, (language, name)
    # Folding keeps native scripts apart: these are all different fields.
    names = ("課題キー", "課題タイプ", "要約", "问题关键字", "问题类型", "이슈 키", "이슈 유형")
    assert [FIELD_OF_HEADER[fold(name)] for name in names] == [
        "key", "type", "summary", "key", "type", "key", "type"
    ]  # fmt: skip
