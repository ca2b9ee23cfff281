"""Help ▸ How Onproduct works, and the welcome note of the first launch.

The help page is built from the categories and stage presets the app itself uses, so
it names the lanes and targets exactly as the board and Plan Settings do.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QEvent, QPoint, QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from onproduct.domain.categories import CATEGORIES, Group
from onproduct.domain.settings import STAGES
from onproduct.ui.colors import category_color, muted_text
from onproduct.ui.settings import Settings

HELP_TITLE = "How Onproduct works"
WELCOME_KEY = "welcome/dismissed"


_GROUP_NAMES = {
    Group.ON_PRODUCT: "on-product",
    Group.DEVELOPMENT: "development",
    Group.OPERATIONS: "operations",
}

# What goes in each lane, with an example a product owner recognises.
_LANE_TEXT = {
    "feature": "New or better features: anything that makes the product worth more to the"
    " people who use it.",
    "automation": "Work that ends a manual product operation for good, such as self-service"
    " sign-up instead of onboarding each customer by hand.",
    "tech_debt": "Work that makes the team's own job lighter, such as setting up CI/CD so"
    " releases stop being a manual chore.",
    "product_ops": "Hands-on work done for a customer so they get what they pay for, such as"
    " importing their data by hand.",
    "dev_ops": "Hands-on work the team does only because of technical debt, such as deploying"
    " by hand or restarting a flaky job.",
}

# The four charts of the Charts tab, by the titles they carry there.
CHART_TEXT = {
    "Operations burden per sprint": "Hours of manual operations in each sprint, product"
    " operations at the bottom and development operations stacked on top. Paler, dashed"
    " bars are a forecast that counts planned automation as done when its sprint ends."
    " You want these bars to shrink.",
    "On-product index per sprint": "The index of each sprint as a line across the green"
    " target band; the dashed stretch is sprints still to come. A line that leaves the"
    " band means the agreed balance is not being kept.",
    "Operations cost per sprint": "The same hours as money (set an hourly cost in Plan"
    " Settings), against a dashed line for one person's full time. Bars above that line"
    " are a job's worth of manual work.",
    "Operations hours per unit of revenue": "Operations hours for each unit of revenue you"
    " record per sprint. Falling toward zero means revenue no longer needs anyone's time;"
    " flat or rising means operations grow with every customer.",
}


def help_html(palette: QPalette) -> str:
    """The help page as rich text, its accents chosen for this palette."""
    muted = muted_text(palette).name()
    lanes = "".join(
        f'<tr><td width="6" bgcolor="{category_color(c.key, palette).name()}"></td>'
        f"<td><b>{escape(c.name)}</b> "
        f'<span style="color:{muted}">({_GROUP_NAMES[c.group]})</span><br>'
        f"{escape(_LANE_TEXT[c.key])}</td></tr>"
        for c in CATEGORIES
    )
    stages = "".join(
        f'<tr><td style="white-space:nowrap">{escape(s.name)}</td>'
        f'<td align="right"><b>{s.target * 100:.0f}&nbsp;%</b></td>'
        f'<td style="white-space:nowrap">±&nbsp;{s.band * 100:.0f} points</td>'
        f'<td style="color:{muted}">{escape(s.why)}</td></tr>'
        for s in STAGES
    )
    charts = "".join(
        f"<li><b>{escape(title)}.</b> {escape(text)}</li>" for title, text in CHART_TEXT.items()
    )
    return f"""
<h2>{HELP_TITLE}</h2>
<p>Each sprint Onproduct asks one question: how much of the team's time makes the product
better, and how much only keeps it running by hand?</p>

<h3>The five lanes</h3>
<p>Every item belongs in one of five lanes. The first three are <i>development</i>: they
change the product or the way it is built. The last two are <i>operations</i>: they keep
things going without improving anything.</p>
<table cellspacing="3" cellpadding="4">{lanes}</table>

<h3>The on-product index</h3>
<p>The index is the share of development work that is on-product: the first two lanes
out of the first three. Operations stay out of it. Items weigh their estimate, or count
one each if the plan says so; a sprint with no development work shows “—”.</p>
<p>Agree the target with the team up front. It follows the company's stage: before
product–market fit nearly everything goes into learning what customers want; later, more
goes into keeping the product sustainable.</p>
<table cellspacing="0" cellpadding="3" style="margin-top:4px">{stages}</table>
<p>The gauge above the lanes is green inside the band and amber outside it. Change the
stage, the target or the band in <b>File&nbsp;▸ Plan&nbsp;Settings</b> (Ctrl+,) or by
double-clicking the dial.</p>

<h3>Operations and automation</h3>
<p>The <b>Operations</b> tab keeps a register of recurring manual work, such as “hand
onboarding, 6 h a week”, each product or development, from a start date. Operations items
planned in a sprint add to it.</p>
<p>An <b>Ops automation</b> item can name the operation it removes and the hours a week it
saves; from the day it is done, that operation takes that much less time. Automate product
operations first: a product whose revenue needs nobody's hours is one that scales.
<b>Board&nbsp;▸ Put Automation&nbsp;First</b> puts automation at the top of the backlog, quickest
payback (estimate ÷ hours saved a week) first.</p>
<p>When product operations pass one person's full time (40 h a week; editable), the gauge
says so: a dedicated operations hire may be cheaper for now, as an operating cost that
automation later turns back into development time.</p>

<h3>The charts</h3>
<ul>{charts}</ul>
<p style="color:{muted}">Every change is saved to the plan file at once, and Ctrl+Z undoes
any of them.</p>
"""


class HelpDialog(QDialog):
    """A non-modal window with the help page; Escape or Close hides it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{HELP_TITLE} — Onproduct")
        self.setModal(False)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # the page has no links to follow
        self.browser.setFrameShape(QTextBrowser.Shape.NoFrame)
        # Lines wrap to the window: a sideways scroll bar would only ever move a pixel.
        self.browser.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.browser.document().setDocumentMargin(14)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        row = QHBoxLayout()
        row.setContentsMargins(12, 0, 12, 10)
        row.addWidget(buttons)
        layout.addLayout(row)
        self._fill()
        self.resize(self.sizeHint())

    def _fill(self) -> None:
        self.browser.setHtml(help_html(self.palette()))

    def text(self) -> str:
        """The page as plain text, as a reader sees it."""
        return self.browser.toPlainText()

    def sizeHint(self) -> QSize:
        # About 85 characters a line, and at most what a small (1024x700) screen offers.
        metrics = self.fontMetrics()
        width, height = metrics.averageCharWidth() * 96, metrics.height() * 40
        screen = self.screen()
        if screen is not None:
            room = screen.availableGeometry()
            width = min(width, room.width() - 40)
            height = min(height, room.height() - 60)
        return QSize(width, height)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light <-> dark: new accents
            self._fill()


def show_help(parent: QWidget) -> HelpDialog:
    """Show the help page beside `parent`, reusing the one it already has."""
    dialog = parent.findChild(HelpDialog, options=Qt.FindChildOption.FindDirectChildrenOnly)
    if dialog is None:
        dialog = HelpDialog(parent)
    if dialog.isVisible():  # maybe behind the main window: bring it forward
        dialog.raise_()
    dialog.show()
    dialog.activateWindow()
    return dialog


class WelcomeDialog(QDialog):
    """A small note for the first launch: three things to try, and the way to the help."""

    def __init__(self, settings: Settings, parent: QWidget) -> None:
        super().__init__(parent)
        self._settings = settings
        self.setWindowTitle("Welcome to Onproduct")
        self.setModal(False)
        heading = QLabel("Welcome to Onproduct")
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        heading.setFont(font)
        intro = QLabel("Three things to try first:")
        steps = QLabel(
            "<ol style='margin-left:-20px'>"
            "<li>Drag a card from the backlog on the left into one of the sprint's lanes.</li>"
            "<li>Watch the gauge above the lanes move: it shows the on-product index"
            " against the target band.</li>"
            "<li>Open the <b>Charts</b> tab (Ctrl+Shift+H) to see the operations burden"
            " sprint by sprint.</li>"
            "</ol>"
        )
        steps.setWordWrap(True)
        steps.setTextFormat(Qt.TextFormat.RichText)
        self.help_button = QPushButton(HELP_TITLE)
        self.help_button.setAutoDefault(False)
        self.help_button.clicked.connect(lambda: show_help(parent))
        self.got_it_button = QPushButton("Got it")
        self.got_it_button.setDefault(True)
        self.got_it_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.help_button)
        buttons.addStretch(1)
        buttons.addWidget(self.got_it_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(steps)
        layout.addLayout(buttons)
        self.setFixedWidth(self.fontMetrics().averageCharWidth() * 58)
        # Got it, Escape and the window's close button all mean "seen it".
        self.finished.connect(self._dismiss)

    def _dismiss(self) -> None:
        self._settings.set_value(WELCOME_KEY, True)
        self._settings.sync()

    def place(self) -> None:
        """Sit in the parent's lower right corner, off the backlog and the gauge."""
        parent = self.parentWidget()
        if parent is None:
            return
        self.adjustSize()
        corner = parent.mapToGlobal(QPoint(parent.width(), parent.height()))
        margin = self.fontMetrics().height() * 2
        self.move(corner - QPoint(self.width() + margin, self.height() + margin * 2))


class Welcome:
    """Shows the welcome note once: after it is dismissed it never comes back."""

    def __init__(self, settings: Settings, parent: QWidget) -> None:
        self._settings = settings
        self._parent = parent
        self.dialog: WelcomeDialog | None = None

    def dismissed(self) -> bool:
        return bool(self._settings.value(WELCOME_KEY))

    def maybe_show(self) -> bool:
        """Show the note unless it was dismissed before; True if it is showing."""
        if self.dismissed():
            return False
        if self.dialog is None:  # built only when needed: most launches skip it
            self.dialog = WelcomeDialog(self._settings, self._parent)
            self.dialog.place()
        self.dialog.show()
        self.dialog.got_it_button.setFocus(Qt.FocusReason.OtherFocusReason)
        return True
