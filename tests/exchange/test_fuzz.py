"""Property-based tests of every importer: any input imports whole or not at all.

Each reader either returns a checked batch or raises ExchangeError with a readable
message, never anything else; a batch either lands in the plan completely or the plan
is left as it was; our own CSV gives back any text it was given.
"""

from __future__ import annotations

import json
import string
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onproduct.domain.items import Item, validate_item
from onproduct.domain.settings import PlanSettings
from onproduct.exchange.batch import Batch, ExchangeError
from onproduct.exchange.csv_export import csv_text, rows_of
from onproduct.exchange.formats.jira import parse_jira
from onproduct.exchange.formats.own_csv import parse_plan_csv
from onproduct.exchange.formats.trello import parse_trello
from onproduct.exchange.importer import import_batch
from onproduct.storage.errors import StorageError
from onproduct.storage.plan import Plan
from onproduct.storage.planfile import create_plan, open_plan

from ..helpers import dump

EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEADERS = ["key", "title", "category", "estimate", "actual", "status", "sprint",
           "sprint_start", "sprint_end", "labels", "description", "Summary", "Issue key",
           "Labels", "Sprint", "Custom field (Story Points)", "Original Estimate", "Issue Type",
           "Parent id", "Issue id", "Status", "Resolved"]  # fmt: skip
CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["feature", "tech_debt", "done", "todo", "3", "-1", "1e309", "nan", "2026-02-30",
         "2026-01-05", "=SUM(A1)", "'=x", "+1", "@me", "Sub-task", "Epic", "25/Jun/20 12:44 PM",
         "a;b", "K-1", "10001", "", " ", '"', "\r\n", "\x00", "  two  spaces ", "ux UX ux",
         "9999999", "K-" + "9" * 120, "x" * 520, "Ab\tc", "B; b;B"]
    ),
)  # fmt: skip


def csv_like() -> st.SearchStrategy[str]:
    """Text shaped like a CSV file of our columns or Jira's, with any cells."""

    def build(header: list[str], rows: list[list[str]], delimiter: str) -> str:
        lines = [delimiter.join(header)]
        for row in rows:
            lines.append(
                delimiter.join(
                    '"' + c.replace('"', '""') + '"' if any(x in c for x in ',;"\n\r') else c
                    for c in row
                )
            )
        return "\n".join(lines) + "\n"

    return st.builds(
        build,
        st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
        st.lists(st.lists(CELLS, max_size=9), max_size=6),
        st.sampled_from([",", ";"]),
    )


OWN_COLUMNS = ["key", "estimate", "actual", "status", "sprint", "sprint_start", "sprint_end",
               "labels", "description", "done_on", "sprint_capacity"]  # fmt: skip
VALUES = {
    "category": st.sampled_from(["feature", "tech_debt", "dev_ops", "automation", "bug", ""]),
    "key": st.sampled_from(["K-1", "K-2", "K-3", "", "K-1 "]),
    "estimate": st.sampled_from(["", "1", "2.5", "3,5", "-1", "x", "1e9"]),
    "actual": st.sampled_from(["", "1", "0", "nan"]),
    "status": st.sampled_from(["", "todo", "doing", "done", "DONE", "later"]),
    "sprint": st.sampled_from(["", "S1", "S2", "s1", "Sprint 25"]),
    "sprint_start": st.sampled_from(["", "2026-01-05", "2026-02-30", "5/1/26"]),
    "sprint_end": st.sampled_from(["", "2026-01-18", "2026-01-01"]),
    "labels": st.sampled_from(["", "a;b", "a;a", "x" * 70, "ux"]),
    "done_on": st.sampled_from(["", "2026-01-10", "soon"]),
    "sprint_capacity": st.sampled_from(["", "80", "-3"]),
}


def own_csv_like() -> st.SearchStrategy[str]:
    """Text in our own CSV format: title and category always, the rest at random."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        extra = draw(st.lists(st.sampled_from(OWN_COLUMNS), unique=True, max_size=6))
        header = ["title", "category", *extra]
        rows = []
        for _ in range(draw(st.integers(0, 6))):
            cells = [draw(st.text(max_size=12) | st.just("A title"))]
            cells += [draw(VALUES.get(name, CELLS)) for name in header[1:]]
            rows.append(",".join('"' + c.replace('"', '""') + '"' for c in cells))
        return "\n".join([",".join(header), *rows]) + "\n"

    return build()


def _check(parse: object, text: str) -> Batch | object | None:
    try:
        return parse(text, "fuzz.csv")  # type: ignore[operator]
    except ExchangeError as error:
        message = str(error)
        assert message and "Traceback" not in message and len(message) < 2000
        return None


@EXAMPLES
@given(st.one_of(st.text(), csv_like(), own_csv_like()))
def test_own_csv_reads_any_text_or_says_why(text: str) -> None:
    _check(parse_plan_csv, text)


@EXAMPLES
@given(st.one_of(st.text(), csv_like()))
def test_jira_reads_any_text_or_says_why(text: str) -> None:
    jira = _check(parse_jira, text)
    if jira is not None:
        for unit in (PlanSettings(), PlanSettings(effort_unit="points")):
            try:
                batch = jira.batch(jira.guessed_mapping(), unit)  # type: ignore[attr-defined]
            except ExchangeError as error:
                assert str(error)
                continue
            # The reader builds its items clean instead of passing each through
            # validate_item: each must be exactly what validate_item would make of it.
            for row in batch.rows:
                assert validate_item(row.fields) == row.fields


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
CARD = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text(max_size=4) | st.integers(),
        "shortLink": st.text(max_size=4) | st.none(),
        "name": st.text(max_size=20) | st.integers(),
        "desc": st.text(max_size=20) | st.none(),
        "idList": st.sampled_from(["L1", "L2", "x"]) | st.integers(),
        "idLabels": st.lists(st.sampled_from(["B1", "B2"]) | st.integers(), max_size=3) | JSON,
        "labels": JSON,
        "closed": JSON,
        "dueComplete": JSON,
    },
)
BOARD = st.fixed_dictionaries(
    {"cards": st.lists(CARD, max_size=5) | JSON},
    optional={
        "id": JSON,
        "name": JSON,
        "lists": st.lists(
            st.fixed_dictionaries(
                {"id": st.sampled_from(["L1", "L2"]), "name": JSON, "closed": JSON}
            ),
            max_size=3,
        )
        | JSON,
        "labels": st.lists(
            st.fixed_dictionaries(
                {"id": st.sampled_from(["B1", "B2"]), "name": JSON, "color": JSON}
            ),
            max_size=3,
        )
        | JSON,
        "checklists": st.lists(
            st.fixed_dictionaries({"idCard": JSON, "name": JSON, "pos": JSON, "checkItems": JSON}),
            max_size=3,
        )
        | JSON,
    },
)


@EXAMPLES
@given(st.one_of(st.text(), JSON.map(json.dumps), BOARD.map(json.dumps)))
def test_trello_reads_any_json_or_says_why(text: str) -> None:
    board = _check(parse_trello, text)
    if board is not None:
        try:
            board.batch(board.guessed_mapping(), PlanSettings())  # type: ignore[attr-defined]
        except ExchangeError as error:
            assert str(error)


@pytest.fixture(scope="module")
def small_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "plan.onproduct"
    create_plan(path)
    return path


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(own_csv_like())
def test_an_import_lands_whole_or_leaves_the_plan_as_it_was(small_plan: Path, text: str) -> None:
    try:
        batch = parse_plan_csv(text, "fuzz.csv")
    except ExchangeError:
        return
    before = dump(small_plan)
    plan: Plan = open_plan(small_plan)
    try:
        changes = import_batch(plan, batch)
    except (ExchangeError, StorageError) as error:
        assert str(error)
        assert dump(small_plan) == before
        return
    finally:
        plan.close()
    after = dump(small_plan)
    assert len(after["item"]) == len(before["item"]) + len(changes.added)


TITLE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=40,
)
FREE = st.text(max_size=80).map(str.rstrip)
LABEL = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters=";,"
    ),
    min_size=1,
    max_size=20,
)


@EXAMPLES
@given(
    st.lists(
        st.tuples(
            TITLE,
            FREE,
            st.lists(LABEL, max_size=3, unique_by=str.casefold),
            st.sampled_from(["=", "+", "-", "@", "\t", "'", "''=", ""]),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_own_csv_round_trips_any_text(entries: list[tuple[str, str, list[str], str]]) -> None:
    items = [
        Item(
            n + 1, prefix + title, "feature", description=prefix + description, labels=tuple(labels)
        )
        for n, (title, description, labels, prefix) in enumerate(entries)
    ]
    rows = parse_plan_csv(csv_text(rows_of(items, [])), "round.csv").rows
    for item, row in zip(items, rows, strict=True):
        assert row.fields.title == " ".join(item.title.split())
        assert row.fields.description == item.description.rstrip()
        assert row.fields.labels == item.labels
    assert string.printable  # the alphabet above includes every printable character


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp1252", "cp1250", "cp1251", "cp932"]


@EXAMPLES
@given(
    st.one_of(
        st.builds(
            lambda text, encoding: text.encode(encoding, errors="replace"),
            csv_like(),
            st.sampled_from(ENCODINGS),
        ),
        st.binary(max_size=400),
    )
)
def test_any_file_in_any_encoding_is_told_and_read_or_refused_in_one_line(raw: bytes) -> None:
    """Detection, the encoding and every format's reader: a batch whose every row is
    clean, or one line saying why not; never anything else."""
    from onproduct.exchange.sources import read_source

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "anything.csv"
        path.write_bytes(raw)
        try:
            source = read_source(path)
            batch = (
                source
                if isinstance(source, Batch)
                else source.batch(source.guessed_mapping(), PlanSettings())
            )
        except ExchangeError as error:
            assert str(error) and "\n" not in str(error)
            return
        for row in batch.rows:
            assert validate_item(row.fields) == row.fields
