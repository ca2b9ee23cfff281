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
