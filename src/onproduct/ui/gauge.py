"""The live gauge: a painted dial of the on-product index and a bar of the sprint's capacity.

Both widgets only paint the Metrics they are given; the board computes those from the
running totals of the lanes on every change, so the gauge always shows what the lanes
show. All sizes come from font metrics, so they stay crisp and in proportion at any
scale factor; all colours come from the palette or the category colours.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from onproduct.domain.categories import CATEGORIES
from onproduct.domain.metrics import (
    Advice,
    BandState,
    Metrics,
    WarningKind,
    operations_text,
    percent,
)
from onproduct.domain.settings import PlanSettings, stage_name
from onproduct.ui.colors import category_color, is_dark, mix, muted_text

_STATE_WORDS = {
    BandState.UNDER: "below target",
    BandState.INSIDE: "on target",
    BandState.OVER: "above target",
    BandState.UNDEFINED: "no development work",
}


def state_color(state: BandState, palette: QPalette) -> QColor:
    """Green inside the band, amber outside it, grey when there is nothing to measure."""
    if state is BandState.UNDEFINED:
        return muted_text(palette)
    color = QColor("#2e8b57" if state is BandState.INSIDE else "#c77800")
    return color.lighter(145) if is_dark(palette) else color


def _small(font: QFont, scale: float = 0.85) -> QFont:
    small = QFont(font)
    small.setPointSizeF(max(font.pointSizeF() * scale, 6.0))
    return small


class IndexDial(QWidget):
    """A half-circle dial from 0% to 100%: the target band, the index, its state."""

    # Double-click: the user wants to change the target.
    doubleClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metrics: Metrics | None = None
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("On-product index")

    def set_metrics(self, metrics: Metrics | None) -> None:
        self.metrics = metrics
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        m = self.metrics
        if m is None:
            return "No sprint"
        low, high = m.band
        return (
            f"On-product index {percent(m.index)} by {m.basis}, {_STATE_WORDS[m.state]}"
            f" (target {percent(low)} to {percent(high)})"
        )

    def _value_font(self) -> QFont:
        big = QFont(self.font())
        big.setPointSizeF(self.font().pointSizeF() * 1.7)
        big.setWeight(QFont.Weight.Bold)
        return big

    def sizeHint(self) -> QSize:
        unit = QFontMetrics(self.font()).height()
        value = QFontMetrics(self._value_font()).height()
        return QSize(round(unit * 10.5), round(unit * 5.2) + value)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.doubleClicked.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        unit = QFontMetrics(self.font()).height()
        big = self._value_font()
        value_height = QFontMetrics(big).height()
        thickness = unit * 0.7
        top = thickness * 0.75  # room for the target tick, which reaches past the arc
        gap = unit * 0.2
        # The half circle, then the value under its centre, all inside the widget.
        end_label = QFontMetrics(_small(self.font(), 0.8)).horizontalAdvance("100%")
        radius = min(
            self.width() / 2 - max(thickness, end_label / 2) - 1,
            self.height() - top - gap - value_height,
        )
        center = QPointF(self.width() / 2, top + radius)
        arc = QRectF(center.x() - radius, center.y() - radius, 2 * radius, 2 * radius)

        def draw_arc(start: float, end: float, color: QColor, width: float) -> None:
            # Fractions 0..1 run from the left end (180 degrees) to the right end (0 degrees).
            pen = QPen(color, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            span = -(end - start) * 180 * 16
            painter.drawArc(arc, round((180 - start * 180) * 16), round(span))

        track = mix(
            palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text), 0.12
        )
        draw_arc(0.0, 1.0, track, thickness)
        m = self.metrics
        if m is not None:
            band_color = mix(track, state_color(BandState.INSIDE, palette), 0.55)
            draw_arc(m.band[0], m.band[1], band_color, thickness)
            # Target tick across the band.
            self._tick(
                painter, center, radius, thickness, m.target, palette.color(QPalette.ColorRole.Text)
            )

        # End labels, under the ends of the arc.
        painter.setFont(_small(self.font(), 0.8))
        painter.setPen(muted_text(palette))
        label_y = center.y() + gap
        for x, text in ((center.x() - radius, "0%"), (center.x() + radius, "100%")):
            painter.drawText(
                QRectF(x - end_label / 2 - 1, label_y, end_label + 2, unit),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                text,
            )

        color = state_color(m.state, palette) if m is not None else muted_text(palette)
        if m is not None and m.index is not None:
            angle = math.pi * (1 - max(0.0, min(1.0, m.index)))
            tip = QPointF(
                center.x() + math.cos(angle) * (radius + thickness * 0.45),
                center.y() - math.sin(angle) * (radius + thickness * 0.45),
            )
            painter.setPen(
                QPen(color, max(2.0, unit / 7), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
            )
            painter.drawLine(center, tip)
            painter.setBrush(color)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(center, unit / 4, unit / 4)

        # The value, large, under the centre.
        painter.setFont(big)
        painter.setPen(color)
        value = percent(m.index) if m is not None else "—"
        painter.drawText(
            QRectF(0, center.y() + gap, self.width(), value_height),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            value,
        )

    def _tick(
        self,
        painter: QPainter,
        center: QPointF,
        radius: float,
        thickness: float,
        fraction: float,
        color: QColor,
    ) -> None:
        angle = math.pi * (1 - fraction)
        inner = radius - thickness * 0.7
        outer = radius + thickness * 0.7
        painter.setPen(QPen(color, max(1.5, thickness / 6)))
        painter.drawLine(
            QPointF(center.x() + math.cos(angle) * inner, center.y() - math.sin(angle) * inner),
            QPointF(center.x() + math.cos(angle) * outer, center.y() - math.sin(angle) * outer),
        )


class CapacityBar(QWidget):
    """Planned effort by category against the sprint's capacity; the excess hatched."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metrics: Metrics | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Capacity")

    def set_metrics(self, metrics: Metrics | None) -> None:
        self.metrics = metrics
        self.update()

    def sizeHint(self) -> QSize:
        unit = QFontMetrics(self.font()).height()
        return QSize(unit * 14, round(unit * 1.1))

    def minimumSizeHint(self) -> QSize:
        unit = QFontMetrics(self.font()).height()
        return QSize(unit * 6, round(unit * 1.1))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        radius = rect.height() / 4
        base = mix(
            palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text), 0.08
        )
        outline = QPainterPath()
        outline.addRoundedRect(rect, radius, radius)
        painter.fillPath(outline, base)
        m = self.metrics
        if m is None or (m.effort <= 0 and not m.capacity):
            self._outline(painter, outline, palette)
            return
        capacity = m.capacity or 0.0
        scale = max(m.effort, capacity) or 1.0
        painter.save()
        painter.setClipPath(outline)
        x = rect.left()
        for cat in CATEGORIES:
            effort = m.effort_by_category.get(cat.key, 0.0)
            if effort <= 0:
                continue
            width = rect.width() * effort / scale
            painter.fillRect(
                QRectF(x, rect.top(), width, rect.height()), category_color(cat.key, palette)
            )
            x += width
        if capacity and m.effort > capacity:
            start = rect.left() + rect.width() * capacity / scale
            excess = QRectF(start, rect.top(), rect.right() - start, rect.height())
            danger = QColor("#c62828").lighter(130 if is_dark(palette) else 100)
            painter.fillRect(excess, QColor(danger.red(), danger.green(), danger.blue(), 90))
            painter.fillRect(excess, QBrush(danger, Qt.BrushStyle.BDiagPattern))
        painter.restore()
        if capacity:
            mark = rect.left() + rect.width() * capacity / scale
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Text), 2.0))
            painter.drawLine(QPointF(mark, rect.top() - 1), QPointF(mark, rect.bottom() + 1))
        self._outline(painter, outline, palette)

    def _outline(self, painter: QPainter, outline: QPainterPath, palette: QPalette) -> None:
        painter.setPen(
            QPen(
                mix(
                    palette.color(QPalette.ColorRole.Base),
                    palette.color(QPalette.ColorRole.Text),
                    0.3,
                ),
                1.0,
            )
        )
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(outline)


class GaugePanel(QWidget):
    """Dial, the numbers behind it, the capacity bar and the warnings, in one strip."""

    # The user asked to change the target (double-click on the dial).
    settingsRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.metrics: Metrics | None = None
        self.dial = IndexDial()
        self.dial.setToolTip("On-product index of the sprint. Double-click to change the target.")
        self.dial.doubleClicked.connect(self.settingsRequested)

        def label(bold: bool = False, small: bool = False) -> QLabel:
            widget = QLabel()
            widget.setTextFormat(Qt.TextFormat.PlainText)
            if bold:
                font = QFont(self.font())
                font.setWeight(QFont.Weight.Bold)
                widget.setFont(font)
            if small:
                widget.setFont(_small(self.font()))
            return widget

        self.state_label = label(bold=True)
        self.basis_label = label()
        self.other_label = label()
        self.stage_label = label(small=True)
        self.unestimated_label = label(small=True)
        numbers = QVBoxLayout()
        numbers.setSpacing(2)
        numbers.addStretch(1)
        for widget in (
            self.state_label,
            self.basis_label,
            self.other_label,
            self.stage_label,
            self.unestimated_label,
        ):
            numbers.addWidget(widget)
        numbers.addStretch(1)

        self.capacity_title = label(bold=True)
        self.capacity_title.setText("Capacity")
        self.capacity_bar = CapacityBar()
        self.capacity_label = label()
        self.operations_label = label()
        capacity = QVBoxLayout()
        capacity.setSpacing(4)
        capacity.addStretch(1)
        for widget in (
            self.capacity_title,
            self.capacity_bar,
            self.capacity_label,
            self.operations_label,
        ):
            capacity.addWidget(widget)
        capacity.addStretch(1)

        # One label per kind of warning, shown or hidden: warnings come and go on every
        # drop, and replacing widgets would leave the old ones painted until deleted.
        warnings = QVBoxLayout()
        warnings.setSpacing(4)
        warnings.addStretch(1)
        self.warning_labels: list[QLabel] = []
        for _ in WarningKind:
            warning = QLabel()
            warning.setWordWrap(True)
            warning.setTextFormat(Qt.TextFormat.PlainText)
            warning.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            warning.hide()
            warnings.addWidget(warning)
            self.warning_labels.append(warning)
        self.all_clear = label(small=True)
        self.all_clear.setText("Nothing needs attention.")
        quiet = self.all_clear.palette()
        quiet.setColor(QPalette.ColorRole.WindowText, muted_text(quiet))
        self.all_clear.setPalette(quiet)
        warnings.addWidget(self.all_clear)
        warnings.addStretch(1)
        self.warnings_box = QWidget()
        self.warnings_box.setLayout(warnings)
        self.warnings_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        layout = QHBoxLayout(self)
        char = self.fontMetrics().averageCharWidth()
        unit = self.fontMetrics().height()
        layout.setContentsMargins(char * 2, unit // 3, char * 2, unit // 3)
        layout.setSpacing(char * 3)
        # Fixed column widths, so nothing jumps sideways as the figures change.
        numbers_box = QWidget()
        numbers_box.setLayout(numbers)
        numbers_box.setFixedWidth(char * 40)
        capacity_box = QWidget()
        capacity_box.setLayout(capacity)
        capacity_box.setFixedWidth(char * 52)
        for box in (numbers_box, capacity_box):
            box.layout().setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.basis_label,
            self.other_label,
            self.unestimated_label,
            self.capacity_label,
            self.operations_label,
        ):
            widget.setWordWrap(True)
        layout.addWidget(self.dial)
        layout.addWidget(numbers_box)
        layout.addWidget(capacity_box)
        layout.addWidget(self.warnings_box, 1)
        self.warnings_box.layout().setContentsMargins(0, 0, 0, 0)
        self.setAccessibleName("Sprint gauge")

    def paintEvent(self, event: QPaintEvent) -> None:
        # A card of its own, so the figures read as one thing apart from the lanes.
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        base = palette.color(QPalette.ColorRole.Base)
        painter.setPen(QPen(mix(base, palette.color(QPalette.ColorRole.Text), 0.18), 1.0))
        painter.setBrush(base)
        radius = self.fontMetrics().height() / 3
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)

    def set_metrics(
        self, metrics: Metrics | None, advice: list[Advice], settings: PlanSettings
    ) -> None:
        """Show new figures; called on every change, so it only sets text and repaints."""
        self.metrics = metrics
        self.dial.set_metrics(metrics)
        self.capacity_bar.set_metrics(metrics)
        unit = settings.unit
        if metrics is None:
            for widget in (self.basis_label, self.other_label, self.stage_label):
                widget.setText("")
            self.state_label.setText("No sprint to measure")
            self.unestimated_label.setText("")
            self.capacity_label.setText("")
            self.operations_label.setText("")
            self._show_advice([])
            return
        low, high = metrics.band
        stage = f"Stage: {stage_name(settings.stage).lower()}"
        if not settings.follows_stage and settings.stage != "custom":
            stage += " (target adjusted)"
        self.stage_label.setText(stage)
        self.state_label.setText(_STATE_WORDS[metrics.state].capitalize())
        color = state_color(metrics.state, self.palette())
        if self.state_label.palette().color(QPalette.ColorRole.WindowText) != color:
            palette = self.palette()
            palette.setColor(QPalette.ColorRole.WindowText, color)
            self.state_label.setPalette(palette)  # a palette change reaches every child
        self.basis_label.setText(f"By {metrics.basis}; target {percent(low)}–{percent(high)}")
        self.other_label.setText(f"By {metrics.other_basis}: {percent(metrics.other_index)}")
        if metrics.unestimated:
            said = (
                "item has no estimate and weighs"
                if metrics.unestimated == 1
                else "items have no estimate and weigh"
            )
            self.unestimated_label.setText(f"{metrics.unestimated} {said} nothing by effort")
        else:
            self.unestimated_label.setText("")
        if metrics.capacity:
            text = (
                f"{metrics.effort:g} of {metrics.capacity:g} {unit} planned"
                f" ({percent(metrics.capacity_use)})"
            )
            if metrics.over_capacity:
                text += f", {metrics.over_capacity:g} {unit} over"
        else:
            text = f"{metrics.effort:g} {unit} planned; the sprint has no capacity set"
        self.capacity_label.setText(text)
        self.operations_label.setText(operations_text(metrics, unit))
        self._show_advice(advice)

    def advice_texts(self) -> list[str]:
        """The warnings shown, in order."""
        return [
            label.text().removeprefix("⚠ ") for label in self.warning_labels if not label.isHidden()
        ]

    def _show_advice(self, advice: list[Advice]) -> None:
        self.all_clear.setVisible(not advice and self.metrics is not None)
        for n, label in enumerate(self.warning_labels):
            if n < len(advice):
                label.setText(f"⚠ {advice[n].text}")
                label.show()
            else:
                label.hide()
