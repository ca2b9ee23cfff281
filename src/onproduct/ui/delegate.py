"""Paints an item as a card: title, then key or category, labels, status and estimate.

Every size comes from the font metrics of the view, so cards keep their proportions
at any scale factor, and every colour from the palette, so they follow the theme.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QPixmapCache,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from onproduct.domain.categories import category
from onproduct.domain.items import STATUS_NAMES, Item, format_effort
from onproduct.ui.colors import card_background, category_color, mix, muted_text, status_color
from onproduct.ui.item_model import ItemRole

Index = QModelIndex | QPersistentModelIndex


class _Metrics:
    """Fonts and spacings of a card for one base font."""

    def __init__(self, font: QFont) -> None:
        self.title_font = QFont(font)
        self.title_font.setWeight(QFont.Weight.DemiBold)
        self.small_font = QFont(font)
        self.small_font.setPointSizeF(max(font.pointSizeF() * 0.88, 6.0))
        self.title = QFontMetrics(self.title_font)
        self.small = QFontMetrics(self.small_font)
        unit = self.small.height()
        self.margin = max(2, unit // 4)
        self.padding = max(4, unit // 2)
        self.stripe = max(3, unit // 4)
        self.chip_height = self.small.height() + max(2, unit // 5)
        self.gap = max(2, unit // 4)
        # Titles get two lines: in a narrow lane one line shows too little to recognise.
        self.title_height = self.title.lineSpacing() + self.title.height()
        self.height = (
            2 * self.margin + 2 * self.padding + self.title_height + self.gap + self.chip_height
        )


class CardDelegate(QStyledItemDelegate):
    """Draws item rows as cards; all cards have one height, so views can use uniform sizes."""

    def __init__(self, parent: QWidget | None = None, *, show_category: bool = False) -> None:
        super().__init__(parent)
        self.show_category = show_category
        self.unit = "h"
        self._metrics: dict[str, _Metrics] = {}

    def metrics(self, font: QFont) -> _Metrics:
        key = font.key()
        metrics = self._metrics.get(key)
        if metrics is None:
            metrics = self._metrics[key] = _Metrics(font)
        return metrics

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        metrics = self.metrics(option.font)
        return QSize(metrics.title.averageCharWidth() * 24, metrics.height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """Blit the card from the pixmap cache; draw it there first if it is not cached.

        Drawing a card costs ~0.8 ms (antialiased shapes and text). A drop shifts the
        rows of a list and repaints every visible card, so without the cache a drop
        cost 20-40 ms of painting; with it, only the card that changed is drawn.
        """
        item = index.data(ItemRole.ITEM)
        if not isinstance(item, Item):
            return
        palette: QPalette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus)
        size = option.rect.size()
        ratio = painter.device().devicePixelRatioF() if painter.device() is not None else 1.0
        key = repr(
            (
                "card",
                item.title,
                item.category,
                item.status,
                item.estimate,
                item.labels,
                item.external_key,
                self.show_category,
                self.unit,
                size.width(),
                size.height(),
                selected,
                focused,
                palette.cacheKey(),
                option.font.key(),
                ratio,
            )
        )
        pixmap = QPixmapCache.find(key)
        if pixmap is None:
            pixmap = QPixmap(size * ratio)
            pixmap.setDevicePixelRatio(ratio)
            # The card owns its whole cell: the table view has already painted a selected
            # row's background there, and the card's own border shows the selection.
            pixmap.fill(palette.color(QPalette.ColorRole.Base))
            card = QPainter(pixmap)
            self.draw_card(
                card, QRect(QPoint(0, 0), size), item, option.font, palette, selected, focused
            )
            card.end()
            QPixmapCache.insert(key, pixmap)
        painter.drawPixmap(option.rect.topLeft(), pixmap)

    def draw_card(
        self,
        painter: QPainter,
        area: QRect,
        item: Item,
        font: QFont,
        palette: QPalette,
        selected: bool,
        focused: bool,
    ) -> None:
        m = self.metrics(font)
        rect = QRect(area).adjusted(m.margin, m.margin, -m.margin, -m.margin)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        accent = category_color(item.category, palette)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        background = card_background(item.category, palette)
        if selected:
            background = mix(background, highlight, 0.28)
        radius = m.padding * 0.8
        card = QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5)
        border = highlight if selected or focused else mix(background, accent, 0.35)
        painter.setPen(QPen(border, 2.0 if selected or focused else 1.0))
        painter.setBrush(background)
        painter.drawRoundedRect(card, radius, radius)

        # The category stripe along the left edge.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent)
        stripe = QRectF(card.left() + 1, card.top() + 1, m.stripe, card.height() - 2)
        painter.drawRoundedRect(stripe, m.stripe / 2, m.stripe / 2)

        text_color = palette.color(QPalette.ColorRole.Text)
        muted = muted_text(palette)
        inner = rect.adjusted(m.padding + m.stripe, m.padding, -m.padding, -m.padding)

        # Lines 1 and 2: the title, wrapped at words, cut with an ellipsis after two lines.
        painter.setFont(m.title_font)
        painter.setPen(muted if item.status == "done" else text_color)
        title_rect = QRect(inner.left(), inner.top(), inner.width(), m.title_height)
        top = title_rect.top()
        for text in two_lines(item.title, m.title, inner.width()):
            painter.drawText(
                QRect(inner.left(), top, inner.width(), m.title.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
            top += m.title.lineSpacing()

        layout = self.line_layout(m, item, inner, title_rect)
        painter.setFont(m.small_font)
        painter.setPen(text_color if item.estimate is not None else muted)
        painter.drawText(
            layout.estimate,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            layout.estimate_text,
        )
        self._draw_status(painter, m, palette, item.status, layout.status)
        if layout.lead:
            painter.setPen(muted)
            painter.drawText(
                layout.lead_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                layout.lead,
            )
        text_fill = mix(palette.color(QPalette.ColorRole.Base), text_color, 0.10)
        for pill, label in layout.pills:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(text_fill)
            painter.drawRoundedRect(pill, m.gap, m.gap)
            painter.setPen(text_color)
            painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, label)
        if layout.rest is not None:
            painter.setPen(muted)
            painter.drawText(
                layout.rest,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"+{len(layout.hidden)}",
            )
        painter.restore()

    def line_layout(self, m: _Metrics, item: Item, inner: QRect, title_rect: QRect) -> _Line:
        """Where the last line's parts go. From the right: estimate, status chip; from the
        left: the key (whole if it fits), the category (backlog only, if it fits whole),
        then labels as pills, and "+N" for the labels that do not fit."""
        line = QRect(inner.left(), title_rect.bottom() + 1 + m.gap, inner.width(), m.chip_height)
        right = line.right()
        estimate = format_effort(item.estimate, self.unit)
        estimate_width = m.small.horizontalAdvance(estimate)
        estimate_rect = QRect(right - estimate_width, line.top(), estimate_width, line.height())
        right -= estimate_width + m.padding
        status_width = m.small.horizontalAdvance(STATUS_NAMES[item.status]) + m.padding
        status = QRectF(right - status_width, line.top(), status_width, line.height())
        right = int(status.left()) - m.gap

        left = line.left()
        available = max(0, right - left - m.gap)
        lead = item.external_key or ""
        if self.show_category:
            # The stripe's colour says the category already: its name only where the
            # key and every label still fit beside it.
            short = category(item.category).short
            both = f"{short} · {lead}" if lead else short
            pad = m.padding // 2
            labels = sum(m.small.horizontalAdvance(x) + 2 * pad + m.gap for x in item.labels)
            if m.small.horizontalAdvance(both) + m.padding + labels <= available:
                lead = both
        lead = m.small.elidedText(lead, Qt.TextElideMode.ElideRight, available) if lead else ""
        lead_rect = QRect(left, line.top(), available, line.height())
        if lead:
            left += m.small.horizontalAdvance(lead) + m.padding
        pills: list[tuple[QRectF, str]] = []
        rest: QRect | None = None
        hidden: tuple[str, ...] = ()
        end = right - m.gap
        pad = m.padding // 2
        for n, label in enumerate(item.labels):
            width = m.small.horizontalAdvance(label) + 2 * pad
            remaining = len(item.labels) - n - 1
            # Keep room for a "+2" after this pill if more labels follow.
            reserve = m.small.horizontalAdvance(f"+{remaining}") + m.gap if remaining else 0
            if left + width + reserve > end:
                hidden = item.labels[n:]
                text_width = m.small.horizontalAdvance(f"+{len(hidden)}")
                if left + text_width <= end:
                    rest = QRect(left, line.top(), text_width, line.height())
                break
            pills.append((QRectF(left, line.top(), width, line.height()), label))
            left += width + m.gap
        return _Line(estimate, estimate_rect, status, lead, lead_rect, pills, rest, hidden)

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: Index,
    ) -> bool:
        """Over "+N", name the labels it stands for; elsewhere the card's own tooltip."""
        item = index.data(ItemRole.ITEM)
        if event.type() == QEvent.Type.ToolTip and isinstance(item, Item) and item.labels:
            m = self.metrics(option.font)
            rect = QRect(option.rect).adjusted(m.margin, m.margin, -m.margin, -m.margin)
            inner = rect.adjusted(m.padding + m.stripe, m.padding, -m.padding, -m.padding)
            title_rect = QRect(inner.left(), inner.top(), inner.width(), m.title_height)
            layout = self.line_layout(m, item, inner, title_rect)
            if layout.rest is not None and layout.rest.adjusted(-2, -2, 2, 2).contains(event.pos()):
                noun = "label" if len(layout.hidden) == 1 else "labels"
                text = f"{len(layout.hidden)} more {noun}: {', '.join(layout.hidden)}"
                QToolTip.showText(event.globalPos(), text, view, layout.rest)
                return True
        return super().helpEvent(event, view, option, index)

    def _draw_status(
        self, painter: QPainter, m: _Metrics, palette: QPalette, status: str, chip: QRectF
    ) -> None:
        text = STATUS_NAMES[status]
        color = status_color(status, palette)
        painter.setPen(QPen(color, 1.0))
        if status == "todo":
            painter.setBrush(Qt.BrushStyle.NoBrush)
            text_color = color
        else:
            painter.setBrush(color)
            text_color = QColor("#ffffff") if color.lightness() < 160 else QColor("#101010")
        painter.drawRoundedRect(
            chip.adjusted(0.5, 0.5, -0.5, -0.5), chip.height() / 2, chip.height() / 2
        )
        painter.setPen(text_color)
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)


@dataclass(frozen=True, slots=True)
class _Line:
    """The laid-out last line of a card (see CardDelegate.line_layout)."""

    estimate_text: str
    estimate: QRect
    status: QRectF
    lead: str
    lead_rect: QRect
    pills: list[tuple[QRectF, str]]
    rest: QRect | None
    hidden: tuple[str, ...]


def two_lines(text: str, metrics: QFontMetrics, width: int) -> list[str]:
    """`text` broken at spaces into at most two lines of `width`, the second elided."""
    if metrics.horizontalAdvance(text) <= width:
        return [text]
    words = text.split(" ")
    first = words[0]
    taken = 1
    while taken < len(words) and metrics.horizontalAdvance(f"{first} {words[taken]}") <= width:
        first = f"{first} {words[taken]}"
        taken += 1
    if metrics.horizontalAdvance(first) > width:  # one word longer than the line
        return [metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)]
    rest = " ".join(words[taken:])
    return [first, metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)]
