"""Rolling backups in the app: one a day when a plan is opened, File ▸ Restore from Backup.

Backups live in the app's data folder (`backups/<plan>-<hash>/`), one per day, the
last seven kept (storage/backups.py). Restoring keeps the plan as it is now among the
backups first, so a restore can be undone by restoring that copy.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from onproduct.storage.backups import Backup, daily_backup, folder_for, list_backups, restore
from onproduct.storage.errors import StorageError
from onproduct.ui.actions import window_action
from onproduct.ui.document import PlanDocument


class BackupDialog(QDialog):
    """The backups of a plan, newest first; the chosen one is restored."""

    def __init__(self, plan: Path, backups: list[Backup], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from Backup")
        intro = QLabel(
            f"Choose the copy of {plan.name} to go back to. The plan as it is now is kept"
            " among these backups, so you can come back to it."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        for backup in backups:
            entry = QListWidgetItem(backup.label())
            entry.setData(256, str(backup.path))
            self.list.addItem(entry)
        self.list.setCurrentRow(0)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Restore")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemActivated.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 60, self.fontMetrics().height() * 18)

    def chosen(self) -> Path | None:
        entry = self.list.currentItem()
        return Path(entry.data(256)) if entry is not None else None


class BackupActions(QObject):
    def __init__(
        self,
        window: QWidget,
        data_dir: Path,
        document: Callable[[], PlanDocument | None],
        reload_after: Callable[[Callable[[], object]], bool],
        show_status: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._root = data_dir / "backups"
        self._document = document
        self._reload_after = reload_after
        self._show_status = show_status
        # Hooks the tests replace: choosing a backup and confirming.
        self.choose: Callable[[BackupDialog], Path | None] = lambda dialog: (
            dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
        )
        self.confirm: Callable[[str], bool] = lambda question: (
            QMessageBox.question(self._window, "Restore from Backup", question)
            == QMessageBox.StandardButton.Yes
        )
        self.restore_action = window_action(
            window,
            "Restore from &Backup…",
            self.ask_restore,
            tip="Go back to a copy of this plan from an earlier day",
        )

    def folder(self, plan: Path) -> Path:
        return folder_for(plan, self._root)

    def after_open(self, plan: Path, today: date | None = None) -> None:
        """Today's backup of a plan just opened (once a day; never in the user's way)."""
        try:
            made = daily_backup(plan, self.folder(plan), today or date.today())
        except StorageError as error:
            self._show_status(f"No backup today: {error}")
            return
        if made is not None:
            self._show_status(f"Backed up {plan.name} for today.")

    def update(self) -> None:
        document = self._document()
        # A team plan's copies are the server's business (its admin's backups).
        self.restore_action.setEnabled(document is not None and document.plan.path is not None)

    def ask_restore(self) -> bool:
        document = self._document()
        if document is None:
            return False
        plan = document.plan.path
        if plan is None:
            return False
        backups = list_backups(self.folder(plan))
        if not backups:
            QMessageBox.information(
                self._window,
                "Restore from Backup",
                f"There is no backup of {plan.name} yet. One is made each day the plan is opened.",
            )
            return False
        chosen = self.choose(BackupDialog(plan, backups, self._window))
        if chosen is None:
            return False
        label = next((b.label() for b in backups if b.path == chosen), chosen.name)
        if not self.confirm(
            f"Replace {plan.name} with the copy of {label}? Changes made since then are"
            " kept in a backup of the plan as it is now, and can be restored from there."
        ):
            return False
        kept: list[Path] = []
        if not self._reload_after(lambda: kept.append(restore(chosen, plan, self.folder(plan)))):
            return False
        self._show_status(f"Restored {plan.name} from the copy of {label}.")
        return True
