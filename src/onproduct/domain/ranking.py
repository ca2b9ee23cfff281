"""Where items sit on the board: buckets (the backlog, or one lane of one sprint) and ranks.

Every item has a rank, a float; a list shows its items by (rank, id). Putting items
between two neighbours gives them ranks in the gap, so a move rewrites only the items
that moved, until a gap gets too small and the list is renumbered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple


class Bucket(NamedTuple):
    """A list on the board: the backlog (no sprint, any category) or one sprint lane."""

    sprint_id: int | None
    category: str | None

    @property
    def is_backlog(self) -> bool:
        return self.sprint_id is None


BACKLOG = Bucket(None, None)


def bucket_of(sprint_id: int | None, category: str) -> Bucket:
    """The list an item with these fields appears in."""
    return BACKLOG if sprint_id is None else Bucket(sprint_id, category)


# Below this gap neighbours are renumbered rather than squeezed further: floats keep
# about 15 significant digits, so halving a gap forever would make ranks collide.
MIN_GAP = 1e-6


def ranks_between(lower: float | None, upper: float | None, count: int) -> list[float] | None:
    """`count` increasing ranks strictly between two neighbours (None: no neighbour there).

    Returns None when the gap is too small, and the caller must renumber the list.
    """
    if lower is None and upper is None:
        return [float(i + 1) for i in range(count)]
    if lower is None:
        assert upper is not None
        return [upper - (count - i) for i in range(count)]
    if upper is None:
        return [lower + 1 + i for i in range(count)]
    step = (upper - lower) / (count + 1)
    if step < MIN_GAP:
        return None
    return [lower + step * (i + 1) for i in range(count)]


def renumbered(order: Sequence[int]) -> dict[int, float]:
    """Ranks 1, 2, 3, ... for a whole list in the order given."""
    return {item_id: float(i + 1) for i, item_id in enumerate(order)}
