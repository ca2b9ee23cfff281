"""Actions of the operations side: the register, closing and re-opening sprints, baselines.

The main window puts these actions in its menus; this object asks the questions (the
dialogs) and hands the answers to the document as undoable commands.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QWidget

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import SprintRecord, ValidationError
from onproduct.domain.operations import OperationFields
from onproduct.domain.ranking import Bucket
from onproduct.ui.actions import window_action
from onproduct.ui.board import BoardWidget
from onproduct.ui.document import PlanDocument
from onproduct.ui.icons import icon
from onproduct.ui.operations_dialogs import CloseSprintDialog, OperationDialog, SprintClosing
from onproduct.ui.operations_page import OperationsPage


class OperationsActions(QObject):
    """Owns the actions; needs the window (for dialogs), the board and the Operations page."""

    def __init__(
        self,
        window: QWidget,
        board: BoardWidget,
        page: OperationsPage,
        document: Callable[[], PlanDocument | None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._board = board
        self._page = page
        self._document = document

        def action(
            text: str, slot: Callable[[], object], shortcut: str = "", tip: str = ""
        ) -> QAction:
            return window_action(window, text, slot, shortcut, tip)

        self.add_operation = action(
            "&Add Operation…", self.ask_add_operation, "Ctrl+Alt+O",
            "Add a recurring manual operation to the register",
        )  # fmt: skip
        self.add_operation.setIcon(icon("list-add"))
        self.edit_operation = action("&Edit Operation…", self.ask_edit_operation)
        self.delete_operation = action(
            "&Delete Operation", self.delete_selected_operation, None,
            "Delete the operation from the register (Undo restores it and its links)",
        )  # fmt: skip
        self.close_sprint = action(
            "&Close Sprint…", self.ask_close_sprint, "Ctrl+Alt+C",
            "Record what the sprint really took; closed sprints are history",
        )  # fmt: skip
        self.reopen_sprint = action("&Re-open Sprint", self.reopen_current_sprint)
        self.baseline_sprint = action(
            "&Baseline Sprint", self.baseline_current_sprint, None,
            "Keep the sprint's planned allocation, to compare with what happens",
        )  # fmt: skip
        page.add_button.clicked.connect(self.ask_add_operation)
        page.edit_button.clicked.connect(self.ask_edit_operation)
        page.delete_button.clicked.connect(self.delete_selected_operation)
        page.editRequested.connect(self.edit_operation_by_id)

    def update(self) -> None:
        """Enable what applies to the plan, the sprint and the operation chosen."""
        document = self._document()
        sprint = self._board.current_sprint()
        self.add_operation.setEnabled(document is not None)
        chosen = document is not None and self._page.selected() is not None
        self.edit_operation.setEnabled(chosen)
        self.delete_operation.setEnabled(chosen)
        self.close_sprint.setEnabled(sprint is not None and not sprint.closed)
        self.reopen_sprint.setEnabled(sprint is not None and sprint.closed)
        self.baseline_sprint.setEnabled(sprint is not None)

    def _attempt(self, change: Callable[[], object]) -> object:
        try:
            return change()
        except ValidationError as error:
            QMessageBox.warning(self._window, "Change not made", str(error))
            return None

    # --------------------------------------------------------------- register

    def ask_add_operation(self) -> None:
        document = self._document()
        if document is None:
            return
        start = date.today()
        blank = OperationFields("", "product", start, hours_per_week=None)
        fields, accepted = OperationDialog.get_fields(
            self._window,
            blank,
            title="New Operation",
            check=lambda f: document.check_operation(f, None),
        )
        if accepted and fields is not None:
            operation_id = self._attempt(lambda: document.add_operation(fields))
            if isinstance(operation_id, int):
                self._page.select(operation_id)

    def ask_edit_operation(self) -> None:
        operation = self._page.selected()
        if operation is not None:
            self.edit_operation_by_id(operation.id)

    def edit_operation_by_id(self, operation_id: int) -> None:
        document = self._document()
        if document is None:
            return
        operation = document.operations.operation(operation_id)
        fields, accepted = OperationDialog.get_fields(
            self._window,
            operation.editable,
            title="Edit Operation",
            check=lambda f: document.check_operation(f, operation_id),
        )
        if accepted and fields is not None:
            self._attempt(lambda: document.edit_operation(operation_id, fields))
            self._page.select(operation_id)

    def delete_selected_operation(self) -> None:
        document = self._document()
        operation = self._page.selected()
        if document is not None and operation is not None:
            document.delete_operation(operation.id)

    # ---------------------------------------------------------- sprint history

    def ask_close_sprint(self) -> None:
        document = self._document()
        sprint = self._board.current_sprint()
        if document is None or sprint is None or sprint.closed:
            return
        items = [
            document.items.item(item_id)
            for key in CATEGORY_KEYS
            for item_id in document.items.bucket_ids(Bucket(sprint.id, key))
        ]
        expected = next((b for b in document.burden() if b.period.sprint_id == sprint.id), None)
        record = SprintRecord(
            True,
            round(expected.product_hours, 1) if expected else None,
            round(expected.dev_hours, 1) if expected else None,
        )
        today = date.today()
        carry_to = document.carry_target(sprint.id, today)
        closing, accepted = CloseSprintDialog.get_fields(
            self._window,
            SprintClosing({}, record, sprint.revenue),
            sprint=sprint,
            items=items,
            carry_to=carry_to,
            carry_is_new=carry_to.id not in {s.id for s in document.sprints.sprints()},
            today=today,
            unit=document.settings.unit,
            revenue_unit=document.settings.revenue_unit,
        )
        if accepted and closing is not None:
            self._attempt(
                lambda: document.close_sprint(
                    sprint.id,
                    closing.item_values,
                    closing.record,
                    closing.revenue,
                    closing.carry,
                    today,
                )
            )

    def reopen_current_sprint(self) -> None:
        document = self._document()
        sprint = self._board.current_sprint()
        if document is not None and sprint is not None:
            document.reopen_sprint(sprint.id)

    def baseline_current_sprint(self) -> None:
        document = self._document()
        sprint = self._board.current_sprint()
        if document is not None and sprint is not None:
            document.baseline_sprint(sprint.id, date.today())
