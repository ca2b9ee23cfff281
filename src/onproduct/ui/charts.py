"""The Charts tab: operations burden, on-product index, operations cost, hours per revenue.

This module imports pyqtgraph (half a second of start-up), and the main window
imports this module only when the Charts tab is first shown. Every chart is drawn from
the document: the burden from the plan file (cached per change), the index from the
lanes' running totals. History is solid; what is still to come is a forecast, drawn
lighter and dashed. Each chart says what is under the mouse and saves itself as PNG.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import pyqtgraph as pg
import pyqtgraph.exporters
from PySide6.QtCore import QPointF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
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


def stamp(day: date) -> float:
    """Seconds since the epoch at noon of a day: the x of a date axis."""
    return datetime.combine(day, time(12)).timestamp()


@dataclass(frozen=True, slots=True)
class Point:
    """A period of a chart, for the hover read-out."""

    x: float
    half_width: float
    text: str


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
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(orientation="bottom")})
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setLabel("left", y_label)
        self.plot.setAccessibleName(title)
        # One row of entries across the top; fit() keeps headroom above the data for it.
        self.legend = self.plot.addLegend(offset=(8, 4), colCount=3, horSpacing=16)
        self.readout = QLabel(" ")
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.note = QLabel()
        self.note.setWordWrap(True)
        # Two lines, always: a wrapped label's height-for-width would make the grid give
        # rows with a note far more room than rows without.
        self.note.setFixedHeight(self.note.fontMetrics().lineSpacing() * 2 + 4)
        self.note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.note.setText(" ")
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

    def clear(self) -> None:
        self.plot.clear()
        self.legend.clear()
        self.points = []
        self.readout.setText(" ")
        self.note.setText(" ")
        self.plot.show()

    def empty(self, message: str) -> None:
        """Nothing to draw yet: say what would make the chart, instead of empty axes."""
        self.plot.hide()
        self.note.setText(message)

    def fit(self, first: float, last: float, top: float) -> None:
        """Show these dates and values, with room above the data for the legend."""
        margin = (last - first) * 0.02
        self.plot.setXRange(first - margin, last + margin, padding=0)
        self.plot.setYRange(0, max(top, 1e-9) * 1.35, padding=0)

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
        self.legend.setBrush(pg.mkBrush(mix(base, text, 0.04)))
        self.legend.setPen(pg.mkPen(mix(base, text, 0.25)))

    def _hover(self, position: QPointF) -> None:
        if not self.points or not self.plot.sceneBoundingRect().contains(position):
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
        self._draw_burden(burden, palette)
        self._draw_index(burden, palette)
        self._draw_cost(burden, palette)
        self._draw_revenue(burden, palette)
        self._drawn_revision = document.revision

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
        history = [n for n, b in enumerate(entries) if not b.forecast]
        coming = [n for n, b in enumerate(entries) if b.forecast]
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

    def _forecast_swatch(
        self, chart: ChartPanel, burden: Sequence[Burden], palette: QPalette
    ) -> None:
        if any(b.forecast for b in burden):
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
                + (" (recorded)" if b.recorded else " (forecast)" if b.forecast else ""),
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
        chart.plot.plot(
            [first, last],
            [settings.target * 100] * 2,
            pen=pg.mkPen(
                palette.color(QPalette.ColorRole.Text), width=1, style=Qt.PenStyle.DashLine
            ),
            name=f"Target {percent(settings.target)} ± {settings.band * 100:.0f}",
        )
        today = date.today()
        points = []
        xs: list[float] = []
        values: list[float] = []
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
        history = [n for n, x in enumerate(xs) if x <= stamp(today)]
        color = category_color("feature", palette)
        if xs:
            chart.plot.plot(xs, values, pen=pg.mkPen(color, width=2), symbol="o", symbolSize=7,
                            symbolBrush=pg.mkBrush(color), name="On-product index")  # fmt: skip
            if len(history) < len(xs):
                start = history[-1] if history else 0
                chart.plot.plot(
                    xs[start:],
                    values[start:],
                    pen=pg.mkPen(color, width=2, style=Qt.PenStyle.DashLine),
                )
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
            chart.note.setText("Set an hourly cost in Plan Settings to see these hours as a cost.")
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
        chart.plot.plot(
            xs,
            ys,
            pen=pg.mkPen(color, width=2),
            symbol="o",
            symbolSize=7,
            symbolBrush=pg.mkBrush(color),
            name=f"Operations hours per {unit}",
        )
        chart.fit(stamp(burden[0].period.start), stamp(burden[-1].period.end), max(ys))
        note = scaling_note(burden, unit)
        chart.note.setText(note.text if note is not None else " ")
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


def _middle(entry: Burden) -> float:
    return (stamp(entry.period.start) + stamp(entry.period.end)) / 2


def _width(entry: Burden) -> float:
    return (stamp(entry.period.end) - stamp(entry.period.start) + 86400) * 0.8
