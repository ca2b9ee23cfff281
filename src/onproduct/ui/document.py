"""An open plan in the window: its file, its models and its undo stack.

The UI asks the document for changes (add, edit, delete, move); the document turns
each into one undo command. Commands call back into the write methods, which store
the change in the plan file and then update the models the board shows.
"""

from __future__ import annotations

import bisect
import functools
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from datetime import date
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from onproduct.domain.categories import CATEGORY_KEYS, category
from onproduct.domain.history import conflict_line
from onproduct.domain.items import (
    ITEM_FIELD_NAMES,
    Baseline,
    Item,
    ItemChange,
    ItemFields,
    Sprint,
    SprintFields,
    SprintRecord,
    ValidationError,
    validate_item,
    validate_sprint,
)
from onproduct.domain.metrics import suggested_order
from onproduct.domain.operations import (
    Burden,
    Operation,
    OperationFields,
    Saving,
    load_on,
    savings_of,
    validate_operation,
)
from onproduct.domain.ranking import BACKLOG, Bucket, ranks_between, renumbered
from onproduct.domain.settings import PlanSettings, validate_settings
from onproduct.exchange.importer import ImportChanges, changed_values, undo_import, write_import
from onproduct.storage.changelog import Change
from onproduct.storage.errors import ConflictError, StorageError
from onproduct.storage.plan import Plan
from onproduct.storage.reports import burden_of
from onproduct.ui.commands import (
    AddItemCommand,
    AddOperationCommand,
    AddSprintCommand,
    ChangeItemsCommand,
    ChangeSettingsCommand,
    DeleteItemsCommand,
    DeleteOperationCommand,
    DeleteSprintCommand,
    EditOperationCommand,
    EditSprintCommand,
    SprintStateCommand,
)
from onproduct.ui.item_model import PlanItemModel
from onproduct.ui.operations_model import OperationListModel
from onproduct.ui.sprint_model import SprintListModel

_OPERATION_FIELDS = tuple(f.name for f in dataclass_fields(OperationFields))

# Where a closing sprint's unfinished items go.
CARRY_NEXT, CARRY_BACKLOG, CARRY_STAY = "next", "backlog", "stay"

# A plan with more items than this opens in two steps (see PlanDocument.finish_loading).
FIRST_SCREEN_ABOVE = 5_000
# Backlog rows read for the first screen: more than the tallest screen shows.
FIRST_SCREEN_BACKLOG = 300

_Method = TypeVar("_Method", bound=Callable[..., Any])


def _every_item(method: _Method) -> _Method:
    """A change or a reading that needs the whole plan first reads the rest of a big one."""

    @functools.wraps(method)
    def wrapper(self: PlanDocument, *args: Any, **kwargs: Any) -> Any:
        self.finish_loading()
        return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


# Versions of rows as a command left them (None: as the models hold them).
Versions = Mapping[int, int] | None


def _values(item: Item) -> dict[str, Any]:
    return {name: getattr(item, name) for name in item.__slots__ if name != "id"}


def _with_versions(
    values: Mapping[int, Mapping[str, Any]], versions: Mapping[int, int]
) -> dict[int, dict[str, Any]]:
    """Item values with the version each row has now."""
    return {
        item_id: {**fields, "version": versions[item_id]} if item_id in versions else dict(fields)
        for item_id, fields in values.items()
    }


def _quoted_or_count(items: Sequence[Item]) -> str:
    return f"“{items[0].title}”" if len(items) == 1 else f"{len(items)} items"


class SprintClosedError(ValidationError):
    """A change to a closed sprint's items: closed sprints are history."""


def closed_message(sprint: Sprint) -> str:
    return (
        f"{sprint.name} is closed: it is the record of what happened."
        " To change it, re-open it first (Sprint ▸ Re-open Sprint)."
    )


def bucket_name(bucket: Bucket) -> str:
    return "the backlog" if bucket.is_backlog else category(str(bucket.category)).name


class PlanDocument(QObject):
    """The open plan: file, item and sprint models, undo stack."""

    errorOccurred = Signal(str)
    # Someone else's changes arrived (a list of storage.plan.Change), already applied.
    remoteChanged = Signal(object)
    # The plan's server went away (True) or came back (False).
    offlineChanged = Signal(bool)
    # The plan settings changed (target, basis, unit, ...).
    settingsChanged = Signal()
    # Anything in the plan changed (every command, done or undone); the charts listen.
    changed = Signal()

    def __init__(
        self, plan: Plan, parent: QObject | None = None, *, first_screen: bool = False
    ) -> None:
        """Read the plan. With `first_screen`, a big plan's items are read in two steps:
        the sprint the board shows first and the top of the backlog now, the rest when
        `finish_loading` is called (after the board has been painted)."""
        super().__init__(parent)
        self._plan = plan
        # Tags drags so a drop only ever takes ids of this document.
        self.token = uuid.uuid4().hex
        self.settings = PlanSettings.from_stored(plan.settings())
        self.settings_version = plan.settings_version()
        self.sprints = SprintListModel(plan.sprints(), self)
        if first_screen and plan.item_count() > FIRST_SCREEN_ABOVE:
            shown = self.sprints.current(date.today())
            items = plan.first_screen(shown.id if shown else None, FIRST_SCREEN_BACKLOG)
            self.items = PlanItemModel(items, self, every_item=lambda: self._plan.items())
        else:
            self.items = PlanItemModel(plan.items(), self)
        self.items.unit = self.sprints.unit = self.settings.unit
        self.operations = OperationListModel(plan.operations(), self)
        self.operations.load_now = self.load_now
        self.operations.automated_by = self.automated_by
        self._links_cache: tuple[int, dict[int, list[str]]] | None = None
        self._savings_cache: tuple[int, dict[int, list[Saving]]] | None = None
        self.undo_stack = QUndoStack(self)
        # The newest entry of the plan's history this window has taken in.
        self.seen_change = plan.latest_change()
        # Why nothing can be written now (a team plan's server is out of reach), or None.
        self.offline: str | None = None
        # The version this window last left each row at; an undo or redo of a row that
        # has another version now (someone else's change came in) is refused.
        self._mine: dict[tuple[str, int | str], int] = {}
        self._replay = False
        # Counts changes, so results computed from the file can be cached per revision.
        self.revision = 0
        self._burden_cache: tuple[int, int, list[Burden]] | None = None

    @property
    def plan(self) -> Plan:
        return self._plan

    def retarget(self, plan: Plan) -> None:
        """Continue on a copy of the same plan (Save As): models and history stay valid."""
        self.finish_loading()
        self._plan.close()
        self._plan = plan

    def close(self) -> None:
        # The commands refer back to this document; left to the garbage collector, that
        # cycle crashed it (it freed the commands once with the stack, once on their own).
        self.undo_stack.clear()
        self._plan.close()

    def finish_loading(self) -> None:
        """Read every item, if only the first screen was read; the lists follow.

        Raises StorageError if the file cannot be read (the first screen stays).
        """
        self.items.load_all()

    def report_error(self, message: str) -> None:
        self.errorOccurred.emit(message)

    # ------------------------------------------------ others' changes, live

    def refuse_offline(self) -> None:
        """StorageError while no change can be written (the server is out of reach)."""
        if self.offline is not None:
            raise StorageError(f"The change was not saved: {self.offline}.")

    def set_offline(self, reason: str | None) -> None:
        if reason != self.offline:
            self.offline = reason
            self.offlineChanged.emit(reason is not None)

    def conflicted(self, error: ConflictError) -> None:
        """Someone else changed a row first: take their change in, and say who did what."""
        try:
            latest = self._plan.last_change_of(error.table, error.row_id)
        except StorageError:
            latest = None
        self.catch_up()
        if latest is not None and latest.id not in self._plan.own_changes:
            message = conflict_line(latest.who, latest.what, latest.at)
        elif str(error).startswith("The plan has no"):
            message = f"{error} Your change was not applied."
        else:
            message = "Someone else changed this meanwhile; your change was not applied."
        self.report_error(message)

    def catch_up(self) -> list[Change]:
        """Apply what others changed since this window last looked; returns their changes.

        Each change names the rows it touched: those are read afresh and put into the
        models (a change that kept no rows, a big import, has the whole plan read again).
        Changes this window made itself are in its models already.
        """
        plan = self._plan
        changes = plan.changes_since(self.seen_change)
        if not changes:
            return []
        self.seen_change = changes[-1].id
        theirs = [c for c in changes if c.id not in plan.own_changes]
        if not theirs:
            return []
        if any(c.partial for c in theirs):
            self._reload_items(None)
        else:
            ids = set().union(*(c.touches("item") for c in theirs))
            if ids:
                self._reload_items(sorted(int(i) for i in ids))
        if any(c.partial or c.touches("sprint") for c in theirs):
            self._reload_sprints()
        if any(c.partial or c.touches("operation") for c in theirs):
            self._reload_operations()
        if any(c.partial or c.touches("setting") for c in theirs):
            stored = plan.settings()
            self.settings_version = plan.settings_version()
            settings = PlanSettings.from_stored(stored)
            if settings != self.settings:
                self.settings = settings
                self.items.unit = self.sprints.unit = settings.unit
                self.settingsChanged.emit()
        self.note_change()
        self.remoteChanged.emit(theirs)
        return theirs

    def _reload_items(self, ids: Sequence[int] | None) -> None:
        if ids is None:  # the whole plan
            stored = {item.id: item for item in self._plan.items()}
            ids = sorted(set(stored) | {item.id for item in self.items.items()})
        else:
            stored = {item.id: item for item in self._plan.items_by_ids(ids)}
        gone = [i for i in ids if i not in stored and i in self.items]
        new = [stored[i] for i in ids if i in stored and i not in self.items]
        changed = {
            i: _values(stored[i])
            for i in ids
            if i in stored and i in self.items and self.items.item(i) != stored[i]
        }
        self.items.remove_items(gone)
        self.items.update_items(changed)
        self.items.insert_items(new)

    def _reload_sprints(self) -> None:
        stored = {s.id: s for s in self._plan.sprints()}
        shown = {s.id: s for s in self.sprints.sprints()}
        for sprint_id in shown.keys() - stored.keys():
            self.sprints.remove(sprint_id)
        for sprint_id, sprint in stored.items():
            if sprint_id not in shown:
                self.sprints.insert(sprint)
            elif shown[sprint_id] != sprint:
                self.sprints.update(sprint)

    def _reload_operations(self) -> None:
        stored = {o.id: o for o in self._plan.operations()}
        shown = {o.id: o for o in self.operations.operations()}
        for operation_id in shown.keys() - stored.keys():
            self.operations.remove(operation_id)
        for operation_id, operation in stored.items():
            if operation_id not in shown:
                self.operations.insert(operation)
            elif shown[operation_id] != operation:
                self.operations.update(operation)

    def note_change(self) -> None:
        self.revision += 1
        self.operations.refresh()
        self.changed.emit()

    # ---------------------------------------------------- operations burden

    def burden(self, extra: int = 0) -> list[Burden]:
        """The burden of every sprint (and `extra` forecast periods), from the plan file."""
        cached = self._burden_cache
        if cached is not None and cached[:2] == (self.revision, extra):
            return cached[2]
        result = burden_of(
            self._plan, self.settings, date.today(), extra, self.operations.operations()
        )
        self._burden_cache = (self.revision, extra, result)
        return result

    @_every_item
    def automated_by(self, operation: Operation) -> list[str]:
        """The automation items that remove an operation: "title (done)", "title (planned)"."""
        cached = self._links_cache
        if cached is None or cached[0] != self.revision:
            links: dict[int, list[str]] = {}
            for item in self.items.items():
                if item.operation_id is not None and item.category == "automation":
                    state = (
                        "done"
                        if item.status == "done"
                        else "planned"
                        if item.sprint_id
                        else "in the backlog"
                    )
                    links.setdefault(item.operation_id, []).append(f"{item.title} ({state})")
            cached = self._links_cache = (self.revision, links)
        return cached[1].get(operation.id, [])

    def load_now(self, operation: Operation) -> float:
        """Hours a week an operation costs today, after done automation."""
        cached = self._savings_cache
        if cached is None or cached[0] != self.revision:
            done: dict[int, list[Saving]] = {}
            for saving in savings_of(self._plan.automation_plans(), date.today()):
                if not saving.forecast:
                    done.setdefault(saving.operation_id, []).append(saving)
            cached = self._savings_cache = (self.revision, done)
        return load_on(operation, cached[1].get(operation.id, []), date.today())

    # ------------------------------------------------- changes the UI asks for

    def closed_sprint(self, sprint_id: int | None) -> Sprint | None:
        """The sprint, if it is closed (its items are history); else None."""
        if sprint_id is None:
            return None
        try:
            sprint = self.sprints.sprint(sprint_id)
        except KeyError:
            return None
        return sprint if sprint.closed else None

    def refuse_closed(self, item_ids: Iterable[int], bucket: Bucket | None = None) -> None:
        """SprintClosedError when a change would touch a closed sprint: items in one, or
        a list of one they would go to."""
        sprint_ids = [bucket.sprint_id] if bucket is not None else []
        sprint_ids += [self.items.item(i).sprint_id for i in item_ids if i in self.items]
        for sprint_id in dict.fromkeys(sprint_ids):
            closed = self.closed_sprint(sprint_id)
            if closed is not None:
                raise SprintClosedError(closed_message(closed))

    @_every_item
    def add_item(self, fields: ItemFields, bucket: Bucket = BACKLOG) -> int | None:
        """Add an item at the end of a list; returns its id, None if the file refused it."""
        self.refuse_closed((), bucket)
        fields = self.check_item(fields, None)
        if not bucket.is_backlog and bucket.category is not None:
            fields = replace(fields, category=bucket.category)
        ids = self.items.bucket_ids(bucket)
        last = self.items.item(ids[-1]).rank if ids else None
        (rank,) = ranks_between(last, None, 1) or [0.0]
        command = AddItemCommand(self, fields, bucket.sprint_id, rank)
        self.undo_stack.push(command)
        return command.item.id if command.item is not None else None

    @_every_item
    def edit_item(self, item_id: int, fields: ItemFields) -> bool:
        self.refuse_closed([item_id])
        fields = self.check_item(fields, item_id)
        item = self.items.item(item_id)
        after: dict[str, Any] = {
            name: getattr(fields, name)
            for name in ITEM_FIELD_NAMES
            if getattr(fields, name) != getattr(item, name)
        }
        if not after:
            return False
        if item.sprint_id is not None and "category" in after:
            new_lane = Bucket(item.sprint_id, fields.category)
            after["rank"] = self._placement([item_id], new_lane, None)[item_id]
        change = ItemChange(item_id, item.values(after), after)
        self.undo_stack.push(ChangeItemsCommand(self, f"Edit “{fields.title}”", [change]))
        return True

    @_every_item
    def check_item(self, fields: ItemFields, item_id: int | None) -> ItemFields:
        """The fields cleaned up, or ValidationError (also for a key another item has)."""
        fields = validate_item(fields)
        if fields.external_key is not None:
            owner = self.items.owner_of_key(fields.external_key)
            if owner is not None and owner != item_id:
                title = self.items.item(owner).title
                raise ValidationError(
                    f"The key {fields.external_key} already belongs to “{title}”."
                )
        return fields

    @_every_item
    def delete_items(self, item_ids: Iterable[int]) -> bool:
        items = [self.items.item(i) for i in dict.fromkeys(item_ids) if i in self.items]
        if not items:
            return False
        self.refuse_closed([item.id for item in items])
        text = f"Delete {_quoted_or_count(items)}"
        self.undo_stack.push(DeleteItemsCommand(self, text, items))
        return True

    @_every_item
    def move_items(
        self, item_ids: Sequence[int], bucket: Bucket, before: int | None = None
    ) -> bool:
        """Put items (in the order given) into a list, before an item or at its end."""
        moving = [i for i in dict.fromkeys(item_ids) if i in self.items]
        if not moving or (before is not None and self.items.place_of(before) != bucket):
            return False
        if before in moving:
            return False
        self.refuse_closed(moving, bucket)
        changes = self._move_changes(moving, bucket, before)
        if not changes:
            return False
        items = [self.items.item(i) for i in moving]
        same_place = all(self.items.place_of(i) == bucket for i in moving)
        if same_place:
            text = f"Reorder {_quoted_or_count(items)}"
        else:
            text = f"Move {_quoted_or_count(items)} to {bucket_name(bucket)}"
        self.undo_stack.push(ChangeItemsCommand(self, text, changes))
        return True

    @_every_item
    def plan_into_sprint(self, item_ids: Sequence[int], sprint_id: int) -> bool:
        """Move items into a sprint, each into the lane of its own category."""
        moving = [i for i in dict.fromkeys(item_ids) if i in self.items]
        self.refuse_closed(moving, Bucket(sprint_id, None))
        by_lane: dict[Bucket, list[int]] = {}
        for item_id in moving:
            lane = Bucket(sprint_id, self.items.item(item_id).category)
            if self.items.place_of(item_id) != lane:
                by_lane.setdefault(lane, []).append(item_id)
        changes = [
            change
            for lane, ids in by_lane.items()
            for change in self._move_changes(ids, lane, None)
        ]
        if not changes:
            return False
        items = [self.items.item(i) for ids in by_lane.values() for i in ids]
        sprint = self.sprints.sprint(sprint_id)
        text = f"Plan {_quoted_or_count(items)} into {sprint.name}"
        self.undo_stack.push(ChangeItemsCommand(self, text, changes))
        return True

    def _move_changes(
        self, moving: Sequence[int], bucket: Bucket, before: int | None
    ) -> list[ItemChange]:
        moving_set = set(moving)
        changes = []
        for item_id, rank in self._placement(moving, bucket, before).items():
            item = self.items.item(item_id)
            after: dict[str, Any] = {"rank": rank}
            if item_id in moving_set:
                after["sprint_id"] = bucket.sprint_id
                if bucket.category is not None:
                    after["category"] = bucket.category
            before_values = item.values(after)
            if before_values != after:
                changes.append(ItemChange(item_id, before_values, after))
        return changes

    def _placement(
        self, moving: Sequence[int], bucket: Bucket, before: int | None
    ) -> dict[int, float]:
        """Ranks that put `moving` before item `before` (None: at the end) of a list.

        Only the two neighbours of the gap are looked at, so a move into a list of
        100,000 items costs the same as into one of ten, unless the gap is used up
        and the list has to be renumbered.
        """
        ids = self.items.bucket_ids(bucket)
        key = self.items.order_key
        moving_set = set(moving)
        position = len(ids) if before is None else bisect.bisect_left(ids, key(before), key=key)
        below = position - 1
        while below >= 0 and ids[below] in moving_set:
            below -= 1
        lower = self.items.item(ids[below]).rank if below >= 0 else None
        upper = self.items.item(before).rank if before is not None else None
        ranks = ranks_between(lower, upper, len(moving))
        if ranks is not None:
            return dict(zip(moving, ranks, strict=True))
        order = [i for i in ids[:position] if i not in moving_set]
        order += moving
        order += [i for i in ids[position:] if i not in moving_set]
        return renumbered(order)

    @_every_item
    def add_sprint(self, fields: SprintFields) -> int | None:
        fields = self.check_sprint(fields, None)
        command = AddSprintCommand(self, fields)
        self.undo_stack.push(command)
        return command.sprint.id if command.sprint is not None else None

    @_every_item
    def edit_sprint(self, sprint_id: int, fields: SprintFields) -> bool:
        fields = self.check_sprint(fields, sprint_id)
        before = self.sprints.sprint(sprint_id)
        if before.editable == fields:
            return False
        self.undo_stack.push(EditSprintCommand(self, before, fields))
        return True

    def check_sprint(self, fields: SprintFields, sprint_id: int | None) -> SprintFields:
        """The fields cleaned up, or ValidationError (also for a name already used)."""
        fields = validate_sprint(fields)
        if self.sprints.name_taken(fields.name, sprint_id):
            raise ValidationError(f"There is already a sprint called “{fields.name}”.")
        return fields

    @_every_item
    def delete_sprint(self, sprint_id: int) -> bool:
        """Delete a sprint; its items go to the end of the backlog, in board order."""
        sprint = self.sprints.sprint(sprint_id)
        planned = [
            item_id
            for cat in CATEGORY_KEYS
            for item_id in self.items.bucket_ids(Bucket(sprint_id, cat))
        ]
        changes = self._move_changes(planned, BACKLOG, None)
        self.undo_stack.push(DeleteSprintCommand(self, sprint, changes))
        return True

    @_every_item
    def change_settings(self, settings: PlanSettings) -> bool:
        settings = validate_settings(settings)
        if settings == self.settings:
            return False
        before = self._plan.settings()
        self.undo_stack.push(ChangeSettingsCommand(self, before, settings.stored()))
        return True

    @_every_item
    def put_automation_first(self) -> bool:
        """Order the backlog as suggested: automation first, quickest payback first."""
        ids = self.items.bucket_ids(BACKLOG)
        backlog = [self.items.item(i) for i in ids]
        order = suggested_order(backlog, self.settings)
        first = [i for i in order if self.items.item(i).category == "automation"]
        if not first or list(ids[: len(first)]) == first:
            return False
        chosen = set(first)
        rest = [i for i in ids if i not in chosen]
        upper = self.items.item(rest[0]).rank if rest else None
        ranks = ranks_between(None, upper, len(first)) or []
        changes = [
            ItemChange(i, {"rank": self.items.item(i).rank}, {"rank": rank})
            for i, rank in zip(first, ranks, strict=True)
        ]
        text = f"Put automation first ({len(first)} item{'s' if len(first) != 1 else ''})"
        self.undo_stack.push(ChangeItemsCommand(self, text, changes))
        return True

    def check_operation(self, fields: OperationFields, operation_id: int | None) -> OperationFields:
        fields = validate_operation(fields)
        if self.operations.name_taken(fields.name, operation_id):
            raise ValidationError(f"There is already an operation called “{fields.name}”.")
        return fields

    @_every_item
    def add_operation(self, fields: OperationFields) -> int | None:
        command = AddOperationCommand(self, self.check_operation(fields, None))
        self.undo_stack.push(command)
        return command.operation.id if command.operation is not None else None

    @_every_item
    def edit_operation(self, operation_id: int, fields: OperationFields) -> bool:
        fields = self.check_operation(fields, operation_id)
        before = self.operations.operation(operation_id)
        if before.editable == fields:
            return False
        after = Operation(**{f: getattr(fields, f) for f in _OPERATION_FIELDS}, id=operation_id)
        self.undo_stack.push(EditOperationCommand(self, before, after))
        return True

    @_every_item
    def delete_operation(self, operation_id: int) -> bool:
        operation = self.operations.operation(operation_id)
        linked = [i.id for i in self.items.items() if i.operation_id == operation_id]
        self.undo_stack.push(DeleteOperationCommand(self, operation, linked))
        return True

    def carry_target(self, sprint_id: int, today: date) -> Sprint:
        """Where a closing sprint's unfinished work goes: the next sprint that is not
        closed, or a new one after the last (not stored yet; its id is the next free)."""
        closing = self.sprints.sprint(sprint_id)
        later = [
            s
            for s in self.sprints.sprints()
            if not s.closed and s.id != sprint_id and (s.start, s.id) > (closing.start, closing.id)
        ]
        if later:
            return min(later, key=lambda s: (s.start, s.id))
        fields = self.sprints.next_defaults(max(today, closing.end))
        new_id = max((s.id for s in self.sprints.sprints()), default=0) + 1
        return Sprint(new_id, fields.name, fields.start, fields.end, fields.capacity)

    @_every_item
    def close_sprint(
        self,
        sprint_id: int,
        item_values: Mapping[int, Mapping[str, Any]],
        record: SprintRecord,
        revenue: float | None,
        carry: str = CARRY_STAY,
        today: date | None = None,
    ) -> bool:
        """Close a sprint: items' actuals and done dates, its real operations hours, and
        where its unfinished items go (`carry`: the next sprint, created if there is
        none; the backlog; or nowhere). One undoable step, one transaction."""
        before = self.sprints.sprint(sprint_id)
        after = replace(before, record=replace(record, closed=True), revenue=revenue)
        planned = [
            i for key in CATEGORY_KEYS for i in self.items.bucket_ids(Bucket(sprint_id, key))
        ]
        values: dict[int, dict[str, Any]] = {}
        for item_id, given in item_values.items():
            item = self.items.item(item_id)
            fields = validate_item(replace(item.editable, **given))
            values[item_id] = {k: getattr(fields, k) for k in given}
        unfinished = [
            i
            for i in planned
            if values.get(i, {}).get("status", self.items.item(i).status) != "done"
        ]
        created: Sprint | None = None
        if unfinished and carry == CARRY_NEXT:
            target = self.carry_target(sprint_id, today or date.today())
            if target.id not in {s.id for s in self.sprints.sprints()}:
                created = target
            for key in CATEGORY_KEYS:
                lane = [i for i in unfinished if self.items.item(i).category == key]
                for item_id, rank in self._placement(lane, Bucket(target.id, key), None).items():
                    values.setdefault(item_id, {}).update(sprint_id=target.id, rank=rank)
        elif unfinished and carry == CARRY_BACKLOG:
            for item_id, rank in self._placement(unfinished, BACKLOG, None).items():
                values.setdefault(item_id, {}).update(sprint_id=None, rank=rank)
        changes = []
        for item_id, after_values in values.items():
            item = self.items.item(item_id)
            if item.values(after_values) != after_values:
                changes.append(ItemChange(item_id, item.values(after_values), after_values))
        text = f"Close sprint “{before.name}”"
        self.undo_stack.push(SprintStateCommand(self, text, before, after, changes, created))
        return True

    @_every_item
    def reopen_sprint(self, sprint_id: int) -> bool:
        """Make a closed sprint a plan again; what closing recorded is set aside."""
        before = self.sprints.sprint(sprint_id)
        if not before.closed:
            return False
        after = replace(before, record=SprintRecord())
        self.undo_stack.push(
            SprintStateCommand(self, f"Re-open sprint “{before.name}”", before, after)
        )
        return True

    @_every_item
    def baseline_sprint(self, sprint_id: int, today: date) -> bool:
        """Keep the sprint's planned allocation, to compare with what happens."""
        before = self.sprints.sprint(sprint_id)
        lanes = {k: self.items.totals(Bucket(sprint_id, k)) for k in CATEGORY_KEYS}
        planned = next((b for b in self.burden() if b.period.sprint_id == sprint_id), None)
        baseline = Baseline(
            today,
            {k: t.effort for k, t in lanes.items()},
            {k: t.count for k, t in lanes.items()},
            planned.product_recurring + planned.period.product_items if planned else 0.0,
            planned.dev_recurring + planned.period.dev_items if planned else 0.0,
        )
        after = replace(before, baseline=baseline)
        self.undo_stack.push(
            SprintStateCommand(self, f"Baseline sprint “{before.name}”", before, after)
        )
        return True

    # -------------------------------------- writes, called by the undo commands
    # Each writes over the versions it is given (a command's: the rows as it left them;
    # by default the models' own), so a change to a row someone else has changed since
    # is a ConflictError and nothing is written; each returns the versions it leaves,
    # and puts them in the models.

    @contextmanager
    def replaying(self, replay: bool) -> Iterator[None]:
        """Writes inside replay a command (an undo or redo), not the user's new act."""
        before, self._replay = self._replay, replay
        try:
            yield
        finally:
            self._replay = before

    def _expect(self, table: str, row_id: int | str, version: int) -> int:
        """The version to write over: the model's. Replaying a command, a row someone
        else changed since this window last wrote it is refused (ConflictError)."""
        if self._replay:
            mine = self._mine.get((table, row_id))
            if mine is not None and mine != version:
                raise ConflictError(table, row_id)
        return version

    def _wrote(self, table: str, versions: Mapping[int, int] | Iterable[tuple[Any, int]]) -> None:
        pairs = versions.items() if isinstance(versions, Mapping) else versions
        for row_id, version in pairs:
            self._mine[(table, row_id)] = version

    def _item_versions(self, item_ids: Iterable[int]) -> dict[int, int]:
        return {
            i: self._expect("item", i, self.items.item(i).version)
            for i in item_ids
            if i in self.items
        }

    def write_new_operation(self, fields: OperationFields) -> Operation:
        operation = self._plan.add_operation(fields)
        self.operations.insert(operation)
        self._wrote("operation", [(operation.id, operation.version)])
        return operation

    def write_operation(self, operation: Operation, expected: int | None = None) -> int:
        if expected is None:
            current = self.operations.operation(operation.id).version
            expected = self._expect("operation", operation.id, current)
        version = self._plan.update_operation(operation.id, operation.editable, expected)
        self.operations.update(replace(operation, version=version))
        self._wrote("operation", [(operation.id, version)])
        return version

    def write_restored_operation(
        self, operation: Operation, linked: Sequence[int], expected: Versions = None
    ) -> tuple[Operation, dict[int, int]]:
        values = {item_id: {"operation_id": operation.id} for item_id in linked}
        with self._plan.transaction():
            restored = self._plan.insert_operation(operation)
            versions = self._plan.update_items(
                list(values.items()), expected or self._item_versions(values)
            )
        self.operations.insert(restored)
        self.items.update_items(_with_versions(values, versions))
        self._wrote("operation", [(restored.id, restored.version)])
        self._wrote("item", versions)
        return restored, versions

    def write_removed_operation(
        self,
        operation_id: int,
        linked: Sequence[int],
        expected: int | None = None,
        expected_items: Versions = None,
    ) -> dict[int, int]:
        values = {item_id: {"operation_id": None} for item_id in linked}
        if expected is None:
            current = self.operations.operation(operation_id).version
            expected = self._expect("operation", operation_id, current)
        with self._plan.transaction():
            versions = self._plan.update_items(
                list(values.items()), expected_items or self._item_versions(values)
            )
            self._plan.delete_operation(operation_id, expected)
        self.items.update_items(_with_versions(values, versions))
        self.operations.remove(operation_id)
        self._wrote("item", versions)
        return versions

    def write_sprint_state(
        self,
        sprint: Sprint,
        item_values: Mapping[int, Mapping[str, Any]],
        *,
        created: Sprint | None = None,
        removed: Sprint | None = None,
        expected: int | None = None,
        expected_items: Versions = None,
    ) -> tuple[Sprint, dict[int, int], Sprint | None]:
        """A sprint's record and baseline with its items' values, in one transaction;
        with a sprint `created` (first) or `removed` (last) for carried-over work."""
        if expected is None:
            expected = self._expect("sprint", sprint.id, self.sprints.sprint(sprint.id).version)
        made = None
        with self._plan.transaction():
            if created is not None:
                made = self._plan.insert_sprint(created)
            stored = self._plan.save_sprint(sprint, expected)
            versions = self._plan.update_items(
                list(item_values.items()), expected_items or self._item_versions(item_values)
            )
            if removed is not None:
                self._plan.delete_sprint(removed.id, removed.version)
        if made is not None:
            self.sprints.insert(made)
        self.sprints.update(stored)
        self.items.update_items(_with_versions(item_values, versions))
        if removed is not None:
            self.sprints.remove(removed.id)
        self._wrote("sprint", [(stored.id, stored.version)])
        if made is not None:
            self._wrote("sprint", [(made.id, made.version)])
        self._wrote("item", versions)
        return stored, versions, made

    def write_settings(self, stored: Mapping[str, Any], expected: int | None = None) -> int:
        if expected is None:
            expected = self._expect("setting", "settings", self.settings_version)
        self.settings_version = self._plan.replace_settings(stored, expected)
        self._wrote("setting", [("settings", self.settings_version)])
        self.settings = PlanSettings.from_stored(stored)
        self.items.unit = self.sprints.unit = self.settings.unit
        self.settingsChanged.emit()
        return self.settings_version

    def write_item_values(
        self, values: Mapping[int, Mapping[str, Any]], expected: Versions = None
    ) -> dict[int, int]:
        versions = self._plan.update_items(
            list(values.items()), expected or self._item_versions(values)
        )
        self.items.update_items(_with_versions(values, versions))
        self._wrote("item", versions)
        return versions

    def write_new_item(self, fields: ItemFields, sprint_id: int | None, rank: float) -> Item:
        item = self._plan.add_item(fields, sprint_id, rank)
        self.items.insert_items([item])
        self._wrote("item", [(item.id, item.version)])
        return item

    def write_restored_items(self, items: Sequence[Item]) -> list[Item]:
        if self._replay:  # an item someone else made meanwhile under the same id
            for item in items:
                if item.id in self.items:
                    raise ConflictError("item", item.id)
        restored = self._plan.insert_items(items)
        self.items.insert_items(restored)
        self._wrote("item", [(item.id, item.version) for item in restored])
        return restored

    def write_removed_items(self, item_ids: Sequence[int], expected: Versions = None) -> None:
        self._plan.delete_items(item_ids, expected or self._item_versions(item_ids))
        self.items.remove_items(item_ids)

    def write_new_sprint(self, fields: SprintFields) -> Sprint:
        sprint = self._plan.add_sprint(fields)
        self.sprints.insert(sprint)
        self._wrote("sprint", [(sprint.id, sprint.version)])
        return sprint

    def write_sprint(self, sprint: Sprint, expected: int | None = None) -> Sprint:
        current = self.sprints.sprint(sprint.id)
        # Only the fields the sprint dialog edits: its record and baseline stay as stored.
        edited = replace(current, **{
            name: getattr(sprint, name) for name in ("name", "start", "end", "capacity", "revenue")
        })  # fmt: skip
        if expected is None:
            expected = self._expect("sprint", sprint.id, current.version)
        stored = self._plan.save_sprint(edited, expected)
        self.sprints.update(stored)
        self._wrote("sprint", [(stored.id, stored.version)])
        return stored

    def write_restored_sprint(
        self,
        sprint: Sprint,
        item_values: Mapping[int, Mapping[str, Any]],
        expected_items: Versions = None,
    ) -> tuple[Sprint, dict[int, int]]:
        with self._plan.transaction():
            restored = self._plan.insert_sprint(sprint)
            versions = self._plan.update_items(
                list(item_values.items()), expected_items or self._item_versions(item_values)
            )
        self.sprints.insert(restored)
        self.items.update_items(_with_versions(item_values, versions))
        self._wrote("sprint", [(restored.id, restored.version)])
        self._wrote("item", versions)
        return restored, versions

    def write_removed_sprint(
        self,
        sprint_id: int,
        item_values: Mapping[int, Mapping[str, Any]],
        expected: int | None = None,
        expected_items: Versions = None,
    ) -> dict[int, int]:
        if expected is None:
            expected = self._expect("sprint", sprint_id, self.sprints.sprint(sprint_id).version)
        with self._plan.transaction():
            versions = self._plan.update_items(
                list(item_values.items()), expected_items or self._item_versions(item_values)
            )
            self._plan.delete_sprint(sprint_id, expected)
        self.items.update_items(_with_versions(item_values, versions))
        self.sprints.remove(sprint_id)
        self._wrote("item", versions)
        return versions

    # ------------------------------------------------------------------ imports

    @_every_item
    def show_import(self, changes: ImportChanges) -> None:
        """Bring an import that is already in the plan onto the board."""
        for sprint in changes.sprints:
            if sprint.id not in {s.id for s in self.sprints.sprints()}:
                self.sprints.insert(sprint)
        self.items.insert_items(changes.added)
        self.items.update_items(self._stored_versions(changed_values(changes, "after")))

    def _stored_versions(
        self, values: Mapping[int, Mapping[str, Any]]
    ) -> dict[int, dict[str, Any]]:
        """Values with each item's version as stored now (after a bulk write)."""
        versions = {item.id: item.version for item in self._plan.items_by_ids(list(values))}
        self._wrote("item", versions)
        return _with_versions(values, versions)

    def write_import(self, changes: ImportChanges) -> ImportChanges:
        written = write_import(self._plan, changes, expected=self._item_versions(
            c.item_id for c in changes.updated
        ))  # fmt: skip
        self.show_import(written)
        return written

    def write_import_undone(self, changes: ImportChanges) -> None:
        undo_import(self._plan, changes)
        self.items.remove_items([item.id for item in changes.added])
        self.items.update_items(self._stored_versions(changed_values(changes, "before")))
        for sprint in changes.sprints:
            self.sprints.remove(sprint.id)
