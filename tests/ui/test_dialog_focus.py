"""Every form opens with the keyboard in its first field: what a user types goes there,
Enter accepts, and a space never presses a button nobody chose.

Each dialog is opened the way the app opens it (exec), and looked at while it runs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QTableWidget,
)

from onproduct.ui.main_window import MainWindow


def _while_open(qtbot, open_dialog: Callable[[], object], act: Callable[[QDialog], None]) -> None:
    """Open a modal dialog and act on it once it is up (exec runs its own loop)."""
    seen: list[QDialog] = []

    def look() -> None:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog)]
        dialog = next((w for w in shown if w.isVisible() and w.isModal()), None)
        if dialog is None:
            QTimer.singleShot(20, look)
            return
        seen.append(dialog)
        # A window manager activates a new dialog; off screen, the test does.
        dialog.activateWindow()
        QApplication.processEvents()
        try:
            act(dialog)
        finally:
            if dialog.isVisible():  # a failed check must not leave exec() waiting
                dialog.reject()

    QTimer.singleShot(0, look)
    open_dialog()
    assert seen, "no dialog opened"


def test_new_item_takes_what_is_typed_and_enter_adds_it(qtbot, window: MainWindow) -> None:
    focused: list[object] = []

    def type_in(dialog: QDialog) -> None:
        focused.append(QApplication.focusWidget())
        # A space first: before, the focus sat on Cancel and this closed the dialog.
        qtbot.keyClicks(QApplication.focusWidget(), " Dunning e-mails")
        assert dialog.isVisible()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    window.board.focus_list(0)
    _while_open(qtbot, window.ask_new_item, type_in)
    assert isinstance(focused[0], QLineEdit)
    titles = {item.title for item in window.document.items.items()}
    assert "Dunning e-mails" in titles


def test_edit_item_opens_in_its_title_and_a_space_does_not_save(qtbot, window: MainWindow) -> None:
    window.board.focus_list(0)
    item_id = window.board.selected_ids()[0]
    title = window.document.items.item(item_id).title
    state: dict[str, object] = {}

    def look(dialog: QDialog) -> None:
        widget = QApplication.focusWidget()
        state["focus"] = widget
        state["text"] = widget.text() if isinstance(widget, QLineEdit) else None
        qtbot.keyClick(widget, Qt.Key.Key_Space)  # replaces the selected title: no save
        state["open after space"] = dialog.isVisible()
        dialog.reject()

    _while_open(qtbot, lambda: window.edit_item(item_id), look)
    assert isinstance(state["focus"], QLineEdit) and state["text"] == title
    assert state["open after space"] is True
    assert window.document.items.item(item_id).title == title


def _first_field_has_focus(qtbot, open_dialog: Callable[[], object]) -> QDialog:
    found: dict[str, object] = {}

    def look(dialog: QDialog) -> None:
        widget = QApplication.focusWidget()
        found["dialog"] = dialog
        found["widget"] = widget
        found["first"] = dialog.first_field()  # type: ignore[attr-defined]
        found["button"] = isinstance(widget, QAbstractButton)
        dialog.reject()

    _while_open(qtbot, open_dialog, look)
    assert not found["button"], f"the focus is on a button: {found['widget']}"
    assert found["widget"] is found["first"] and found["widget"] is not None
    return found["dialog"]  # type: ignore[return-value]


def test_every_form_opens_in_its_first_field(qtbot, window: MainWindow) -> None:
    _first_field_has_focus(qtbot, window.ask_new_sprint)
    _first_field_has_focus(qtbot, window.ask_edit_sprint)
    _first_field_has_focus(qtbot, window.ask_plan_settings)
    _first_field_has_focus(qtbot, window.operations_actions.ask_add_operation)


def test_close_sprint_opens_in_its_table(qtbot, window: MainWindow) -> None:
    found: dict[str, object] = {}

    def look(dialog: QDialog) -> None:
        found["widget"] = QApplication.focusWidget()
        dialog.reject()

    _while_open(qtbot, window.operations_actions.ask_close_sprint, look)
    assert isinstance(found["widget"], QTableWidget | QComboBox | QLineEdit)
