"""The mapping step of an import: which lane each issue type, label, component or list
goes to, with a preview of what the import will do before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from onproduct.domain.categories import CATEGORIES, category
from onproduct.domain.items import STATUS_NAMES, format_effort
from onproduct.domain.settings import PlanSettings
from onproduct.exchange.batch import Batch, ExchangeError
from onproduct.exchange.formats import MappedSource
from onproduct.exchange.importer import ImportChanges
from onproduct.exchange.mapping import SKIP, CategoryMapping

PREVIEW_ROWS = 200
NO_RULE = ""


class MappingDialog(QDialog):
    """Rules on the left, the resulting items on the right; Import writes nothing itself."""

    def __init__(
        self,
        source: MappedSource,
        mapping: CategoryMapping,
        settings: PlanSettings,
        preview: Callable[[Batch], ImportChanges],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {source.source}")
        self.source = source
        self.mapping = mapping
        self._settings = settings
        self._preview = preview
        self._batch: Batch | None = None
        self.changes: ImportChanges | None = None
        self._titles = dict(source.kind_titles)

        intro = QLabel(
            "Choose the lane each kind of work goes to. The first rule that fits an item"
            f" decides, in this order: {', '.join(t.lower() for t in self._titles.values())};"
            " everything else goes to the lane chosen below. Nothing is written until you"
            " press Import."
        )
        intro.setWordWrap(True)

        # A format whose values also stand for a status (Trello's lists) shows it too.
        self.status_kind: str | None = getattr(source, "status_kind", None)
        self._guessed_statuses: dict[str, str] = (
            source.guessed_statuses() if self.status_kind else {}  # type: ignore[attr-defined]
        )
        columns = ["Value", "Items", "Lane"] + (["Status"] if self.status_kind else [])
        self.rules = QTableWidget(0, len(columns))
        self.rules.setHorizontalHeaderLabels(columns)
        self.rules.verticalHeader().hide()
        self.rules.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.rules.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        if self.status_kind:
            header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self._combos: dict[tuple[str, str], QComboBox] = {}
        self.status_combos: dict[str, QComboBox] = {}
        self._fill_rules()

        self.default = QComboBox()
        for entry in CATEGORIES:
            self.default.addItem(entry.name, entry.key)
        self.default.setCurrentIndex(self.default.findData(mapping.default))
        self.default.currentIndexChanged.connect(self._changed)
        default_row = QHBoxLayout()
        default_label = QLabel("&Everything else goes to:")
        default_label.setBuddy(self.default)
        default_row.addWidget(default_label)
        default_row.addWidget(self.default, 1)

        # The format's own choices (a rate for story points, archived cards, ...).
        self.option_widgets: dict[str, QCheckBox | QDoubleSpinBox] = {}
        option_rows: list[QWidget] = []
        for option in source.options(settings):
            if isinstance(option.value, bool):
                box = QCheckBox(option.label)
                box.setChecked(option.value)
                box.setToolTip(option.tooltip)
                box.toggled.connect(self._changed)
                self.option_widgets[option.key] = box
                option_rows.append(box)
                continue
            spin = QDoubleSpinBox()
            spin.setRange(0.1, 1000.0)
            spin.setDecimals(1)
            spin.setSuffix(option.suffix)
            spin.setValue(float(option.value))
            spin.setToolTip(option.tooltip)
            spin.valueChanged.connect(self._changed)
            self.option_widgets[option.key] = spin
            row_widget = QWidget()
            line = QHBoxLayout(row_widget)
            line.setContentsMargins(0, 0, 0, 0)
            label = QLabel(option.label)
            label.setBuddy(spin)
            line.addWidget(label)
            line.addWidget(spin)
            if option.note:
                line.addWidget(QLabel(option.note))
            line.addStretch(1)
            option_rows.append(row_widget)

        # Items already in the plan keep the lanes users moved them to; asked, the
        # mapping decides for them too.
        self.remap = QCheckBox("Apply the mapping again to items already in the &plan")
        self.remap.setToolTip(
            "By default an item the plan already has (same key) keeps its lane; only new"
            " items go where the mapping says."
        )
        self.remap.toggled.connect(self._changed)
        option_rows.append(self.remap)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.rules, 1)
        left_layout.addLayout(default_row)
        for option_row in option_rows:
            left_layout.addWidget(option_row)

        self.preview_table = QTableWidget(0, 7)
        self.preview_table.setHorizontalHeaderLabels(
            ["", "Key", "Title", "Lane", "Status", "Estimate", "Lands in"]
        )
        self.preview_table.verticalHeader().hide()
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setWordWrap(False)
        preview_header = self.preview_table.horizontalHeader()
        for column in (0, 1, 3, 4, 5, 6):
            preview_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        preview_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.preview_table, 1)
        right_layout.addWidget(self.outcome)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        unit = self.fontMetrics().averageCharWidth()
        self.resize(unit * 150, self.fontMetrics().height() * 34)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)  # a burst of changes previews once
        self._timer.timeout.connect(self.refresh)
        self.refresh()

    def _fill_rules(self) -> None:
        rows: list[tuple[str, str, int] | tuple[str, None, None]] = []
        for kind, title in self._titles.items():
            values = self.source.values(kind)
            if values:
                rows.append((title, None, None))
                rows.extend((kind, value, count) for value, count in values)
        self.rules.setRowCount(len(rows))
        for row, (kind, value, count) in enumerate(rows):
            if value is None:
                heading = QTableWidgetItem(kind)
                font = heading.font()
                font.setBold(True)
                heading.setFont(font)
                heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.rules.setItem(row, 0, heading)
                self.rules.setSpan(row, 0, 1, self.rules.columnCount())
                continue
            name = QTableWidgetItem(value)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.rules.setItem(row, 0, name)
            number = QTableWidgetItem(str(count))
            number.setFlags(Qt.ItemFlag.ItemIsEnabled)
            number.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.rules.setItem(row, 1, number)
            combo = QComboBox()
            combo.addItem("—  no rule", NO_RULE)
            for entry in CATEGORIES:
                combo.addItem(entry.name, entry.key)
            combo.addItem("Skip", SKIP)
            combo.setCurrentIndex(max(0, combo.findData(self.mapping.rule(kind, value) or "")))
            combo.currentIndexChanged.connect(
                lambda _index, k=kind, v=value, c=combo: self._rule_changed(k, v, c)
            )
            self.rules.setCellWidget(row, 2, combo)
            self._combos[(kind, value)] = combo
            if kind == self.status_kind:
                status = QComboBox()
                for key, name in STATUS_NAMES.items():
                    status.addItem(name, key)
                chosen = self.mapping.status(value) or self._guessed_statuses.get(value, "todo")
                status.setCurrentIndex(max(0, status.findData(chosen)))
                status.setToolTip(f"The status of the cards in {value!r}")
                status.currentIndexChanged.connect(
                    lambda _index, v=value, c=status: self._status_changed(v, c)
                )
                self.rules.setCellWidget(row, 3, status)
                self.status_combos[value] = status

    def set_rule(self, kind: str, value: str, target: str | None) -> None:
        """Choose a lane for a value, as the user does with its drop-down."""
        combo = self._combos[(kind, value)]
        combo.setCurrentIndex(combo.findData(target or NO_RULE))

    def set_status(self, value: str, status: str) -> None:
        """Choose the status of a list's cards, as the user does with its drop-down."""
        combo = self.status_combos[value]
        combo.setCurrentIndex(combo.findData(status))

    def _status_changed(self, value: str, combo: QComboBox) -> None:
        self.mapping.set_status(value, combo.currentData())
        self._changed()

    def _rule_changed(self, kind: str, value: str, combo: QComboBox) -> None:
        self.mapping.set(kind, value, combo.currentData() or None)
        self._changed()

    def _changed(self) -> None:
        self.mapping.default = self.default.currentData()
        for key, widget in self.option_widgets.items():
            value = widget.isChecked() if isinstance(widget, QCheckBox) else widget.value()
            self.source.set_option(key, value)
        self._timer.start()

    def refresh(self) -> None:
        """Apply the rules to the file and show what the import would do."""
        self._timer.stop()
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            self._batch = self.source.batch(self.mapping, self._settings)
            if self.remap.isChecked():
                self._batch = replace(self._batch, keep_lanes=False)
            self.changes = self._preview(self._batch)
        except ExchangeError as error:
            self._batch, self.changes = None, None
            self.outcome.setText(str(error))
            ok.setEnabled(False)
            return
        changes = self.changes
        ok.setEnabled(not changes.empty)
        updated = {c.item_id for c in changes.updated}
        added_keys = {i.external_key for i in changes.added}
        rows = self._batch.rows[:PREVIEW_ROWS]
        self.preview_table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            fields = row.fields
            action = "new" if fields.external_key in added_keys or not fields.external_key else ""
            # Where it really lands: a sprint the plan lacks sends it to the backlog.
            lands = changes.places[number] if number < len(changes.places) else ""
            cells = [
                action,
                fields.external_key or "",
                fields.title,
                category(fields.category).short,
                STATUS_NAMES[fields.status],
                format_effort(fields.estimate, self._settings.unit),
                lands,
            ]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column == 5:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == 6 and row.sprint and lands != row.sprint:
                    cell.setToolTip(f"The file says {row.sprint}; the plan has no such sprint.")
                self.preview_table.setItem(number, column, cell)
        lines = [f"Import will do: {changes.summary()}."]
        if len(self._batch.rows) > PREVIEW_ROWS:
            lines.append(f"The first {PREVIEW_ROWS} of {len(self._batch.rows)} items are shown.")
        if updated:
            lines.append(f"{len(updated)} items the plan already has (same key) will be updated.")
        lines.extend(changes.details(limit=5))
        self.outcome.setText("\n".join(lines))

    def final_changes(self) -> ImportChanges:
        """What the import does with the rules as they stand now.

        A rule changed a moment before Import is previewed only after a short delay:
        that preview is made now, so the import never uses the rules before it.
        """
        if self._timer.isActive():
            self.refresh()
        if self.changes is None:
            raise ExchangeError(self.outcome.text())
        return self.changes
