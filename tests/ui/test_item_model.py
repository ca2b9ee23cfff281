"""The item model and the board lists that proxy it, under Qt's own model tester."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from onproduct.domain.filtering import ItemFilter
from onproduct.domain.items import Item, ItemFields
from onproduct.domain.metrics import CategoryTotals
from onproduct.domain.ranking import BACKLOG, Bucket
from onproduct.ui.document import PlanDocument
from onproduct.ui.item_model import ItemRole, PlanItemModel

from .boards import assert_consistent, board_lists, titles


@pytest.fixture
def sprint_id(document: PlanDocument) -> int:
    current = document.sprints.current(date.today())
    assert current is not None
    return current.id


@pytest.fixture
def watched(document: PlanDocument) -> PlanDocument:
    QAbstractItemModelTester(
        document.items, QAbstractItemModelTester.FailureReportingMode.Warning, document.items
    )
    return document


def test_the_item_model_passes_the_model_tester_through_every_change(
    watched: PlanDocument, sprint_id: int
) -> None:
    document = watched
    lists = board_lists(document, sprint_id)
    backlog = lists["backlog"].ids()
    document.move_items(backlog[:3], Bucket(sprint_id, "tech_debt"), None)
    document.add_item(ItemFields("Added", "feature"), Bucket(sprint_id, "feature"))
    document.delete_items([backlog[5], lists["dev_ops"].ids()[0]])
    document.edit_item(backlog[4], ItemFields("Renamed", "product_ops", estimate=3.0))
    for _ in range(4):
        document.undo_stack.undo()
    document.undo_stack.redo()
    assert_consistent(document, lists)


def test_each_list_shows_its_bucket_in_rank_order_with_totals(
    document: PlanDocument, sprint_id: int
) -> None:
    lists = board_lists(document, sprint_id)
    assert_consistent(document, lists)
    assert titles(document, lists["feature"]) == [
        "Quotes that turn into invoices",
        "Invoice numbering per country",
    ]
    assert document.items.totals(Bucket(sprint_id, "feature")) == CategoryTotals(2, 36.0, 0)
    assert document.items.totals(BACKLOG) == CategoryTotals(15, 235.0, 1)


def test_roles_give_the_delegate_and_accessibility_what_they_need(
    document: PlanDocument, sprint_id: int
) -> None:
    lane = board_lists(document, sprint_id)["automation"]
    index = lane.index(0, 0)
    item = index.data(ItemRole.ITEM)
    assert isinstance(item, Item)
    assert index.data(Qt.ItemDataRole.DisplayRole) == item.title
    assert index.data(ItemRole.ESTIMATE) == item.estimate
    assert index.data(ItemRole.SPRINT_ID) == sprint_id
    assert "Ops automation" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.AccessibleTextRole).startswith(item.title)
    source = lane.to_source(index)
    assert lane.from_source(source) == index
    assert document.items.data(source, ItemRole.ID) == item.id


def test_switching_sprints_shows_that_sprints_lanes(document: PlanDocument, sprint_id: int) -> None:
    lists = board_lists(document, sprint_id)
    first = document.sprints.sprints()[0]
    for key, model in lists.items():
        if key != "backlog":
            model.set_bucket(Bucket(first.id, key))
    assert titles(document, lists["automation"]) == []
    assert "PDF invoice templates" in titles(document, lists["feature"])
    assert_consistent(document, lists)


def test_the_filter_narrows_every_list_and_follows_edits(
    document: PlanDocument, sprint_id: int
) -> None:
    lists = board_lists(document, sprint_id)
    for model in lists.values():
        model.set_filter(ItemFilter.parse("#tax"))
    assert titles(document, lists["feature"]) == ["Invoice numbering per country"]
    assert titles(document, lists["tech_debt"]) == []
    assert all(
        "tax" in [label.lower() for label in document.items.item(i).labels]
        for m in lists.values()
        for i in m.ids()
    )
    # An edit that adds the label brings the item in; removing it takes it out.
    debt = document.items.bucket_ids(Bucket(sprint_id, "tech_debt"))[0]
    fields = document.items.item(debt).editable
    document.edit_item(debt, ItemFields(**{**_as_dict(fields), "labels": ("tax",)}))
    assert lists["tech_debt"].ids() == [debt]
    document.undo_stack.undo()
    assert lists["tech_debt"].ids() == []
    assert_consistent(document, lists)


def test_typing_on_narrows_what_shows_and_stays_right_after_edits(
    document: PlanDocument, sprint_id: int
) -> None:
    backlog = board_lists(document, sprint_id)["backlog"]

    def fresh(text: str) -> list[int]:
        wanted = ItemFilter.parse(text)
        ids = document.items.bucket_ids(backlog.bucket())
        return [i for i in ids if wanted.matches(document.items.search_key(i))]

    backlog.set_filter(ItemFilter.parse("i"))
    # An item renamed while "i" shows, so that it matches the longer text only now.
    target = next(i for i in backlog.ids() if i not in fresh("invoice"))
    fields = document.items.item(target).editable
    document.edit_item(target, ItemFields(**{**_as_dict(fields), "title": "Invoice archive"}))
    for text in ("in", "inv", "invo", "invoice", "invoice a", "invoice ar"):
        backlog.set_filter(ItemFilter.parse(text))  # each narrows the one before
        assert backlog.ids() == fresh(text), text
    assert target in backlog.ids()
    backlog.set_filter(ItemFilter.parse("invoice"))  # deleting letters widens again
    assert backlog.ids() == fresh("invoice")
    assert_consistent(document, board_lists(document, sprint_id))


def test_an_edit_in_place_keeps_the_row_and_repaints_it(
    qtbot,
    document: PlanDocument,
    sprint_id: int,
) -> None:
    lane = board_lists(document, sprint_id)["feature"]
    first = lane.id_at(0)
    fields = document.items.item(first).editable
    with qtbot.assertNotEmitted(lane.rowsRemoved), qtbot.waitSignal(lane.dataChanged) as changed:
        document.edit_item(first, ItemFields(**{**_as_dict(fields), "title": "Quotes v2"}))
    assert changed.args[0].row() == 0
    assert lane.index(0, 0).data() == "Quotes v2"


def test_running_totals_stay_exact_over_many_moves(document: PlanDocument, sprint_id: int) -> None:
    lists = board_lists(document, sprint_id)
    lane = Bucket(sprint_id, "product_ops")
    for round_ in range(30):
        document.move_items(lists["backlog"].ids()[:2], lane, None)
        # Back again, somewhere into the middle of the backlog.
        rest = lists["backlog"].ids()
        document.move_items(lists["product_ops"].ids()[-2:], BACKLOG, rest[round_ % len(rest)])
    assert_consistent(document, lists)


def test_an_empty_model_is_valid() -> None:
    model = PlanItemModel([])
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning, model)
    assert model.rowCount() == 0
    assert model.totals(BACKLOG) == CategoryTotals()


def _as_dict(fields: ItemFields) -> dict[str, object]:
    return {name: getattr(fields, name) for name in fields.__slots__}
