"""Azure DevOps query exports (Export to CSV): every quirk of such a file, and what
lands in the plan."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onproduct.domain.items import validate_item
from onproduct.domain.settings import PlanSettings
from onproduct.exchange.batch import Batch, ExchangeError, ImportRow
from onproduct.exchange.formats import azure_devops
from onproduct.exchange.formats.azure_devops import AdoFile, parse_ado, read_ado
from onproduct.exchange.importer import import_batch
from onproduct.exchange.mapping import SKIP
from onproduct.exchange.sources import detect_format, read_source, sniff
from onproduct.storage.plan import Plan
from onproduct.storage.planfile import open_plan

from ..helpers import dump
from .jira_files import jira_text

HOURS = PlanSettings()
POINTS = PlanSettings(effort_unit="points", hours_per_point=4.0)

HEADER = [
    "ID", "Work Item Type", "Title", "State", "Assigned To", "Area Path", "Iteration Path",
    "Tags", "Effort", "Story Points", "Original Estimate", "Remaining Work", "Completed Work",
    "Description", "Parent", "Created Date", "Closed Date", "URL",
]  # fmt: skip

ROWS: list[dict[str, str]] = [
    # A feature (a container), a backlog item in it with two tasks, one done, a bug
    # with HTML steps, a removed story, a story in no sprint that is done, an ops story.
    {
        "ID": "100", "Work Item Type": "Feature", "Title": "Self-service checkout",
        "State": "Active", "Area Path": "Fabrikam\\Web", "Iteration Path": "Fabrikam",
    },
    {
        "ID": "101", "Work Item Type": "Product Backlog Item", "Title": "Pay by card",
        "State": "Done", "Area Path": "Fabrikam\\Web",
        "Iteration Path": "Fabrikam\\Release 1\\Sprint 25", "Tags": "payments; Payments",
        "Effort": "5", "Parent": "100", "Closed Date": "1/15/2024 3:04:05 PM",
        "Description": "<div>Cards <b>only</b>,&nbsp;no cash<br>Visa &amp; Mastercard</div>",
        "URL": "https://dev.azure.com/fabrikam/Web/_workitems/edit/101",
    },
    {
        "ID": "102", "Work Item Type": "Task", "Title": "Card form", "State": "Closed",
        "Area Path": "Fabrikam\\Web", "Iteration Path": "Fabrikam\\Release 1\\Sprint 25",
        "Original Estimate": "3", "Completed Work": "4", "Parent": "101",
    },
    {
        "ID": "103", "Work Item Type": "Task", "Title": "Receipts  by  mail", "State": "Active",
        "Area Path": "Fabrikam\\Web", "Iteration Path": "Fabrikam\\Release 1\\Sprint 25",
        "Remaining Work": "2", "Completed Work": "1.5", "Parent": "101",
    },
    {
        "ID": "104", "Work Item Type": "Bug", "Title": "Totals off by one cent", "State": "New",
        "Area Path": "Fabrikam\\Web", "Iteration Path": "Fabrikam\\Release 1\\Sprint 26",
        "Story Points": "2",
        "Description": "<p>Steps:</p><ol><li>Create an invoice</li><li>Add 3 lines</li></ol>",
    },
    {
        "ID": "105", "Work Item Type": "User Story", "Title": "Gift cards", "State": "Removed",
        "Area Path": "Fabrikam\\Web", "Iteration Path": "Fabrikam\\Release 1\\Sprint 25",
    },
    {
        "ID": "106", "Work Item Type": "User Story", "Title": "Old login page",
        "State": "Closed", "Area Path": "Fabrikam\\Web", "Iteration Path": "Fabrikam",
        "Closed Date": "12/1/2023 9:00:00 AM",
    },
    {
        "ID": "107", "Work Item Type": "User Story", "Title": "Refund by hand",
        "State": "Committed", "Area Path": "Fabrikam\\Web",
        "Iteration Path": "Fabrikam\\Release 1\\Sprint 26", "Tags": "support",
        "Effort": "1",
    },
]  # fmt: skip


def ado_text(rows: list[dict[str, str]] = ROWS, header: list[str] = HEADER) -> str:
    """The export's text as Azure DevOps writes it: every cell quoted, CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue()


def write_ado(path: Path, text: str, encoding: str = "utf-8-sig") -> Path:
    """Written with a byte-order mark (utf-8-sig), as Azure DevOps does, or as given."""
    path.write_bytes(text.encode(encoding))
    return path


def _batch(text: str, unit: PlanSettings = HOURS) -> Batch:
    ado = parse_ado(text, "query.csv")
    return ado.batch(ado.guessed_mapping(), unit)


def _rows(text: str, unit: PlanSettings = HOURS) -> dict[str | None, ImportRow]:
    return {row.fields.external_key: row for row in _batch(text, unit).rows}


def _rows_of(ado: AdoFile, unit: PlanSettings = HOURS) -> dict[str | None, ImportRow]:
    return {r.fields.external_key: r for r in ado.batch(ado.guessed_mapping(), unit).rows}


def test_a_query_export_becomes_items_with_all_they_carry(tmp_path: Path) -> None:
    ado = read_ado(write_ado(tmp_path / "query.csv", ado_text()))
    assert ado.encoding == "utf-8-sig"
    batch = ado.batch(ado.guessed_mapping(), HOURS)
    rows = {row.fields.external_key: row for row in batch.rows}
    # The feature and the removed story are skipped, the done story in no sprint is
    # history, the tasks are folded into their backlog item.
    assert set(rows) == {"101", "104", "107"}

    card = rows["101"].fields
    assert card.title == "Pay by card"
    assert card.status == "done" and card.done_on == date(2024, 1, 15)
    assert card.estimate == 20.0  # 5 effort points × 4 h, as the plan counts in hours
    assert card.actual == 5.5  # the tasks' completed work, as the item has none
    assert card.labels == ("payments", "Self-service checkout")  # the feature's name
    assert card.description == (
        "Cards only, no cash\nVisa & Mastercard\n\n"
        "Tasks:\n- [x] #102 Card form (3 h)\n- [ ] #103 Receipts by mail (3.5 h)"
    )
    assert rows["101"].sprint == "Sprint 25"  # the iteration path's last part
    assert rows["101"].refs == ("https://dev.azure.com/fabrikam/Web/_workitems/edit/101",)

    bug = rows["104"].fields
    assert (bug.category, bug.status, bug.estimate) == ("tech_debt", "todo", 8.0)
    assert bug.description == "Steps:\n\n- Create an invoice\n- Add 3 lines"
    ops = rows["107"].fields
    assert (ops.category, ops.status) == ("product_ops", "doing")  # tag "support", Committed

    reasons = {skip.what: skip.why for skip in batch.skipped}
    assert reasons == {
        "#100": "type 'Feature' is mapped to Skip",
        "#102": "task, folded into #101",
        "#103": "task, folded into #101",
        "#105": "removed in Azure DevOps (state 'Removed')",
        "#106": "already done, and in no sprint",
    }
    assert (
        "1 Feature item ('Self-service checkout') left out, as containers of other work."
        " Map the type 'Feature' to a lane to bring them in." in batch.notes
    )
    assert not batch.create_sprints and batch.keep_lanes


def test_a_plan_in_points_takes_effort_as_it_is_and_converts_task_hours() -> None:
    rows = {
        "1": {"ID": "1", "Work Item Type": "User Story", "Title": "Story", "State": "New"},
        "2": {"ID": "2", "Work Item Type": "Task", "Title": "T", "Parent": "1",
              "Original Estimate": "6", "State": "New"},
        "3": {"ID": "3", "Work Item Type": "User Story", "Title": "Pointed", "Effort": "3",
              "Original Estimate": "40", "State": "New"},
    }  # fmt: skip
    ado = parse_ado(ado_text(list(rows.values())), "query.csv")
    assert ado.conversions(POINTS) == 1  # only the story whose tasks are in hours
    batch = ado.batch(ado.guessed_mapping(), POINTS)
    found = {r.fields.external_key: r.fields for r in batch.rows}
    assert found["1"].estimate == 1.5  # 6 h / 4 h per point
    assert found["3"].estimate == 3.0  # its own points, not its 40 h
    assert "1 estimate in hours became story points at 4 h per point." in batch.notes
    ado.set_option("hours_per_point", 3.0)
    found = {r.fields.external_key: r.fields for r in ado.batch(ado.guessed_mapping(), POINTS).rows}
    assert found["1"].estimate == 2.0


def test_the_rate_of_a_point_is_offered_where_estimates_are_converted() -> None:
    ado = parse_ado(ado_text(), "query.csv")
    offered = {option.key: option for option in ado.options(HOURS)}
    assert offered["hours_per_point"].value == 4.0
    assert offered["hours_per_point"].note == "(3 estimates in points)"
    assert "1" in offered["include_done_backlog"].label  # the closed story in no sprint
    ado.set_option("hours_per_point", 6.0)
    assert _rows_of(ado)["101"].fields.estimate == 30.0


def test_done_items_in_no_sprint_come_in_when_asked_for() -> None:
    ado = parse_ado(ado_text(), "query.csv")
    assert ado.done_without_sprint() == 1
    ado.set_option("include_done_backlog", True)
    old = _rows_of(ado)["106"]
    assert old.sprint is None and old.fields.status == "done"
    assert old.fields.done_on == date(2023, 12, 1)


def test_a_tree_query_takes_titles_and_parents_from_its_levels() -> None:
    header = ["ID", "Work Item Type", "Title 1", "Title 2", "Title 3", "State", "Effort",
              "Remaining Work", "Iteration Path"]  # fmt: skip
    rows = [
        {"ID": "1", "Work Item Type": "Epic", "Title 1": "Mobile app", "State": "New"},
        {"ID": "2", "Work Item Type": "User Story", "Title 2": "Sign in", "State": "Active",
         "Iteration Path": "Fab\\Sprint 3"},
        {"ID": "3", "Work Item Type": "Task", "Title 3": "Login form", "State": "Done",
         "Remaining Work": "0"},
        {"ID": "4", "Work Item Type": "Task", "Title 3": "Token refresh", "State": "New",
         "Remaining Work": "5"},
        {"ID": "5", "Work Item Type": "Bug", "Title 2": "Crash on start", "State": "New",
         "Effort": "2"},
        {"ID": "6", "Work Item Type": "Task", "Title 3": "Fix the crash", "State": "New"},
        {"ID": "7", "Work Item Type": "User Story", "Title 1": "Loose story", "State": "New"},
    ]  # fmt: skip
    rows_by_key = _rows(ado_text(rows, header))
    assert set(rows_by_key) == {"2", "5", "7"}
    story = rows_by_key["2"].fields
    assert story.title == "Sign in" and story.labels == ("Mobile app",)
    assert story.estimate == 5.0  # the tasks' hours, as the story has no estimate
    assert story.description == ("Tasks:\n- [x] #3 Login form (0 h)\n- [ ] #4 Token refresh (5 h)")
    assert rows_by_key["2"].sprint == "Sprint 3"
    bug = rows_by_key["5"].fields
    assert bug.description == "Tasks:\n- [ ] #6 Fix the crash" and bug.estimate == 8.0
    assert rows_by_key["7"].fields.labels == ()  # a top-level row has no parent


def test_a_task_whose_item_is_left_out_goes_with_it_and_orphans_come_alone() -> None:
    rows = [
        {"ID": "1", "Work Item Type": "Bug", "Title": "Skipped bug", "State": "New"},
        {"ID": "2", "Work Item Type": "Task", "Title": "Its task", "State": "New",
         "Parent": "1"},
        {"ID": "3", "Work Item Type": "Task", "Title": "Parent elsewhere", "State": "New",
         "Parent": "999"},
        {"ID": "4", "Work Item Type": "Task", "Title": "Removed task", "State": "Removed",
         "Parent": "5"},
        {"ID": "5", "Work Item Type": "User Story", "Title": "Story", "State": "New"},
    ]  # fmt: skip
    ado = parse_ado(ado_text(rows), "query.csv")
    mapping = ado.guessed_mapping()
    mapping.set("type", "Bug", SKIP)
    batch = ado.batch(mapping, HOURS)
    assert {r.fields.external_key for r in batch.rows} == {"3", "5"}
    reasons = {s.what: s.why for s in batch.skipped}
    assert reasons["#2"] == "task of #1, which is left out"
    assert reasons["#4"] == "removed in Azure DevOps (state 'Removed')"
    story = {r.fields.external_key: r.fields for r in batch.rows}["5"]
    assert "Removed task" not in story.description  # not on its checklist either
    assert "1 task whose parent is not in the file came in as items of their own." in batch.notes


def test_mapping_feature_to_a_lane_brings_the_containers_in() -> None:
    ado = parse_ado(ado_text(), "query.csv")
    assert ado.guessed_mapping().rule("type", "Feature") == SKIP
    assert ado.guessed_mapping().rule("type", "Bug") == "tech_debt"
    mapping = ado.guessed_mapping()
    mapping.set("type", "Feature", "feature")
    batch = ado.batch(mapping, HOURS)
    feature = {r.fields.external_key: r for r in batch.rows}["100"]
    assert feature.fields.category == "feature" and feature.sprint is None
    assert not any("containers" in note for note in batch.notes)


def test_values_tags_and_source_for_the_mapping_dialog() -> None:
    ado = parse_ado(ado_text(), "query.csv")
    assert ado.kind_titles == {"tag": "Tags", "type": "Work item types"}
    assert ado.values("tag") == [("payments", 2), ("support", 1)]  # one spelling, counted
    assert ("Task", 1) not in ado.values("type")  # folded tasks are not listed
    assert ado.values("type")[0] == ("User Story", 3)
    assert ado.source_id == "ado:Fabrikam"
    bare = parse_ado('"ID","Title"\r\n"1","A"\r\n', "mine.csv")
    assert bare.source_id == "ado:mine.csv"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<div>Text <b>bold</b><br>line</div>", "Text bold\nline"),
        ("<div>One</div>\n   <div>Two&nbsp;&nbsp;spaced</div>", "One\nTwo spaced"),
        ("<p>First</p><p>Second</p>", "First\n\nSecond"),
        ("<ul><li>a</li><li>b &lt;c&gt;</li></ul>after", "- a\n- b <c>\n\nafter"),
        ("x<br><br>y<style>p {}</style>", "x\n\ny"),
        ("Plain text\nwith R&amp;D", "Plain text\nwith R&D"),
        ("  indented\n  plain text", "  indented\n  plain text"),
    ],
)
def test_html_descriptions_become_plain_text_with_line_breaks(markup: str, text: str) -> None:
    rows = [{"ID": "1", "Work Item Type": "Issue", "Title": "A", "Description": markup}]
    assert _rows(ado_text(rows))["1"].fields.description == text


def test_repro_steps_stand_in_for_a_bug_s_description_and_criteria_follow() -> None:
    header = ["ID", "Work Item Type", "Title", "Description", "Repro Steps",
              "Acceptance Criteria"]  # fmt: skip
    rows = [
        {"ID": "1", "Work Item Type": "Bug", "Title": "B", "Repro Steps": "<div>Click</div>"},
        {"ID": "2", "Work Item Type": "User Story", "Title": "S", "Description": "Why",
         "Acceptance Criteria": "<ul><li>Works</li></ul>"},
    ]  # fmt: skip
    found = _rows(ado_text(rows, header))
    assert found["1"].fields.description == "Click"
    assert found["2"].fields.description == "Why\n\nAcceptance criteria:\n- Works"


@pytest.mark.parametrize(
    ("closed", "expected"),
    [
        (["1/15/2024 3:04:05 PM"], date(2024, 1, 15)),
        (["3/4/2024 3:04:05 PM"], date(2024, 3, 4)),  # an English export: month first
        (["3/4/2024 15:04", "25/12/2023 10:00"], date(2024, 4, 3)),  # a day past 12 says
        (["2024-03-04T15:04:05Z"], date(2024, 3, 4)),
        (["04.03.2024 15:04:05"], date(2024, 3, 4)),
    ],
)
def test_closed_dates(closed: list[str], expected: date) -> None:
    rows = [
        {"ID": str(n), "Title": f"T{n}", "State": "Done", "Closed Date": text,
         "Iteration Path": "P\\S1"}
        for n, text in enumerate(closed)
    ]  # fmt: skip
    assert _rows(ado_text(rows))["0"].fields.done_on == expected


def test_a_date_that_cannot_be_read_is_reported_not_fatal() -> None:
    rows = [{"ID": "1", "Title": "T", "State": "Done", "Closed Date": "yesterday",
             "Iteration Path": "P\\S1"}]  # fmt: skip
    batch = _batch(ado_text(rows))
    assert batch.rows[0].fields.done_on is None
    assert any("'yesterday' on line 2" in note for note in batch.notes)


GERMAN = ["ID", "Arbeitsaufgabentyp", "Titel", "Zustand", "Bereichspfad", "Iterationspfad",
          "Tags", "Aufwand", "Beschreibung", "Geschlossen am"]  # fmt: skip
LOCALISED = {
    "de": GERMAN,
    "es": ["ID", "Tipo de elemento de trabajo", "Título", "Estado", "Ruta de área",
           "Ruta de iteración", "Etiquetas", "Esfuerzo", "Descripción", "Fecha de cierre"],
    "fr": ["ID", "Type d’élément de travail", "Titre", "État", "Chemin de la zone",
           "Chemin d'itération", "Balises", "Effort", "Description", "Date de fermeture"],
    "pt": ["ID", "Tipo de Item de Trabalho", "Título", "Estado", "Caminho da Área",
           "Caminho da Iteração", "Marcas", "Esforço", "Descrição", "Data de Fechamento"],
}  # fmt: skip


@pytest.mark.parametrize("language", sorted(LOCALISED))
def test_exports_in_other_languages(tmp_path: Path, language: str) -> None:
    header = LOCALISED[language]
    row = dict(
        zip(
            header,
            ["42", "Bug", "Zähler – Fehler", "Done", "Fabrikam\\Web", "Fabrikam\\Sprint 25",
             "billing; ux", "3", "<div>Zeile eins<br>Zeile zwei</div>", "03.04.2024 10:00"],
            strict=True,
        )
    )  # fmt: skip
    path = write_ado(tmp_path / "abfrage.csv", ado_text([row], header))
    assert detect_format(path) == "ado"
    ado = read_ado(path)
    found = _rows_of(ado)["42"]
    item = found.fields
    assert item.title == "Zähler – Fehler" and item.labels == ("billing", "ux")
    assert item.description == "Zeile eins\nZeile zwei"
    assert (item.category, item.status, item.estimate) == ("tech_debt", "done", 12.0)
    assert item.done_on == date(2024, 4, 3) and found.sprint == "Sprint 25"


def test_a_german_export_reads_slashed_dates_day_first() -> None:
    row = {"ID": "1", "Titel": "T", "Zustand": "Geschlossen", "Iterationspfad": "P\\S",
           "Geschlossen am": "03/04/2024 10:00"}  # fmt: skip
    text = ado_text([row], ["ID", "Titel", "Zustand", "Iterationspfad", "Geschlossen am"])
    assert _rows(text)["1"].fields.done_on == date(2024, 4, 3)


def test_a_windows_1252_copy_saved_by_excel_with_semicolons(tmp_path: Path) -> None:
    rows = [{"ID": "7", "Work Item Type": "User Story", "Title": "Café crème für Zoë",
             "Tags": "naïve", "State": "New"}]  # fmt: skip
    text = ado_text(rows).replace('","', '";"')
    path = write_ado(tmp_path / "excel.csv", text, "cp1252")
    assert detect_format(path) == "ado"
    ado = read_ado(path)
    assert ado.encoding == "cp1252"
    fields = _rows_of(ado)["7"].fields
    assert fields.title == "Café crème für Zoë" and fields.labels == ("naïve",)


LINEAR = (
    "ID,Team,Title,Description,Status,Estimate,Priority,Labels,Cycle Name,Created\n"
    "ENG-1,Engineering,Fix login,,Todo,2,High,bug,Cycle 4,2024-01-05\n"
)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("query.csv", "\ufeff" + ado_text(), "ado"),
        ("jira.csv", jira_text(), "jira"),
        ("own.csv", "title,category,key\nA,feature,K-1\n", "csv"),
        ("linear.csv", LINEAR, None),
    ],
)
def test_only_azure_devops_exports_are_told_as_such(
    tmp_path: Path, name: str, content: str, expected: str | None
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    claims = azure_devops.FORMAT.recognise(sniff(path))
    assert claims >= 0.9 if expected == "ado" else claims == 0.0
    try:
        found: str | None = detect_format(path)
    except ExchangeError:
        found = None
    if expected is not None:
        assert found == expected
    else:
        assert found != "ado"


def test_it_lands_in_the_plan_and_a_second_import_changes_nothing(sample_plan: Plan) -> None:
    count = len(sample_plan.items())

    def run(text: str) -> tuple[int, int, int]:
        changes = import_batch(sample_plan, _batch(text))
        return len(changes.added), len(changes.updated), changes.unchanged

    assert run(ado_text()) == (3, 0, 0)
    assert run(ado_text()) == (0, 0, 3)
    assert len(sample_plan.items()) == count + 3
    placed = {i.external_key: i for i in sample_plan.items()}
    sprints = {s.name: s.id for s in sample_plan.sprints()}
    assert placed["101"].sprint_id == sprints["Sprint 25"]
    assert placed["104"].sprint_id == sprints["Sprint 26"]
    rows = [dict(r) for r in ROWS]
    rows[4]["Title"] = "Totals off by two cents"
    assert run(ado_text(rows)) == (0, 1, 2)
    assert {i.external_key: i.title for i in sample_plan.items()}["104"] == (
        "Totals off by two cents"
    )


def test_a_sprint_the_plan_lacks_sends_its_items_to_the_backlog(sample_plan: Plan) -> None:
    rows = [{"ID": "9", "Title": "Later", "Iteration Path": "Fabrikam\\Sprint 99"}]
    changes = import_batch(sample_plan, _batch(ado_text(rows)))
    assert {i.external_key: i.sprint_id for i in sample_plan.items()}["9"] is None
    assert any("no sprint 'Sprint 99'" in note for note in changes.notes)
    assert not changes.sprints  # no sprint is made up without dates


BROKEN = [
    (
        '"ID","Title","State"\r\n"1","Fine","New"\r\n"2","Unclosed,"New"\r\n',
        "query.csv, line 3, column Title: a quote ends this cell but text follows it",
    ),
    (
        'ID,Title,State\r\n1,Fine,New\r\n2,"Never closed,New\r\n3,More,New\r\n',
        "query.csv, line 3, column Title: a quote opens this cell and is never closed.",
    ),
    (
        '"ID","Title"\r\n"1","A","extra"\r\n',
        "query.csv, line 2, column 3: 3 cells, but the header names 2 columns.",
    ),
    (
        '"ID","Title","Effort"\r\n"1","A","1"\r\n"2","B","three"\r\n',
        "query.csv, line 3, column Effort: 'three' is not a number of 0 or more.",
    ),
    (
        '"ID","Title","Remaining Work"\r\n"1","A","-2"\r\n',
        "query.csv, line 2, column Remaining Work: '-2' is not a number of 0 or more.",
    ),
    (
        '"ID","Title"\r\n"12","A"\r\n"12","B"\r\n',
        "query.csv, line 3, column ID: the work item ID 12 is already the ID of line 2.",
    ),
    (
        '"ID","Work Item Type","State"\r\n"1","Bug","New"\r\n',
        "query.csv is not an Azure DevOps export: its header (line 1) has no Title column"
        " (it starts: ID, Work Item Type, State).",
    ),
    ("\r\n\r\n", "query.csv is empty."),
    (
        '"ID","Title"\r\n"1","A"\r\n"' + "9" * 120 + '","B"\r\n',
        "query.csv, line 3: An external key can be at most 100 characters.",
    ),
]


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_broken_files_say_what_and_where_and_import_nothing(
    sample_path: Path, tmp_path: Path, text: str, message: str
) -> None:
    path = write_ado(tmp_path / "query.csv", text)
    before = dump(sample_path)
    plan = open_plan(sample_path)
    try:
        with pytest.raises(ExchangeError) as raised:
            ado = read_source(path, "ado")
            assert isinstance(ado, AdoFile)
            import_batch(plan, ado.batch(ado.guessed_mapping(), HOURS))
    finally:
        plan.close()
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert dump(sample_path) == before


ADO_HEADERS = [*HEADER, "Title 1", "Title 2", "Title 3", "Titel", "Zustand", "Size", "Repro Steps"]
CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["Task", "Feature", "Epic", "Bug", "Removed", "Done", "Closed", "Active", "1", "2.5",
         "3,5", "-1", "nan", "1e309", "9999999", "1", "2", "<div>a<br>b</div>", "&amp;",
         "<p>x</p><script>", "Fab\\Sprint 1", "Fab", "1/15/2024 3:04 PM", "31/31/2024",
         "2024-02-30", "a; b", "x; x;", "x" * 520, "9" * 120, '"', "\r\n", "", " "]
    ),
)  # fmt: skip


def _ado_like() -> st.SearchStrategy[str]:
    """Text shaped like an export of Azure DevOps columns (a title column mostly among
    them), rows mostly as wide as the header or narrower, with any cells."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        header = draw(st.lists(st.sampled_from(ADO_HEADERS), min_size=1, max_size=9))
        if draw(st.booleans()):
            header.insert(draw(st.integers(0, len(header))), "Title")
        rows = []
        for _ in range(draw(st.integers(0, 6))):
            width = draw(st.integers(0, len(header) + (1 if draw(st.booleans()) else 0)))
            rows.append([draw(CELLS) for _ in range(width)])
        buffer = io.StringIO()
        quoting = csv.QUOTE_ALL if draw(st.booleans()) else csv.QUOTE_MINIMAL
        writer = csv.writer(buffer, quoting=quoting, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        return buffer.getvalue()

    return build()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), _ado_like()))
def test_any_text_reads_as_clean_items_or_says_why(text: str) -> None:
    try:
        ado = parse_ado(text, "fuzz.csv")
    except ExchangeError as error:
        assert str(error) and "\n" not in str(error)
        return
    for unit in (HOURS, POINTS):
        try:
            batch = ado.batch(ado.guessed_mapping(), unit)
        except ExchangeError as error:
            assert str(error).startswith("fuzz.csv, line ")
            continue
        # Rows are built clean: each is exactly what validate_item makes of it.
        for row in batch.rows:
            assert validate_item(row.fields) == row.fields
