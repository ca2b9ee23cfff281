"""Drag and drop through the models: mimeData of the source list, dropMimeData of the target."""

from __future__ import annotations

import json
from datetime import date

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt

from onproduct.domain.ranking import BACKLOG
from onproduct.storage.planfile import open_plan
from onproduct.ui.document import PlanDocument
from onproduct.ui.lane_model import MIME_TYPE, LaneModel, encode_ids

from ..helpers import dump
from .boards import assert_consistent, board_lists

MOVE = Qt.DropAction.MoveAction


@pytest.fixture
def lists(document: PlanDocument) -> dict[str, LaneModel]:
    sprint = document.sprints.current(date.today())
    assert sprint is not None
    return board_lists(document, sprint.id)


def drag(source: LaneModel, rows: list[int]) -> QMimeData:
    return source.mimeData([source.index(row, 0) for row in rows])


def drop(target: LaneModel, data: QMimeData, row: int = -1, on_row: int | None = None) -> bool:
    parent = target.index(on_row, 0) if on_row is not None else QModelIndex()
    assert target.canDropMimeData(data, MOVE, row, 0, parent)
    return target.dropMimeData(data, MOVE, row, 0, parent)


def stored(document: PlanDocument, item_id: int) -> tuple[int | None, str]:
    """Where the plan file says an item is: what survives closing the app."""
    plan = open_plan(document.plan.path)
    try:
        item = plan.item(item_id)
        return item.sprint_id, item.category
    finally:
        plan.close()


def test_the_drag_carries_only_ids_under_our_own_type(
    document: PlanDocument, lists: dict[str, LaneModel]
) -> None:
    data = drag(lists["backlog"], [2, 0])
    assert data.formats() == [MIME_TYPE]
    payload = json.loads(bytes(data.data(MIME_TYPE).data()))
    assert payload == {"plan": document.token, "ids": lists["backlog"].ids()[:3:2]}


def test_backlog_to_lane_plans_the_item_into_the_sprint_in_that_category(
    document: PlanDocument, lists: dict[str, LaneModel]
) -> None:
    backlog, lane = lists["backlog"], lists["tech_debt"]
    item = backlog.ids()[0]  # "Expense tracking", a feature
    assert document.items.item(item).category == "feature"
    assert drop(lane, drag(backlog, [0]), row=1)
    assert lane.ids()[1] == item
    assert item not in backlog.ids()
    sprint = lane.bucket().sprint_id  # type: ignore[union-attr]
    assert stored(document, item) == (sprint, "tech_debt")
    assert document.undo_stack.count() == 1
    assert_consistent(document, lists)


def test_lane_to_lane_recategorises_and_keeps_the_sprint(
    document: PlanDocument, lists: dict[str, LaneModel]
) -> None:
    source, target = lists["product_ops"], lists["automation"]
    item = source.ids()[0]
    assert drop(target, drag(source, [0]))
    assert target.ids()[-1] == item  # dropped below the last card: goes last
    assert stored(document, item) == (target.bucket().sprint_id, "automation")  # type: ignore[union-attr]
    assert_consistent(document, lists)


def test_within_a_lane_a_drop_reorders(document: PlanDocument, lists: dict[str, LaneModel]) -> None:
    lane = lists["product_ops"]
    first, second = lane.ids()
    assert drop(lane, drag(lane, [1]), row=0)
    assert lane.ids() == [second, first]
    assert document.undo_stack.undoText() == f"Reorder “{document.items.item(second).title}”"
    # Dropping a card just below itself is no move at all: nothing to undo.
    assert not lane.dropMimeData(drag(lane, [0]), MOVE, 1, 0, QModelIndex())
    assert document.undo_stack.count() == 1
    assert_consistent(document, lists)


def test_lane_to_backlog_unplans_and_keeps_the_category(
    document: PlanDocument, lists: dict[str, LaneModel]
) -> None:
    lane, backlog = lists["dev_ops"], lists["backlog"]
    item = lane.ids()[0]
    assert drop(backlog, drag(lane, [0]), row=0)
    assert backlog.ids()[0] == item
    assert lane.ids() == []
    assert stored(document, item) == (None, "dev_ops")
    assert_consistent(document, lists)


def test_several_cards_move_together_in_their_order(
    document: PlanDocument, lists: dict[str, LaneModel]
) -> None:
    backlog, lane = lists["backlog"], lists["feature"]
    chosen = [backlog.ids()[r] for r in (1, 4, 6)]
    before = lane.ids()
    assert drop(lane, drag(backlog, [6, 1, 4]), row=1)  # selection order does not matter
    assert lane.ids() == [before[0], *chosen, *before[1:]]
    assert all(document.items.item(i).category == "feature" for i in chosen)
    assert document.undo_stack.count() == 1  # one drop, one undo step
    assert document.undo_stack.undoText() == "Move 3 items to Product improvement"
    document.undo_stack.undo()
    assert lane.ids() == before
    assert_consistent(document, lists)


def test_dropping_onto_a_card_puts_the_items_before_it(
    document: PlanDocument, lists: dict[str, LaneModel]
) -> None:
    backlog, lane = lists["backlog"], lists["feature"]
    item = backlog.ids()[3]
    target = lane.ids()[1]
    assert drop(lane, drag(backlog, [3]), row=-1, on_row=1)
    assert lane.ids().index(item) == lane.ids().index(target) - 1


def test_with_a_filter_a_drop_lands_before_the_card_that_was_shown_there(
    document: PlanDocument, lists: dict[str, LaneModel]
) -> None:
    from onproduct.domain.filtering import ItemFilter

    backlog = lists["backlog"]
    everything = backlog.ids()
    backlog.set_filter(ItemFilter.parse("#billing"))
    shown = backlog.ids()
    assert len(shown) < len(everything)
    lane = lists["tech_debt"]
    mover = lane.ids()[0]
    assert drop(backlog, drag(lane, [0]), row=1)
    full = document.items.bucket_ids(BACKLOG)
    assert full.index(mover) == full.index(shown[1]) - 1  # hidden cards stay where they were
    assert_consistent(document, lists)


def test_squeezed_ranks_are_renumbered_and_undo_restores_them_exactly(
    document: PlanDocument, lists: dict[str, LaneModel]
) -> None:
    backlog = lists["backlog"]
    a, b, c = backlog.ids()[:3]
    # Force two neighbours to be almost equal, then drop between them.
    document.write_item_values({a: {"rank": 1.0}, b: {"rank": 1.0 + 1e-7}, c: {"rank": 5.0}})
    before = dump(document.plan.path)
    order = backlog.ids()
    assert drop(backlog, drag(backlog, [2]), row=1)
    assert backlog.ids() == [a, c, b, *order[3:]]
    ranks = [document.items.item(i).rank for i in backlog.ids()]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    document.undo_stack.undo()
    assert dump(document.plan.path) == before
    assert_consistent(document, lists)


# ------------------------------------------------------------------ refused drops


def _foreign(document: PlanDocument, lists: dict[str, LaneModel]) -> QMimeData:
    data = QMimeData()
    data.setText("Expense tracking")
    return data


def _other_plan(document: PlanDocument, lists: dict[str, LaneModel]) -> QMimeData:
    return encode_ids("another-window", lists["backlog"].ids()[:1])


def _garbage(document: PlanDocument, lists: dict[str, LaneModel]) -> QMimeData:
    data = QMimeData()
    data.setData(MIME_TYPE, b"{not json")
    return data


def _not_ids(document: PlanDocument, lists: dict[str, LaneModel]) -> QMimeData:
    data = QMimeData()
    data.setData(MIME_TYPE, json.dumps({"plan": document.token, "ids": ["1"]}).encode())
    return data


def _unknown_ids(document: PlanDocument, lists: dict[str, LaneModel]) -> QMimeData:
    return encode_ids(document.token, [987654])


@pytest.mark.parametrize(
    "make", [_foreign, _other_plan, _garbage, _not_ids, _unknown_ids], ids=lambda f: f.__name__
)
def test_a_drop_that_is_not_ours_changes_nothing(
    document: PlanDocument, lists: dict[str, LaneModel], make
) -> None:
    before = dump(document.plan.path)
    lane = lists["feature"]
    data = make(document, lists)
    assert not lane.dropMimeData(data, MOVE, 0, 0, QModelIndex())
    assert dump(document.plan.path) == before
    assert document.undo_stack.count() == 0
    assert_consistent(document, lists)


def test_lanes_take_no_drops_when_there_is_no_sprint(
    document: PlanDocument, lists: dict[str, LaneModel]
) -> None:
    lane = lists["feature"]
    lane.set_bucket(None)
    data = drag(lists["backlog"], [0])
    assert not lane.canDropMimeData(data, MOVE, 0, 0, QModelIndex())
    assert not lane.dropMimeData(data, MOVE, 0, 0, QModelIndex())
    assert not lane.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    assert document.undo_stack.count() == 0


def test_copy_drops_are_refused_because_an_item_lives_in_one_place(
    lists: dict[str, LaneModel],
) -> None:
    data = drag(lists["backlog"], [0])
    copy = Qt.DropAction.CopyAction
    assert not lists["feature"].canDropMimeData(data, copy, 0, 0, QModelIndex())


def test_cards_drag_but_take_no_drops_so_qt_offers_the_gaps_between_them(
    lists: dict[str, LaneModel],
) -> None:
    lane = lists["feature"]
    flags = lane.flags(lane.index(0, 0))
    assert flags & Qt.ItemFlag.ItemIsDragEnabled
    assert not flags & Qt.ItemFlag.ItemIsDropEnabled
    assert lane.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
