"""Writing a checked CSV batch into a plan: all of it in one transaction, or nothing.

Items whose key the plan already has are updated (only in the columns the file has),
the others are added at the end of their list; sprints the file names and the plan
lacks are created with the file's dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from onproduct.domain.items import (
    ITEM_FIELD_NAMES,
    Item,
    Sprint,
    SprintFields,
    ValidationError,
    validate_sprint,
)
from onproduct.domain.ranking import Bucket, bucket_of
from onproduct.exchange.own_csv import CsvBatch, ExchangeError
from onproduct.storage.plan import Plan

# The CSV column that carries each item field.
_COLUMN_OF = {name: name for name in ITEM_FIELD_NAMES} | {"external_key": "key"}


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did."""

    added: int
    updated: int
    unchanged: int
    sprints_created: tuple[str, ...]

    def text(self) -> str:
        parts = [f"{self.added} added", f"{self.updated} updated"]
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        if self.sprints_created:
            parts.append(f"sprints created: {', '.join(self.sprints_created)}")
        return ", ".join(parts)


def sprints_to_create(batch: CsvBatch, existing: Iterable[Sprint]) -> list[SprintFields]:
    """The sprints the file names that the plan lacks; ExchangeError if one has no dates."""
    known = {sprint.name.casefold() for sprint in existing}
    new = []
    for folded, ref in batch.sprints.items():
        if folded in known:
            continue
        if ref.dates is None:
            raise ExchangeError(
                f"{batch.source}, line {ref.line}, column sprint: the plan has no sprint"
                f" {ref.name!r}; give sprint_start and sprint_end to create it."
            )
        try:
            new.append(validate_sprint(SprintFields(ref.name, *ref.dates)))
        except ValidationError as error:
            raise ExchangeError(
                f"{batch.source}, line {ref.line}, column sprint: {error}"
            ) from None
    return new


def import_batch(plan: Plan, batch: CsvBatch) -> ImportSummary:
    """Write the batch into the plan in one transaction."""
    with plan.transaction():
        sprints = {s.name.casefold(): s for s in plan.sprints()}
        created = []
        for fields in sprints_to_create(batch, sprints.values()):
            sprint = plan.add_sprint(fields)
            sprints[sprint.name.casefold()] = sprint
            created.append(sprint.name)

        items = plan.items()
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

        place_given = "sprint" in batch.columns
        added: list[Item] = []
        changes: list[tuple[int, dict[str, Any]]] = []
        for row in batch.rows:
            sprint_id = sprints[row.sprint.casefold()].id if row.sprint else None
            key = row.fields.external_key
            existing = by_key.get(key.casefold()) if key is not None else None
            if existing is None:
                bucket = bucket_of(sprint_id, row.fields.category)
                values = {name: getattr(row.fields, name) for name in ITEM_FIELD_NAMES}
                added.append(
                    Item(id=next_id, sprint_id=sprint_id, rank=append_to(bucket), **values)
                )
                next_id += 1
                continue
            after = {
                name: getattr(row.fields, name)
                for name in ITEM_FIELD_NAMES
                if _COLUMN_OF[name] in batch.columns
            }
            if not place_given:
                sprint_id = existing.sprint_id
            moved = replace(existing, **after, sprint_id=sprint_id)
            if bucket_of(moved.sprint_id, moved.category) != bucket_of(
                existing.sprint_id, existing.category
            ):
                moved = replace(moved, rank=append_to(bucket_of(moved.sprint_id, moved.category)))
            values = {
                name: getattr(moved, name)
                for name in (*ITEM_FIELD_NAMES, "sprint_id", "rank")
                if getattr(moved, name) != getattr(existing, name)
            }
            if values:
                changes.append((existing.id, values))
        plan.bulk_insert_items(added)
        plan.update_items(changes)
    return ImportSummary(
        added=len(added),
        updated=len(changes),
        unchanged=len(batch.rows) - len(added) - len(changes),
        sprints_created=tuple(created),
    )
