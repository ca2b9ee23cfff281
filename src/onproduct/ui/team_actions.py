"""File ▸ Open Team Plan… and File ▸ Publish as Team Plan…, and what opening a team plan
takes: a password asked for (and kept for the session only), the offline mirror.

The mirror: the last state seen of each team plan is kept as a plan file in the data
folder (`mirrors/`), written when the plan is opened and again as it changes, so when
the server cannot be reached the plan still opens — read-only, with a banner — and can
be read and exported; the window keeps trying the server and shows the live plan as
soon as it answers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from onproduct.storage.errors import DisconnectedError, StorageError
from onproduct.storage.opening import open_team_plan
from onproduct.storage.planfile import PLAN_SUFFIX, open_read_only, save_copy
from onproduct.storage.team import PasswordNeeded, TeamAddress, list_plans
from onproduct.ui.actions import window_action

if TYPE_CHECKING:
    from onproduct.ui.document import PlanDocument
    from onproduct.ui.main_window import MainWindow

# How often a window showing a mirror tries its server again.
MIRROR_RETRY_MS = 5000
# How long after a change the mirror is written again (changes in a burst write once).
MIRROR_AFTER_MS = 4000


def mirror_path(data_dir: Path, address: TeamAddress) -> Path:
    """Where the last state seen of a team plan is kept (by its address, no password)."""
    digest = hashlib.sha1(address.url.encode("utf-8")).hexdigest()[:10]
    name = "".join(c if c.isalnum() or c in " -_" else "_" for c in (address.plan or "plan"))
    return data_dir / "mirrors" / f"{name}-{digest}{PLAN_SUFFIX}"


T = TypeVar("T")


def with_password(
    address: TeamAddress, action: Callable[[TeamAddress], T], ask: Callable[[str], str | None]
) -> tuple[T, TeamAddress]:
    """`action(address)`, asking for a password each time the server wants one; the
    result and the address that worked. PasswordNeeded when the user cancels."""
    while True:
        try:
            return action(address), address
        except PasswordNeeded as error:
            password = ask(str(error))
            if password is None:
                raise
            address = address.with_password(password)


class TeamAddressForm(QWidget):
    """Server, port, database and user: the parts of a team plan's address."""

    def __init__(self, address: TeamAddress | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        given = dict(address.params) if address is not None else {}
        self.host = QLineEdit(given.get("host", "localhost"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(int(given.get("port", "5432") or 5432))
        self.database = QLineEdit(given.get("dbname", ""))
        self.database.setPlaceholderText("the team's database")
        self.user = QLineEdit(given.get("user", ""))
        self.user.setPlaceholderText("your database role")
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow("&Server:", self.host)
        self.form.addRow("P&ort:", self.port)
        self.form.addRow("&Database:", self.database)
        self.form.addRow("&User:", self.user)

    def address(self, plan: str | None = None) -> TeamAddress:
        parts = [
            f"host={self.host.text().strip() or 'localhost'}",
            f"port={self.port.value()}",
        ]
        if self.database.text().strip():
            parts.append(f"dbname={self.database.text().strip()}")
        if self.user.text().strip():
            parts.append(f"user={self.user.text().strip()}")
        return TeamAddress.parse(" ".join(parts)).with_plan(plan)


class OpenTeamPlanDialog(QDialog):
    """Where the team's plans are, and which one to open (listed from the server)."""

    def __init__(
        self,
        parent: QWidget | None,
        address: TeamAddress | None,
        ask_password: Callable[[str], str | None],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open Team Plan")
        self._ask_password = ask_password
        self._password = address.password if address is not None else None
        self.where = TeamAddressForm(address)
        self.plans = QComboBox()
        self.plans.setEditable(False)
        self.list_button = QPushButton("&List Plans")
        self.list_button.setAutoDefault(False)
        self.list_button.clicked.connect(self.list_plans)
        self.status = QLabel("Connect to see the plans the database holds.")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        self.open_button = buttons.button(QDialogButtonBox.StandardButton.Open)
        self.open_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        row = QFormLayout()
        row.addRow("&Plan:", self.plans)
        layout.addLayout(row)
        layout.addWidget(self.list_button)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 56)
        self.where.host.setFocus()

    def address(self) -> TeamAddress:
        plan = self.plans.currentText() or None
        return self.where.address(plan).with_password(self._password)

    def list_plans(self) -> bool:
        def ask(why: str) -> str | None:
            password = self._ask_password(why)
            if password is not None:
                self._password = password
            return password

        try:
            names, address = with_password(
                self.where.address().with_password(self._password), list_plans, ask
            )
        except StorageError as error:  # a password not given, too
            self.status.setText(str(error))
            return False
        self.plans.clear()
        self.plans.addItems(names)
        self.open_button.setEnabled(bool(names))
        self.status.setText(
            f"{len(names)} plan{'s' if len(names) != 1 else ''} on {address.where}."
            if names
            else f"{address.where} holds no team plans yet (File ▸ Publish as Team Plan)."
        )
        return bool(names)


class PublishDialog(QDialog):
    """Where to publish the open plan, and under which name."""

    def __init__(self, parent: QWidget | None, name: str, address: TeamAddress | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Publish as Team Plan")
        intro = QLabel(
            "Copies this plan — items, sprints, operations, settings and history — into the"
            " team's PostgreSQL database, where everyone on the team works on it live."
            " The plan file stays as it is."
        )
        intro.setWordWrap(True)
        self.where = TeamAddressForm(address)
        self.name = QLineEdit(name)
        self.where.form.addRow("Plan &name:", self.name)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Publish")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.where)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self.where.host.setFocus()


class TeamActions(QObject):
    """The team-plan side of the File menu, and opening a team plan."""

    def __init__(self, window: MainWindow, data_dir: Path) -> None:
        super().__init__(window)
        self._window = window
        self._data_dir = data_dir
        # Passwords typed this session, by address: never written anywhere.
        self._passwords: dict[str, str] = {}
        # Hooks the tests replace (dialogs' exec).
        self.ask_password: Callable[[str], str | None] = self._ask_password
        self.run_dialog: Callable[[QDialog], bool] = lambda dialog: (
            dialog.exec() == QDialog.DialogCode.Accepted
        )
        self.open_action = window_action(
            window, "Open &Team Plan…", self.ask_open_team_plan, "Ctrl+Shift+T",
            "Open a plan the team shares on its PostgreSQL server",
        )  # fmt: skip
        self.publish_action = window_action(
            window, "&Publish as Team Plan…", self.ask_publish, "",
            "Copy this plan to the team's PostgreSQL server, to work on it together live",
        )  # fmt: skip
        self._mirror_timer = QTimer(self)
        self._mirror_timer.setSingleShot(True)
        self._mirror_timer.setInterval(MIRROR_AFTER_MS)
        self._mirror_timer.timeout.connect(self.write_mirror)
        self._retry = QTimer(self)
        self._retry.setInterval(MIRROR_RETRY_MS)
        self._retry.timeout.connect(self._try_live_again)
        self._waiting_for: TeamAddress | None = None

    def update(self) -> None:
        document = self._window.document
        self.publish_action.setEnabled(
            document is not None and document.plan.path is not None and not document.plan.is_team
        )

    # ----------------------------------------------------------------- opening

    def _ask_password(self, why: str) -> str | None:
        text, accepted = QInputDialog.getText(
            self._window, "Password", f"{why}\nIt is kept for this session only.",
            QLineEdit.EchoMode.Password,
        )  # fmt: skip
        return text if accepted else None

    def connect(self, address: TeamAddress) -> object:
        """The open team plan, asking for a password if the server wants one (None when
        the user cancels)."""
        try:
            return self._with_password(address, open_team_plan)
        except PasswordNeeded:
            return None

    def _known(self, address: TeamAddress) -> TeamAddress:
        """The address with the password typed for it this session, if any."""
        if address.password is None and address.url in self._passwords:
            return address.with_password(self._passwords[address.url])
        return address

    def _with_password(self, address: TeamAddress, action: Callable[[TeamAddress], T]) -> T:
        """`with_password`, starting from and keeping what was typed this session."""

        def ask(why: str) -> str | None:
            password = self.ask_password(why)
            if password is not None:
                self._passwords[address.url] = password
            return password

        return with_password(self._known(address), action, ask)[0]

    def open_team_plan(self, address: TeamAddress) -> bool:
        """Show a team plan: live from its server, or, when the server cannot be
        reached, the last state seen of it, read-only, until the server answers."""
        window = self._window
        try:
            plan = self.connect(address)
        except DisconnectedError as error:
            return self._open_mirror(address, str(error))
        except StorageError as error:
            window._warn("Cannot open team plan", str(error))
            return False
        if plan is None:
            return False
        self._retry.stop()
        self._waiting_for = None
        if not window.show_plan(plan, address.url):  # type: ignore[arg-type]
            return False
        document = window.document
        if document is not None:
            document.changed.connect(self._mirror_timer.start)
            document.remoteChanged.connect(lambda _changes: self._mirror_timer.start())
        QTimer.singleShot(1000, self, self.write_mirror)
        return True

    def write_mirror(self) -> None:
        """Keep the last state seen of the shown team plan in the data folder."""
        document = self._window.document
        if document is None or not document.plan.is_team or document.offline is not None:
            return
        path = mirror_path(self._data_dir, document.plan.address)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            save_copy(document.plan, path)
        except (OSError, StorageError) as error:
            self._window.statusBar().showMessage(f"The offline copy was not kept: {error}", 8000)

    def _open_mirror(self, address: TeamAddress, why: str) -> bool:
        window = self._window
        path = mirror_path(self._data_dir, address)
        if not path.exists():
            window._warn("Cannot open team plan", why)
            return False
        seen = datetime.fromtimestamp(path.stat().st_mtime).strftime("%d %b %Y, %H:%M")
        try:
            plan = open_read_only(
                path, f"the server cannot be reached; this is the plan as last seen ({seen})"
            )
        except StorageError as error:
            window._warn("Cannot open team plan", f"{why} {error}")
            return False
        plan._name = address.plan  # the team plan's name, not the mirror file's
        if not window.show_plan(plan, None):
            return False
        window.banner.say(
            f"The server cannot be reached ({why.removesuffix('.')}). This is {address.plan} as"
            f" last seen, {seen}: read-only. Onproduct keeps trying the server."
        )
        self._waiting_for = address
        self._retry.start()
        return True

    def _try_live_again(self) -> None:
        address = self._waiting_for
        if address is None:
            self._retry.stop()
            return
        address = self._known(address)
        try:
            plan = open_team_plan(address)
        except StorageError:
            return  # still away (or wants a password: the user opens it again)
        self._retry.stop()
        self._waiting_for = None
        plan.close()
        if self.open_team_plan(address):
            self._window.statusBar().showMessage(
                "The server is back: the team plan is live again.", 10_000
            )

    def ask_open_team_plan(self) -> bool:
        document = self._window.document
        known = document.plan.address if document is not None and document.plan.is_team else None
        dialog = OpenTeamPlanDialog(self._window, known, self.ask_password)
        try:
            if not self.run_dialog(dialog):
                return False
            address = dialog.address()
        finally:
            dialog.deleteLater()
        if address.password:
            self._passwords[address.url] = address.password
        return self.open_team_plan(address)

    # -------------------------------------------------------------- publishing

    def ask_publish(self) -> bool:
        window = self._window
        document = window.document
        if document is None or document.plan.path is None:
            return False
        dialog = PublishDialog(window, document.plan.name, None)
        try:
            if not self.run_dialog(dialog):
                return False
            address = dialog.where.address(dialog.name.text().strip())
        finally:
            dialog.deleteLater()
        return self.publish(document, address)

    def publish(self, document: PlanDocument, address: TeamAddress) -> bool:
        from onproduct.storage.copying import publish

        window = self._window
        assert document.plan.path is not None
        path, name = document.plan.path, address.plan or document.plan.name
        try:
            self._with_password(address, lambda there: publish(path, there, name))
        except PasswordNeeded:
            return False
        except StorageError as error:
            window._warn("Not published", str(error))
            return False
        answer = QMessageBox.question(
            window,
            "Published",
            f"{document.plan.name} is now the team plan {address.plan} on {address.where}."
            " Open the team plan now? (Your plan file stays as it is.)",
        )
        if answer == QMessageBox.StandardButton.Yes:
            return self.open_team_plan(address)
        return True


def menu_actions(actions: TeamActions) -> list[QAction]:
    return [actions.open_action, actions.publish_action]
