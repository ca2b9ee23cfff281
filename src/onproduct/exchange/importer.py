"""Working out what a checked batch changes in a plan, and writing it: all or nothing.

Items whose key the plan already has are updated (only in the fields the file sets),
the others are added at the end of their list; sprints the file names and the plan
lacks are created with the file's dates (own CSV), or their items go to the backlog
(a tracker's export, which gives no dates). `plan_import` only computes; the GUI keeps
its result in an undo command, the command line writes it at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from onproduct.domain.items import (
    ITEM_FIELD_NAMES,
    Item,
    ItemChange,
    Sprint,
    SprintFields,
    ValidationError,
    validate_sprint,
)
from onproduct.domain.operations import Operation
from onproduct.domain.ranking import Bucket, bucket_of
from onproduct.exchange.batch import Batch, ExchangeError, Skipped, bulk
from onproduct.exchange.text import encoding_note
from onproduct.storage.plan import Plan

BACKLOG_NAME = "Backlog"


@dataclass(frozen=True, slots=True)
class ImportChanges:
    """What an import does to a plan, with the values before, so it can be undone."""

    source: str
    sprints: tuple[Sprint, ...]  # created, with their ids
    added: tuple[Item, ...]  # with their ids and ranks
    updated: tuple[ItemChange, ...]
    unchanged: int
    skipped: tuple[Skipped, ...]
    notes: tuple[str, ...]
    # Where each row of the batch lands, in its order: a sprint's name, or "Backlog".
    places: tuple[str, ...] = ()
    encoding: str = ""  # what the file was read as

    @property
    def empty(self) -> bool:
        return not (self.sprints or self.added or self.updated)

    def summary(self) -> str:
        """One line: "3 added, 1 updated, 2 skipped; sprints created: Hardening"."""
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated"]
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        text = ", ".join(parts)
        if self.sprints:
            text += f"; sprints created: {', '.join(s.name for s in self.sprints)}"
        return text

    def details(self, limit: int = 20) -> list[str]:
        """The notes and the skipped records with their reasons, for the summary dialog."""
        lines = [encoding_note(self.encoding)] if self.encoding else []
        lines.extend(self.notes)
        for skip in self.skipped[:limit]:
            lines.append(f"Skipped {skip.what} ({skip.where}): {skip.why}")
        if len(self.skipped) > limit:
            lines.append(f"… and {len(self.skipped) - limit} more skipped.")
        return lines


def sprints_to_create(batch: Batch, existing: Iterable[Sprint]) -> list[SprintFields]:
    """The sprints the file names that the plan lacks; ExchangeError if one has no dates."""
    known = {sprint.name.casefold() for sprint in existing}
    new: list[SprintFields] = []
    if not batch.create_sprints:
        return new
    for folded, ref in batch.sprints.items():
        if folded in known:
            continue
        if ref.dates is None:
            raise ExchangeError(
                f"{batch.source}, line {ref.line}, column sprint: the plan has no sprint"
                f" {ref.name!r}; give sprint_start and sprint_end to create it."
            )
        try:
            new.append(
                validate_sprint(SprintFields(ref.name, *ref.dates, ref.capacity, ref.revenue))
            )
        except ValidationError as error:
            raise ExchangeError(
                f"{batch.source}, line {ref.line}, column sprint: {error}"
            ) from None
    return new


@bulk
def plan_import(
    batch: Batch,
    items: Sequence[Item],
    sprints: Sequence[Sprint],
    operations: Sequence[Operation] = (),
    next_sprint_id: int | None = None,
) -> ImportChanges:
    """What writing the batch into a plan holding these items and sprints would do."""
    by_name = {s.name.casefold(): s for s in sprints}
    sprint_id = (
        next_sprint_id
        if next_sprint_id is not None
        else max((s.id for s in sprints), default=0) + 1
    )
    created: list[Sprint] = []
    for wanted in sprints_to_create(batch, sprints):
        sprint = Sprint(
            sprint_id, wanted.name, wanted.start, wanted.end, wanted.capacity, wanted.revenue
        )
        sprint_id += 1
        by_name[sprint.name.casefold()] = sprint
        created.append(sprint)
    operation_ids = {o.name.casefold(): o.id for o in operations}

    by_key = {i.external_key.casefold(): i for i in items if i.external_key is not None}
    last_rank: dict[Bucket, float] = {}
    for item in items:
        bucket = bucket_of(item.sprint_id, item.category)
        last_rank[bucket] = max(last_rank.get(bucket, item.rank), item.rank)
    next_id = max((i.id for i in items), default=0) + 1

    def append_to(bucket: Bucket) -> float:
        rank = last_rank.get(bucket, 0.0) + 1.0
        last_rank[bucket] = rank
        return rank

    notes: list[str] = list(batch.notes)
    unknown_sprints: dict[str, int] = {}
    unknown_operations: dict[str, int] = {}
    place_given = "sprint" in batch.fields
    updatable = [name for name in ITEM_FIELD_NAMES if name in batch.fields]
    if batch.keep_lanes:  # the mapping decides only for new items
        updatable = [name for name in updatable if name != "category"]
    added: list[Item] = []
    changes: list[ItemChange] = []
    names = {s.id: s.name for s in (*sprints, *created)}
    places: list[str] = []
    for row in batch.rows:
        fields = row.fields
        if row.operation is not None:
            operation_id = operation_ids.get(row.operation.casefold())
            if operation_id is None:
                unknown_operations[row.operation] = unknown_operations.get(row.operation, 0) + 1
            fields = replace(fields, operation_id=operation_id)
        target: Sprint | None = None
        placed = place_given
        if row.sprint is not None:
            target = by_name.get(row.sprint.casefold())
            if target is None:
                unknown_sprints[row.sprint] = unknown_sprints.get(row.sprint, 0) + 1
                placed = False
        new_sprint_id = target.id if target is not None else None
        existing = _match(by_key, fields.external_key, row.refs) if by_key else None
        if existing is None:
            bucket = bucket_of(new_sprint_id, fields.category)
            added.append(Item.placed(next_id, fields, new_sprint_id, append_to(bucket)))
            next_id += 1
            places.append(names.get(new_sprint_id, BACKLOG_NAME) if new_sprint_id else BACKLOG_NAME)
            continue
        after = {name: getattr(fields, name) for name in updatable}
        moved = replace(
            existing, **after, sprint_id=new_sprint_id if placed else existing.sprint_id
        )
        places.append(names.get(moved.sprint_id, BACKLOG_NAME) if moved.sprint_id else BACKLOG_NAME)
        if bucket_of(moved.sprint_id, moved.category) != bucket_of(
            existing.sprint_id, existing.category
        ):
            moved = replace(moved, rank=append_to(bucket_of(moved.sprint_id, moved.category)))
        changed = [
            name
            for name in (*ITEM_FIELD_NAMES, "sprint_id", "rank")
            if getattr(moved, name) != getattr(existing, name)
        ]
        if changed:
            changes.append(
                ItemChange(
                    existing.id,
                    {name: getattr(existing, name) for name in changed},
                    {name: getattr(moved, name) for name in changed},
                )
            )
    if (
        batch.keep_lanes
        and batch.rows
        and not any(row.fields.external_key or row.refs for row in batch.rows)
    ):
        notes.append(
            "The file has no issue keys, ids or links: nothing in it can be matched to"
            " items already in the plan, so importing it again will add every item a"
            " second time."
        )
    for name, count in unknown_sprints.items():
        notes.append(
            f"The plan has no sprint {name!r}: its {count} item{'s' if count != 1 else ''}"
            " went to the backlog (or stayed where they were)."
        )
    for name, count in unknown_operations.items():
        notes.append(
            f"The plan has no operation {name!r} in its register: {count} automation"
            f" item{'s' if count != 1 else ''} kept without the link."
        )
    return ImportChanges(
        source=batch.source,
        sprints=tuple(created),
        added=tuple(added),
        updated=tuple(changes),
        unchanged=len(batch.rows) - len(added) - len(changes),
        skipped=batch.skipped,
        notes=tuple(notes),
        places=tuple(places),
        encoding=batch.encoding,
    )


def _match(by_key: Mapping[str, Item], key: str | None, refs: Sequence[str]) -> Item | None:
    """The item a row is, by its key, else by another name its tracker gives it."""
    for name in (key, *refs):
        if name:
            found = by_key.get(name.casefold())
            if found is not None:
                return found
    return None


def plan_import_into(plan: Plan, batch: Batch) -> ImportChanges:
    """`plan_import` against what the plan file holds now."""
    return plan_import(batch, plan.items(), plan.sprints(), plan.operations())


@bulk
def write_import(
    plan: Plan,
    changes: ImportChanges,
    progress: Callable[[int, int], None] | None = None,
    expected: Mapping[int, int] | None = None,
) -> ImportChanges:
    """Write the changes in one transaction (a cancel from `progress` writes nothing).

    New sprints and items get their ids from the plan as they are written (what
    `plan_import` gave them was provisional): the changes come back with those ids.
    `expected` holds the versions the updated items were seen at, where known.
    """
    with plan.change(f"imported {changes.source} ({changes.summary()})"):
        sprints, added = plan.apply_import(
            changes.sprints,
            changes.added,
            [(c.item_id, c.after) for c in changes.updated],
            progress,
            expected,
        )
    return replace(changes, sprints=tuple(sprints), added=tuple(added))


def undo_import(plan: Plan, changes: ImportChanges) -> None:
    with plan.change(f"took back the import of {changes.source}"):
        plan.revert_import(
            [s.id for s in changes.sprints],
            [i.id for i in changes.added],
            [(c.item_id, c.before) for c in changes.updated],
        )


def import_batch(plan: Plan, batch: Batch) -> ImportChanges:
    """Compute and write an import at once (the command line, tests), in one transaction:
    the changes are worked out from the plan as it is when the write begins."""
    with plan.transaction():
        changes = plan_import_into(plan, batch)
        return write_import(plan, changes)


def changed_values(changes: ImportChanges, side: str) -> dict[int, dict[str, Any]]:
    """Per item id, the values before or after the import (for the board's model)."""
    return {c.item_id: dict(getattr(c, side)) for c in changes.updated}
