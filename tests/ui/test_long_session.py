"""A long planning session must not wear the app down.

PySide6 6.12.0 lost a reference to True on every signal sent to a Python slot, and
the interpreter aborted after about a thousand: a product owner would have seen the
app vanish after an hour of dragging. This drives the same signal paths as drags do
many more times than that and checks the app is still whole.
"""

from __future__ import annotations

import sys
from datetime import date

from onproduct.domain.ranking import BACKLOG, Bucket
from onproduct.ui.document import PlanDocument

from .boards import assert_consistent, board_lists


def test_thousands_of_moves_keep_the_interpreter_intact(document: PlanDocument) -> None:
    sprint = document.sprints.current(date.today())
    assert sprint is not None
    lists = board_lists(document, sprint.id, watch=False)
    item = lists["backlog"].ids()[0]
    original = document.items.item(item)
    lane = Bucket(sprint.id, "tech_debt")
    true_refs = sys.getrefcount(True)
    for n in range(1500):
        # The model-side half of a drop and its undo: every board signal fires.
        document.items.update_items(
            {item: {"sprint_id": sprint.id, "category": lane.category, "rank": 1000.0 + n}}
        )
        document.items.update_items({item: original.values(("sprint_id", "category", "rank"))})
    # Python 3.12+ makes True immortal (a constant count); on 3.11 a leak shows here.
    assert sys.getrefcount(True) >= true_refs - 100
    assert document.items.place_of(item) == BACKLOG
    assert_consistent(document, lists)
