"""Help ▸ How Onproduct works, and the welcome note that only the first launch shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel

from onproduct.domain.categories import CATEGORIES
from onproduct.ui.colors import category_color
from onproduct.ui.help import HELP_TITLE, HelpDialog, Welcome, show_help
from onproduct.ui.settings import Settings

LANES = (
    "Product improvement",
    "Ops automation",
    "Technical debt",
    "Product operations",
    "Development operations",
)
STAGE_TARGETS = (
    ("Before product–market fit", "90 %"),
    ("Early growth", "75 %"),
    ("Scaling", "65 %"),
    ("Mature", "55 %"),
)


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"),
    ):
        palette.setColor(role, QColor(color))
    return palette


def _same_file(tmp_path: Path) -> Settings:
    """A second Settings on the ini file of the `settings` fixture: the next launch."""
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


# ---------------------------------------------------------------- the help page


def test_help_page_names_the_lanes_the_stage_targets_and_the_band(window) -> None:
    text = show_help(window).text()
    for lane in LANES:
        assert lane in text
    for stage, target in STAGE_TARGETS:  # a row of the table: the stage, then its target
        assert f"{stage}\n{target}\n" in text
    assert "± 5 points" in text
    assert "Plan Settings" in text


def test_help_page_explains_every_chart_of_the_charts_tab(window, qtbot) -> None:
    window.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: window.charts_page is not None)
    titles = [chart.title for chart in window.charts_page.charts()]
    assert len(titles) == 4
    text = show_help(window).text()
    for title in titles:  # by the title the user sees above the chart
        assert title in text
    assert "forecast" in text
    assert "one person" in text
    assert "toward zero" in text


def test_help_opens_beside_the_window_and_escape_closes_it(window, qtbot) -> None:
    dialog = show_help(window)
    qtbot.waitExposed(dialog)
    assert dialog.isVisible()
    assert not dialog.isModal()
    assert QApplication.activeModalWidget() is None  # the board stays usable
    assert dialog.width() <= 1024 and dialog.height() <= 700
    assert dialog.browser.verticalScrollBar().maximum() > 0  # the rest is a scroll away

    qtbot.keyClick(dialog.browser, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert window.isVisible()

    assert show_help(window) is dialog  # Help again: the same window, not a second one
    assert dialog.isVisible()
    assert len(window.findChildren(HelpDialog)) == 1


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_help_chosen_again_while_open_keeps_one_window(window) -> None:
    first = show_help(window)
    assert show_help(window) is first
    assert len(window.findChildren(HelpDialog)) == 1


def test_help_lane_colours_follow_a_dark_palette(window) -> None:
    dialog = show_help(window)
    dark = _dark_palette()
    dialog.setPalette(dark)
    html = dialog.browser.toHtml()
    for category in CATEGORIES:  # the board's lane colours, lifted for a dark background
        assert category_color(category.key, dark).name() in html
    assert (
        category_color("feature", QApplication.palette()).name()
        != category_color("feature", dark).name()
    )


# ------------------------------------------------------------------ the welcome


def test_welcome_shows_on_first_launch_with_focus_on_got_it(window, settings) -> None:
    welcome = Welcome(settings, window)
    assert welcome.maybe_show()
    dialog = welcome.dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.isModal()
    assert QApplication.activeModalWidget() is None
    assert dialog.focusWidget() is dialog.got_it_button
    assert dialog.got_it_button.text() == "Got it"
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    for thing in ("backlog", "gauge", "Charts"):  # the three things to try
        assert thing in text
    assert dialog.width() < window.width() / 2  # a note, not a wall in front of the board


def _dismiss_with_got_it(dialog, qtbot) -> None:
    qtbot.mouseClick(dialog.got_it_button, Qt.MouseButton.LeftButton)


def _dismiss_with_enter(dialog, qtbot) -> None:
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)


def _dismiss_with_escape(dialog, qtbot) -> None:
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)


def _dismiss_with_close(dialog, qtbot) -> None:
    dialog.close()  # the window's own close button


@pytest.mark.parametrize(
    "dismiss",
    [_dismiss_with_got_it, _dismiss_with_enter, _dismiss_with_escape, _dismiss_with_close],
    ids=["got-it", "enter", "escape", "close"],
)
def test_welcome_never_comes_back_once_dismissed(
    window, settings, qtbot, tmp_path: Path, dismiss
) -> None:
    welcome = Welcome(settings, window)
    assert welcome.maybe_show()
    dismiss(welcome.dialog, qtbot)
    assert not welcome.dialog.isVisible()

    assert not welcome.maybe_show()  # same session
    assert not welcome.dialog.isVisible()
    assert not Welcome(settings, window).maybe_show()
    assert not Welcome(_same_file(tmp_path), window).maybe_show()  # the next launch


def test_welcome_comes_back_next_launch_while_not_dismissed(
    window, settings, tmp_path: Path
) -> None:
    assert Welcome(settings, window).maybe_show()
    later = Welcome(_same_file(tmp_path), window)
    assert later.maybe_show()
    assert later.dialog is not None and later.dialog.isVisible()


def test_welcome_opens_how_onproduct_works(window, settings, qtbot) -> None:
    welcome = Welcome(settings, window)
    welcome.maybe_show()
    dialog = welcome.dialog
    assert dialog.help_button.text() == "How Onproduct works"
    qtbot.mouseClick(dialog.help_button, Qt.MouseButton.LeftButton)
    pages = window.findChildren(HelpDialog)
    assert len(pages) == 1 and pages[0].isVisible()
    assert "Product improvement" in pages[0].text()
    assert dialog.isVisible()  # the three things to try stay in view beside it


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_the_help_menu_opens_how_onproduct_works(qtbot, window) -> None:
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Help")
    assert next(a.text().replace("&", "") for a in menu.actions() if a.text()) == HELP_TITLE
    window.help_action.trigger()
    page = window.findChild(HelpDialog)
    assert page is not None and page.isVisible()
    page.close()
