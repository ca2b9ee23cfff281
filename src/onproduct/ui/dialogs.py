"""Dialogs to create and edit items and sprints.

Each dialog has a classmethod that returns (value, accepted); the value is already
validated, so callers only act on it. Tests replace `exec` to fill the form in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, QStringListModel, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from onproduct.domain.categories import CATEGORIES
from onproduct.domain.items import (
    STATUS_NAMES,
    STATUSES,
    Item,
    ItemFields,
    SprintFields,
    ValidationError,
    format_labels,
    parse_amount,
    parse_effort,
    parse_labels,
    validate_item,
    validate_sprint,
)
from onproduct.domain.metrics import payback_weeks
from onproduct.domain.operations import KIND_NAMES, Operation, hours_a_week
from onproduct.domain.settings import PlanSettings
from onproduct.ui.colors import category_color

T = TypeVar("T")
ItemCheck = Callable[[ItemFields], ItemFields]
SprintCheck = Callable[[SprintFields], SprintFields]


_INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QAbstractItemView)


def _first_input(item: QLayoutItem) -> QWidget | None:
    """The first enabled, visible input widget in a layout item (a widget or a layout)."""
    widget = item.widget()
    if widget is not None:
        usable = widget.isEnabled() and not widget.isHidden()
        return widget if usable and isinstance(widget, _INPUTS) else None
    layout = item.layout()
    if layout is None:
        return None
    for position in range(layout.count()):
        child = layout.itemAt(position)
        found = _first_input(child) if child is not None else None
        if found is not None:
            return found
    return None


def _effort_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class _LabelCompleter(QCompleter):
    """Completes the label being typed after the last comma, keeping the ones before."""

    def splitPath(self, path: str) -> list[str]:
        return [path.split(",")[-1].lstrip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        done = [part.strip() for part in text.split(",")[:-1] if part.strip()]
        return ", ".join([*done, str(index.data())]) + ", "


class FormDialog(QDialog, Generic[T]):
    """A form with an inline error line and OK/Cancel that yields a checked value."""

    def __init__(self, parent: QWidget | None, title: str, check: Callable[[T], T]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._check = check
        self.value: T | None = None
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.error = QLabel()
        self.error.setWordWrap(True)
        # White on a deep red reads on light and dark themes alike.
        self.error.setStyleSheet("color: #ffffff; background: #b3261e; padding: 4px;")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # Enter accepts from any field (OK is the default button); no button takes the
        # focus by itself, so a space typed before the first field has focus never
        # presses Cancel or OK.
        for button in self.buttons.buttons():
            button.setAutoDefault(False)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if ok is not None:
            ok.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def first_field(self) -> QWidget | None:
        """The first field of the form that takes typing or a choice (not a label)."""
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if item is None:
                item = self.form.itemAt(row, QFormLayout.ItemRole.SpanningRole)
            found = _first_input(item) if item is not None else None
            if found is not None:
                return found
        return None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            field = self.first_field()
            if field is not None:
                field.setFocus(Qt.FocusReason.OtherFocusReason)
                if isinstance(field, QLineEdit):
                    field.selectAll()

    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    @property
    def error_text(self) -> str:
        return "" if self.error.isHidden() else self.error.text()

    def read_fields(self) -> T:
        raise NotImplementedError

    def accept(self) -> None:
        """Close only with a value that passed the check; otherwise say what is wrong."""
        try:
            self.value = self._check(self.read_fields())
        except ValidationError as error:
            self.show_error(str(error))
            return
        super().accept()

    @classmethod
    def get_fields(cls, parent: QWidget | None, fields: T, **options: Any) -> tuple[T | None, bool]:
        """Show the dialog; (checked value, True) if accepted, (None, False) if cancelled."""
        dialog = cls(parent, fields, **options)  # type: ignore[call-arg]
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        value = dialog.value if accepted else None
        dialog.deleteLater()
        return value, accepted


class ItemDialog(FormDialog[ItemFields]):
    """Create or edit an item."""

    def __init__(
        self,
        parent: QWidget | None,
        fields: ItemFields,
        *,
        title: str,
        known_labels: Sequence[str] = (),
        operations: Sequence[Operation] = (),
        check: ItemCheck = validate_item,
        settings: PlanSettings | None = None,
        read_only: str | None = None,
    ) -> None:
        super().__init__(parent, title, check)

        self.title_edit = QLineEdit(fields.title)
        self.title_edit.setPlaceholderText("What is to be done")
        self.category_box = QComboBox()
        for cat in CATEGORIES:
            self.category_box.addItem(cat.name, cat.key)
            row = self.category_box.count() - 1
            self.category_box.setItemData(row, cat.purpose, Qt.ItemDataRole.ToolTipRole)
            self.category_box.setItemData(
                row, category_color(cat.key, self.palette()), Qt.ItemDataRole.DecorationRole
            )
        self.category_box.setCurrentIndex(self.category_box.findData(fields.category))
        self.status_box = QComboBox()
        for status in STATUSES:
            self.status_box.addItem(STATUS_NAMES[status], status)
        self.status_box.setCurrentIndex(self.status_box.findData(fields.status))
        self.estimate_edit = QLineEdit(_effort_text(fields.estimate))
        self.estimate_edit.setPlaceholderText("unknown")
        self.actual_edit = QLineEdit(_effort_text(fields.actual))
        self.actual_edit.setPlaceholderText("not recorded")
        self.labels_edit = QLineEdit(format_labels(fields.labels))
        self.labels_edit.setPlaceholderText("e.g. billing, customer:acme")
        completer = _LabelCompleter(QStringListModel(list(known_labels), self), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.labels_edit.setCompleter(completer)
        self.key_edit = QLineEdit(fields.external_key or "")
        self.key_edit.setPlaceholderText("e.g. a Jira key")
        self._settings = settings or PlanSettings()
        unit = self._settings.unit
        self.operation_box = QComboBox()
        self.operation_box.addItem("None chosen", None)
        for operation in operations:
            self.operation_box.addItem(operation.name, operation.id)
            self.operation_box.setItemData(
                self.operation_box.count() - 1,
                f"{KIND_NAMES[operation.kind]}, {hours_a_week(operation.weekly_hours)}",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.operation_box.setCurrentIndex(max(0, self.operation_box.findData(fields.operation_id)))
        self.operation_box.setToolTip(
            "The recurring operation this automation ends (see the Operations tab)"
        )
        self.done_edit = QDateEdit(_qdate(fields.done_on or date.today()))
        self.done_edit.setCalendarPopup(True)
        self.done_edit.setDisplayFormat("d MMM yyyy")
        self.saves_edit = QLineEdit(_effort_text(fields.saves_hours_per_week))
        self.saves_edit.setPlaceholderText("unknown")
        self.payback_label = QLabel()
        self.description_edit = QPlainTextEdit(fields.description)
        self.description_edit.setTabChangesFocus(True)
        lines = self.description_edit.fontMetrics().lineSpacing()
        self.description_edit.setMinimumHeight(lines * 5)

        effort = QHBoxLayout()
        effort.addWidget(self.estimate_edit)
        effort.addWidget(QLabel(f"{unit}    &Actual:", buddy=self.actual_edit))
        effort.addWidget(self.actual_edit)
        effort.addWidget(QLabel(unit))

        self.form.addRow("&Title:", self.title_edit)
        self.form.addRow("&Category:", self.category_box)
        self.form.addRow("&Status:", self.status_box)
        self.done_label = QLabel("Done o&n:", buddy=self.done_edit)
        self.form.addRow(self.done_label, self.done_edit)
        # A row whose field is a layout gets no buddy: name it, or "&" shows as text.
        self.form.addRow(QLabel("&Estimate:", buddy=self.estimate_edit), effort)
        saves = QHBoxLayout()
        saves.addWidget(self.saves_edit)
        saves.addWidget(QLabel("h a week"))
        saves.addWidget(self.payback_label, 1)
        self.form.addRow("Removes &operation:", self.operation_box)
        self.saves_row = QLabel("Sa&ves:", buddy=self.saves_edit)
        self.form.addRow(self.saves_row, saves)
        self.form.addRow("&Labels:", self.labels_edit)
        self.form.addRow("External &key:", self.key_edit)
        self.form.addRow("&Description:", self.description_edit)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)

        self.category_box.currentIndexChanged.connect(self._show_automation)
        self.status_box.currentIndexChanged.connect(self._show_done)
        self._show_done()
        for edit in (self.estimate_edit, self.saves_edit):
            edit.textChanged.connect(self._show_payback)
        self._show_automation()
        self._show_payback()

        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.title_edit.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        ok.setEnabled(bool(fields.title.strip()))
        if read_only is not None:
            self._look_only(read_only)

    def _look_only(self, reason: str) -> None:
        """Show the item without letting it change (it belongs to a closed sprint)."""
        for edit in (self.title_edit, self.estimate_edit, self.actual_edit, self.labels_edit,
                     self.key_edit, self.saves_edit):  # fmt: skip
            edit.setReadOnly(True)
        self.description_edit.setReadOnly(True)
        for box in (self.category_box, self.status_box, self.operation_box, self.done_edit):
            box.setEnabled(False)
        self.ok_button().hide()
        close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        close.setText("Close")
        close.setDefault(True)
        self.show_error(reason)
        # Informative, not an error: the palette's own colours, not the red of a mistake.
        self.error.setStyleSheet("padding: 4px; border: 1px solid palette(mid);")

    def _show_automation(self) -> None:
        # Only automation removes a manual operation; the rows stay out of the way otherwise.
        automation = self.category_box.currentData() == "automation"
        self.form.setRowVisible(self.operation_box, automation)
        self.form.setRowVisible(self.saves_row, automation)

    def _show_done(self) -> None:
        # When it was done matters to the operations it removes; ask only for done items.
        self.form.setRowVisible(self.done_label, self.status_box.currentData() == "done")

    def _show_payback(self) -> None:
        try:
            estimate = parse_effort(self.estimate_edit.text())
            saves = parse_effort(self.saves_edit.text(), "hours saved per week")
        except ValidationError:
            self.payback_label.setText("")
            return
        probe = Item(0, "", "automation", estimate=estimate, saves_hours_per_week=saves)
        weeks = payback_weeks(probe, self._settings)
        self.payback_label.setText("" if weeks is None else f"pays back in {weeks:.1f} weeks")

    def read_fields(self) -> ItemFields:
        """The form's content as item fields; ValidationError if a number does not parse."""
        return ItemFields(
            title=self.title_edit.text(),
            category=str(self.category_box.currentData()),
            description=self.description_edit.toPlainText(),
            estimate=parse_effort(self.estimate_edit.text(), "estimate"),
            actual=parse_effort(self.actual_edit.text(), "actual effort"),
            status=str(self.status_box.currentData()),
            labels=parse_labels(self.labels_edit.text()),
            external_key=self.key_edit.text(),
            operation_id=self.operation_box.currentData(),
            done_on=self.done_edit.date().toPython()
            if self.status_box.currentData() == "done"
            else None,
            saves_hours_per_week=parse_effort(self.saves_edit.text(), "hours saved per week"),
        )


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class SprintDialog(FormDialog[SprintFields]):
    """Create or edit a sprint."""

    def __init__(
        self,
        parent: QWidget | None,
        fields: SprintFields,
        *,
        title: str,
        check: SprintCheck = validate_sprint,
        unit: str = "h",
        revenue_unit: str = "k€",
    ) -> None:
        super().__init__(parent, title, check)
        self.name_edit = QLineEdit(fields.name)
        self.start_edit = QDateEdit(_qdate(fields.start))
        self.end_edit = QDateEdit(_qdate(fields.end))
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
        self.capacity_edit = QLineEdit(_effort_text(fields.capacity))
        self.capacity_edit.setPlaceholderText("not set")
        capacity = QHBoxLayout()
        capacity.addWidget(self.capacity_edit)
        capacity.addWidget(QLabel(unit))
        self.form.addRow("&Name:", self.name_edit)
        self.form.addRow("&Starts:", self.start_edit)
        self.form.addRow("&Ends:", self.end_edit)
        self.form.addRow(QLabel("&Capacity:", buddy=self.capacity_edit), capacity)
        self.revenue_edit = QLineEdit("" if fields.revenue is None else f"{fields.revenue:g}")
        self.revenue_edit.setPlaceholderText("not recorded")
        self.revenue_edit.setToolTip(
            "What the product brought in during the sprint: the charts set operations"
            " hours against it"
        )
        revenue = QHBoxLayout()
        revenue.addWidget(self.revenue_edit)
        revenue.addWidget(QLabel(revenue_unit))
        self.form.addRow(QLabel("&Revenue:", buddy=self.revenue_edit), revenue)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 44)

    def read_fields(self) -> SprintFields:
        return SprintFields(
            name=self.name_edit.text(),
            start=self.start_edit.date().toPython(),
            end=self.end_edit.date().toPython(),
            capacity=parse_effort(self.capacity_edit.text(), "capacity"),
            revenue=parse_amount(self.revenue_edit.text(), "revenue"),
        )
