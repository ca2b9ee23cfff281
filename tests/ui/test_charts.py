"""The Charts tab: built only when shown, reacting to changes, saved as pictures."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QImage

from onproduct.ui.main_window import MainWindow

if TYPE_CHECKING:
    from onproduct.ui.charts import ChartPanel

ROOT = Path(__file__).resolve().parents[2]


def charts(window: MainWindow):  # the ChartsPage; its module is imported lazily
    window.tabs.setCurrentIndex(2)
    assert window.charts_page is not None
    return window.charts_page


def test_pyqtgraph_is_imported_only_when_the_charts_are_first_shown(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from PySide6.QtCore import QSettings
        from onproduct.app import create_application
        from onproduct.ui.main_window import MainWindow
        from onproduct.ui.settings import Settings
        app = create_application()
        folder = Path({str(tmp_path)!r})
        store = QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Settings(store), folder)
        window.show()
        window.open_initial(None)
        window.tabs.setCurrentIndex(1)
        app.processEvents()
        print("before", "pyqtgraph" in sys.modules)
        window.tabs.setCurrentIndex(2)
        app.processEvents()
        print("after", "pyqtgraph" in sys.modules)
        """
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["before False", "after True"]


def test_marking_an_automation_done_lowers_the_burden_from_that_day(window: MainWindow) -> None:
    page = charts(window)
    document = window.document
    sprint = window.board.current_sprint()
    assert document is not None and sprint is not None
    point = next(p for p in page.burden_chart.points if p.text.startswith(sprint.name))
    assert "(forecast)" in point.text
    # The VAT rules (3 h a week of hand corrections) are assumed done at the sprint's end;
    # done on its first day instead, they take 13 days of the load off this sprint.
    before = {b.period.start: b.product_hours for b in document.burden(extra=4)}
    vat = next(
        i for i in document.items.items() if i.title == "Automatic VAT rules for EU customers"
    )
    document.edit_item(vat.id, replace(vat.editable, status="done", done_on=sprint.start))
    page.refresh()
    after = {b.period.start: b.product_hours for b in document.burden(extra=4)}
    assert after[sprint.start] == round(before[sprint.start] - 3.0 * 13 / 7, 6)
    assert all(after[day] == before[day] for day in after if day < sprint.start)  # history
    assert all(after[day] == before[day] for day in after if day > sprint.end)  # saved anyway
    text = next(p for p in page.burden_chart.points if p.text.startswith(sprint.name)).text
    assert text != point.text and f"product {after[sprint.start]:.1f} h" in text


def test_the_charts_redraw_on_a_change_while_shown(qtbot, window: MainWindow) -> None:
    page = charts(window)
    document = window.document
    assert document is not None
    drawn = page._drawn_revision
    sprint = window.board.current_sprint()
    assert sprint is not None
    document.edit_sprint(sprint.id, replace(sprint.editable, revenue=70.0))
    qtbot.waitUntil(lambda: page._drawn_revision == document.revision, timeout=2000)
    assert page._drawn_revision > drawn
    assert any(p.text.startswith(f"{sprint.name}:") for p in page.revenue_chart.points)


def test_a_chart_saves_as_a_png_of_the_size_asked_for(window: MainWindow, tmp_path: Path) -> None:
    page = charts(window)
    for chart in page.charts():
        path = chart.save_png(tmp_path / f"{chart.title}.png", width=900)
        image = QImage(str(path))
        assert path.stat().st_size > 5000
        assert image.width() == 900
        expected = round(900 * chart.plot.height() / chart.plot.width())
        assert abs(image.height() - expected) <= 2
    shown = page.burden_chart.save_png(tmp_path / "shown.png")
    ratio = page.burden_chart.plot.devicePixelRatioF()
    assert QImage(str(shown)).width() == round(page.burden_chart.plot.width() * ratio)


def test_the_charts_follow_the_palette(window: MainWindow) -> None:
    from PySide6.QtGui import QColor, QPalette

    page = charts(window)
    dark = QPalette(page.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e8e8e8"))
    page.setPalette(dark)
    page.refresh()
    picture = page.burden_chart.plot.grab().toImage()
    corner = picture.pixelColor(picture.width() - 3, 3)
    assert corner.lightness() < 60


def test_without_revenue_the_last_chart_says_what_to_record(window: MainWindow) -> None:
    document = window.document
    assert document is not None
    for sprint in document.sprints.sprints():
        if sprint.revenue is not None:
            document.edit_sprint(sprint.id, replace(sprint.editable, revenue=None))
    page = charts(window)
    page.refresh()
    assert page.revenue_chart.plot.isHidden()
    assert page.revenue_chart.note.text().startswith("Record revenue per sprint")


def test_a_baseline_shows_planned_against_actual(window: MainWindow) -> None:
    page = charts(window)
    document = window.document
    sprint = window.board.current_sprint()
    assert document is not None and sprint is not None

    def legend(chart: ChartPanel) -> list[str]:
        return [label.text for _, label in chart.legend.items]

    assert "Planned (baseline)" not in legend(page.burden_chart)
    window.operations_actions.baseline_sprint.trigger()
    # Then the plan moves on: a 40 h feature joins the sprint.
    backlog = window.board.backlog_view.lane_model()
    assert backlog is not None
    window.board.backlog_view.select_ids([backlog.id_at(0)])
    window.board.move_selection_to_lane("feature")
    page.refresh()
    assert "Planned (baseline)" in legend(page.burden_chart)
    assert "Planned (baseline)" in legend(page.index_chart)
    text = next(p.text for p in page.index_chart.points if p.text.startswith(sprint.name))
    # Planned 56 of 70 h on-product (80%); with the feature, 96 of 110 (87%).
    assert text == f"{sprint.name}: 87% by effort (planned 80%)"


# ------------------------------------------------------------ readable at normal sizes


def laid_out(window: MainWindow, width: int, height: int):
    """The Charts page of a window of this size, once every layout has settled."""
    from PySide6.QtWidgets import QApplication

    window.resize(width, height)
    page = charts(window)

    def geometry() -> list[tuple[float, ...]]:
        return [
            (
                *chart.plot.plotItem.vb.sceneBoundingRect().getRect(),
                *chart.legend.sceneBoundingRect().getRect(),
            )
            for chart in page.charts()
        ]

    before = None
    for _ in range(20):  # layouts settle in a few rounds of posted events
        QApplication.processEvents()
        now = geometry()
        if now == before:
            break
        before = now
    assert window.width() == width and window.height() == height
    return page


def visible_area(chart: ChartPanel):
    """The part of the chart's scene its view shows, in scene coordinates."""
    view = chart.plot
    return view.mapToScene(view.viewport().rect()).boundingRect()


def test_at_1024x700_no_legend_covers_the_data_and_every_entry_shows_whole(
    window: MainWindow,
) -> None:
    page = laid_out(window, 1024, 700)
    for chart in page.charts():
        assert chart.plot.isVisible(), chart.title
        legend = chart.legend
        assert legend.items, chart.title
        data = chart.plot.plotItem.vb.sceneBoundingRect()
        area = legend.sceneBoundingRect()
        assert not area.intersects(data), chart.title
        shown = visible_area(chart)
        entries = []
        for sample, label in legend.items:
            for part in (sample, label):
                rect = part.sceneBoundingRect()
                # Inside the legend and on screen: nothing cut off at the chart's edge.
                assert area.adjusted(-1, -1, 1, 1).contains(rect), (chart.title, label.text)
                assert shown.contains(rect), (chart.title, label.text)
                assert not rect.intersects(data), (chart.title, label.text)
            # The whole name fits its label: nothing elided to "Fore…".
            assert label.item.boundingRect().width() <= label.width() + 0.5, label.text
            assert "…" not in label.item.toPlainText()
            entries.append(sample.sceneBoundingRect().united(label.sceneBoundingRect()))
        for n, first in enumerate(entries):
            for second in entries[n + 1 :]:
                assert not first.intersects(second), chart.title
    names = {c.title: [label.text for _, label in c.legend.items] for c in page.charts()}
    cost = names["Operations cost per sprint"]
    assert any(name.startswith("One person (40 h a week)") for name in cost)
    assert "Forecast" in names["Operations burden per sprint"]


def axis_labels(chart: ChartPanel) -> list[tuple[object, str]]:
    """The names the bottom axis draws now: (rectangle in scene coordinates, text)."""
    from PySide6.QtGui import QPainter, QPicture

    axis = chart.plot.getAxis("bottom")
    picture = QPicture()
    painter = QPainter(picture)
    try:
        if axis.style["tickFont"] is not None:
            painter.setFont(axis.style["tickFont"])
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(axis.mapRectToScene(rect), text) for rect, _, text in texts if text]


def test_the_x_axis_names_the_sprints_and_thins_them_rather_than_overlap(
    window: MainWindow,
) -> None:
    import re

    document = window.document
    assert document is not None
    sprints = [s.name for s in document.sprints.sprints()]
    assert sprints[:2] == ["Sprint 21", "Sprint 22"]  # the sample plan
    counts = []
    for width, height in ((1024, 700), (1600, 1000)):
        page = laid_out(window, width, height)
        for chart in page.charts():
            labels = axis_labels(chart)
            texts = [text for _, text in labels]
            assert texts[0] == "Sprint 21", (chart.title, texts)
            assert len([t for t in texts if t in sprints]) >= 3, (chart.title, texts)
            # Periods after the last sprint are named by the day they start.
            others = [t for t in texts if t not in sprints]
            assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", t) for t in others), texts
            rects = [rect for rect, _ in labels]
            for n, first in enumerate(rects):
                for second in rects[n + 1 :]:
                    assert not first.intersects(second), (chart.title, texts)
            shown = visible_area(chart)
            assert all(shown.contains(rect) for rect in rects), (chart.title, texts)
            counts.append((width, len(texts)))
    narrow = max(count for width, count in counts if width == 1024)
    wide = min(count for width, count in counts if width == 1600)
    assert wide > narrow  # the names thin out only when the chart is too narrow for all


def bar_looks(bars: list, x: float) -> set[tuple[object, str]]:
    """Pen style and fill of the bars drawn for the period whose middle is `x`."""
    import pyqtgraph as pg

    found = set()
    for bar in bars:
        if any(abs(middle - x) < 1 for middle in bar.opts["x"]):
            color = pg.mkBrush(bar.opts["brush"]).color().name()
            found.add((pg.mkPen(bar.opts["pen"]).style(), color))
    assert len(found) == 2  # product and development operations
    return found


def test_a_closed_sprint_is_drawn_solid_and_only_what_is_to_come_dashed(
    window: MainWindow,
) -> None:
    import pyqtgraph as pg
    from PySide6.QtCore import Qt

    from onproduct.domain.items import SprintRecord
    from onproduct.ui.charts import stamp

    page = charts(window)
    document = window.document
    sprint = window.board.current_sprint()
    assert document is not None and sprint is not None
    sprints = document.sprints.sprints()
    later = next(s for s in sprints if s.start > sprint.end)
    # Closed today, before its last day: the period is not over, but it is history now.
    document.close_sprint(sprint.id, {}, SprintRecord(True, 25.0, 3.0), 66.0)
    page.refresh()
    entry = next(b for b in document.burden() if b.period.sprint_id == sprint.id)
    assert entry.recorded

    def middle(s) -> float:
        return (stamp(s.start) + stamp(s.end)) / 2

    for chart in (page.burden_chart, page.cost_chart):
        bars = [i for i in chart.plot.plotItem.items if isinstance(i, pg.BarGraphItem)]
        closed, past, coming = (bar_looks(bars, middle(s)) for s in (sprint, sprints[0], later))
        assert {style for style, _ in closed} == {Qt.PenStyle.SolidLine}, chart.title
        assert closed == past, chart.title  # drawn like the rest of the history
        assert {style for style, _ in coming} == {Qt.PenStyle.DashLine}, chart.title
        assert not {color for _, color in coming} & {color for _, color in closed}
    text = next(p.text for p in page.burden_chart.points if p.text.startswith(sprint.name))
    assert text.endswith("(recorded)")

    # The index line: solid through the closed sprint, dashed (and only dashed) after it.
    curves = {label.text: sample.item for sample, label in page.index_chart.legend.items}
    solid, dashed = curves["On-product index"], curves["Forecast"]
    solid_x = list(solid.getData()[0])
    dashed_x = list(dashed.getData()[0])
    assert any(abs(x - middle(sprint)) < 1 for x in solid_x)
    assert all(x <= middle(sprint) + 1 for x in solid_x)
    assert any(abs(x - middle(later)) < 1 for x in dashed_x)
    assert solid.opts["pen"].style() == Qt.PenStyle.SolidLine
    assert dashed.opts["pen"].style() == Qt.PenStyle.DashLine
