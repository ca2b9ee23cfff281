"""Dialogs of the operations side: a recurring operation, and closing a sprint."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QLocale, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from onproduct.domain.categories import category
from onproduct.domain.items import (
    Item,
    Sprint,
    SprintRecord,
    ValidationError,
    format_effort,
    parse_amount,
    parse_effort,
)
from onproduct.domain.operations import KIND_NAMES, KINDS, OperationFields, validate_operation
from onproduct.ui.dialogs import FormDialog
from onproduct.ui.sprint_model import format_dates

Index = QModelIndex | QPersistentModelIndex


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(_qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    return edit


class OperationDialog(FormDialog[OperationFields]):
    """Create or edit a recurring operation."""

    def __init__(
        self,
        parent: QWidget | None,
        fields: OperationFields,
        *,
        title: str,
        check: Callable[[OperationFields], OperationFields] = validate_operation,
    ) -> None:
        super().__init__(parent, title, check)
        self.name_edit = QLineEdit(fields.name)
        self.name_edit.setPlaceholderText("e.g. Onboard new customers by hand")
        self.kind_box = QComboBox()
        for kind in KINDS:
            self.kind_box.addItem(KIND_NAMES[kind], kind)
        self.kind_box.setItemData(
            0, "Manual work done for customers, as part of delivering the product.",
            Qt.ItemDataRole.ToolTipRole,
        )  # fmt: skip
        self.kind_box.setItemData(
            1, "Manual work the team does because of technical debt.", Qt.ItemDataRole.ToolTipRole
        )
        self.kind_box.setCurrentIndex(self.kind_box.findData(fields.kind))

        self.by_hours = QRadioButton("&Hours a week:")
        self.by_times = QRadioButton("Ti&mes a week:")
        self.way = QButtonGroup(self)
        self.way.addButton(self.by_hours)
        self.way.addButton(self.by_times)
        self.hours_edit = QLineEdit(_number(fields.hours_per_week))
        self.times_edit = QLineEdit(_number(fields.times_per_week))
        self.minutes_edit = QLineEdit(_number(fields.minutes_each))
        by_times = fields.hours_per_week is None and fields.times_per_week is not None
        (self.by_times if by_times else self.by_hours).setChecked(True)
        hours_row = QHBoxLayout()
        hours_row.addWidget(self.by_hours)
        hours_row.addWidget(self.hours_edit)
        times_row = QHBoxLayout()
        times_row.addWidget(self.by_times)
        times_row.addWidget(self.times_edit)
        times_row.addWidget(QLabel("× minutes each:", buddy=self.minutes_edit))
        times_row.addWidget(self.minutes_edit)

        self.start_edit = _date_edit(fields.start)
        self.ends_box = QCheckBox("&Ended on")
        self.end_edit = _date_edit(fields.end or date.today())
        self.ends_box.setChecked(fields.end is not None)
        end_row = QHBoxLayout()
        end_row.addWidget(self.ends_box)
        end_row.addWidget(self.end_edit, 1)
        self.notes_edit = QPlainTextEdit(fields.notes)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setMinimumHeight(self.notes_edit.fontMetrics().lineSpacing() * 4)

        self.form.addRow("&Name:", self.name_edit)
        self.form.addRow("&Kind:", self.kind_box)
        self.form.addRow("Load:", hours_row)
        self.form.addRow("", times_row)
        self.form.addRow("&Since:", self.start_edit)
        self.form.addRow("", end_row)
        self.form.addRow("N&otes:", self.notes_edit)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 64)

        self.way.buttonToggled.connect(self._enable)
        self.ends_box.toggled.connect(self._enable)
        self._enable()

    def _enable(self, *_: object) -> None:
        by_hours = self.by_hours.isChecked()
        self.hours_edit.setEnabled(by_hours)
        self.times_edit.setEnabled(not by_hours)
        self.minutes_edit.setEnabled(not by_hours)
        self.end_edit.setEnabled(self.ends_box.isChecked())

    def read_fields(self) -> OperationFields:
        if self.by_hours.isChecked():
            hours = parse_effort(self.hours_edit.text(), "hours per week")
            times = minutes = None
        else:
            hours = None
            times = parse_effort(self.times_edit.text(), "number of times per week")
            minutes = parse_effort(self.minutes_edit.text(), "minutes each time")
        return OperationFields(
            name=self.name_edit.text(),
            kind=str(self.kind_box.currentData()),
            start=self.start_edit.date().toPython(),
            hours_per_week=hours,
            times_per_week=times,
            minutes_each=minutes,
            end=self.end_edit.date().toPython() if self.ends_box.isChecked() else None,
            notes=self.notes_edit.toPlainText(),
        )


@dataclass(frozen=True, slots=True)
class SprintClosing:
    """What the user records when closing a sprint, and where unfinished work goes."""

    item_values: dict[int, dict[str, Any]]
    record: SprintRecord
    revenue: float | None
    carry: str = "next"  # "next" (sprint), "backlog" or "stay"


class _Column:
    TITLE, LANE, ESTIMATE, ACTUAL, DONE, DONE_ON = range(6)


class _DayDelegate(QStyledItemDelegate):
    """Shows dates as "6 Dec 2026" and edits them with a calendar."""

    def displayText(self, value: Any, locale: QLocale | QLocale.Language) -> str:
        if isinstance(value, QDate):
            return value.toString("d MMM yyyy")
        return super().displayText(value, locale)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        editor = QDateEdit(parent)
        editor.setCalendarPopup(True)
        editor.setDisplayFormat("d MMM yyyy")
        return editor


class CloseSprintDialog(FormDialog[SprintClosing]):
    """Record what a sprint really took: actual efforts, what got done and when, the hours
    that went into manual operations, and where unfinished work goes (as Jira asks).
    Efforts are prefilled from the estimates; only done items get a done date."""

    def __init__(
        self,
        parent: QWidget | None,
        closing: SprintClosing,
        *,
        sprint: Sprint,
        items: Sequence[Item],
        carry_to: Sprint | None = None,
        carry_is_new: bool = False,
        today: date | None = None,
        unit: str = "h",
        revenue_unit: str = "k€",
    ) -> None:
        super().__init__(parent, f"Close {sprint.name}", lambda value: value)
        self._items = list(items)
        today = today or date.today()
        # A done item without a date was done by the end of the sprint, or by today
        # when the sprint is closed early.
        self._default_day = min(sprint.end, today)
        intro = QLabel(
            f"{sprint.name}, {format_dates(sprint.start, sprint.end)}. Record what happened:"
            " closed sprints are history, and the charts show them as such."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self._items), 6)
        self.table.setHorizontalHeaderLabels(
            ["Item", "Lane", "Estimate", f"Actual ({unit})", "Done", "Done on"]
        )
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # long titles end in "…" rather than wrap half-cut
        self.table.setItemDelegateForColumn(_Column.DONE_ON, _DayDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(_Column.TITLE, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        values = closing.item_values
        self._given_days: dict[int, date] = {}
        for row, item in enumerate(self._items):
            given = values.get(item.id, {})

            def fixed(text: str) -> QTableWidgetItem:
                cell = QTableWidgetItem(text)
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                return cell

            title = fixed(item.title)
            title.setToolTip(item.title)
            self.table.setItem(row, _Column.TITLE, title)
            self.table.setItem(row, _Column.LANE, fixed(category(item.category).short))
            self.table.setItem(row, _Column.ESTIMATE, fixed(format_effort(item.estimate, unit)))
            actual = given.get("actual", item.actual if item.actual is not None else item.estimate)
            self.table.setItem(row, _Column.ACTUAL, QTableWidgetItem(_number(actual)))
            done = QTableWidgetItem()
            done.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsUserCheckable
                | Qt.ItemFlag.ItemIsSelectable
            )
            is_done = given.get("status", item.status) == "done"
            done.setCheckState(Qt.CheckState.Checked if is_done else Qt.CheckState.Unchecked)
            self.table.setItem(row, _Column.DONE, done)
            day = given.get("done_on") or item.done_on
            if day is not None:
                self._given_days[item.id] = day
            self.table.setItem(row, _Column.DONE_ON, QTableWidgetItem())
            self._show_day(row)
        # Show every row up to a dozen; more scroll.
        rows = self.table.verticalHeader().defaultSectionSize() * min(max(len(self._items), 4), 12)
        frame = 2 * self.table.frameWidth() + self.table.horizontalHeader().sizeHint().height()
        self.table.setMinimumHeight(rows + frame)
        if self._items:
            self.table.setCurrentCell(0, _Column.ACTUAL)

        # Unfinished work: to the next sprint (made if there is none), back, or stays.
        self.carry_label = QLabel()
        target = carry_to.name if carry_to is not None else "the next sprint"
        made = (
            f" (new: {format_dates(carry_to.start, carry_to.end)})"
            if carry_to is not None and carry_is_new
            else ""
        )
        self.carry_next = QRadioButton(f"Move to {target}{made}")
        self.carry_backlog = QRadioButton("Move back to the backlog")
        self.carry_stay = QRadioButton(f"Leave in {sprint.name}")
        self.carry = QButtonGroup(self)
        for button, key in (
            (self.carry_next, "next"),
            (self.carry_backlog, "backlog"),
            (self.carry_stay, "stay"),
        ):
            self.carry.addButton(button)
            button.setProperty("carry", key)
        {"backlog": self.carry_backlog, "stay": self.carry_stay}.get(
            closing.carry, self.carry_next
        ).setChecked(True)
        carry_row = QHBoxLayout()
        for button in (self.carry_next, self.carry_backlog, self.carry_stay):
            carry_row.addWidget(button)
        carry_row.addStretch(1)

        self.product_edit = QLineEdit(_number(closing.record.product_ops_hours))
        self.dev_edit = QLineEdit(_number(closing.record.dev_ops_hours))
        hours = QHBoxLayout()
        hours.addWidget(QLabel("&Product:", buddy=self.product_edit))
        hours.addWidget(self.product_edit)
        hours.addWidget(QLabel("h    &Development:", buddy=self.dev_edit))
        hours.addWidget(self.dev_edit)
        hours.addWidget(QLabel("h"))
        self.revenue_edit = QLineEdit(_number(closing.revenue))
        self.revenue_edit.setPlaceholderText("not recorded")
        revenue = QHBoxLayout()
        revenue.addWidget(self.revenue_edit)
        revenue.addWidget(QLabel(revenue_unit))

        self.form.addRow(intro)
        self.form.addRow(self.table)
        self.form.addRow(self.carry_label, carry_row)
        self.form.addRow("Operations hours:", hours)
        self.form.addRow(QLabel("&Revenue:", buddy=self.revenue_edit), revenue)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 120)
        self.table.itemChanged.connect(self._on_item_changed)
        self._show_unfinished()

    def _done(self, row: int) -> bool:
        return self.table.item(row, _Column.DONE).checkState() == Qt.CheckState.Checked

    def _show_day(self, row: int) -> None:
        """A done row shows its day (editable); a row not done shows none."""
        cell = self.table.item(row, _Column.DONE_ON)
        self.table.blockSignals(True)
        if self._done(row):
            day = self._given_days.get(self._items[row].id, self._default_day)
            cell.setData(Qt.ItemDataRole.EditRole, _qdate(day))
            cell.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsEditable
            )
        else:
            cell.setData(Qt.ItemDataRole.EditRole, None)
            cell.setText("—")
            cell.setFlags(Qt.ItemFlag.ItemIsSelectable)
        self.table.blockSignals(False)

    def _on_item_changed(self, cell: QTableWidgetItem) -> None:
        if cell.column() == _Column.DONE:
            self._show_day(cell.row())
            self._show_unfinished()
        elif cell.column() == _Column.DONE_ON:
            day = cell.data(Qt.ItemDataRole.EditRole)
            if isinstance(day, QDate):
                self._given_days[self._items[cell.row()].id] = day.toPython()

    def unfinished(self) -> int:
        return sum(1 for row in range(len(self._items)) if not self._done(row))

    def _show_unfinished(self) -> None:
        count = self.unfinished()
        self.carry_label.setText(
            f"Unfinished ({count} item{'s' if count != 1 else ''}):" if count else "Unfinished:"
        )
        for button in self.carry.buttons():
            button.setEnabled(count > 0)

    def read_fields(self) -> SprintClosing:
        values: dict[int, dict[str, Any]] = {}
        for row, item in enumerate(self._items):
            actual_text = self.table.item(row, _Column.ACTUAL).text()
            try:
                actual = parse_effort(actual_text, "actual effort")
            except ValidationError as error:
                raise ValidationError(f"{item.title}: {error}") from None
            done = self._done(row)
            day = self.table.item(row, _Column.DONE_ON).data(Qt.ItemDataRole.EditRole)
            values[item.id] = {
                "actual": actual,
                "status": "done" if done else ("todo" if item.status == "done" else item.status),
                "done_on": day.toPython() if done and isinstance(day, QDate) else None,
            }
        product = parse_effort(self.product_edit.text(), "product operations hours")
        dev = parse_effort(self.dev_edit.text(), "development operations hours")
        revenue = parse_amount(self.revenue_edit.text(), "revenue")
        checked = self.carry.checkedButton()
        carry = str(checked.property("carry")) if checked is not None else "stay"
        return SprintClosing(values, SprintRecord(True, product, dev), revenue, carry)
