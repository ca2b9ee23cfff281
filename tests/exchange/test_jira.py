"""Jira CSV exports: every quirk of a real file, and what lands in the plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from onproduct.domain.items import validate_item
from onproduct.domain.settings import PlanSettings
from onproduct.exchange.batch import ExchangeError
from onproduct.exchange.formats.jira import jira_date, parse_jira, read_jira
from onproduct.exchange.importer import import_batch
from onproduct.exchange.mapping import SKIP
from onproduct.storage.plan import Plan

from .jira_files import HEADER, ROWS, jira_text, write_jira

HOURS = PlanSettings()
POINTS = PlanSettings(effort_unit="points", hours_per_point=4.0)


def _rows(text: str, settings: PlanSettings = HOURS) -> dict[str, object]:
    jira = parse_jira(text, "export.csv")
    batch = jira.batch(jira.guessed_mapping(), settings)
    return {row.fields.external_key: row for row in batch.rows}


def test_a_full_export_becomes_items_with_all_they_carry() -> None:
    jira = parse_jira(jira_text(), "export.csv")
    batch = jira.batch(jira.guessed_mapping(), HOURS)
    rows = {row.fields.external_key: row for row in batch.rows}
    assert set(rows) == {"LED-2", "LED-3", "LED-6"}  # epic skipped, sub-tasks folded

    story = rows["LED-2"].fields
    assert story.title == "Signup wizard"
    assert story.category == "automation"  # the label "automation" wins over "Story"
    assert story.estimate == 8.0 and story.actual == 10.0  # seconds → hours
    assert story.status == "done" and story.done_on == date(2020, 6, 25)
    assert story.labels == ("automation", "onboarding", "Self-service onboarding")
    assert rows["LED-2"].sprint == "LED Sprint 2"  # the last sprint it was in
    assert "- [x] LED-4 Form layout (2 h)" in story.description
    assert "- [ ] LED-5 Email confirmation (1 h)" in story.description

    bug = rows["LED-3"].fields
    assert bug.category == "tech_debt" and bug.status == "todo"
    assert bug.description.startswith('Steps:\n1. Create an invoice, "quoted"\n2.')
    assert bug.estimate == 8.0  # 2 story points × 4 h, as the plan counts in hours

    ops = rows["LED-6"].fields
    assert (ops.category, ops.status) == ("product_ops", "doing")  # label "support", "In Review"

    reasons = {skip.what: skip.why for skip in batch.skipped}
    assert reasons["LED-1"] == "type 'Epic' is mapped to Skip"
    assert reasons["LED-4"] == "sub-task, folded into LED-2"


def test_story_points_are_the_estimate_of_a_plan_in_points() -> None:
    rows = _rows(jira_text(), POINTS)
    assert rows["LED-2"].fields.estimate == 5.0  # type: ignore[attr-defined]
    assert rows["LED-2"].fields.actual == 2.5  # type: ignore[attr-defined]  # 10 h / 4


def test_story_point_estimate_is_the_newer_name_of_the_same_field() -> None:
    header = ["Summary", "Issue key", "Custom field (Story point estimate)"]
    text = jira_text([{"Summary": "A", "Issue key": "K-1", **{header[2]: "3"}}], header)
    assert _rows(text, POINTS)["K-1"].fields.estimate == 3.0  # type: ignore[attr-defined]


def test_a_field_in_two_columns_takes_the_first_that_has_a_value() -> None:
    # Jira Cloud sites that renamed the story point field export both columns, each
    # filled for the issues of its time; a file merged by hand can repeat a column.
    old, new = "Custom field (Story Points)", "Custom field (Story point estimate)"
    header = ["Summary", "Issue key", old, new, "Description", "Descripción"]
    rows = [
        {"Summary": "Old", "Issue key": "K-1", old: "5", new: "", "Description": "  - kept"},
        {"Summary": "New", "Issue key": "K-2", old: " ", new: "3", "Descripción": "abajo"},
        {"Summary": "None", "Issue key": "K-3"},
    ]
    found = _rows(jira_text(rows, header), POINTS)
    fields = {key: row.fields for key, row in found.items()}  # type: ignore[attr-defined]
    assert [fields[k].estimate for k in ("K-1", "K-2", "K-3")] == [5.0, 3.0, None]
    assert [fields[k].description for k in ("K-1", "K-2", "K-3")] == ["  - kept", "abajo", ""]


def test_rows_come_out_as_clean_as_validate_item_makes_them() -> None:
    header = ["Summary", "Issue key", "Labels", "Labels", "Description", "Original Estimate"]
    rows = [
        {"Summary": "  Two   spaces ", "Issue key": " K-1 ", "Labels": ["ux UX", "ux;api"],
         "Description": "Text  \n\n ", "Original Estimate": "7200"},
    ]  # fmt: skip
    fields = _rows(jira_text(rows, header))["K-1"].fields  # type: ignore[attr-defined]
    assert (fields.title, fields.external_key, fields.labels) == (
        "Two spaces",
        "K-1",
        ("ux", "ux api"),
    )
    assert fields.description == "Text" and fields.estimate == 2.0
    assert validate_item(fields) == fields


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"Issue key": "K-" + "9" * 120}, "An external key can be at most 100 characters."),
        ({"Custom field (Story Points)": "2000000"}, "The estimate cannot be more than 1,000,000."),
    ],
)
def test_a_row_breaking_an_item_rule_names_its_line(cells: dict[str, str], message: str) -> None:
    header = ["Summary", "Issue key", "Custom field (Story Points)"]
    text = jira_text([{"Summary": "Fine", "Issue key": "K-1"}, {"Summary": "Bad", **cells}], header)
    jira = parse_jira(text, "export.csv")
    with pytest.raises(ExchangeError) as raised:
        jira.batch(jira.guessed_mapping(), POINTS)
    assert str(raised.value) == f"export.csv, line 3: {message}"


def test_a_parent_without_an_estimate_sums_its_sub_tasks() -> None:
    rows = [dict(r) for r in ROWS]
    for row in rows:
        if row.get("Issue key") == "LED-2":
            row.pop("Original Estimate")
            row.pop("Custom field (Story Points)")
    assert _rows(jira_text(rows))["LED-2"].fields.estimate == 3.0  # type: ignore[attr-defined]


def test_a_sub_task_whose_parent_is_not_in_the_file_comes_in_alone() -> None:
    rows = [r for r in ROWS if r.get("Issue key") not in ("LED-2",)]
    jira = parse_jira(jira_text(rows), "export.csv")
    jira.include_done_backlog = True  # one of them is done and in no sprint
    batch = jira.batch(jira.guessed_mapping(), HOURS)
    assert {"LED-4", "LED-5"} <= {r.fields.external_key for r in batch.rows}
    assert any("2 sub-tasks whose parent is not in the file" in note for note in batch.notes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25/Jun/20 12:44 PM", date(2020, 6, 25)),
        ("03/Dec/2021 9:00 AM", date(2021, 12, 3)),
        ("25/jun/20 12:44", date(2020, 6, 25)),
        ("14/dic/21 10:00", date(2021, 12, 14)),  # Spanish
        ("14/dez/21 10:00", date(2021, 12, 14)),  # Portuguese, German
        ("5/paź/22 08:15", date(2022, 10, 5)),  # Polish
        ("5/Mär/22 08:15", date(2022, 3, 5)),  # German
        ("2022-03-05 08:15", date(2022, 3, 5)),
        ("05.03.2022 08:15", date(2022, 3, 5)),
        ("soon", None),
        ("31/Feb/21 1:00 PM", None),
    ],
)
def test_jira_dates(text: str, expected: date | None) -> None:
    assert jira_date(text) == expected


def test_a_date_that_cannot_be_read_is_reported_not_fatal() -> None:
    rows = [dict(ROWS[1], **{"Resolved": "yesterday"})]
    jira = parse_jira(jira_text(rows), "export.csv")
    assert jira.issues[0].resolved is None
    assert "'yesterday' on line 2" in jira.notes[0]


def test_bom_windows_1252_and_semicolons(tmp_path: Path) -> None:
    rows = [{"Summary": "Café crème für Zoë", "Issue key": "EU-1", "Labels": ["naïve"]}]
    header = [name for name in HEADER if not name.startswith("Σ")]  # Excel's 1252 lacks Σ
    text = jira_text(rows, header, delimiter=";")
    with_bom = write_jira(tmp_path / "bom.csv", "\ufeff" + text)
    excel = write_jira(tmp_path / "excel.csv", text, "cp1252")
    for path in (with_bom, excel):
        jira = read_jira(path)
        assert jira.issues[0].summary == "Café crème für Zoë"
        assert jira.issues[0].labels == ["naïve"]
    assert read_jira(excel).encoding == "cp1252" and read_jira(excel).notes == []
    assert read_jira(with_bom).encoding == "utf-8-sig"


LOCALISED = {
    "es": [
        "Resumen", "Clave de incidencia", "ID de la incidencia", "Tipo de Incidencia",
        "Estado", "Etiquetas", "Etiquetas", "Descripción", "Estimación original",
        "Tiempo empleado", "Resuelta", "Sprint", "Campo personalizado (Story Points)",
    ],
    "pt": [
        "Resumo", "Chave do item", "ID do item", "Tipo de item", "Status", "Rótulos",
        "Rótulos", "Descrição", "Estimativa original", "Tempo gasto", "Resolvido",
        "Sprint", "Campo personalizado (Story Points)",
    ],
    "pl": [
        "Podsumowanie", "Klucz zgłoszenia", "Identyfikator zgłoszenia", "Typ zgłoszenia",
        "Status", "Etykiety", "Etykiety", "Opis", "Szacunek pierwotny", "Czas poświęcony",
        "Rozwiązane", "Sprint", "Pole niestandardowe (Story Points)",
    ],
    "de": [
        "Zusammenfassung", "Vorgangsschlüssel", "Vorgangs-ID", "Vorgangstyp", "Status",
        "Stichwörter", "Stichwörter", "Beschreibung", "Ursprüngliche Schätzung",
        "Benötigte Zeit", "Erledigt", "Sprint", "Benutzerdefiniertes Feld (Story Points)",
    ],
}  # fmt: skip
VALUES = {
    "es": ("Error", "Finalizada", "14/dic/21 10:00 AM"),
    "pt": ("Bug", "Concluído", "14/dez/21 10:00 AM"),
    "pl": ("Błąd", "Gotowe", "14/gru/21 10:00"),
    "de": ("Fehler", "Erledigt", "14/Dez/21 10:00"),
}


@pytest.mark.parametrize("language", sorted(LOCALISED))
def test_exports_in_other_languages(language: str) -> None:
    header = LOCALISED[language]
    issue_type, status, resolved = VALUES[language]
    row: dict[str, object] = {
        header[0]: "Zamówienia – błąd zaokrąglenia",
        header[1]: "ABC-7",
        header[2]: "20007",
        header[3]: issue_type,
        header[4]: status,
        header[5]: ["billing", "urgent"],
        header[7]: "Línea uno\nLínea dos",
        header[8]: "5400",
        header[9]: "7200",
        header[10]: resolved,
        header[11]: "Sprint 4",
        header[12]: "3",
    }
    fields = _rows(jira_text([row], header))["ABC-7"]
    item = fields.fields  # type: ignore[attr-defined]
    assert item.title == "Zamówienia – błąd zaokrąglenia"
    assert item.labels == ("billing", "urgent")
    assert item.description == "Línea uno\nLínea dos"
    assert (item.estimate, item.actual) == (1.5, 2.0)
    assert item.status == "done" and item.done_on == date(2021, 12, 14)
    assert item.category == "tech_debt"  # every language's word for a bug
    assert fields.sprint == "Sprint 4"  # type: ignore[attr-defined]


def test_mapping_rules_decide_in_order_label_component_type() -> None:
    jira = parse_jira(jira_text(), "export.csv")
    mapping = jira.guessed_mapping()
    mapping.set("component", "Billing", "product_ops")
    mapping.set("type", "Epic", "feature")
    rows = {r.fields.external_key: r.fields for r in jira.batch(mapping, HOURS).rows}
    assert rows["LED-3"].category == "product_ops"  # component beats the type Bug
    assert rows["LED-1"].category == "feature"  # no longer skipped
    mapping.set("type", "Bug", SKIP)
    mapping.set("component", "Billing", None)
    assert "LED-3" not in {r.fields.external_key for r in jira.batch(mapping, HOURS).rows}


def test_values_are_listed_with_counts_for_the_mapping_dialog() -> None:
    jira = parse_jira(jira_text(), "export.csv")
    assert jira.values("type") == [("Epic", 1), ("Story", 1), ("Bug", 1), ("Task", 1)]
    assert ("automation", 1) in jira.values("label")
    assert jira.source_id == "jira:LED"


def test_reimporting_updates_by_key_instead_of_duplicating(sample_plan: Plan) -> None:
    def run(text: str) -> tuple[int, int, int]:
        jira = parse_jira(text, "export.csv")
        changes = import_batch(sample_plan, jira.batch(jira.guessed_mapping(), HOURS))
        return len(changes.added), len(changes.updated), changes.unchanged

    count = len(sample_plan.items())
    assert run(jira_text()) == (3, 0, 0)
    assert run(jira_text()) == (0, 0, 3)
    rows = [dict(r) for r in ROWS]
    rows[2]["Summary"] = "Invoice totals off by two cents"
    assert run(jira_text(rows)) == (0, 1, 2)
    titles = [i.title for i in sample_plan.items()]
    assert len(titles) == count + 3 and "Invoice totals off by two cents" in titles


def test_unknown_sprints_send_items_to_the_backlog_and_say_so(sample_plan: Plan) -> None:
    known = sample_plan.sprints()[-1].name
    rows = [dict(r) for r in ROWS]
    rows[5]["Sprint"] = [known]
    jira = parse_jira(jira_text(rows), "export.csv")
    changes = import_batch(sample_plan, jira.batch(jira.guessed_mapping(), HOURS))
    placed = {i.external_key: i.sprint_id for i in sample_plan.items()}
    assert placed["LED-6"] == sample_plan.sprints()[-1].id
    assert placed["LED-2"] is None
    assert any("no sprint 'LED Sprint 2'" in note for note in changes.notes)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "export.csv is empty."),
        ("Key,Title\nA-1,x\n", "export.csv is not a Jira export: its header has no Summary"),
        (
            'Summary,Issue key\n"Unclosed,K-1\nNext,K-2\n',
            "export.csv, line 2: unexpected end of data",
        ),
        (
            "Summary,Issue key,Custom field (Story Points)\nA,K-1,1\nB,K-2,three\n",
            "export.csv, line 3, column Custom field (Story Points): 'three' is not a number",
        ),
        ("Summary,Issue key\nA,K-1\nB,K-1\n", "line 3: the issue key K-1 is already"),
        ("Summary,Issue key\nA,K-1,extra\n", "line 2: 3 cells, but the header names 2"),
    ],
)
def test_broken_files_say_what_and_where(text: str, message: str) -> None:
    with pytest.raises(ExchangeError) as error:
        parse_jira(text, "export.csv")
    assert message in str(error.value)


def test_header_is_the_only_thing_needed() -> None:
    assert HEADER[0] == "Summary"
    jira = parse_jira("Summary\nJust a title\n", "export.csv")
    rows = jira.batch(jira.guessed_mapping(), HOURS).rows
    assert [r.fields.title for r in rows] == ["Just a title"]
    assert rows[0].fields.category == "feature"


DONE_IN_NO_SPRINT = {
    "Summary": "Old export format", "Issue key": "LED-7", "Issue id": "10007",
    "Issue Type": "Story", "Status": "Done", "Status Category": "Done",
    "Resolved": "01/Mar/20 9:00 AM",
}  # fmt: skip


def test_done_issues_in_no_sprint_are_left_out_unless_asked_for() -> None:
    jira = parse_jira(jira_text([*ROWS, DONE_IN_NO_SPRINT]), "export.csv")
    assert jira.done_without_sprint() == 1
    batch = jira.batch(jira.guessed_mapping(), HOURS)
    assert "LED-7" not in {r.fields.external_key for r in batch.rows}
    assert {s.what: s.why for s in batch.skipped}["LED-7"] == "already done, and in no sprint"
    assert any("1 done issue was in no sprint and left out" in note for note in batch.notes)
    jira.include_done_backlog = True
    rows = {r.fields.external_key: r for r in jira.batch(jira.guessed_mapping(), HOURS).rows}
    assert rows["LED-7"].fields.status == "done" and rows["LED-7"].sprint is None


def test_story_points_become_hours_at_a_rate_the_user_can_change_and_the_summary_says_so() -> None:
    jira = parse_jira(jira_text(), "export.csv")
    # LED-3 (2 points) and LED-6 (1 point) have no estimate in hours.
    assert jira.conversions(HOURS) == 2
    batch = jira.batch(jira.guessed_mapping(), HOURS)
    rows = {r.fields.external_key: r.fields for r in batch.rows}
    assert rows["LED-3"].estimate == 8.0
    assert "2 estimates in story points became hours at 4 h per point." in batch.notes
    jira.hours_per_point = 6.0
    batch = jira.batch(jira.guessed_mapping(), HOURS)
    rows = {r.fields.external_key: r.fields for r in batch.rows}
    assert rows["LED-3"].estimate == 12.0 and rows["LED-6"].estimate == 6.0
    assert "2 estimates in story points became hours at 6 h per point." in batch.notes
    assert rows["LED-2"].estimate == 8.0  # it has hours of its own: no conversion
