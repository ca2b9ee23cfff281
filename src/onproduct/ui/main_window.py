"""The main window: menus and actions around the board, and the life of plan files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from onproduct import version
from onproduct.domain.categories import CATEGORIES
from onproduct.domain.items import ItemFields, ValidationError
from onproduct.domain.ranking import BACKLOG
from onproduct.storage.errors import DISK_FULL, DiskFullError, StorageError
from onproduct.storage.lock import OPEN_ELSEWHERE, PlanBusyError
from onproduct.storage.opening import target_of
from onproduct.storage.plan import Plan
from onproduct.storage.planfile import (
    PLAN_SUFFIX,
    create_plan,
    open_plan,
    open_read_only,
    save_copy,
)
from onproduct.storage.seeding import first_sprint, write_sample
from onproduct.storage.team import TeamAddress, is_team_target
from onproduct.ui.backup_actions import BackupActions
from onproduct.ui.board import BoardWidget
from onproduct.ui.dialogs import ItemDialog, SprintDialog
from onproduct.ui.document import PlanDocument, SprintClosedError, closed_message
from onproduct.ui.exchange_actions import ExchangeActions
from onproduct.ui.help import HELP_TITLE, show_help
from onproduct.ui.history import HistoryPanel
from onproduct.ui.icons import icon
from onproduct.ui.lanes import LaneView
from onproduct.ui.loading import RestLoader
from onproduct.ui.operations_actions import OperationsActions
from onproduct.ui.operations_page import OperationsPage
from onproduct.ui.plan_settings_dialog import PlanSettingsDialog
from onproduct.ui.session import Banner, LiveSession
from onproduct.ui.settings import Settings
from onproduct.ui.team_actions import TeamActions

if TYPE_CHECKING:
    from onproduct.ui.charts import ChartsPage

SAMPLE_PLAN_NAME = "Sample plan"
FILE_FILTER = f"Onproduct plans (*{PLAN_SUFFIX});;All files (*)"

ABOUT_TEXT = """<h3>Onproduct {version}</h3>
<p>A planner that keeps one question in view every sprint: how much of the team's time
makes the product better, and how much goes into keeping it running by hand?</p>
<p>Work falls into five kinds. <b>Product improvement</b> and <b>ops automation</b> are
on-product work: they add value for customers or remove a manual chore for good.
<b>Technical debt</b> is development too, but it pays down the team's own burden.
<b>Product operations</b> (manual work done for customers) and <b>development
operations</b> (manual work caused by debt) keep things running without improving them.</p>
<p>The on-product index is the share of development work that is on-product. Early
companies keep it high to learn what customers want; later ones lower it to make the
product sustainable. A product whose revenue does not need manual hours scales, so
automating product operations comes first.</p>
<p>Every change is saved to the plan file the moment you make it.</p>"""


class MainWindow(QMainWindow):
    """One window showing one plan at a time."""

    def __init__(self, settings: Settings, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        self._data_dir = data_dir
        self._document: PlanDocument | None = None
        self._rest_loader: RestLoader | None = None
        self.undo_group = QUndoGroup(self)
        self.board = BoardWidget(self)
        self.operations_page = OperationsPage(self)
        # The Charts tab gets its page (and pyqtgraph) the first time it is shown.
        self.charts_page: ChartsPage | None = None
        self._charts_holder = QWidget()
        QVBoxLayout(self._charts_holder).setContentsMargins(0, 0, 0, 0)
        # Pages paint their own background: otherwise every card or label that changes
        # repaints the tab widget's pane behind it too (8 ms of every drop at 100k).
        for page in (self.board, self.operations_page, self._charts_holder):
            page.setAutoFillBackground(True)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.board, "&Board")
        self.tabs.addTab(self.operations_page, "&Operations")
        self.tabs.addTab(self._charts_holder, "C&harts")
        self.tabs.currentChanged.connect(self._on_tab_changed)
        # Above the tabs: the banner for what must not be missed (a server out of reach).
        self.banner = Banner()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self._session: LiveSession | None = None
        self.plan_label = QLabel()
        self.statusBar().addPermanentWidget(self.plan_label)
        self.operations_actions = OperationsActions(
            self, self.board, self.operations_page, lambda: self._document
        )
        self.exchange_actions = ExchangeActions(
            self,
            self.board,
            settings,
            lambda: self._document,
            lambda message: self.statusBar().showMessage(message, 10000),
        )
        self.backup_actions = BackupActions(
            self,
            data_dir,
            lambda: self._document,
            self._reload_after,
            lambda message: self.statusBar().showMessage(message, 10000),
        )
        self.team_actions = TeamActions(self, data_dir)
        self._history_sized = False
        # View ▸ History: who changed what, under the board. Beside it, the six lists'
        # least width plus a readable table did not fit a 1024-pixel screen: the window
        # grew past it. Users with room to spare can drag it to a side (kept).
        self.history = HistoryPanel(self._selected_item, self.show_item, self)
        self.history_dock = QDockWidget("History", self)
        self.history_dock.setObjectName("history")
        self.history_dock.setWidget(self.history)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.history_dock)
        self.history_dock.hide()
        self.history_dock.visibilityChanged.connect(self._history_shown)
        self._build_actions()
        self._build_menus()
        # What the user selects enables the menu at once (a shortcut may follow right
        # away); what a change does to the undo stack and the document is caught up
        # with once, when the event loop next runs: a drop sends several of those.
        self._actions_timer = QTimer(self, singleShot=True, interval=0)
        self._actions_timer.timeout.connect(self._update_actions)
        self.board.selectionChanged.connect(self._update_actions)
        self.board.selectionChanged.connect(self.history.selection_changed)
        self.board.refused.connect(lambda message: self.statusBar().showMessage(message, 10_000))
        self.board.gauge.settingsRequested.connect(self.ask_plan_settings)
        self.board.sprintChanged.connect(self._update_actions)
        for view in self.board.views():
            # Enter or a double-click edits the card it lands on, selected or not.
            view.activated.connect(lambda index, v=view: self._edit_activated(v, index))
        self._update_title()
        self._update_actions()
        self.resize(self.fontMetrics().averageCharWidth() * 190, self.fontMetrics().height() * 44)

    # ------------------------------------------------------------------ actions

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        icon_name: str | None = None,
        tip: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon_name is not None:
            action.setIcon(icon(icon_name))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.new_plan_action = a(
            "&New Plan…",
            self.ask_new_plan,
            "Ctrl+Shift+N",
            "document-new",
            "Start an empty plan file",
        )
        self.open_action = a(
            "&Open…", self.ask_open_plan, QKeySequence.StandardKey.Open, "document-open"
        )
        self.save_as_action = a(
            "Save &As…",
            self.ask_save_as,
            QKeySequence.StandardKey.SaveAs,
            "document-save-as",
            "Copy the plan to another file and go on working there",
        )
        self.settings_action = a(
            "Plan &Settings…",
            self.ask_plan_settings,
            "Ctrl+,",
            "document-properties",
            "Stage, target index, basis, effort unit and costs of this plan",
        )
        self.quit_action = a("&Quit", self.close, QKeySequence.StandardKey.Quit, "application-exit")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        self.undo_action = self.undo_group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setIcon(icon("edit-undo"))
        self.redo_action = self.undo_group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Redo))
        self.redo_action.setIcon(icon("edit-redo"))
        self.addActions([self.undo_action, self.redo_action])

        self.new_item_action = a(
            "New &Item…",
            self.ask_new_item,
            QKeySequence.StandardKey.New,
            "list-add",
            "Add an item to the backlog, or to the lane you are in",
        )
        self.edit_item_action = a(
            "&Edit Item…", self.edit_selected_item, "F2", "document-properties"
        )
        self.delete_action = a(
            "&Delete",
            self.delete_selected_items,
            QKeySequence.StandardKey.Delete,
            "edit-delete",
            "Delete the selected items (Undo brings them back)",
        )
        self.filter_action = a("&Filter…", self.focus_filter, QKeySequence.StandardKey.Find)

        self.new_sprint_action = a("&New Sprint…", self.ask_new_sprint, "Ctrl+Alt+N")
        self.edit_sprint_action = a("&Edit Sprint…", self.ask_edit_sprint)
        self.delete_sprint_action = a(
            "&Delete Sprint",
            self.delete_current_sprint,
            None,
            None,
            "Delete the sprint; its items go back to the backlog (Undo restores it)",
        )
        self.previous_sprint_action = a(
            "&Previous Sprint", lambda: self.board.step_sprint(-1), "Ctrl+PgUp", "go-previous"
        )
        self.next_sprint_action = a(
            "Ne&xt Sprint", lambda: self.board.step_sprint(+1), "Ctrl+PgDown", "go-next"
        )

        self.lane_actions = []
        for number, cat in enumerate(CATEGORIES, start=1):
            action = a(
                f"Move to &{number} {cat.name}",
                lambda key=cat.key: self.board.move_selection_to_lane(key),
                f"Ctrl+{number}",
                None,
                f"Move the selected items into the {cat.name} lane of the sprint",
            )
            self.lane_actions.append(action)
        self.to_backlog_action = a(
            "Move to &Backlog", lambda: self.board.move_selection(BACKLOG), "Ctrl+0"
        )
        self.plan_action = a(
            "&Plan into Sprint",
            self.board.plan_selection_into_sprint,
            "Ctrl+Shift+P",
            None,
            "Move the selected items into the sprint, each in the lane of its category",
        )
        self.up_action = a("Move &Up", lambda: self.board.shift_selection(-1), "Alt+Up", "go-up")
        self.down_action = a(
            "Move Do&wn", lambda: self.board.shift_selection(+1), "Alt+Down", "go-down"
        )
        self.top_action = a(
            "Move to &Top", lambda: self.board.move_selection_to_edge(True), "Alt+Home", "go-top"
        )
        self.bottom_action = a(
            "Move to Botto&m",
            lambda: self.board.move_selection_to_edge(False),
            "Alt+End",
            "go-bottom",
        )
        self.automation_first_action = a(
            "Put &Automation First",
            self.put_automation_first,
            None,
            None,
            "Order the backlog as suggested: automation first, quickest payback first",
        )
        self.go_actions = [a("Go to &Backlog", lambda: self.board.focus_list(0), "Alt+0")]
        for number, cat in enumerate(CATEGORIES, start=1):
            self.go_actions.append(
                a(
                    f"Go to &{number} {cat.name}",
                    lambda n=number: self.board.focus_list(n),
                    f"Alt+{number}",
                )
            )
        self.view_actions = [
            a("&Board", lambda: self.tabs.setCurrentIndex(0), "Ctrl+Shift+B"),
            a("&Operations", lambda: self.tabs.setCurrentIndex(1), "Ctrl+Shift+O"),
            a("C&harts", lambda: self.tabs.setCurrentIndex(2), "Ctrl+Shift+H"),
        ]
        self.help_action = a(
            f"&{HELP_TITLE}", lambda: show_help(self), QKeySequence.StandardKey.HelpContents
        )
        self.about_action = a("&About Onproduct", self.show_about, None, "help-about")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

        self.board.set_context_actions(
            [
                self.edit_item_action,
                self.delete_action,
                _separator(self),
                *self.lane_actions,
                self.to_backlog_action,
                self.plan_action,
                _separator(self),
                self.up_action,
                self.down_action,
            ]
        )

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_plan_action, self.open_action])
        file_menu.addAction(self.team_actions.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addAction(self.save_as_action)
        file_menu.addAction(self.team_actions.publish_action)
        file_menu.addSeparator()
        file_menu.addAction(self.exchange_actions.import_action)
        export_menu = file_menu.addMenu("&Export")
        export_menu.addActions(self.exchange_actions.actions())
        file_menu.addAction(self.backup_actions.restore_action)
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.new_item_action, self.edit_item_action, self.delete_action])
        edit_menu.addSeparator()
        edit_menu.addAction(self.filter_action)

        sprint_menu = bar.addMenu("&Sprint")
        sprint_menu.addActions(
            [self.new_sprint_action, self.edit_sprint_action, self.delete_sprint_action]
        )
        sprint_menu.addSeparator()
        history = self.operations_actions
        sprint_menu.addActions(
            [history.close_sprint, history.reopen_sprint, history.baseline_sprint]
        )
        sprint_menu.addSeparator()
        sprint_menu.addActions([self.previous_sprint_action, self.next_sprint_action])

        board_menu = bar.addMenu("&Board")
        board_menu.addActions(self.lane_actions)
        board_menu.addActions([self.to_backlog_action, self.plan_action])
        board_menu.addSeparator()
        board_menu.addActions(
            [self.up_action, self.down_action, self.top_action, self.bottom_action]
        )
        board_menu.addAction(self.automation_first_action)
        board_menu.addSeparator()
        go_menu = board_menu.addMenu("&Go To")
        go_menu.addActions(self.go_actions)

        operations_menu = bar.addMenu("&Operations")
        operations_menu.addActions(
            [history.add_operation, history.edit_operation, history.delete_operation]
        )

        view_menu = bar.addMenu("&View")
        view_menu.addActions(self.view_actions)
        view_menu.addSeparator()
        history = self.history_dock.toggleViewAction()
        history.setText("&History")
        history.setShortcut("Ctrl+Shift+Y")
        history.setStatusTip("Who changed what in the plan, and when")
        view_menu.addAction(history)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.help_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self._settings.recent_plans()
        for number, target in enumerate(recent, start=1):
            place = target_of(target)
            name = (
                f"{place.plan} (team plan on {place.where})"
                if isinstance(place, TeamAddress)
                else place.name
            )
            action = self.recent_menu.addAction(f"&{number} {name}")
            action.setToolTip(target)
            action.setStatusTip(target)
            action.triggered.connect(lambda _checked=False, t=target: self.open_plan(t))
        if not recent:
            self.recent_menu.addAction("No recent plans").setEnabled(False)
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("&Clear Menu")
        clear.setEnabled(bool(recent))
        clear.triggered.connect(self._settings.clear_recent)

    def _on_tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self._charts_holder and self.charts_page is None:
            self._build_charts()
        self._update_actions()

    def _build_charts(self) -> None:
        if self._document is None:
            return
        from onproduct.ui.charts import ChartsPage  # pyqtgraph: paid for on first use only

        self.charts_page = ChartsPage(self._document)
        layout = self._charts_holder.layout()
        assert layout is not None
        layout.addWidget(self.charts_page)

    def _schedule_actions_update(self, *_: object) -> None:
        self._actions_timer.start()  # not start(int): signals' arguments stay out of it

    def _update_actions(self) -> None:
        self.team_actions.update()
        self.operations_actions.update()
        self.exchange_actions.update()
        self.backup_actions.update()
        has_plan = self._document is not None
        ids = self.board.selected_ids() if has_plan else []
        bucket = self.board.active_bucket()
        sprint = self.board.current_sprint_id() is not None
        for action in (
            self.save_as_action,
            self.new_item_action,
            self.new_sprint_action,
            self.settings_action,
            self.automation_first_action,
        ):
            action.setEnabled(has_plan)
        for action in (self.edit_sprint_action, self.delete_sprint_action):
            action.setEnabled(has_plan and sprint)
        self.edit_item_action.setEnabled(len(ids) == 1)
        self.delete_action.setEnabled(bool(ids))
        for action in (*self.lane_actions, self.plan_action):
            action.setEnabled(bool(ids) and sprint)
        self.to_backlog_action.setEnabled(
            bool(ids) and bucket is not None and not bucket.is_backlog
        )
        for action in (self.up_action, self.down_action, self.top_action, self.bottom_action):
            action.setEnabled(bool(ids))

    # -------------------------------------------------------------- plan files

    @property
    def document(self) -> PlanDocument | None:
        return self._document

    def open_plan(self, target: Path | str) -> bool:
        """Show the plan a file's path or a team plan's address names; on failure say
        why and keep the current plan."""
        place = target_of(target) if isinstance(target, str) else target
        if isinstance(place, TeamAddress):
            return self.team_actions.open_team_plan(place)
        path = Path(place).absolute()
        current = self._document.plan if self._document is not None else None
        if current is not None and current.path is not None and path == current.path.absolute():
            return True
        try:
            try:
                plan = open_plan(path)
            except PlanBusyError:  # someone is replacing the file: look, do not touch
                plan = open_read_only(path, OPEN_ELSEWHERE)
            except DiskFullError:  # readable, but no change could be saved
                plan = open_read_only(path, DISK_FULL)
        except StorageError as error:
            self._warn("Cannot open plan", str(error))
            if not path.exists():
                self._settings.remove_recent(str(path))
            return False
        if not self.show_plan(plan, str(path)):
            return False
        if plan.read_only is None:
            # Today's backup once the board is up: a big plan's copy must not delay it.
            QTimer.singleShot(1500, self, lambda: self.backup_actions.after_open(path))
        if plan.upgrade is not None:
            QMessageBox.information(
                self,
                "Plan upgraded",
                f"{path.name} was saved by an older version of Onproduct and has been"
                f" upgraded. A copy of the file as it was is kept at:\n{plan.upgrade.backup}",
            )
        return True

    def show_plan(self, plan: Plan, remember: str | None) -> bool:
        """Show an open plan (a file or a team plan) on the board; `remember` goes into
        Open Recent. Says why if its items cannot be read, and closes it then."""
        try:
            # A big plan: what the board shows first now, the rest once it is on screen.
            document = PlanDocument(plan, self, first_screen=True)
        except StorageError as error:
            plan.close()
            self._warn("Cannot open plan", str(error))
            return False
        self._show_document(document)
        if not document.items.complete:
            self._rest_loader = RestLoader(document, self.board.backlog_view.viewport(), self)
            self._rest_loader.failed.connect(self._on_rest_failed)
        if remember is not None:
            self._remember(remember)
        if plan.read_only is not None:
            QMessageBox.information(
                self,
                "Opened read-only",
                f"{plan.name} is open read-only because {plan.read_only}. You can look at it,"
                " export it and keep a copy with File ▸ Save As; changes here are not saved.",
            )
        return True

    def _on_rest_failed(self, message: str) -> None:
        self._warn("Cannot read the whole plan", message)

    def _reload_after(self, change: Callable[[], object]) -> bool:
        """Close the plan's file, make a change to it (a restore), and show it again."""
        document = self._document
        if document is None:
            return False
        path = document.plan.path
        if self._session is not None:
            self._session.stop()
        document.close()  # the file must not be open while it is replaced
        try:
            change()
        except StorageError as error:
            self._warn("Not restored", str(error))
            changed = False
        else:
            changed = True
        try:
            self._show_document(PlanDocument(open_plan(path), self))
        except StorageError as error:
            self._warn("Cannot open plan", str(error))
            return False
        return changed

    def _show_document(self, document: PlanDocument) -> None:
        if self._rest_loader is not None:
            self._rest_loader.cancel()
            self._rest_loader.deleteLater()
            self._rest_loader = None
        old = self._document
        self._document = document
        self.undo_group.addStack(document.undo_stack)
        self.undo_group.setActiveStack(document.undo_stack)
        document.errorOccurred.connect(lambda message: self._warn("Change not saved", message))
        document.undo_stack.indexChanged.connect(self._schedule_actions_update)
        self.board.set_document(document)
        self.operations_page.set_document(document)
        document.changed.connect(self._schedule_actions_update)
        if self.charts_page is not None:
            self.charts_page.set_document(document)
        self._start_session(document)
        self.history.set_document(document)
        if old is not None:
            self.undo_group.removeStack(old.undo_stack)
            old.close()
            old.deleteLater()
        self._update_title()
        self._update_actions()

    def _selected_item(self) -> int | None:
        ids = self.board.selected_ids()
        return ids[0] if ids else None

    def show_item(self, item_id: int) -> None:
        """Put an item on the board: its sprint shown, it selected (the history's way)."""
        document = self._document
        if document is None or item_id not in document.items:
            return
        item = document.items.item(item_id)
        self.tabs.setCurrentWidget(self.board)
        if item.sprint_id is not None and item.sprint_id != self.board.current_sprint_id():
            self.board.set_current_sprint(item.sprint_id)
        self.board.select_items([item_id])

    def _start_session(self, document: PlanDocument) -> None:
        """Others' changes, live; the server's comings and goings in the banner."""
        if self._session is not None:
            self._session.stop()
            self._session.deleteLater()
        self._session = LiveSession(
            document, self.banner, lambda message: self.statusBar().showMessage(message, 10_000),
            self,
        )  # fmt: skip
        document.offlineChanged.connect(lambda _offline: self._update_title())

    def _remember(self, target: str) -> None:
        self._settings.add_recent(target)
        self._settings.set_last_plan(target)

    def _update_title(self) -> None:
        if self._document is None:
            self.setWindowTitle("Onproduct")
            self.plan_label.setText("")
            return
        plan = self._document.plan
        read_only = " (read-only)" if plan.read_only is not None else ""
        if plan.is_team:
            address = plan.address
            # Offline, the server cannot say; the address names the role it was opened as.
            who = plan.backend.who() if self._document.offline is None else ""
            who = who or address.param("user") or "you"
            self.setWindowTitle(
                f"{plan.name}{read_only} — team plan on {address.where} as {who} — Onproduct"
            )
            # Short: the title has the plan's name, and others' changes are said beside it.
            self.plan_label.setText(f"Team plan on {address.where}, as {who}")
            self.plan_label.setToolTip(address.url)
        else:
            self.setWindowTitle(f"{plan.name}{read_only} — Onproduct")
            self.plan_label.setText(str(plan.path))
            self.plan_label.setToolTip("")

    def open_initial(self, requested: Path | str | None, today: date | None = None) -> bool:
        """Open the plan to start with: the one asked for (a file or a team plan's
        address), the last one, or the sample."""
        if isinstance(requested, str) and is_team_target(requested):
            if self.open_plan(requested):
                return True
            requested = None
        elif isinstance(requested, str):
            requested = Path(requested)
        if requested is not None:
            requested = requested.absolute()
            if not requested.exists() and self.new_plan(requested):
                return True
            if requested.exists() and self.open_plan(requested):
                return True
        last = self._settings.last_plan()
        known = last is not None and (is_team_target(last) or Path(last).exists())
        if known and last is not None and self.open_plan(last):
            return True
        return self.open_sample(today or date.today())

    def open_sample(self, today: date) -> bool:
        """Open the sample plan in the data folder, creating it the first time."""
        self._data_dir.mkdir(parents=True, exist_ok=True)
        path = self._data_dir / f"{SAMPLE_PLAN_NAME}{PLAN_SUFFIX}"
        if path.exists() and self.open_plan(path):
            return True
        number = 2
        while path.exists():  # the sample was refused: never overwrite it, make another
            path = self._data_dir / f"{SAMPLE_PLAN_NAME} {number}{PLAN_SUFFIX}"
            number += 1
        try:
            create_plan(path, lambda plan: write_sample(plan, today))
        except StorageError as error:
            self._warn("Cannot create the sample plan", str(error))
            return False
        return self.open_plan(path)

    def new_plan(self, path: Path) -> bool:
        """Create an empty plan (with one sprint to start from) and show it."""
        path = path.absolute()
        current = self._document.plan.path if self._document is not None else None
        if current is not None and path == current.absolute():
            self._warn("Cannot create plan", f"{path.name} is the plan you have open.")
            return False
        try:
            create_plan(path, lambda plan: first_sprint(plan, date.today()), replace=True)
        except StorageError as error:
            self._warn("Cannot create plan", str(error))
            return False
        return self.open_plan(path)

    def save_as(self, path: Path) -> bool:
        """Copy the plan to `path` and go on working there, undo history included."""
        document = self._document
        if document is None:
            return False
        path = path.absolute()
        if document.plan.path is not None and path == document.plan.path.absolute():
            return True
        try:
            save_copy(document.plan, path)  # a team plan too: it becomes a local file
            document.retarget(open_plan(path))
        except PlanBusyError:
            self._warn("Cannot save plan", f"{path.name} is open in another Onproduct window.")
            return False
        except StorageError as error:
            self._warn("Cannot save plan", str(error))
            return False
        self._remember(str(path))
        self._start_session(document)
        self._update_title()
        self.statusBar().showMessage(f"Saved as {path}", 5000)
        return True

    def _plan_dir(self) -> str:
        if self._document is not None and self._document.plan.path is not None:
            return str(self._document.plan.path.parent)
        return str(self._data_dir)

    def ask_new_plan(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "New Plan", str(Path(self._plan_dir()) / f"New plan{PLAN_SUFFIX}"), FILE_FILTER
        )
        if path:
            self.new_plan(_with_suffix(path))

    def ask_open_plan(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open Plan", self._plan_dir(), FILE_FILTER)
        if path:
            self.open_plan(Path(path))

    def ask_save_as(self) -> None:
        if self._document is None:
            return
        suggestion = str(Path(self._plan_dir()) / f"{self._document.plan.name} copy{PLAN_SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self, "Save Plan As", suggestion, FILE_FILTER)
        if path:
            self.save_as(_with_suffix(path))

    # -------------------------------------------------------------- item editing

    def ask_new_item(self) -> None:
        document = self._document
        if document is None:
            return
        bucket = self.board.active_bucket() or BACKLOG
        category = bucket.category or "feature"
        closed = document.closed_sprint(bucket.sprint_id)
        if closed is not None:  # a closed sprint takes no new work: the backlog does
            bucket = BACKLOG
        fields, accepted = ItemDialog.get_fields(
            self,
            ItemFields(title="", category=category),
            title="New Item",
            known_labels=document.items.labels(),
            operations=document.operations.operations(),
            check=lambda f: document.check_item(f, None),
            settings=document.settings,
        )
        if accepted and fields is not None:
            item_id = self._attempt(lambda: document.add_item(fields, bucket))
            if isinstance(item_id, int):
                self.board.select_items([item_id])
                if closed is not None:
                    self.statusBar().showMessage(
                        f"{closed.name} is closed, so the new item went to the backlog.", 10_000
                    )

    def edit_selected_item(self) -> None:
        ids = self.board.selected_ids()
        if len(ids) == 1:
            self.edit_item(ids[0])

    def _edit_activated(self, view: LaneView, index: QModelIndex) -> None:
        model = view.lane_model()
        if model is not None and index.isValid():
            self.edit_item(model.id_at(index.row()))

    def edit_item(self, item_id: int) -> None:
        document = self._document
        if document is None or item_id not in document.items:
            return
        item = document.items.item(item_id)
        closed = document.closed_sprint(item.sprint_id)
        fields, accepted = ItemDialog.get_fields(
            self,
            item.editable,
            title="Edit Item" if closed is None else "Item of a Closed Sprint",
            known_labels=document.items.labels(),
            operations=document.operations.operations(),
            check=lambda f: document.check_item(f, item.id),
            settings=document.settings,
            read_only=closed_message(closed) if closed is not None else None,
        )
        if accepted and fields is not None:
            self._attempt(lambda: document.edit_item(item.id, fields))
            self.board.select_items([item.id])

    def delete_selected_items(self) -> None:
        if self._document is not None:
            count = len(self.board.selected_ids())
            try:
                deleted = self._document.delete_items(self.board.selected_ids())
            except SprintClosedError as error:
                self.statusBar().showMessage(str(error), 10_000)
                return
            if deleted:
                noun = "item" if count == 1 else "items"
                self.statusBar().showMessage(
                    f"Deleted {count} {noun}. Undo brings them back.", 5000
                )

    def ask_plan_settings(self) -> None:
        document = self._document
        if document is None:
            return
        settings, accepted = PlanSettingsDialog.get_fields(self, document.settings)
        if accepted and settings is not None:
            self._attempt(lambda: document.change_settings(settings))

    def put_automation_first(self) -> None:
        if self._document is None:
            return
        if self._document.put_automation_first():
            self.board.focus_list(0)
            message = "Automation first, quickest payback first. Undo restores the order."
        else:
            message = "The backlog already starts with its automation items."
        self.statusBar().showMessage(message, 5000)

    def focus_filter(self) -> None:
        self.board.filter_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.board.filter_box.selectAll()

    # ------------------------------------------------------------- sprint editing

    def ask_new_sprint(self) -> None:
        document = self._document
        if document is None:
            return
        fields, accepted = SprintDialog.get_fields(
            self,
            document.sprints.next_defaults(date.today()),
            title="New Sprint",
            check=lambda f: document.check_sprint(f, None),
            unit=self.board.unit,
            revenue_unit=document.settings.revenue_unit,
        )
        if accepted and fields is not None:
            sprint_id = self._attempt(lambda: document.add_sprint(fields))
            if isinstance(sprint_id, int):
                self.board.set_current_sprint(sprint_id)

    def ask_edit_sprint(self) -> None:
        document = self._document
        sprint = self.board.current_sprint()
        if document is None or sprint is None:
            return
        fields, accepted = SprintDialog.get_fields(
            self,
            sprint.editable,
            title="Edit Sprint",
            check=lambda f: document.check_sprint(f, sprint.id),
            unit=self.board.unit,
            revenue_unit=document.settings.revenue_unit,
        )
        if accepted and fields is not None:
            self._attempt(lambda: document.edit_sprint(sprint.id, fields))

    def delete_current_sprint(self) -> None:
        sprint = self.board.current_sprint()
        if self._document is not None and sprint is not None:
            self._document.delete_sprint(sprint.id)
            self.statusBar().showMessage(
                f"Deleted {sprint.name}; its items are back in the backlog. Undo restores it.", 5000
            )

    # -------------------------------------------------------------------- misc

    def _attempt(self, change: Callable[[], object]) -> object:
        """Run a change the dialogs already checked; a late refusal is still shown."""
        try:
            return change()
        except ValidationError as error:
            self._warn("Change not made", str(error))
            return None

    def _warn(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    def show_about(self) -> None:
        QMessageBox.about(self, "About Onproduct", ABOUT_TEXT.format(version=version()))

    def _history_shown(self, visible: bool) -> None:
        """The first time the History shows under the board: about a fifth of the
        window's height (its own least height is two rows)."""
        if not visible or self.history_dock.isFloating() or self._history_sized:
            return
        self._history_sized = True
        area = self.dockWidgetArea(self.history_dock)
        if area == Qt.DockWidgetArea.BottomDockWidgetArea:
            height = max(self.history.minimumSizeHint().height(), self.height() // 5)
            self.resizeDocks([self.history_dock], [height], Qt.Orientation.Vertical)

    def restore_state(self) -> None:
        geometry = self._settings.value("window/geometry")
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:  # the first launch: most of the screen, centred
            self.fill_screen()
        state = self._settings.value("window/state")
        if not state.isEmpty():
            self.restoreState(state)  # the History's place and size too
            self._history_sized = True
        splitter = self._settings.value("board/splitter")
        if not splitter.isEmpty():
            self.board.splitter.restoreState(splitter)

    def fill_screen(self, share: float = 0.9) -> None:
        """Take `share` of the screen's free area (no more than the board needs), centred."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        free = screen.availableGeometry()
        if free.width() < 1440:  # a small screen: all of it
            share = 1.0
        width = min(int(free.width() * share), 1920)
        height = min(int(free.height() * share), 1200)
        self.resize(width, height)
        self.move(free.x() + (free.width() - width) // 2, free.y() + (free.height() - height) // 2)

    def save_state(self) -> None:
        self._settings.set_value("window/geometry", self.saveGeometry())
        self._settings.set_value("window/state", self.saveState())
        self._settings.set_value("board/splitter", self.board.splitter.saveState())
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Every change is already in the plan file: closing never asks to save.
        self.save_state()
        self.exchange_actions.shutdown()
        if self._session is not None:
            self._session.stop()
        if self._document is not None:
            self._document.close()
        event.accept()


def _separator(parent: QWidget) -> QAction:
    action = QAction(parent)
    action.setSeparator(True)
    return action


def _with_suffix(path: str) -> Path:
    result = Path(path)
    return result if result.suffix else result.with_suffix(PLAN_SUFFIX)
