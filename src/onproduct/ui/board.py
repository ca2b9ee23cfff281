"""The board: sprint selector, filter, the backlog and the five category lanes of a sprint."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QItemSelectionModel, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from onproduct.domain.categories import CATEGORIES, Group
from onproduct.domain.filtering import ItemFilter
from onproduct.domain.items import Sprint, format_effort
from onproduct.domain.metrics import CategoryTotals, advice, compute_metrics
from onproduct.domain.ranking import BACKLOG, Bucket
from onproduct.domain.settings import PlanSettings
from onproduct.ui.document import PlanDocument, SprintClosedError, closed_message
from onproduct.ui.gauge import GaugePanel
from onproduct.ui.lane_model import LaneModel
from onproduct.ui.lanes import LaneHeader, LaneView
from onproduct.ui.sprint_model import SprintRole

GROUP_NAMES = {
    Group.ON_PRODUCT: "On-product",
    Group.DEVELOPMENT: "Development",
    Group.OPERATIONS: "Operations",
}


def _count(n: int) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


def totals_text(totals: CategoryTotals, unit: str, shown: CategoryTotals | None = None) -> str:
    """ "3 items · 54 h · 1 unestimated"; with a filter on, of what it shows:
    "2 of 3 shown (20 h) · 1 unestimated"."""
    if shown is None or shown.count == totals.count:
        parts = [_count(totals.count), format_effort(totals.effort, unit)]
        unestimated = totals.unestimated
    else:
        parts = [f"{shown.count} of {totals.count} shown ({format_effort(shown.effort, unit)})"]
        unestimated = shown.unestimated
    if unestimated:
        parts.append(f"{unestimated} unestimated")
    return " · ".join(parts)


class BoardWidget(QWidget):
    """Shows one document; drops and keyboard moves become document commands."""

    # The sprint shown changed (another sprint chosen, or the shown one was edited).
    sprintChanged = Signal()
    # The selection or the active list changed: actions may enable or disable.
    selectionChanged = Signal()
    # A move was refused (a closed sprint): the one line that says why and how.
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document: PlanDocument | None = None
        self._models: list[LaneModel] = []
        self._no_sprints = QStringListModel(self)  # what the sprint box shows with no plan
        self.unit = "h"
        # The filter's search keys are made a slice at a time while the window is idle.
        self._search_timer = QTimer(self)
        self._search_timer.setInterval(0)
        self._search_timer.timeout.connect(self._prepare_search)

        self.sprint_box = QComboBox()
        self.sprint_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sprint_box.setMinimumContentsLength(22)
        self.sprint_box.setAccessibleName("Sprint")
        self.sprint_box.currentIndexChanged.connect(self._on_sprint_chosen)
        sprint_label = QLabel("&Sprint:")
        sprint_label.setBuddy(self.sprint_box)
        self.sprint_info = QLabel()
        self.sprint_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sprint_info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.filter_box = QLineEdit()
        self.filter_box.setPlaceholderText("Words or #label")
        self.filter_box.setClearButtonEnabled(True)
        self.filter_box.setAccessibleName("Filter")
        self.filter_box.setMinimumWidth(self.fontMetrics().averageCharWidth() * 24)
        self.filter_box.textChanged.connect(self.apply_filter)
        # Escape empties the filter (and, when it is empty, goes back to the board).
        clear = QAction("Clear the filter", self.filter_box)
        clear.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        clear.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        clear.triggered.connect(self._escape_filter)
        self.filter_box.addAction(clear)
        filter_label = QLabel("&Filter:")
        filter_label.setBuddy(self.filter_box)

        top = QHBoxLayout()
        top.addWidget(sprint_label)
        top.addWidget(self.sprint_box)
        top.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        top.addWidget(self.sprint_info, 1)
        top.addWidget(filter_label)
        top.addWidget(self.filter_box)

        self.backlog_header = LaneHeader("Backlog", "Not planned yet")
        self.backlog_view = LaneView("Nothing waiting. New items land here.", show_category=True)
        self.lane_headers: dict[str, LaneHeader] = {}
        self.lane_views: dict[str, LaneView] = {}
        lanes = QHBoxLayout()
        lanes.setSpacing(self.fontMetrics().averageCharWidth())
        lanes.setContentsMargins(0, 0, 0, 0)
        for cat in CATEGORIES:
            header = LaneHeader(cat.name, GROUP_NAMES[cat.group], cat.key, short=cat.short)
            header.setToolTip(cat.purpose)
            view = LaneView(f"Drop {cat.name.lower()} work here.")
            view.setToolTip(cat.purpose)
            view.setMinimumWidth(self.fontMetrics().averageCharWidth() * 18)
            self.lane_headers[cat.key] = header
            self.lane_views[cat.key] = view
            lanes.addLayout(_column(header, view), 1)
        lanes_area = QWidget()
        lanes_area.setLayout(lanes)

        backlog_area = QWidget()
        backlog_area.setLayout(_column(self.backlog_header, self.backlog_view))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(backlog_area)
        self.splitter.addWidget(lanes_area)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setChildrenCollapsible(False)
        # Until the user drags the handle: the backlog about as wide as one and a half lanes.
        char = self.fontMetrics().averageCharWidth()
        backlog_area.setMinimumWidth(char * 26)
        self.splitter.setSizes([char * 44, char * 150])

        self.gauge = GaugePanel()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.gauge)
        layout.addWidget(self.splitter, 1)

        self._active: LaneView = self.backlog_view
        for view in self.views():
            view.focused.connect(self._on_view_focused)
            view.refused.connect(self.refused)
            view.activated.connect(lambda _index, v=view: self._on_view_focused(v))

    # -------------------------------------------------------------- structure

    def views(self) -> list[LaneView]:
        """The backlog, then the lanes in board order."""
        return [self.backlog_view, *self.lane_views.values()]

    def headers(self) -> list[LaneHeader]:
        return [self.backlog_header, *self.lane_headers.values()]

    def set_context_actions(self, actions: Sequence[QAction]) -> None:
        for view in self.views():
            for action in view.actions():
                view.removeAction(action)
            view.addActions(list(actions))

    # --------------------------------------------------------------- document

    @property
    def document(self) -> PlanDocument | None:
        return self._document

    def set_document(self, document: PlanDocument | None) -> None:
        """Show another plan (None: an empty board)."""
        old_models = self._models
        self._models = []
        if self._document is not None:
            self._document.items.totalsChanged.disconnect(self._refresh_totals)
            self._document.items.modelReset.disconnect(self._search_timer.start)
            self._document.sprints.dataChanged.disconnect(self._on_sprint_edited)
            self._document.settingsChanged.disconnect(self._on_settings_changed)
        self._document = document
        for view in self.views():
            view.setModel(None)
        for model in old_models:
            model.deleteLater()
        self.sprint_box.blockSignals(True)
        self.sprint_box.setModel(document.sprints if document is not None else self._no_sprints)
        self.sprint_box.blockSignals(False)
        if document is None:
            self._refresh_totals()
            return
        for view, bucket in zip(self.views(), self._buckets(None), strict=True):
            model = LaneModel(document.items, document.token, self._drop, bucket, self)
            self._models.append(model)
            view.setModel(model)
            view.selectionModel().selectionChanged.connect(self.selectionChanged)
        document.items.totalsChanged.connect(self._refresh_totals)
        document.items.modelReset.connect(self._search_timer.start)
        self._search_timer.start()
        document.sprints.dataChanged.connect(self._on_sprint_edited)
        document.settingsChanged.connect(self._on_settings_changed)
        self._on_settings_changed()
        self.apply_filter(self.filter_box.text())
        current = document.sprints.current(date.today())
        self.set_current_sprint(current.id if current is not None else None)
        self._on_sprint_chosen()

    def _buckets(self, sprint_id: int | None) -> list[Bucket | None]:
        lanes = [Bucket(sprint_id, c.key) if sprint_id is not None else None for c in CATEGORIES]
        return [BACKLOG, *lanes]

    # ---------------------------------------------------------------- sprints

    def current_sprint(self) -> Sprint | None:
        sprint = self.sprint_box.currentData(SprintRole.SPRINT)
        return sprint if isinstance(sprint, Sprint) else None

    def current_sprint_id(self) -> int | None:
        sprint = self.current_sprint()
        return sprint.id if sprint is not None else None

    def set_current_sprint(self, sprint_id: int | None) -> None:
        if self._document is None or sprint_id is None:
            return
        self.sprint_box.setCurrentIndex(self._document.sprints.row_of(sprint_id))

    def step_sprint(self, step: int) -> None:
        row = self.sprint_box.currentIndex() + step
        if 0 <= row < self.sprint_box.count():
            self.sprint_box.setCurrentIndex(row)

    def _on_sprint_chosen(self) -> None:
        sprint_id = self.current_sprint_id()
        for model, bucket in zip(self._models, self._buckets(sprint_id), strict=True):
            model.set_bucket(bucket)
        placeholder = None if sprint_id is not None else "Add a sprint to plan work into it."
        for cat in CATEGORIES:
            view = self.lane_views[cat.key]
            view.set_placeholder(placeholder or f"Drop {cat.name.lower()} work here.")
            view.setEnabled(sprint_id is not None)
        self._show_closed()
        self._refresh_totals()
        self.sprintChanged.emit()
        self.selectionChanged.emit()

    def _on_sprint_edited(self, *_: object) -> None:
        self._show_closed()
        self._refresh_totals()
        self.sprintChanged.emit()

    def _show_closed(self) -> None:
        """A closed sprint's lanes look read-only and take no drops."""
        sprint = self.current_sprint()
        reason = closed_message(sprint) if sprint is not None and sprint.closed else None
        for model in self._models[1:]:
            model.locked = reason
        for cat in CATEGORIES:
            self.lane_views[cat.key].set_read_only(reason)
            self.lane_headers[cat.key].set_locked(reason)

    def _on_settings_changed(self) -> None:
        assert self._document is not None
        self.unit = self._document.settings.unit
        for view in self.views():
            view.card_delegate.unit = self.unit
            view.viewport().update()
        self._refresh_totals()

    # ----------------------------------------------------------------- totals

    def _refresh_totals(self, *_: object) -> None:
        document = self._document
        if document is None:
            for header in self.headers():
                header.set_totals("")
            self.sprint_info.setText("")
            self.gauge.set_metrics(None, [], PlanSettings())
            return
        for header, view, model in zip(self.headers(), self.views(), self._models, strict=True):
            bucket = model.bucket()
            if bucket is None:
                header.set_totals("")
                view.set_hidden(0)
                continue
            if not document.items.complete and bucket.is_backlog:
                # Only its top is read yet (a big plan, just opened): no count to show.
                header.set_totals("reading the plan…")
                view.set_hidden(0)
                continue
            totals = document.items.totals(bucket)
            filtered = model.rowCount() != totals.count
            shown = model.shown_totals() if filtered else None
            header.set_totals(totals_text(totals, self.unit, shown))
            view.set_hidden(totals.count - model.rowCount())
        sprint = self.current_sprint()
        settings = document.settings
        if sprint is None:
            self.sprint_info.setText("No sprints yet: add one with Sprint ▸ New Sprint.")
            self.gauge.set_metrics(None, [], settings)
            return
        # The gauge reads the very totals the lane headers show: no second count to drift.
        lanes = {c.key: document.items.totals(Bucket(sprint.id, c.key)) for c in CATEGORIES}
        metrics = compute_metrics(lanes, settings, sprint.capacity, sprint.weeks)
        self.gauge.set_metrics(metrics, advice(metrics, settings), settings)
        text = f"{format_effort(metrics.effort, self.unit)} planned"
        if sprint.capacity is not None:
            text += f" of {format_effort(sprint.capacity, self.unit)} capacity"
        if sprint.closed:
            text = "Closed: history. " + text
        self.sprint_info.setText(text)

    # ----------------------------------------------------------------- filter

    def _prepare_search(self) -> None:
        document = self._document
        # ~5 ms a slice: never more than a frame between two events.
        if document is None or document.items.prepare_search(1500):
            self._search_timer.stop()

    def _escape_filter(self) -> None:
        if self.filter_box.text():
            self.filter_box.clear()
        else:
            self.focus_list(self.views().index(self._active))

    def apply_filter(self, text: str) -> None:
        item_filter = ItemFilter.parse(text)
        for model in self._models:
            model.set_filter(item_filter)
        self._refresh_totals()

    # -------------------------------------------------------------- selection

    def active_view(self) -> LaneView:
        return self._active

    def _on_view_focused(self, view: LaneView | None = None) -> None:
        sender = view if isinstance(view, LaneView) else self.sender()
        if isinstance(sender, LaneView) and sender is not self._active:
            # One selection on the board at a time: the list being worked in.
            for other in self.views():
                if other is not sender and other.selectionModel() is not None:
                    other.selectionModel().clearSelection()
            self._active = sender
            self.selectionChanged.emit()

    def selected_ids(self) -> list[int]:
        return self._active.selected_ids()

    def active_bucket(self) -> Bucket | None:
        model = self._active.lane_model()
        return model.bucket() if model is not None else None

    def view_for(self, bucket: Bucket) -> LaneView | None:
        for view in self.views():
            model = view.lane_model()
            if model is not None and model.bucket() == bucket:
                return view
        return None

    def select_items(self, ids: Sequence[int]) -> None:
        """Select items where they now are, and move the keyboard focus there."""
        document = self._document
        if document is None or not ids:
            return
        place = document.items.place_of(ids[0])
        view = self.view_for(place) if place is not None else None
        if view is None:
            return
        view.setFocus(Qt.FocusReason.OtherFocusReason)
        self._on_view_focused(view)
        view.select_ids([i for i in ids if document.items.place_of(i) == place])

    def focus_list(self, position: int) -> None:
        """Keyboard focus to the backlog (0) or a lane (1-5), on its current or first card."""
        view = self.views()[position]
        if not view.isEnabled():
            return
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._on_view_focused(view)
        model = view.model()
        if model is None or not model.rowCount():
            return
        # Select the card in focus (Qt makes one current without selecting it), so the
        # next keyboard move acts on it.
        current = view.currentIndex()
        if not current.isValid():
            current = model.index(0, 0)
        if not view.selectionModel().hasSelection():
            view.selectionModel().setCurrentIndex(
                current, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    # --------------------------------------------------------- moving items

    def _refusing(self, change: Callable[[], bool]) -> bool:
        """Run a move; a closed sprint's refusal becomes the board's one line."""
        try:
            return change()
        except SprintClosedError as error:
            self.refused.emit(str(error))
            return False

    def _drop(self, ids: list[int], bucket: Bucket, before: int | None) -> bool:
        assert self._document is not None
        document = self._document
        moved = self._refusing(lambda: document.move_items(ids, bucket, before))
        if moved:
            # After the drag has finished with the source view, select in the target.
            QTimer.singleShot(0, lambda: self.select_items(ids))
        return moved

    def move_selection(self, bucket: Bucket) -> bool:
        ids = self.selected_ids()
        document = self._document
        if document is None or not ids:
            return False
        if self._refusing(lambda: document.move_items(ids, bucket, None)):
            self.select_items(ids)
            return True
        return False

    def move_selection_to_lane(self, category_key: str) -> bool:
        sprint_id = self.current_sprint_id()
        return sprint_id is not None and self.move_selection(Bucket(sprint_id, category_key))

    def plan_selection_into_sprint(self) -> bool:
        ids = self.selected_ids()
        sprint_id = self.current_sprint_id()
        document = self._document
        if document is None or not ids or sprint_id is None:
            return False
        if self._refusing(lambda: document.plan_into_sprint(ids, sprint_id)):
            self.select_items(ids)
            return True
        return False

    def shift_selection(self, step: int) -> bool:
        """Move the selected cards one place up (-1) or down (+1) in their list."""
        model = self._active.lane_model()
        ids = self.selected_ids()
        if self._document is None or model is None or not ids or model.bucket() is None:
            return False
        rows = [model.row_of(i) for i in ids]
        shown = model.ids()
        if step < 0:
            above = min(r for r in rows if r is not None) - 1
            if above < 0:
                return False
            before: int | None = shown[above]
        else:
            below = max(r for r in rows if r is not None) + 1
            if below >= len(shown):
                return False
            before = shown[below + 1] if below + 1 < len(shown) else None
        return self._reorder(model, ids, before)

    def move_selection_to_edge(self, top: bool) -> bool:
        model = self._active.lane_model()
        ids = self.selected_ids()
        if self._document is None or model is None or not ids or model.bucket() is None:
            return False
        selected = set(ids)
        rest = [i for i in model.ids() if i not in selected]
        before = (rest[0] if rest else None) if top else None
        if top and rest and model.ids()[: len(ids)] == ids:
            return False
        return self._reorder(model, ids, before)

    def _reorder(self, model: LaneModel, ids: list[int], before: int | None) -> bool:
        bucket = model.bucket()
        document = self._document
        assert document is not None and bucket is not None
        if self._refusing(lambda: document.move_items(ids, bucket, before)):
            self.select_items(ids)
            return True
        return False


def _column(header: LaneHeader, view: LaneView) -> QVBoxLayout:
    column = QVBoxLayout()
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(0)
    column.addWidget(header)
    column.addWidget(view, 1)
    return column
