"""What a board list should show and total, recomputed from scratch, to check the live models."""

from __future__ import annotations

from PySide6.QtTest import QAbstractItemModelTester

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.filtering import ItemFilter, search_key
from onproduct.domain.metrics import CategoryTotals
from onproduct.domain.ranking import BACKLOG, Bucket, bucket_of
from onproduct.ui.document import PlanDocument
from onproduct.ui.lane_model import LaneModel


def expected_ids(
    document: PlanDocument, bucket: Bucket, item_filter: ItemFilter | None = None
) -> list[int]:
    item_filter = item_filter or ItemFilter()
    chosen = [
        item
        for item in document.items.items()
        if bucket_of(item.sprint_id, item.category) == bucket
        and item_filter.matches(search_key(item))
    ]
    return [item.id for item in sorted(chosen, key=lambda i: (i.rank, i.id))]


def expected_totals(document: PlanDocument, bucket: Bucket) -> CategoryTotals:
    items = [i for i in document.items.items() if bucket_of(i.sprint_id, i.category) == bucket]
    effort = sum(i.estimate for i in items if i.estimate is not None)
    return CategoryTotals(len(items), round(effort, 6), sum(i.estimate is None for i in items))


def board_lists(
    document: PlanDocument, sprint_id: int, *, watch: bool = True
) -> dict[str, LaneModel]:
    """A backlog proxy and the five lane proxies of a sprint, each watched by Qt's tester."""

    def drop(ids: list[int], bucket: Bucket, before: int | None) -> bool:
        return document.move_items(ids, bucket, before)

    lists = {"backlog": LaneModel(document.items, document.token, drop, BACKLOG)}
    for key in CATEGORY_KEYS:
        lists[key] = LaneModel(document.items, document.token, drop, Bucket(sprint_id, key))
    for model in lists.values() if watch else ():
        # Owned by the model, so it watches for as long as the model lives; its
        # warnings fail the test (qt_log_level_fail = WARNING).
        QAbstractItemModelTester(
            model, QAbstractItemModelTester.FailureReportingMode.Warning, model
        )
    return lists


def titles(document: PlanDocument, model: LaneModel) -> list[str]:
    return [document.items.item(i).title for i in model.ids()]


def assert_consistent(document: PlanDocument, lists: dict[str, LaneModel]) -> None:
    """Every list shows exactly what a recomputation says, and totals agree."""
    for model in lists.values():
        bucket = model.bucket()
        assert bucket is not None
        assert model.ids() == expected_ids(document, bucket, model.item_filter())
        assert document.items.totals(bucket) == expected_totals(document, bucket)
        assert model.rowCount() == len(model.ids())
