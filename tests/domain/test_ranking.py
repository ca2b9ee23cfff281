"""Ranks: new items go between their neighbours until a gap is used up."""

from __future__ import annotations

from onproduct.domain.ranking import BACKLOG, MIN_GAP, Bucket, bucket_of, ranks_between, renumbered


def test_backlog_items_share_one_bucket_whatever_their_category() -> None:
    assert bucket_of(None, "feature") == bucket_of(None, "dev_ops") == BACKLOG
    assert bucket_of(3, "feature") == Bucket(3, "feature")
    assert bucket_of(3, "feature") != bucket_of(3, "tech_debt")


def test_ranks_fall_strictly_between_neighbours_in_order() -> None:
    ranks = ranks_between(1.0, 2.0, 3)
    assert ranks is not None
    assert 1.0 < ranks[0] < ranks[1] < ranks[2] < 2.0


def test_ranks_at_the_ends_and_in_an_empty_list() -> None:
    assert ranks_between(None, None, 2) == [1.0, 2.0]
    assert ranks_between(None, 5.0, 2) == [3.0, 4.0]
    assert ranks_between(5.0, None, 2) == [6.0, 7.0]


def test_a_used_up_gap_asks_for_renumbering() -> None:
    assert ranks_between(1.0, 1.0 + MIN_GAP, 1) is None


def test_renumbering_follows_the_order_given() -> None:
    assert renumbered([7, 3, 9]) == {7: 1.0, 3: 2.0, 9: 3.0}
