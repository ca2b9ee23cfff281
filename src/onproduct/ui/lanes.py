"""The pieces of one board column: a painted header and a list view of cards."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QSizePolicy, QTableView, QWidget

from onproduct.ui.colors import category_color, muted_text
from onproduct.ui.delegate import CardDelegate
from onproduct.ui.lane_model import LaneModel


class LaneHeader(QWidget):
    """Group, name and totals of a column over a bar in the category's colour."""

    def __init__(
        self,
        title: str,
        group: str,
        category_key: str | None = None,
        parent: QWidget | None = None,
        short: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._title = title
        # Shown when the whole name does not fit ("Dev ops" for "Development operations").
        self._short = short or title
        self._group = group
        self._category = category_key
        self._totals = ""
        self._locked: str | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # The header paints every pixel itself, so a change of its totals repaints it
        # alone, not the board behind it and the siblings over that.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAccessibleName(title)

    @property
    def title(self) -> str:
        return self._title

    @property
    def totals_text(self) -> str:
        return self._totals

    def set_totals(self, text: str) -> None:
        if text != self._totals:
            self._totals = text
            self.setAccessibleDescription(text)
            self._tip()
            self.update()

    def set_locked(self, reason: str | None) -> None:
        """A closed sprint's lane: its group line says so, its tooltip why."""
        if reason != self._locked:
            self._locked = reason
            self._tip()
            self.update()

    def _tip(self) -> None:
        lines = [self._title, self._totals]
        if self._locked:
            lines.append(self._locked)
        self.setToolTip("\n".join(line for line in lines if line))

    def shown_title(self, width: int | None = None) -> str:
        """The name as drawn: whole, else the short name, elided only as a last resort
        (the name matters most; the group line and the totals give way first)."""
        if width is None:
            width = self.width() - QFontMetrics(self._fonts()[0]).height()
        metrics = QFontMetrics(self._fonts()[1])
        whole = self._title if metrics.horizontalAdvance(self._title) <= width else self._short
        return metrics.elidedText(whole, Qt.TextElideMode.ElideRight, width)

    def _fonts(self) -> tuple[QFont, QFont]:
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.82, 6.0))
        small.setCapitalization(QFont.Capitalization.AllUppercase)
        small.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
        title = QFont(self.font())
        title.setWeight(QFont.Weight.Bold)
        return small, title

    def sizeHint(self) -> QSize:
        small, title = self._fonts()
        unit = QFontMetrics(small).height()
        height = unit // 3 + unit // 2 + unit + QFontMetrics(title).height() + self._body_height()
        return QSize(QFontMetrics(title).averageCharWidth() * 20, height + unit // 2)

    def _body_height(self) -> int:
        return QFontMetrics(self.font()).height()

    def minimumSizeHint(self) -> QSize:
        return QSize(QFontMetrics(self.font()).averageCharWidth() * 12, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Window))
        small, title = self._fonts()
        unit = QFontMetrics(small).height()
        bar = max(3, unit // 3)
        color = (
            category_color(self._category, palette)
            if self._category
            else palette.color(QPalette.ColorRole.Mid)
        )
        painter.fillRect(QRect(0, 0, self.width(), bar), color)
        x = unit // 2
        width = self.width() - 2 * x
        y = bar + unit // 3
        painter.setFont(small)
        painter.setPen(muted_text(palette))
        label = f"{self._group} · closed" if self._locked else self._group
        group = QFontMetrics(small).elidedText(label, Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(x, y, width, unit), Qt.AlignmentFlag.AlignLeft, group)
        y += unit
        painter.setFont(title)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        metrics = QFontMetrics(title)
        name = self.shown_title(width)
        painter.drawText(QRect(x, y, width, metrics.height()), Qt.AlignmentFlag.AlignLeft, name)
        y += metrics.height()
        painter.setFont(self.font())
        painter.setPen(muted_text(palette))
        body = QFontMetrics(self.font())
        totals = fitting_parts(self._totals, body, width)
        painter.drawText(QRect(x, y, width, body.height()), Qt.AlignmentFlag.AlignLeft, totals)


def fitting_parts(text: str, metrics: QFontMetrics, width: int) -> str:
    """ "15 items · 235 h · 1 unestimated" cut to the parts that fit whole, the last
    (least important) first; only a first part too long on its own is elided."""
    parts = text.split(" · ")
    while len(parts) > 1 and metrics.horizontalAdvance(" · ".join(parts)) > width:
        parts.pop()
    return metrics.elidedText(" · ".join(parts), Qt.TextElideMode.ElideRight, width)


class LaneView(QTableView):
    """A list of cards that takes part in the board's drag and drop.

    A one-column table rather than a QListView: on every inserted or removed row a
    QListView lays the whole list out again and asks the model for an index per row
    (a Python call each: 174 ms per change for a backlog of 35,000 cards), while a
    table keeps row positions in its header as spans of equal height (2 ms).
    """

    # Emitted when the view gets keyboard focus, so the board knows the active list.
    focused = Signal()
    # A drag came over a list that takes no drops (a closed sprint's): why, in a line.
    refused = Signal(str)

    def __init__(self, placeholder: str, show_category: bool = False) -> None:
        super().__init__()
        self._placeholder = placeholder
        self._hidden = 0
        self._locked: str | None = None
        self.card_delegate = CardDelegate(self, show_category=show_category)
        self.setItemDelegate(self.card_delegate)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        # One height for every card: the view never asks 100,000 rows for a size.
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._fit_rows()
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setTabKeyNavigation(False)  # Tab leaves the list, as in any list
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragDropOverwriteMode(False)  # drop between cards, not onto them
        self.setDropIndicatorShown(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.setAccessibleName(placeholder)

    def _fit_rows(self) -> None:
        height = self.card_delegate.metrics(self.font()).height
        self.verticalHeader().setMinimumSectionSize(1)
        self.verticalHeader().setDefaultSectionSize(height)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_rows()

    def lane_model(self) -> LaneModel | None:
        model = self.model()
        return model if isinstance(model, LaneModel) else None

    def set_placeholder(self, text: str) -> None:
        """What an empty list says (e.g. where to drop); hidden cards take precedence."""
        self._placeholder = text
        self.viewport().update()

    @property
    def read_only(self) -> bool:
        return self._locked is not None

    def set_read_only(self, reason: str | None) -> None:
        """A closed sprint's lane: drawn on the window's colour, with no drop offered
        (the model refuses them) and the reason in its tooltip and, empty, its text."""
        if reason == self._locked:
            return
        self._locked = reason
        palette = self.palette()
        base = QPalette().color(QPalette.ColorRole.Window if reason else QPalette.ColorRole.Base)
        palette.setColor(QPalette.ColorRole.Base, base)
        self.setPalette(palette)
        self.setToolTip(reason or self._tooltip)
        self.viewport().update()

    def setToolTip(self, text: str) -> None:
        if self._locked is None:
            self._tooltip = text
        super().setToolTip(text)

    _tooltip = ""

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        super().dragEnterEvent(event)
        if self._locked is not None:
            event.ignore()
            self.refused.emit(self._locked)

    def set_hidden(self, count: int) -> None:
        """How many cards of this list the board filter hides."""
        if count != self._hidden:
            self._hidden = count
            self.viewport().update()

    def placeholder_text(self) -> str:
        if self._locked is not None and not self._hidden:
            return "Closed sprint: nothing changes here until it is re-opened."
        if self._hidden:
            noun = "card is" if self._hidden == 1 else "cards are"
            return f"{self._hidden} {noun} hidden by the filter."
        return self._placeholder

    def selected_ids(self) -> list[int]:
        """Ids of the selected cards, top to bottom."""
        model = self.lane_model()
        if model is None:
            return []
        rows = sorted(index.row() for index in self.selectionModel().selectedRows())
        return [model.id_at(row) for row in rows]

    def select_ids(self, ids: list[int]) -> None:
        """Select these cards (those shown here), make the first current and visible."""
        model = self.lane_model()
        if model is None:
            return
        selection = QItemSelection()
        first = None
        for item_id in ids:
            row = model.row_of(item_id)
            if row is not None:
                index = model.index(row, 0)
                selection.select(index, index)
                if first is None:
                    first = index
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
        self.selectionModel().select(selection, flags)
        if first is not None:
            self.selectionModel().setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollTo(first)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.focused.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        text = self.placeholder_text()
        if model is not None and model.rowCount() == 0 and text:
            painter = QPainter(self.viewport())
            painter.setPen(muted_text(self.palette()))
            rect = self.viewport().rect().adjusted(8, 8, -8, -8)
            painter.drawText(
                rect,
                Qt.AlignmentFlag.AlignHCenter
                | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWordWrap,
                text,
            )
