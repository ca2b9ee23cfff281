"""PDF exports drawn with QPdfWriter and QPainter: a sprint plan and a whole-plan report.

Everything is vector: text is real text in DejaVu Sans (shipped with the app and
embedded in the file, so accents, Greek and Cyrillic read the same everywhere), the
gauge and the charts are painted shapes. Pages are laid out first, as lists of
drawing steps, so every footer can say "page N of M"; tables that flow over a page
repeat their header row.

`collect` reads what an export needs from a plan; `write_sprint_pdf` and
`write_report_pdf` draw it. No widgets are used, so the command line can export too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.resources import as_file, files
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)

from onproduct import __version__
from onproduct.domain.categories import CATEGORIES, CATEGORY_HUES
from onproduct.domain.items import (
    STATUS_NAMES,
    Item,
    Sprint,
    ValidationError,
    format_effort,
    sprint_named,
)
from onproduct.domain.metrics import (
    BandState,
    Metrics,
    advice,
    compute_metrics,
    operations_text,
    percent,
    totals_of,
)
from onproduct.domain.operations import Burden, hours_a_week
from onproduct.domain.settings import PlanSettings, stage_name
from onproduct.exchange.batch import ExchangeError
from onproduct.exchange.csv_export import in_plan_order
from onproduct.exchange.output import write_beside
from onproduct.storage.plan import Plan
from onproduct.storage.reports import burden_of

Step = Callable[[QPainter], None]

PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points; the writer draws at 72 dpi, 1 unit = 1 pt
MARGIN = 42.0
TOP = MARGIN + 26  # below the running header
BOTTOM = PAGE_H - MARGIN - 22  # above the footer
WIDTH = PAGE_W - 2 * MARGIN

INK = QColor("#1d1f24")
MUTED = QColor("#5d6470")
RULE = QColor("#c9ced6")
SHADE = QColor("#f1f3f6")
STATE_COLORS = {
    BandState.INSIDE: QColor("#2e8b57"),
    BandState.UNDER: QColor("#c77700"),
    BandState.OVER: QColor("#c77700"),
    BandState.UNDEFINED: QColor("#8a9099"),
}
PRODUCT_OPS = QColor(CATEGORY_HUES["product_ops"])
DEV_OPS = QColor(CATEGORY_HUES["dev_ops"])

_FAMILY: str | None = None


def font_family() -> str:
    """DejaVu Sans from the app's resources (loaded once), or the default sans serif."""
    global _FAMILY
    if _FAMILY is None:
        family = ""
        for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
            with as_file(files("onproduct.resources") / "fonts" / name) as path:
                font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id >= 0 and not family:
                family = QFontDatabase.applicationFontFamilies(font_id)[0]
        _FAMILY = family or "Sans Serif"
    return _FAMILY


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont(font_family())
    font.setPointSizeF(size)
    font.setBold(bold)
    # No ligatures: "effort" must stay six letters, or searching the PDF cannot find it.
    for tag in ("liga", "clig"):
        font.setFeature(QFont.Tag(tag), 0)
    return font


# ------------------------------------------------------------------ what to draw


@dataclass(frozen=True, slots=True)
class PlanData:
    """What the exports need from a plan, read once."""

    name: str
    settings: PlanSettings
    sprints: list[Sprint]
    items: list[Item]
    burden: list[Burden]
    today: date

    def metrics_of(self, sprint: Sprint | None) -> Metrics:
        if sprint is None:
            return compute_metrics(totals_of(self.items), self.settings)
        members = [i for i in self.items if i.sprint_id == sprint.id]
        return compute_metrics(totals_of(members), self.settings, sprint.capacity, sprint.weeks)

    def sprint(self, name: str) -> Sprint:
        try:
            return sprint_named(self.sprints, name)
        except ValidationError as error:
            raise ExchangeError(str(error)) from None


def collect(plan: Plan, today: date) -> PlanData:
    settings = PlanSettings.from_stored(plan.settings())
    burden = burden_of(plan, settings, today)
    return PlanData(plan.name, settings, plan.sprints(), plan.items(), burden, today)


# ------------------------------------------------------------------ page layout


class Layout:
    """Pages as lists of drawing steps, filled top to bottom."""

    def __init__(self, title: str, plan_name: str, today: date) -> None:
        self.title = title
        self.plan_name = plan_name
        self.today = today
        # Drawn into memory: the bytes are written to the disk by write_beside, which
        # notices a full disk (QPdfWriter on a file would not say so).
        self.buffer = QBuffer()
        self.buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        # Text is measured on the writer itself, so the layout matches what is drawn.
        self.writer = QPdfWriter(self.buffer)
        self.writer.setResolution(72)
        self.writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(0, 0, 0, 0),
                QPageLayout.Unit.Point,
            )
        )
        self.writer.setTitle(f"{title} — {plan_name}")
        self.writer.setCreator(f"Onproduct {__version__}")
        self.pages: list[list[Step]] = [[]]
        self.y = TOP
        self.on_new_page: Callable[[], None] | None = None

    def add(self, step: Step) -> None:
        self.pages[-1].append(step)

    def new_page(self) -> None:
        self.pages.append([])
        self.y = TOP
        if self.on_new_page is not None:
            self.on_new_page()

    def need(self, height: float) -> None:
        """Start a new page unless `height` still fits on this one."""
        if self.y + height > BOTTOM and self.y > TOP:
            self.new_page()

    def text(
        self,
        text: str,
        font: QFont,
        *,
        color: QColor = INK,
        x: float = MARGIN,
        width: float = WIDTH,
        gap: float = 4.0,
    ) -> None:
        """A wrapped paragraph at the cursor."""
        height = self.measure(text, font, width)
        self.need(height)
        rect = QRectF(x, self.y, width, height)
        self.add(lambda p: _draw_text(p, rect, text, font, color, Qt.TextFlag.TextWordWrap))
        self.y += height + gap

    def text_at(
        self,
        rect: QRectF,
        text: str,
        font: QFont,
        color: QColor = INK,
        flags: Qt.AlignmentFlag | Qt.TextFlag = Qt.AlignmentFlag.AlignLeft,
    ) -> None:
        self.add(lambda p: _draw_text(p, rect, text, font, color, flags))

    def rule_at(self, y: float) -> None:
        def draw(painter: QPainter) -> None:
            painter.setPen(QPen(RULE, 0.4))
            painter.drawLine(QPointF(MARGIN, y), QPointF(PAGE_W - MARGIN, y))

        self.add(draw)

    def space(self, height: float) -> None:
        self.y += height

    def measure(self, text: str, font: QFont, width: float) -> float:
        """The height of `text` wrapped to `width`."""
        metrics = QFontMetricsF(font, self.writer)
        bounds = metrics.boundingRect(
            QRectF(0, 0, width, 1e6), int(Qt.TextFlag.TextWordWrap), text or " "
        )
        return math.ceil(bounds.height())

    def write(self) -> int:
        """Paint every page; returns the number of pages."""
        total = len(self.pages)
        writer = self.writer
        painter = QPainter()
        if not painter.begin(writer):
            raise ExchangeError("the PDF cannot be written.")
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            for number, steps in enumerate(self.pages, start=1):
                if number > 1:
                    writer.newPage()
                self._frame(painter, number, total)
                for step in steps:
                    step(painter)
        finally:
            painter.end()
        return total

    def _frame(self, painter: QPainter, number: int, total: int) -> None:
        small = _font(7.5)
        header = QRectF(MARGIN, MARGIN, WIDTH, 14)
        _draw_text(painter, header, self.plan_name, small, MUTED, Qt.AlignmentFlag.AlignLeft)
        _draw_text(painter, header, self.title, small, MUTED, Qt.AlignmentFlag.AlignRight)
        painter.setPen(QPen(RULE, 0.6))
        painter.drawLine(QPointF(MARGIN, MARGIN + 16), QPointF(PAGE_W - MARGIN, MARGIN + 16))
        footer_y = PAGE_H - MARGIN - 10
        painter.drawLine(QPointF(MARGIN, footer_y - 4), QPointF(PAGE_W - MARGIN, footer_y - 4))
        footer = QRectF(MARGIN, footer_y, WIDTH, 12)
        exported = f"Exported {self.today.isoformat()} with Onproduct {__version__}"
        _draw_text(painter, footer, exported, small, MUTED, Qt.AlignmentFlag.AlignLeft)
        pages = f"Page {number} of {total}"
        _draw_text(painter, footer, pages, small, MUTED, Qt.AlignmentFlag.AlignRight)


def _draw_text(
    painter: QPainter,
    rect: QRectF,
    text: str,
    font: QFont,
    color: QColor,
    flags: Qt.AlignmentFlag | Qt.TextFlag = Qt.AlignmentFlag.AlignLeft,
) -> None:
    painter.setFont(font)
    painter.setPen(color)
    painter.drawText(rect, int(flags) | int(Qt.AlignmentFlag.AlignTop), text)


# ------------------------------------------------------------------ tables


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    width: float  # 0: takes what is left
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft


def table(
    layout: Layout,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    caption: str = "",
    emphasis: Sequence[bool] = (),
) -> None:
    """Rows under a header; a row never splits, the header repeats on every page."""
    fixed = sum(c.width for c in columns)
    widths = [c.width or WIDTH - fixed for c in columns]
    font, bold = _font(8.5), _font(8.5, bold=True)
    pad = 3.0
    head_height = (
        max(
            layout.measure(c.title, bold, w - 2 * pad) for c, w in zip(columns, widths, strict=True)
        )
        + 2 * pad
    )

    def header(continued: bool) -> None:
        if caption:
            suffix = " (continued)" if continued else ""
            layout.text(caption + suffix, _font(10.5, bold=True), gap=3)
        y = layout.y
        layout.add(lambda p: p.fillRect(QRectF(MARGIN, y, WIDTH, head_height), SHADE))
        x = MARGIN
        for column, width in zip(columns, widths, strict=True):
            rect = QRectF(x + pad, y + pad, width - 2 * pad, head_height)
            layout.text_at(rect, column.title, bold, MUTED, column.align | Qt.TextFlag.TextWordWrap)
            x += width
        layout.y += head_height

    layout.need(head_height * 2 + (16 if caption else 0))
    header(False)
    previous = layout.on_new_page
    layout.on_new_page = lambda: header(True)
    for number, row in enumerate(rows):
        strong = emphasis[number] if number < len(emphasis) else False
        cell_font = bold if strong else font
        height = (
            max(
                layout.measure(text, cell_font, width - 2 * pad)
                for text, width in zip(row, widths, strict=True)
            )
            + 2 * pad
        )
        layout.need(height)
        y = layout.y
        x = MARGIN
        for text, column, width in zip(row, columns, widths, strict=True):
            rect = QRectF(x + pad, y + pad, width - 2 * pad, height)
            flags = column.align | Qt.TextFlag.TextWordWrap
            layout.text_at(rect, text, cell_font, INK, flags)
            x += width
        layout.rule_at(y + height)
        layout.y += height
    layout.on_new_page = previous
    layout.space(10)


# ------------------------------------------------------------------ figures


def _dial(painter: QPainter, rect: QRectF, metrics: Metrics) -> None:
    """The on-product index as a half dial: track, target band, target tick, needle."""
    thickness = rect.width() * 0.09
    radius = min(rect.width() / 2 - thickness, rect.height() - thickness - 24)
    center = QPointF(rect.center().x(), rect.top() + thickness + radius)
    arc = QRectF(center.x() - radius, center.y() - radius, 2 * radius, 2 * radius)

    def arc_part(start: float, end: float, color: QColor) -> None:
        painter.setPen(QPen(color, thickness, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        painter.drawArc(arc, round((180 - start * 180) * 16), round(-(end - start) * 180 * 16))

    def at(fraction: float, distance: float) -> QPointF:
        angle = math.pi * (1 - fraction)
        return QPointF(
            center.x() + math.cos(angle) * distance, center.y() - math.sin(angle) * distance
        )

    arc_part(0, 1, QColor("#e3e6ea"))
    arc_part(*metrics.band, QColor("#a8d5b9"))
    painter.setPen(QPen(INK, 1.2))
    painter.drawLine(
        at(metrics.target, radius - thickness * 0.7), at(metrics.target, radius + thickness * 0.7)
    )
    color = STATE_COLORS[metrics.state]
    if metrics.index is not None:
        painter.setPen(QPen(color, 2.0, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(center, at(max(0.0, min(1.0, metrics.index)), radius + thickness * 0.4))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawEllipse(center, 3.0, 3.0)
    _draw_text(
        painter,
        QRectF(rect.left(), center.y() + 4, rect.width(), 24),
        percent(metrics.index),
        _font(16, bold=True),
        color,
        Qt.AlignmentFlag.AlignHCenter,
    )
    small = _font(6.5)
    for fraction, label in ((0.0, "0%"), (1.0, "100%")):
        point = at(fraction, radius)
        _draw_text(
            painter,
            QRectF(point.x() - 20, center.y() + 2, 40, 10),
            label,
            small,
            MUTED,
            Qt.AlignmentFlag.AlignHCenter,
        )


def _nice_step(top: float, steps: int = 4) -> float:
    raw = max(top, 1e-9) / steps
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)


def _chart_frame(
    painter: QPainter,
    rect: QRectF,
    top: float,
    label: Callable[[float], str],
    names: Sequence[str],
) -> tuple[QRectF, float]:
    """Axes, grid and x labels; returns the plot area and the value at its top."""
    small = _font(6.5)
    step = _nice_step(top)
    top = step * max(1, math.ceil(top / step))
    axis_width = max(QFontMetricsF(small, painter.device()).horizontalAdvance(label(top)), 16) + 6
    plot = QRectF(rect.left() + axis_width, rect.top() + 6, rect.width() - axis_width, 0)
    plot.setBottom(rect.bottom() - 16)
    value = 0.0
    while value <= top + 1e-9:
        y = plot.bottom() - value / top * plot.height()
        painter.setPen(QPen(RULE, 0.4))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        _draw_text(
            painter,
            QRectF(rect.left(), y - 4, axis_width - 4, 10),
            label(value),
            small,
            MUTED,
            Qt.AlignmentFlag.AlignRight,
        )
        value += step
    slot = plot.width() / max(1, len(names))
    every = max(1, math.ceil(36 / slot))  # a label needs ~36 pt
    metrics = QFontMetricsF(small, painter.device())
    for position, name in enumerate(names):
        if position % every:
            continue
        text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, slot * every - 2)
        middle = plot.left() + (position + 0.5) * slot
        _draw_text(
            painter,
            QRectF(middle - slot * every / 2, plot.bottom() + 3, slot * every, 10),
            text,
            small,
            MUTED,
            Qt.AlignmentFlag.AlignHCenter,
        )
    return plot, top


def _legend(painter: QPainter, x: float, y: float, entries: Sequence[tuple[QColor, str]]) -> None:
    small = _font(7)
    metrics = QFontMetricsF(small, painter.device())
    for color, text in entries:
        painter.fillRect(QRectF(x, y + 1.5, 8, 6), color)
        _draw_text(painter, QRectF(x + 11, y, 200, 10), text, small, INK)
        x += 11 + metrics.horizontalAdvance(text) + 14


def _burden_chart(
    painter: QPainter, rect: QRectF, burden: Sequence[Burden], marked: str | None
) -> None:
    """Hours of product and development operations per sprint, stacked bars."""
    _legend(
        painter,
        rect.left(),
        rect.top(),
        [(PRODUCT_OPS, "Product operations (h)"), (DEV_OPS, "Development operations (h)")],
    )
    area = QRectF(rect.left(), rect.top() + 12, rect.width(), rect.height() - 12)
    highest = max((b.total_hours for b in burden), default=0.0) or 1.0
    names = [b.period.name for b in burden]
    plot, top = _chart_frame(painter, area, highest, lambda v: f"{v:g}", names)
    slot = plot.width() / max(1, len(burden))
    bar = max(1.0, min(slot * 0.7, 28))
    for position, entry in enumerate(burden):
        x = plot.left() + position * slot + (slot - bar) / 2
        y = plot.bottom()
        for hours, color in ((entry.product_hours, PRODUCT_OPS), (entry.dev_hours, DEV_OPS)):
            height = hours / top * plot.height()
            painter.fillRect(QRectF(x, y - height, bar, height), color)
            y -= height
        if entry.period.name == marked:
            painter.setPen(QPen(INK, 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(x - 1.5, y - 1.5, bar + 3, plot.bottom() - y + 1.5))


def _index_chart(
    painter: QPainter,
    rect: QRectF,
    points: Sequence[tuple[str, float | None]],
    settings: PlanSettings,
) -> None:
    """Each sprint's on-product index as a line over the shaded target band."""
    _legend(
        painter,
        rect.left(),
        rect.top(),
        [
            (QColor(CATEGORY_HUES["feature"]), "On-product index"),
            (QColor("#a8d5b9"), "Target band"),
        ],
    )
    area = QRectF(rect.left(), rect.top() + 12, rect.width(), rect.height() - 12)
    plot, top = _chart_frame(
        painter, area, 1.0, lambda v: f"{v * 100:.0f}%", [n for n, _ in points]
    )
    low, high = settings.band_range
    band = QRectF(
        plot.left(),
        plot.bottom() - high / top * plot.height(),
        plot.width(),
        (high - low) / top * plot.height(),
    )
    painter.fillRect(band, QColor(168, 213, 185, 110))
    slot = plot.width() / max(1, len(points))
    path = QPainterPath()
    started = False
    painter.setBrush(QColor(CATEGORY_HUES["feature"]))
    dots = []
    for position, (_, value) in enumerate(points):
        if value is None:
            started = False
            continue
        point = QPointF(
            plot.left() + (position + 0.5) * slot, plot.bottom() - value / top * plot.height()
        )
        if started:
            path.lineTo(point)
        else:
            path.moveTo(point)
            started = True
        dots.append(point)
    painter.setPen(QPen(QColor(CATEGORY_HUES["feature"]), 1.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(CATEGORY_HUES["feature"]))
    for point in dots:
        painter.drawEllipse(point, 2.0, 2.0)


def figure(layout: Layout, height: float, draw: Callable[[QPainter, QRectF], None]) -> None:
    layout.need(height)
    rect = QRectF(MARGIN, layout.y, WIDTH, height)
    layout.add(lambda p: draw(p, rect))
    layout.y += height + 8


# ------------------------------------------------------------------ documents


def _figures_block(layout: Layout, data: PlanData, metrics: Metrics) -> None:
    """The dial beside the numbers behind it."""
    settings = data.settings
    unit = settings.unit
    lines = [
        f"On-product index by {metrics.basis}: {percent(metrics.index)}"
        f" ({_state_text(metrics.state)})",
        f"Target {percent(metrics.target)}, band {percent(metrics.band[0])}–"
        f"{percent(metrics.band[1])} ({stage_name(settings.stage)})",
        f"By {metrics.other_basis}: {percent(metrics.other_index)}",
        f"{_items(metrics.items)}, {metrics.effort:g} {unit} planned"
        + (f", {metrics.unestimated} without an estimate" if metrics.unestimated else ""),
        operations_text(metrics, unit),
    ]
    if metrics.capacity is not None:
        lines.append(
            f"Capacity: {metrics.effort:g} of {metrics.capacity:g} {unit}"
            f" ({percent(metrics.capacity_use)})"
        )
    if metrics.product_ops_hours_per_week is not None:
        lines.append(f"Product operations: {hours_a_week(metrics.product_ops_hours_per_week)}")
    font = _font(9)
    dial_width = 150.0
    text_width = WIDTH - dial_width - 16
    text = "\n".join(lines)
    height = max(110.0, layout.measure(text, font, text_width))
    layout.need(height)
    top = layout.y
    dial_rect = QRectF(MARGIN, top, dial_width, 110)
    layout.add(lambda p: _dial(p, dial_rect, metrics))
    text_rect = QRectF(MARGIN + dial_width + 16, top + 4, text_width, height)
    layout.add(lambda p: _draw_text(p, text_rect, text, font, INK, Qt.TextFlag.TextWordWrap))
    layout.y = top + height + 6
    for entry in advice(metrics, settings):
        layout.text("• " + entry.text, _font(8.5), color=QColor("#8a4b00"), gap=2)
    layout.space(6)


def _items(count: int) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def _state_text(state: BandState) -> str:
    return {
        BandState.INSIDE: "inside the target band",
        BandState.UNDER: "below the target band",
        BandState.OVER: "above the target band",
        BandState.UNDEFINED: "undefined: no development work",
    }[state]


def _category_table(
    layout: Layout, data: PlanData, metrics: Metrics, items: Sequence[Item]
) -> None:
    unit = data.settings.unit
    counts = {c.key: 0 for c in CATEGORIES}
    for item in items:
        counts[item.category] += 1
    rows = []
    for entry in CATEGORIES:
        effort = metrics.effort_by_category[entry.key]
        share = effort / metrics.effort if metrics.effort else None
        rows.append([entry.name, str(counts[entry.key]), f"{effort:g} {unit}", percent(share)])
    rows.append(
        ["All", str(len(items)), f"{metrics.effort:g} {unit}", "100%" if metrics.effort else "—"]
    )
    right = Qt.AlignmentFlag.AlignRight
    table(
        layout,
        [
            Column("Category", 0),
            Column("Items", 60, right),
            Column("Effort", 80, right),
            Column("Share", 60, right),
        ],
        rows,
        caption="Effort by category",
        emphasis=[False] * len(CATEGORIES) + [True],
    )


def write_sprint_pdf(path: Path, data: PlanData, sprint: Sprint) -> int:
    """The sprint plan for a steering meeting; returns the number of pages."""
    return _written(path, _sprint_pdf(data, sprint))


def write_report_pdf(path: Path, data: PlanData) -> int:
    """The whole plan: every sprint's index and burden over time; returns the pages."""
    return _written(path, _report_pdf(data))


def _written(path: Path, layout: Layout) -> int:
    """Draw the pages into memory, then put the file in place whole; the pages."""
    pages = layout.write()
    data = bytes(layout.buffer.data().data())
    if not data.startswith(b"%PDF") or not data.rstrip().endswith(b"%%EOF"):
        raise ExchangeError(f"{path.name}: the PDF could not be drawn; nothing was written.")
    write_beside(path, data)
    return pages


def _sprint_pdf(data: PlanData, sprint: Sprint) -> Layout:
    settings = data.settings
    unit = settings.unit
    layout = Layout(f"Sprint plan — {sprint.name}", data.name, data.today)
    layout.text(sprint.name, _font(20, bold=True), gap=2)
    capacity = (
        f"capacity {format_effort(sprint.capacity, unit)}" if sprint.capacity else "no capacity set"
    )
    layout.text(
        f"{data.name} · {sprint.start:%d %b %Y} – {sprint.end:%d %b %Y} · {capacity} ·"
        f" {stage_name(settings.stage)}, target {percent(settings.target)}"
        f" ({percent(settings.band_range[0])}–{percent(settings.band_range[1])})",
        _font(9.5),
        color=MUTED,
        gap=12,
    )
    items = in_plan_order([i for i in data.items if i.sprint_id == sprint.id], data.sprints)
    metrics = data.metrics_of(sprint)
    _figures_block(layout, data, metrics)
    _category_table(layout, data, metrics, items)
    layout.text("Operations burden by sprint", _font(10.5, bold=True), gap=3)
    figure(layout, 150, lambda p, r: _burden_chart(p, r, data.burden, sprint.name))

    right = Qt.AlignmentFlag.AlignRight
    columns = [
        Column("Key", 62),
        Column("Title", 0),
        Column("Status", 48),
        Column("Estimate", 56, right),
        Column("Actual", 50, right),
    ]
    for entry in CATEGORIES:
        members = [i for i in items if i.category == entry.key]
        if not members:
            continue
        total = sum(i.estimate or 0.0 for i in members)
        rows = [
            [
                i.external_key or "",
                i.title,
                STATUS_NAMES[i.status],
                format_effort(i.estimate, unit),
                format_effort(i.actual, unit) if i.actual is not None else "",
            ]
            for i in members
        ]
        count = _items(len(members))
        rows.append(["", count, "", format_effort(total, unit), ""])
        table(
            layout,
            columns,
            rows,
            caption=f"{entry.name} — {count}, {total:g} {unit}",
            emphasis=[False] * len(members) + [True],
        )
    if not items:
        layout.text("This sprint has no items yet.", _font(9.5), color=MUTED)
    return layout


def _report_pdf(data: PlanData) -> Layout:
    settings = data.settings
    unit = settings.unit
    layout = Layout("Plan report", data.name, data.today)
    layout.text(data.name, _font(20, bold=True), gap=2)
    first = f"{data.sprints[0].start:%d %b %Y}" if data.sprints else "—"
    last = f"{data.sprints[-1].end:%d %b %Y}" if data.sprints else "—"
    layout.text(
        f"Plan report · {len(data.sprints)} sprints, {first} – {last} ·"
        f" {stage_name(settings.stage)}, target {percent(settings.target)}",
        _font(9.5),
        color=MUTED,
        gap=12,
    )
    metrics = data.metrics_of(None)
    _figures_block(layout, data, metrics)
    _category_table(layout, data, metrics, data.items)

    per_sprint = [(s, data.metrics_of(s)) for s in data.sprints]
    layout.text(f"On-product index by sprint (by {settings.basis})", _font(10.5, bold=True), gap=3)
    figure(
        layout,
        150,
        lambda p, r: _index_chart(p, r, [(s.name, m.index) for s, m in per_sprint], settings),
    )
    layout.text("Operations burden by sprint", _font(10.5, bold=True), gap=3)
    figure(layout, 150, lambda p, r: _burden_chart(p, r, data.burden, None))

    burden = {b.period.name: b for b in data.burden}
    right = Qt.AlignmentFlag.AlignRight
    rows = []
    for sprint, m in per_sprint:
        entry = burden.get(sprint.name)
        rows.append(
            [
                sprint.name,
                f"{sprint.start:%d %b} – {sprint.end:%d %b %Y}",
                str(m.items),
                f"{m.effort:g} {unit}",
                percent(m.index),
                percent(m.capacity_use),
                f"{entry.product_hours:.1f} h" if entry else "—",
                f"{entry.dev_hours:.1f} h" if entry else "—",
            ]
        )
    table(
        layout,
        [
            Column("Sprint", 0),
            Column("Dates", 108),
            Column("Items", 34, right),
            Column("Effort", 50, right),
            Column("Index", 38, right),
            Column("Capacity used", 52, right),
            Column("Product operations", 62, right),
            Column("Development operations", 74, right),
        ],
        rows,
        caption="Sprints",
    )
    backlog = [i for i in data.items if i.sprint_id is None]
    layout.text(
        f"Backlog: {_items(len(backlog))}, "
        f"{sum(i.estimate or 0.0 for i in backlog):g} {unit} estimated.",
        _font(9.5),
    )
    return layout
