"""The Charts tab: operations burden, on-product index, operations cost, hours per revenue.

This module imports pyqtgraph (half a second of start-up), and the main window
imports this module only when the Charts tab is first shown. Every chart is drawn from
the document: the burden from the plan file (cached per change), the index from the
lanes' running totals. History (periods over, and closed sprints) is solid; what is still
to come is a forecast, drawn lighter and dashed. The x axis names the sprints; each legend
sits below its plot, never on the data. Each chart says what is under the mouse and saves
itself as PNG.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import pairwise
from pathlib import Path

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QGraphicsItem,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from onproduct.domain.categories import CATEGORY_KEYS
from onproduct.domain.items import Sprint
from onproduct.domain.metrics import CategoryTotals, on_product_index, percent
from onproduct.domain.operations import Burden, scaling_note
from onproduct.domain.ranking import Bucket
from onproduct.ui.colors import category_color, is_dark, mix
from onproduct.ui.document import PlanDocument
from onproduct.ui.sprint_model import format_dates

# Forecast periods drawn after the last sprint, to show where planned automation leads.
FORECAST_PERIODS = 4
# Room above the highest value, so bar tops and dots do not touch the frame.
HEADROOM = 1.06


def stamp(day: date) -> float:
    """Seconds since the epoch at noon of a day: the x of a date axis."""
    return datetime.combine(day, time(12)).timestamp()


@dataclass(frozen=True, slots=True)
class Point:
    """A period of a chart, for the hover read-out."""

    x: float
    half_width: float
    text: str


class SprintAxis(pg.AxisItem):
    """The x axis: each period's name under its middle, only every k-th one when crowded.

    k is the smallest step at which no two names overlap at the axis's width in pixels,
    so the names thin out as the chart narrows instead of running into each other.
    """

    # How far a name may reach past the left end (over the empty corner under the y axis).
    LEFT_SLACK = 15

    def __init__(self, font: QFont) -> None:
        super().__init__(orientation="bottom")
        # Ticks point down to the names, not up into the bars.
        self.setStyle(tickFont=font, hideOverlappingLabels=self.LEFT_SLACK, tickLength=4)
        self._metrics = QFontMetricsF(font)
        self._longest = self._metrics.averageCharWidth() * 16
        self.names: list[tuple[float, str]] = []
        self.shown: dict[float, str] = {}

    def set_names(self, names: Sequence[tuple[float, str]]) -> None:
        """The periods' middles (x) and names, earliest first."""
        self.names = [
            (x, self._metrics.elidedText(name, Qt.TextElideMode.ElideRight, self._longest))
            for x, name in names
        ]
        self.picture = None
        self.update()

    def tickValues(  # type: ignore[override]
        self, minVal: float, maxVal: float, size: float
    ) -> list[tuple[float, list[float]]]:
        self.shown = {}
        names = [(x, name) for x, name in self.names if minVal <= x <= maxVal]
        if not names or size <= 0 or maxVal <= minVal:
            return []
        scale = size / (maxVal - minVal)
        pixels = [(x - minVal) * scale for x, _ in names]
        widths = [self._metrics.horizontalAdvance(name) for _, name in names]
        gap = self._metrics.averageCharWidth() * 2
        step = 1
        while step < len(names) and any(
            pixels[n + step] - pixels[n] < (widths[n] + widths[n + step]) / 2 + gap
            for n in range(0, len(names) - step, step)
        ):
            step += 1
        labelled = []
        for n in range(0, len(names), step):
            # A name that would reach past either end is left out rather than cut.
            if pixels[n] - widths[n] / 2 >= -self.LEFT_SLACK and pixels[n] + widths[n] / 2 <= size:
                labelled.append(names[n][0])
                self.shown[names[n][0]] = names[n][1]
        others = [x for x, _ in names if x not in self.shown]
        return [(1.0, labelled), (1.0, others)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self.shown.get(value, "") for value in values]


class Sample(pg.ItemSample):
    """A legend entry's picture; bars as a plain swatch (pyqtgraph adds a line through)."""

    def paint(self, painter: QPainter, *args: object) -> None:
        if not isinstance(self.item, pg.BarGraphItem) or not self.item.isVisible():
            super().paint(painter, *args)
            return
        painter.setPen(pg.mkPen(self.item.opts["pen"]))
        painter.setBrush(pg.mkBrush(self.item.opts["brush"]))
        painter.drawRect(QRectF(2, 2, 16, 16))


class RowLegend(pg.LegendItem):
    """A legend in the plot's layout under the x axis: as many entries a row as fit.

    pyqtgraph's own legend floats over the data; this one has a place of its own, so it
    never hides a bar or a line, and each entry is shown whole (it wraps, never elides).
    """

    SAMPLE_GAP = 6  # between an entry's sample and its name
    ENTRY_GAP = 18  # between entries

    def __init__(self, text_size: str) -> None:
        super().__init__(offset=None, frame=False, labelTextSize=text_size, sampleType=Sample)
        # Scale with the rest of the chart when saved larger than shown.
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, False)
        # As wide as its entries, but never what makes the plot wider than its window:
        # when the plot narrows, fit_width() wraps the entries into more rows.
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(0)
        self.layout.setHorizontalSpacing(0)
        self.layout.setVerticalSpacing(2)
        self.width_available = 0.0
        self.columns = 0

    def fit_width(self, width: float) -> None:
        """Lay the entries out in as many columns as `width` pixels hold (at least one)."""
        self.width_available = width
        self._lay_out()

    def _column_count(self) -> int:
        entries = [
            sample.effectiveSizeHint(Qt.SizeHint.PreferredSize).width()
            + self.SAMPLE_GAP
            + label.effectiveSizeHint(Qt.SizeHint.PreferredSize).width()
            + self.ENTRY_GAP
            for sample, label in self.items
        ]
        for count in range(len(entries), 1, -1):
            if sum(max(entries[n::count]) for n in range(count)) <= self.width_available:
                return count
        return 1

    def _lay_out(self) -> None:
        columns = self._column_count()
        for n in reversed(range(self.layout.count())):
            self.layout.removeAt(n)
        for n, (sample, label) in enumerate(self.items):
            row, column = divmod(n, columns)
            self.layout.addItem(sample, row, 2 * column, Qt.AlignmentFlag.AlignVCenter)
            self.layout.addItem(label, row, 2 * column + 1, Qt.AlignmentFlag.AlignVCenter)
        for column in range(columns):
            self.layout.setColumnSpacing(2 * column, self.SAMPLE_GAP)
            self.layout.setColumnSpacing(2 * column + 1, self.ENTRY_GAP)
        self.columns = columns
        self.updateGeometry()

    # pyqtgraph places each new entry itself and sizes the legend by hand: here the
    # legend lays its entries out again, and the plot's layout gives it its place.
    def _addItemToLayout(self, sample: object, label: object) -> None:
        pass

    def updateSize(self) -> None:
        self._lay_out()

    def mouseDragEvent(self, ev: object) -> None:  # it has its place: not draggable
        ev.ignore()  # type: ignore[attr-defined]


class Note(QLabel):
    """A remark under a chart: two lines, hidden when there is nothing to say."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 4)
        self.hide()

    def hasHeightForWidth(self) -> bool:
        # Fixed at two lines. A wrapped label's height-for-width would make the grid give
        # the row of a chart with a note far more room than the row of one without.
        return False


class ChartPanel(QWidget):
    """One chart with its title, legend, a read-out of what is under the mouse, and Save."""

    def __init__(self, title: str, y_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.heading = QLabel(title)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.save_button = QPushButton("Save as PNG…")
        self.save_button.setToolTip(f"Save “{title}” as a picture")
        self.save_button.clicked.connect(self.ask_save)
        self.axis = SprintAxis(QFont(self.font()))
        self.plot = pg.PlotWidget(axisItems={"bottom": self.axis})
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setLabel("left", y_label)
        self.plot.setAccessibleName(title)
        points = self.font().pointSizeF()
        self.legend = RowLegend(f"{points:g}pt" if points > 0 else "9pt")
        plot_item = self.plot.plotItem
        # A row of its own under the x axis (rows 0-3 are the title, the axes and the data),
        # across the whole chart; PlotItem.addItem(..., name=...) adds entries to it.
        plot_item.layout.addItem(self.legend, 4, 0, 1, 3, Qt.AlignmentFlag.AlignHCenter)
        plot_item.layout.setRowSpacing(3, 4)
        plot_item.legend = self.legend
        plot_item.geometryChanged.connect(self._fit_legend)
        # Room for the top value's label (centred on the frame's edge) and the last name.
        half_line = self.fontMetrics().height() // 2
        plot_item.layout.setContentsMargins(1, half_line, half_line, 1)
        self.readout = QLabel(" ")
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.note = Note()
        self.points: list[Point] = []
        self.plot.scene().sigMouseMoved.connect(self._hover)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.readout)
        layout.addWidget(self.note)
        self.plot.setMinimumHeight(self.fontMetrics().height() * 12)

    def sizeHint(self) -> QSize:
        unit = self.fontMetrics().height()
        return QSize(unit * 30, unit * 18)

    def _fit_legend(self) -> None:
        margins = self.plot.plotItem.layout.getContentsMargins()
        width = self.plot.plotItem.width() - margins[0] - margins[2]
        if width > 0 and width != self.legend.width_available:
            self.legend.fit_width(width)

    def clear(self) -> None:
        self.plot.clear()
        self.legend.clear()
        self.points = []
        self.readout.setText(" ")
        self.set_note("")
        self.plot.show()

    def empty(self, message: str) -> None:
        """Nothing to draw yet: say what would make the chart, instead of empty axes."""
        self.plot.hide()
        self.set_note(message)

    def set_note(self, text: str) -> None:
        """A remark under the chart; without one the chart has those lines for itself."""
        self.note.setText(text)
        self.note.setVisible(bool(text.strip()))

    def name_periods(self, entries: Sequence[Burden]) -> None:
        """Label the x axis: sprints by name, forecast periods after them by their start."""
        self.axis.set_names(
            [
                (
                    _middle(b),
                    b.period.name
                    if b.period.sprint_id is not None
                    else f"{b.period.start.day} {b.period.start:%b}",
                )
                for b in entries
            ]
        )

    def fit(self, first: float, last: float, top: float) -> None:
        """Show these dates and values, with a little room above the highest."""
        margin = (last - first) * 0.02
        self.plot.setXRange(first - margin, last + margin, padding=0)
        self.plot.setYRange(0, max(top, 1e-9) * HEADROOM, padding=0)

    def add_swatch(self, name: str, brush: QColor, pen: QColor) -> None:
        """A legend entry for things drawn without one of their own (the forecast)."""
        sample = pg.BarGraphItem(
            x=[0],
            height=[0],
            width=0,
            brush=pg.mkBrush(brush),
            pen=pg.mkPen(pen, style=Qt.PenStyle.DashLine),
        )
        self.legend.addItem(sample, name)

    def style(self, palette: QPalette) -> None:
        """Follow the window's palette: light or dark."""
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        self.plot.setBackground(base)
        for axis in ("left", "bottom"):
            item = self.plot.getAxis(axis)
            item.setPen(pg.mkPen(mix(base, text, 0.6)))
            item.setTextPen(pg.mkPen(text))
        self.legend.setLabelTextColor(text)

    def _hover(self, position: QPointF) -> None:
        # Over the data or the sprint names, not over the legend.
        area = self.plot.plotItem.vb.sceneBoundingRect().united(self.axis.sceneBoundingRect())
        if not self.points or not area.contains(position):
            return
        x = self.plot.plotItem.vb.mapSceneToView(position).x()
        nearest = min(self.points, key=lambda p: abs(p.x - x))
        if abs(nearest.x - x) <= nearest.half_width:
            self.readout.setText(nearest.text)

    def save_png(self, path: Path, width: int | None = None) -> Path:
        """Write the chart to a PNG, `width` pixels wide (default: as shown on screen)."""
        exporter = pg.exporters.ImageExporter(self.plot.plotItem)
        pixels = width or round(self.plot.width() * self.plot.devicePixelRatioF())
        exporter.parameters()["width"] = pixels
        exporter.export(str(path))
        return path

    def ask_save(self) -> None:
        name = self.title.lower().replace(" ", "-").replace(",", "") + ".png"
        path, _ = QFileDialog.getSaveFileName(self, "Save Chart", name, "PNG pictures (*.png)")
        if path:
            self.save_png(Path(path) if path.lower().endswith(".png") else Path(path + ".png"))


class ChartsPage(QWidget):
    """The four charts of the plan, redrawn whenever the plan changes while they show."""

    def __init__(self, document: PlanDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._document = document
        self.burden_chart = ChartPanel("Operations burden per sprint", "hours")
        self.index_chart = ChartPanel("On-product index per sprint", "%")
        self.cost_chart = ChartPanel("Operations cost per sprint", "cost")
        self.revenue_chart = ChartPanel("Operations hours per unit of revenue", "hours per unit")
        grid = QGridLayout(self)
        grid.addWidget(self.burden_chart, 0, 0)
        grid.addWidget(self.index_chart, 0, 1)
        grid.addWidget(self.cost_chart, 1, 0)
        grid.addWidget(self.revenue_chart, 1, 1)
        for n in range(2):
            grid.setRowStretch(n, 1)
            grid.setColumnStretch(n, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self._refresh_if_shown)
        self._drawn_revision = -1
        document.changed.connect(self._schedule)
        document.settingsChanged.connect(self._schedule)
        self.refresh()

    def charts(self) -> list[ChartPanel]:
        return [self.burden_chart, self.index_chart, self.cost_chart, self.revenue_chart]

    def set_document(self, document: PlanDocument) -> None:
        self._document.changed.disconnect(self._schedule)
        self._document.settingsChanged.disconnect(self._schedule)
        self._document = document
        document.changed.connect(self._schedule)
        document.settingsChanged.connect(self._schedule)
        self._drawn_revision = -1
        self.refresh()

    def _schedule(self) -> None:
        # Many changes can come in one go (an import, several undos): draw once.
        self._timer.start()

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        if self._drawn_revision != self._document.revision:
            self.refresh()

    def _refresh_if_shown(self) -> None:
        # Hidden charts are not redrawn on every change, but when next shown.
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Draw every chart from the document now."""
        document = self._document
        document.finish_loading()  # every sprint's totals
        palette = self.palette()
        for chart in self.charts():
            chart.clear()
            chart.style(palette)
        burden = document.burden(extra=FORECAST_PERIODS)
        for chart in self.charts():
            chart.name_periods(burden)
        self._draw_burden(burden, palette)
        self._draw_index(burden, palette)
        self._draw_cost(burden, palette)
        self._draw_revenue(burden, palette)
        self._drawn_revision = document.revision

    def _forecast(self, entry: Burden) -> bool:
        """Still to come (the domain's rule: not over, not closed, not recorded)."""
        return entry.forecast

    # ------------------------------------------------------------ the charts

    def _bars(
        self,
        chart: ChartPanel,
        entries: Sequence[Burden],
        heights: Sequence[float],
        bottoms: Sequence[float],
        color: QColor,
        name: str,
        palette: QPalette,
    ) -> None:
        history = [n for n, b in enumerate(entries) if not self._forecast(b)]
        coming = [n for n, b in enumerate(entries) if self._forecast(b)]
        for rows, forecast in ((history, False), (coming, True)):
            if not rows:
                continue
            xs = [_middle(entries[n]) for n in rows]
            widths = [_width(entries[n]) for n in rows]
            fill = QColor(color)
            if forecast:
                fill = mix(palette.color(QPalette.ColorRole.Base), color, 0.45)
            bars = pg.BarGraphItem(
                x=xs,
                height=[heights[n] for n in rows],
                y0=[bottoms[n] for n in rows],
                width=widths,
                brush=pg.mkBrush(fill),
                pen=pg.mkPen(
                    color,
                    width=1,
                    style=Qt.PenStyle.DashLine if forecast else Qt.PenStyle.SolidLine,
                ),
            )
            chart.plot.addItem(bars)
            if not forecast:
                chart.legend.addItem(bars, name)

    def _line(
        self,
        chart: ChartPanel,
        xs: Sequence[float],
        ys: Sequence[float],
        forecast: Sequence[bool],
        color: QColor,
        name: str,
        palette: QPalette,
    ) -> None:
        """A line with dots: solid through history, lighter and dashed where it is a forecast."""
        count = len(xs)
        # A stretch is a forecast if either end is: the dashed line starts at the last fact.
        dashed = [n for n in range(count - 1) if forecast[n] or forecast[n + 1]]
        entries = []
        if dashed or (count == 1 and forecast[0]):
            shown = sorted({n for d in dashed for n in (d, d + 1)}) or [0]
            light = mix(palette.color(QPalette.ColorRole.Base), color, 0.55)
            coming = chart.plot.plot(
                [xs[n] for n in shown],
                [ys[n] for n in shown],
                connect=_joined(shown, lambda n: n in dashed),
                pen=pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine),
                symbol="o",
                symbolSize=7,
                symbolPen=pg.mkPen(color),
                symbolBrush=pg.mkBrush(light),
            )
            entries.append((coming, "Forecast" if not all(forecast) else f"{name} (forecast)"))
        solid = [n for n in range(count) if not forecast[n]]
        if solid:
            # Drawn after the forecast: its dot covers the dashed line's first one.
            history = chart.plot.plot(
                [xs[n] for n in solid],
                [ys[n] for n in solid],
                connect=_joined(solid, lambda n: True),
                pen=pg.mkPen(color, width=2),
                symbol="o",
                symbolSize=7,
                symbolPen=pg.mkPen(color),
                symbolBrush=pg.mkBrush(color),
            )
            entries.insert(0, (history, name))
        for item, text in entries:
            chart.legend.addItem(item, text)

    def _forecast_swatch(
        self, chart: ChartPanel, burden: Sequence[Burden], palette: QPalette
    ) -> None:
        if any(self._forecast(b) for b in burden):
            base = palette.color(QPalette.ColorRole.Base)
            text = palette.color(QPalette.ColorRole.Text)
            chart.add_swatch("Forecast", mix(base, text, 0.2), mix(base, text, 0.6))

    def _draw_burden(self, burden: Sequence[Burden], palette: QPalette) -> None:
        chart = self.burden_chart
        if not burden:
            chart.empty("Add sprints to see the operations burden per sprint.")
            return
        product = [b.product_hours for b in burden]
        dev = [b.dev_hours for b in burden]
        self._bars(
            chart,
            burden,
            product,
            [0.0] * len(burden),
            category_color("product_ops", palette),
            "Product operations",
            palette,
        )
        self._bars(
            chart,
            burden,
            dev,
            product,
            category_color("dev_ops", palette),
            "Development operations",
            palette,
        )
        self._forecast_swatch(chart, burden, palette)
        planned = [
            (_middle(b), s.baseline.product_ops_hours + s.baseline.dev_ops_hours)
            for b in burden
            if (s := self._sprint(b)) is not None and s.baseline is not None
        ]
        if planned:
            chart.plot.plot(
                [x for x, _ in planned],
                [y for _, y in planned],
                pen=None,
                symbol="t1",
                symbolSize=12,
                symbolBrush=pg.mkBrush(palette.color(QPalette.ColorRole.Text)),
                name="Planned (baseline)",
            )
        top = max([p + d for p, d in zip(product, dev, strict=True)] + [y for _, y in planned])
        chart.fit(stamp(burden[0].period.start), stamp(burden[-1].period.end), top)
        chart.points = [
            Point(
                _middle(b),
                _width(b) / 2,
                f"{b.period.name}, {format_dates(b.period.start, b.period.end)}:"
                f" product {b.product_hours:.1f} h, development {b.dev_hours:.1f} h"
                + (" (recorded)" if b.recorded else " (forecast)" if self._forecast(b) else ""),
            )
            for b in burden
        ]

    def _draw_index(self, burden: Sequence[Burden], palette: QPalette) -> None:
        chart = self.index_chart
        document = self._document
        sprints = document.sprints.sprints()
        if not sprints:
            return
        settings = document.settings
        low, high = settings.band_range
        # The same stretch of time as the other charts, forecast periods included.
        first, last = stamp(burden[0].period.start), stamp(burden[-1].period.end)
        band_color = QColor("#2e8b57")
        band_color.setAlpha(60 if not is_dark(palette) else 90)
        bottom = pg.PlotCurveItem([first, last], [low * 100, low * 100], pen=pg.mkPen(None))
        top = pg.PlotCurveItem([first, last], [high * 100, high * 100], pen=pg.mkPen(None))
        chart.plot.addItem(bottom)
        chart.plot.addItem(top)
        chart.plot.addItem(pg.FillBetweenItem(bottom, top, brush=pg.mkBrush(band_color)))
        target = chart.plot.plot(
            [first, last],
            [settings.target * 100] * 2,
            pen=pg.mkPen(
                palette.color(QPalette.ColorRole.Text), width=1, style=Qt.PenStyle.DashLine
            ),
        )
        coming = {b.period.sprint_id for b in burden if self._forecast(b)}
        points = []
        xs: list[float] = []
        values: list[float] = []
        forecast: list[bool] = []
        planned_points: list[tuple[float, float]] = []
        for sprint in sprints:
            totals = {k: document.items.totals(Bucket(sprint.id, k)) for k in CATEGORY_KEYS}
            index = on_product_index(totals, settings.basis)
            x = stamp(sprint.start) + (stamp(sprint.end) - stamp(sprint.start)) / 2
            text = f"{sprint.name}: {percent(index)} by {settings.basis}"
            if sprint.baseline is not None:
                planned = on_product_index(
                    {
                        k: CategoryTotals(sprint.baseline.count_by_category.get(k, 0), v)
                        for k, v in sprint.baseline.effort_by_category.items()
                    },
                    settings.basis,
                )
                text += f" (planned {percent(planned)})"
                if planned is not None:
                    planned_points.append((x, planned * 100))
            points.append(Point(x, (stamp(sprint.end) - stamp(sprint.start)) / 2, text))
            if index is not None:
                xs.append(x)
                values.append(index * 100)
                forecast.append(sprint.id in coming)
        color = category_color("feature", palette)
        self._line(chart, xs, values, forecast, color, "On-product index", palette)
        if planned_points:
            chart.plot.plot(
                [x for x, _ in planned_points],
                [y for _, y in planned_points],
                pen=None,
                symbol="t1",
                symbolSize=12,
                symbolBrush=pg.mkBrush(palette.color(QPalette.ColorRole.Text)),
                name="Planned (baseline)",
            )
        chart.legend.addItem(
            target, f"Target {percent(settings.target)} ± {settings.band * 100:.0f}"
        )
        chart.fit(first, last, 100)
        chart.plot.getAxis("left").setTicks([[(v, str(v)) for v in range(0, 101, 20)]])
        chart.points = points

    def _draw_cost(self, burden: Sequence[Burden], palette: QPalette) -> None:
        chart = self.cost_chart
        settings = self._document.settings
        rate = settings.hourly_cost
        scale = rate if rate is not None else 1.0
        chart.plot.setLabel("left", "cost" if rate is not None else "hours")
        if rate is None:
            chart.set_note("Set an hourly cost in Plan Settings to see these hours as a cost.")
        if not burden:
            return
        product = [b.product_hours * scale for b in burden]
        dev = [b.dev_hours * scale for b in burden]
        self._bars(
            chart,
            burden,
            product,
            [0.0] * len(burden),
            category_color("product_ops", palette),
            "Product operations",
            palette,
        )
        self._bars(
            chart,
            burden,
            dev,
            product,
            category_color("dev_ops", palette),
            "Development operations",
            palette,
        )
        self._forecast_swatch(chart, burden, palette)
        limit_x: list[float] = []
        limit_y: list[float] = []
        for b in burden:
            value = settings.ops_threshold * b.period.weeks * scale
            limit_x += [stamp(b.period.start), stamp(b.period.end)]
            limit_y += [value, value]
        chart.plot.plot(
            limit_x, limit_y,
            pen=pg.mkPen(QColor("#c62828"), width=2, style=Qt.PenStyle.DashLine),
            name=f"One person ({settings.ops_threshold:g} h a week)",
        )  # fmt: skip
        top = max([p + d for p, d in zip(product, dev, strict=True)] + limit_y)
        chart.fit(stamp(burden[0].period.start), stamp(burden[-1].period.end), top)
        unit = "" if rate is None else " cost"
        chart.points = [
            Point(
                _middle(b),
                _width(b) / 2,
                f"{b.period.name}: product {b.product_hours * scale:,.0f}, development"
                f" {b.dev_hours * scale:,.0f}{unit};"
                f" one person {settings.ops_threshold * b.period.weeks * scale:,.0f}",
            )
            for b in burden
        ]

    def _draw_revenue(self, burden: Sequence[Burden], palette: QPalette) -> None:
        chart = self.revenue_chart
        unit = self._document.settings.revenue_unit
        chart.plot.setLabel("left", f"hours per {unit}")
        with_revenue = [b for b in burden if b.hours_per_revenue is not None]
        if not with_revenue:
            chart.empty(
                "Record revenue per sprint (Edit Sprint, or Close Sprint) to see whether"
                " operations hours grow with it."
            )
            return
        xs = [_middle(b) for b in with_revenue]
        ys = [b.hours_per_revenue or 0.0 for b in with_revenue]
        color = category_color("automation", palette)
        forecast = [self._forecast(b) for b in with_revenue]
        self._line(chart, xs, ys, forecast, color, f"Operations hours per {unit}", palette)
        chart.fit(stamp(burden[0].period.start), stamp(burden[-1].period.end), max(ys))
        note = scaling_note(burden, unit)
        chart.set_note(note.text if note is not None else "")
        chart.points = [
            Point(_middle(b), _width(b) / 2, f"{b.period.name}: {b.total_hours:.1f} h for"
                  f" {b.period.revenue:g} {unit}, {b.hours_per_revenue:.2f} h per {unit}")
            for b in with_revenue
        ]  # fmt: skip

    def _sprint(self, entry: Burden) -> Sprint | None:
        if entry.period.sprint_id is None:
            return None
        try:
            return self._document.sprints.sprint(entry.period.sprint_id)
        except KeyError:
            return None


def _joined(rows: Sequence[int], joins: Callable[[int], bool]) -> np.ndarray:
    """pyqtgraph's `connect`: a line from each row to the next only where they are
    neighbours (no line across a gap) and `joins(row)` says so."""
    flags = [b == a + 1 and joins(a) for a, b in pairwise(rows)]
    return np.array([*flags, False], dtype=bool)


def _middle(entry: Burden) -> float:
    return (stamp(entry.period.start) + stamp(entry.period.end)) / 2


def _width(entry: Burden) -> float:
    return (stamp(entry.period.end) - stamp(entry.period.start) + 86400) * 0.8
