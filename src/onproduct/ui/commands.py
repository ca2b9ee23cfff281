"""Undo commands: every change a user makes is one of these on the plan's undo stack.

A command keeps the values before and after, and calls the document's write methods,
which store the change in the plan file first and update the models only once it is
on disk. If the file refuses a write, the command reports it and marks itself
obsolete, so the stack drops it and never holds a change that did not happen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from onproduct.domain.history import past_tense, undone
from onproduct.domain.items import Item, ItemChange, ItemFields, Sprint, SprintFields
from onproduct.domain.operations import Operation, OperationFields
from onproduct.storage.errors import ConflictError, DisconnectedError, StorageError

if TYPE_CHECKING:
    from onproduct.exchange.importer import ImportChanges
    from onproduct.ui.document import PlanDocument


class PlanCommand(QUndoCommand):
    """Base of all commands: runs the change and turns a refused write into a message."""

    def __init__(self, document: PlanDocument, text: str) -> None:
        super().__init__(text)
        self._document = document
        self._applied = False  # the first apply acts on what the user sees; later ones replay

    def redo(self) -> None:
        self._guard(self.apply, past_tense(self.text()), replay=self._applied)
        self._applied = True

    def undo(self) -> None:
        self._guard(self.revert, undone(past_tense(self.text())), replay=True)

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def _guard(self, action: Callable[[], None], what: str, *, replay: bool) -> None:
        """Write, as one line of the plan's history; a refused write takes the command
        off the stack (nothing was written) and says why: someone else's change
        (ConflictError), a server out of reach, a full disk."""
        document = self._document
        try:
            with document.plan.change(what), document.replaying(replay):
                document.refuse_offline()
                action()
        except ConflictError as error:
            self.setObsolete(True)
            document.conflicted(error)
        except DisconnectedError as error:
            self.setObsolete(True)
            document.set_offline("the server cannot be reached")
            document.report_error(str(error))
        except StorageError as error:
            self.setObsolete(True)
            document.report_error(str(error))
        else:
            document.note_change()


class ChangeItemsCommand(PlanCommand):
    """Moves, re-ranks, re-categorises or edits items: any change of their fields.

    An undo after someone else changed one of them is refused (and says who) instead
    of overwriting their change (see PlanDocument.replaying).
    """

    def __init__(self, document: PlanDocument, text: str, changes: Sequence[ItemChange]) -> None:
        super().__init__(document, text)
        self.changes = tuple(changes)

    def apply(self) -> None:
        self._document.write_item_values({c.item_id: c.after for c in self.changes})

    def revert(self) -> None:
        self._document.write_item_values({c.item_id: c.before for c in self.changes})


class AddItemCommand(PlanCommand):
    """Creates an item; redo after undo brings back the same item with the same id."""

    def __init__(
        self,
        document: PlanDocument,
        fields: ItemFields,
        sprint_id: int | None,
        rank: float,
    ) -> None:
        super().__init__(document, f"Add “{fields.title}”")
        self._fields = fields
        self._sprint_id = sprint_id
        self._rank = rank
        self.item: Item | None = None

    def apply(self) -> None:
        if self.item is None:
            self.item = self._document.write_new_item(self._fields, self._sprint_id, self._rank)
        else:
            (self.item,) = self._document.write_restored_items([self.item])

    def revert(self) -> None:
        assert self.item is not None
        self._document.write_removed_items([self.item.id])


class DeleteItemsCommand(PlanCommand):
    """Deletes items; undo puts them back exactly, labels, ranks and ids included."""

    def __init__(self, document: PlanDocument, text: str, items: Sequence[Item]) -> None:
        super().__init__(document, text)
        self.items = tuple(items)

    def apply(self) -> None:
        self._document.write_removed_items([item.id for item in self.items])

    def revert(self) -> None:
        self.items = tuple(self._document.write_restored_items(self.items))


class AddSprintCommand(PlanCommand):
    def __init__(self, document: PlanDocument, fields: SprintFields) -> None:
        super().__init__(document, f"Add sprint “{fields.name}”")
        self._fields = fields
        self.sprint: Sprint | None = None

    def apply(self) -> None:
        if self.sprint is None:
            self.sprint = self._document.write_new_sprint(self._fields)
        else:
            self.sprint, _ = self._document.write_restored_sprint(self.sprint, {})

    def revert(self) -> None:
        assert self.sprint is not None
        self._document.write_removed_sprint(self.sprint.id, {})


class EditSprintCommand(PlanCommand):
    def __init__(self, document: PlanDocument, before: Sprint, after: SprintFields) -> None:
        super().__init__(document, f"Edit sprint “{after.name}”")
        self._before = before
        # Only what the dialog edits changes: the record and the baseline stay.
        self._after = replace(
            before,
            name=after.name,
            start=after.start,
            end=after.end,
            capacity=after.capacity,
            revenue=after.revenue,
        )

    def apply(self) -> None:
        self._document.write_sprint(self._after)

    def revert(self) -> None:
        self._document.write_sprint(self._before)


class DeleteSprintCommand(PlanCommand):
    """Deletes a sprint after moving its items to the backlog; undo restores both."""

    def __init__(
        self, document: PlanDocument, sprint: Sprint, changes: Sequence[ItemChange]
    ) -> None:
        super().__init__(document, f"Delete sprint “{sprint.name}”")
        self._sprint = sprint
        self._changes = tuple(changes)

    def apply(self) -> None:
        self._document.write_removed_sprint(self._sprint.id, self._values("after"))

    def revert(self) -> None:
        self._sprint, _ = self._document.write_restored_sprint(self._sprint, self._values("before"))

    def _values(self, side: str) -> dict[int, dict[str, Any]]:
        return {c.item_id: getattr(c, side) for c in self._changes}


class ChangeSettingsCommand(PlanCommand):
    """Changes the plan's settings; undo restores the stored rows exactly."""

    def __init__(
        self, document: PlanDocument, before: dict[str, Any], after: dict[str, Any]
    ) -> None:
        super().__init__(document, "Change plan settings")
        self._before = before
        self._after = after

    def apply(self) -> None:
        self._document.write_settings(self._after)

    def revert(self) -> None:
        self._document.write_settings(self._before)


class AddOperationCommand(PlanCommand):
    def __init__(self, document: PlanDocument, fields: OperationFields) -> None:
        super().__init__(document, f"Add operation “{fields.name}”")
        self._fields = fields
        self.operation: Operation | None = None

    def apply(self) -> None:
        if self.operation is None:
            self.operation = self._document.write_new_operation(self._fields)
        else:
            self.operation, _ = self._document.write_restored_operation(self.operation, [])

    def revert(self) -> None:
        assert self.operation is not None
        self._document.write_removed_operation(self.operation.id, [])


class EditOperationCommand(PlanCommand):
    def __init__(self, document: PlanDocument, before: Operation, after: Operation) -> None:
        super().__init__(document, f"Edit operation “{after.name}”")
        self._before = before
        self._after = after

    def apply(self) -> None:
        self._document.write_operation(self._after)

    def revert(self) -> None:
        self._document.write_operation(self._before)


class DeleteOperationCommand(PlanCommand):
    """Deletes an operation; undo brings it back and re-links the items that removed it."""

    def __init__(self, document: PlanDocument, operation: Operation, linked: Sequence[int]) -> None:
        super().__init__(document, f"Delete operation “{operation.name}”")
        self._operation = operation
        self._linked = tuple(linked)

    def apply(self) -> None:
        self._document.write_removed_operation(self._operation.id, self._linked)

    def revert(self) -> None:
        self._operation, _ = self._document.write_restored_operation(self._operation, self._linked)


class SprintStateCommand(PlanCommand):
    """Closes, re-opens or baselines a sprint: its record and baseline, and item changes
    (a closing's carried-over work, with the sprint `created` for it), all written
    together; undo restores every one of them."""

    def __init__(
        self,
        document: PlanDocument,
        text: str,
        before: Sprint,
        after: Sprint,
        changes: Sequence[ItemChange] = (),
        created: Sprint | None = None,
    ) -> None:
        super().__init__(document, text)
        self._before = before
        self._after = after
        self._changes = tuple(changes)
        self._created = created

    def apply(self) -> None:
        _stored, _versions, made = self._document.write_sprint_state(
            self._after, {c.item_id: c.after for c in self._changes}, created=self._created
        )
        if made is not None:
            self._created = made

    def revert(self) -> None:
        self._document.write_sprint_state(
            self._before, {c.item_id: c.before for c in self._changes}, removed=self._created
        )


class ImportCommand(PlanCommand):
    """A whole import as one step: undo removes what it added and restores what it changed.

    The first redo only shows the import on the board, when a worker thread has already
    written it (the progress dialog's cancel had to be able to roll it back).
    """

    def __init__(
        self, document: PlanDocument, changes: ImportChanges, *, written: bool = False
    ) -> None:
        super().__init__(document, f"Import {changes.source}")
        self.changes = changes
        self._written = written

    def apply(self) -> None:
        if self._written:
            self._written = False
            self._document.show_import(self.changes)
        else:  # written again: the plan gives its items new ids
            self.changes = self._document.write_import(self.changes)

    def revert(self) -> None:
        self._document.write_import_undone(self.changes)
