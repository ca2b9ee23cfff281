"""File ▸ Import and File ▸ Export: the same readers and writers the command line uses.

An import runs in three steps: the file is read and checked on a worker thread (a
progress dialog can cancel it), a tracker's export goes through the mapping dialog
with its preview, and the changes are written on a worker thread in one transaction
(cancel rolls it back). Only then does an `ImportCommand` put the import on the undo
stack and on the board. Exports are quick (a 1,000-item sprint in well under a second)
and run on the GUI thread behind a busy cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QProgressDialog, QWidget

from onproduct.domain.items import Sprint
from onproduct.exchange.batch import Batch, Cancelled, ExchangeError
from onproduct.exchange.importer import ImportChanges, plan_import, write_import
from onproduct.exchange.output import check_export
from onproduct.storage.errors import StorageError
from onproduct.storage.opening import reopen
from onproduct.ui.actions import window_action
from onproduct.ui.board import BoardWidget
from onproduct.ui.commands import ImportCommand
from onproduct.ui.document import PlanDocument
from onproduct.ui.settings import Settings
from onproduct.ui.worker import Progress, Worker

if TYPE_CHECKING:
    from onproduct.exchange.mapping import CategoryMapping
    from onproduct.exchange.sources import MappedSource
    from onproduct.ui.import_dialog import MappingDialog

# The readers, the mapping dialog and the PDF writer are imported when first used:
# together they cost ~60 ms of start-up (regular expressions, QtGui's PDF classes).


class ExchangeActions(QObject):
    """Owns the import and export actions of the File menu."""

    # The end of an import, with the one line the status bar shows (tests wait on it).
    importFinished = Signal(str)

    def __init__(
        self,
        window: QWidget,
        board: BoardWidget,
        settings: Settings,
        document: Callable[[], PlanDocument | None],
        show_status: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._board = board
        self._settings = settings
        self._document = document
        self._show_status = show_status
        self._workers: set[Worker] = set()
        # Hooks the tests replace: the mapping step and the closing summary.
        self.choose_mapping: Callable[[MappingDialog], bool] = lambda dialog: (
            dialog.exec() == QDialog.DialogCode.Accepted
        )
        self.show_summary: Callable[[str, str], None] = self._summary_box
        self.progress: QProgressDialog | None = None

        def action(
            text: str, slot: Callable[[], object], shortcut: str = "", tip: str = ""
        ) -> QAction:
            return window_action(window, text, slot, shortcut, tip)

        self.import_action = action(
            "&Import…", self.ask_import, "Ctrl+Shift+I",
            "Import a backlog: Onproduct CSV or a tracker's export (Jira, Trello, Azure DevOps,"
            " Linear)",
        )  # fmt: skip
        self.export_sprint_pdf = action(
            "Sprint Plan as &PDF…", self.ask_export_sprint_pdf, "Ctrl+Shift+E",
            "Export the shown sprint as a PDF for a steering meeting",
        )  # fmt: skip
        self.export_report_pdf = action(
            "Plan &Report as PDF…", self.ask_export_report_pdf, "",
            "Export every sprint's index and operations burden as a PDF",
        )  # fmt: skip
        self.export_sprint_csv = action(
            "&Sprint as CSV…", self.ask_export_sprint_csv, "",
            "Export the items of the shown sprint as CSV for a spreadsheet",
        )  # fmt: skip
        self.export_plan_csv = action(
            "Whole Plan as &CSV…", self.ask_export_plan_csv, "",
            "Export every item of the plan as CSV; importing it gives the plan back",
        )  # fmt: skip

    def actions(self) -> list[QAction]:
        return [
            self.export_sprint_pdf,
            self.export_report_pdf,
            self.export_sprint_csv,
            self.export_plan_csv,
        ]

    def update(self) -> None:
        has_plan = self._document() is not None
        has_sprint = has_plan and self._board.current_sprint() is not None
        self.import_action.setEnabled(has_plan)
        self.export_report_pdf.setEnabled(has_plan)
        self.export_plan_csv.setEnabled(has_plan)
        self.export_sprint_pdf.setEnabled(has_sprint)
        self.export_sprint_csv.setEnabled(has_sprint)

    # ------------------------------------------------------------------ import

    def ask_import(self) -> None:
        from onproduct.exchange.formats import dialog_filters

        path, _ = QFileDialog.getOpenFileName(
            self._window, "Import a Backlog", self._folder(), dialog_filters()
        )
        if path:
            self._remember_folder(Path(path))
            self.import_file(Path(path))

    def import_file(self, path: Path, fmt: str = "auto") -> None:
        """Read the file off the GUI thread, then map, preview and write it."""
        from onproduct.exchange.sources import read_source

        document = self._document()
        if document is None:
            return
        self._run(
            f"Reading {path.name}…",
            lambda _progress: read_source(path, fmt),
            lambda loaded: self._read(document, path, loaded),
        )

    def _read(self, document: PlanDocument, path: Path, loaded: Batch | MappedSource) -> None:
        from onproduct.ui.import_dialog import MappingDialog

        try:
            if isinstance(loaded, Batch):
                changes = self._changes(document, loaded)
            else:
                mapping = self._remembered(loaded) or loaded.guessed_mapping()
                dialog = MappingDialog(
                    loaded,
                    mapping,
                    document.settings,
                    lambda b: self._changes(document, b),
                    self._window,
                )
                if not self.choose_mapping(dialog):
                    self._finish("Import cancelled; the plan is unchanged.")
                    return
                self._settings.set_import_mapping(loaded.source_id, dialog.mapping.to_json())
                changes = dialog.final_changes()  # the preview's, not worked out again
        except ExchangeError as error:
            self._fail("Import not done", str(error))
            return
        if changes.empty:
            self._finish(f"Nothing to import from {path.name}: {changes.summary()}.", changes)
            return
        shown = document.plan
        # The versions the board shows of the items the import updates: someone else's
        # change to one of them meanwhile refuses the import (nothing written).
        expected = {
            c.item_id: document.items.item(c.item_id).version
            for c in changes.updated
            if c.item_id in document.items
        }

        def write(progress: Progress) -> ImportChanges:
            # Its own connection: a connection belongs to one thread.
            plan = reopen(shown)
            try:
                written = write_import(plan, changes, progress, expected)
            finally:
                plan.close()
            return written

        self._run(
            f"Importing {path.name}…",
            write,
            lambda done: self._written(document, done),
        )

    def _changes(self, document: PlanDocument, batch: Batch) -> ImportChanges:
        """What the batch does to the plan as the board shows it."""
        return plan_import(
            batch,
            document.items.items(),
            document.sprints.sprints(),
            document.operations.operations(),
        )

    def _written(self, document: PlanDocument, changes: ImportChanges) -> None:
        document.undo_stack.push(ImportCommand(document, changes, written=True))
        self._finish(f"Imported {changes.source}: {changes.summary()}.", changes)

    def _remembered(self, source: MappedSource) -> CategoryMapping | None:
        from onproduct.exchange.mapping import CategoryMapping

        text = self._settings.import_mapping(source.source_id)
        if text is None:
            return None
        return CategoryMapping.from_json(tuple(source.kind_titles), text)

    def _run(
        self,
        label: str,
        job: Callable[[Progress], object],
        then: Callable[[object], None],
    ) -> None:
        """Run a job on a worker thread behind a progress dialog that can cancel it."""
        progress = QProgressDialog(label, "Cancel", 0, 0, self._window)
        progress.setWindowTitle("Import")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        progress.setAutoReset(False)
        progress.setAutoClose(False)
        worker = Worker(job)
        self._workers.add(worker)
        self.progress = progress

        def moved(done: int, total: int) -> None:
            progress.setMaximum(total)
            progress.setValue(done)

        def ended() -> None:
            progress.canceled.disconnect(worker.cancel)  # closing the dialog emits canceled
            progress.close()
            if self.progress is progress:
                self.progress = None

        def succeeded(result: object) -> None:
            ended()
            if worker.cancelled:
                self._finish("Import cancelled; the plan is unchanged.")
            else:
                then(result)

        def failed(error: object) -> None:
            ended()
            if isinstance(error, Cancelled):
                self._finish("Import cancelled; the plan is unchanged.")
            elif isinstance(error, (ExchangeError, StorageError)):
                self._fail("Import not done", f"{error} Nothing was imported.")
            else:
                self._fail(
                    "Import not done", f"Something went wrong: {error!r}. Nothing was imported."
                )

        def released() -> None:
            # Only now that run() has returned is the thread object let go: dropped
            # earlier (on `succeeded`), the collector could destroy a running QThread,
            # which hung or crashed the app (seen as a test that hung, and a crash at exit).
            worker.wait()
            self._workers.discard(worker)

        worker.progressed.connect(moved)
        worker.succeeded.connect(succeeded)
        worker.failed.connect(failed)
        worker.finished.connect(released)
        progress.canceled.connect(worker.cancel)
        worker.start()

    def cancel(self) -> None:
        """What the progress dialog's Cancel button does."""
        for worker in list(self._workers):
            worker.cancel()

    def shutdown(self) -> None:
        """Closing the window: cancel any import (it rolls back) and wait for its thread."""
        self.cancel()
        for worker in list(self._workers):
            worker.wait(10_000)

    def _finish(self, message: str, changes: ImportChanges | None = None) -> None:
        self._show_status(message)
        if changes is not None and (changes.notes or changes.skipped or not changes.empty):
            details = "\n".join(changes.details())
            self.show_summary(message, details)
        self.importFinished.emit(message)

    def _fail(self, title: str, message: str) -> None:
        QMessageBox.warning(self._window, title, message)
        self._show_status(message)
        self.importFinished.emit(message)

    def _summary_box(self, message: str, details: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Import", message, parent=self._window)
        if details:
            box.setInformativeText(details)
        box.exec()

    # ------------------------------------------------------------------ export

    def _folder(self) -> str:
        folder = self._settings.value("exchange/folder")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def _remember_folder(self, path: Path) -> None:
        self._settings.set_value("exchange/folder", str(path.parent))

    def _target(self, title: str, name: str, kind: str) -> Path | None:
        suggestion = str(Path(self._folder()) / name)
        path, _ = QFileDialog.getSaveFileName(self._window, title, suggestion, kind)
        if not path:
            return None
        target = Path(path)
        self._remember_folder(target)
        return target

    def _sprint(self) -> Sprint | None:
        sprint = self._board.current_sprint()
        if sprint is None:
            QMessageBox.information(self._window, "Export", "Choose a sprint to export first.")
        return sprint

    def ask_export_sprint_pdf(self) -> None:
        document, sprint = self._document(), self._sprint()
        if document is None or sprint is None:
            return
        target = self._target(
            "Export Sprint Plan", f"{document.plan.name} – {sprint.name}.pdf", "PDF (*.pdf)"
        )
        if target is not None:
            self.export_sprint_pdf_to(target.with_suffix(".pdf"), sprint)

    def ask_export_report_pdf(self) -> None:
        document = self._document()
        if document is None:
            return
        target = self._target(
            "Export Plan Report", f"{document.plan.name} – report.pdf", "PDF (*.pdf)"
        )
        if target is not None:
            self.export_report_pdf_to(target.with_suffix(".pdf"))

    def ask_export_sprint_csv(self) -> None:
        document, sprint = self._document(), self._sprint()
        if document is None or sprint is None:
            return
        target = self._target(
            "Export Sprint as CSV", f"{document.plan.name} – {sprint.name}.csv", "CSV (*.csv)"
        )
        if target is not None:
            self.export_csv_to(target.with_suffix(".csv"), sprint)

    def ask_export_plan_csv(self) -> None:
        document = self._document()
        if document is None:
            return
        target = self._target("Export Plan as CSV", f"{document.plan.name}.csv", "CSV (*.csv)")
        if target is not None:
            self.export_csv_to(target.with_suffix(".csv"), None)

    def export_sprint_pdf_to(self, target: Path, sprint: Sprint) -> bool:
        from onproduct.exchange.pdf import collect, write_sprint_pdf

        return self._export(
            target,
            lambda document: (
                f"{write_sprint_pdf(target, collect(document.plan, date.today()), sprint)} pages"
            ),
        )

    def export_report_pdf_to(self, target: Path) -> bool:
        from onproduct.exchange.pdf import collect, write_report_pdf

        return self._export(
            target,
            lambda document: (
                f"{write_report_pdf(target, collect(document.plan, date.today()))} pages"
            ),
        )

    def export_csv_to(self, target: Path, sprint: Sprint | None) -> bool:
        from onproduct.exchange.csv_export import in_plan_order, rows_of, write_csv

        def write(document: PlanDocument) -> str:
            sprints = document.sprints.sprints()
            items = document.items.items()
            if sprint is not None:
                items = [i for i in items if i.sprint_id == sprint.id]
            names = {o.id: o.name for o in document.operations.operations()}
            write_csv(target, rows_of(in_plan_order(items, sprints), sprints, names.get))
            return f"{len(items)} items"

        return self._export(target, write)

    def _export(self, target: Path, write: Callable[[PlanDocument], str]) -> bool:
        document = self._document()
        if document is None:
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            check_export(target, document.plan.path)
            what = write(document)
        except (ExchangeError, StorageError) as error:
            QGuiApplication.restoreOverrideCursor()
            QMessageBox.warning(self._window, "Export not done", str(error))
            return False
        QGuiApplication.restoreOverrideCursor()
        self._show_status(f"Exported {target.name} ({what}).")
        return True
