"""`onproduct --self-test`: build the whole app on a scratch plan off screen and check it.

It exercises what a user would first do (see the board, drag an item into a lane,
undo, redo, open the editors) and fails if anything raises or draws nothing.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

WIDTH, HEIGHT = 1400, 860


def _drawn(widget: object) -> bool:
    """True if a widget grabs to a picture with more than one colour in it."""
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    image = widget.grab().toImage()
    if image.isNull() or image.width() == 0 or image.height() == 0:
        return False
    colours = {
        image.pixel(x, y)
        for x in range(0, image.width(), max(1, image.width() // 40))
        for y in range(0, image.height(), max(1, image.height() // 40))
    }
    return len(colours) > 1


def _scratch_trouble() -> str | None:
    """Why the scratch folder cannot go where TMPDIR says, if it cannot.

    Python quietly falls back on another folder when TMPDIR cannot be written (a
    full disk); the self-test says so instead of testing somewhere else.
    """
    wanted = os.environ.get("TMPDIR")
    folder = Path(wanted) if wanted else Path(tempfile.gettempdir())
    try:
        with tempfile.TemporaryDirectory(dir=folder, prefix="onproduct-self-test-") as probe:
            (Path(probe) / "probe").write_bytes(b"\0" * 65536)
    except OSError as error:
        from onproduct.storage.files import is_no_space

        why = "the disk is full" if is_no_space(error) else (error.strerror or str(error))
        return f"the temporary folder {folder} cannot be written to: {why}"
    return None


def _open_scratch_team_plan(
    window: object, team: str, check: Callable[[str, Callable[[], object]], None]
) -> object | None:
    """Publish the sample plan the window has open to the team's server under a name of
    its own and show that team plan instead; its address, or None if that failed."""
    import uuid

    from onproduct.storage.copying import publish
    from onproduct.storage.team import TeamAddress
    from onproduct.ui.main_window import MainWindow

    assert isinstance(window, MainWindow) and window.document is not None
    address = TeamAddress.parse(team).with_plan(f"Onproduct self-test {uuid.uuid4().hex[:8]}")
    sample = window.document.plan.path
    published = False

    def publish_sample() -> bool:
        nonlocal published
        assert sample is not None and address.plan is not None
        published = publish(sample, address, address.plan) > 0
        return published

    check("publish the sample plan to the team's server", publish_sample)
    if not published:
        return None
    opened = False

    def open_it() -> bool:
        nonlocal opened
        opened = window.team_actions.open_team_plan(address)
        return opened and window.document is not None and window.document.plan.path is None

    check("open it as a team plan", open_it)
    if not opened:
        _drop(address)
        return None
    return address


def _drop(address: object) -> bool:
    from onproduct.storage.team import TeamAddress, drop_plan

    assert isinstance(address, TeamAddress) and address.plan is not None
    drop_plan(address, address.plan)
    return True


def run_self_test(out: TextIO = sys.stdout, team: str | None = None) -> int:
    """Check the app on a scratch plan: a file, or, given a team plan server's address
    (`onproduct --self-test postgresql://user@host/db`), a scratch team plan published
    there for the test and removed after it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QModelIndex, QSettings, Qt
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from onproduct.app import create_application
    from onproduct.domain.items import SprintFields
    from onproduct.domain.ranking import Bucket
    from onproduct.exchange.formats import formats
    from onproduct.exchange.formats.jira import parse_jira, read_jira
    from onproduct.exchange.formats.own_csv import read_plan_csv
    from onproduct.exchange.importer import plan_import
    from onproduct.storage.opening import reopen
    from onproduct.ui.dialogs import ItemDialog, SprintDialog
    from onproduct.ui.import_dialog import MappingDialog
    from onproduct.ui.main_window import MainWindow
    from onproduct.ui.plan_settings_dialog import PlanSettingsDialog
    from onproduct.ui.settings import Settings

    failures = 0

    def check(what: str, test: Callable[[], object]) -> None:
        nonlocal failures
        try:
            ok = bool(test())
        except Exception:
            ok = False
            traceback.print_exc(file=out)
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {what}", file=out, flush=True)

    app = create_application()
    trouble = _scratch_trouble()
    if trouble is not None:
        print(f"FAIL {trouble}", file=out)
        print("self-test FAILED: no room for a scratch plan", file=out)
        return 1
    with tempfile.TemporaryDirectory(prefix="onproduct-self-test-") as scratch:
        folder = Path(scratch)
        store = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(Settings(store), folder / "data")
        window.resize(WIDTH, HEIGHT)
        window.show()
        check("create and open the sample plan", lambda: window.open_initial(None))
        app.processEvents()
        scratch_team = None
        if team is not None:
            scratch_team = _open_scratch_team_plan(window, team, check)
            if scratch_team is None:
                print("self-test FAILED: the team plan could not be opened", file=out)
                window.close()
                return 1
        document = window.document
        board = window.board
        if document is None:
            print("FAIL no plan is open; nothing else can be checked", file=out)
            return 1
        check("draw the main window", lambda: _drawn(window))
        for header, view in zip(board.headers(), board.views(), strict=True):
            check(f"draw the {header.title} list", lambda v=view: _drawn(v))
            check(f"draw the {header.title} header", lambda h=header: _drawn(h))
        check("the backlog shows cards", lambda: board.backlog_view.model().rowCount() > 0)

        sprint = board.current_sprint()
        backlog = board.backlog_view.lane_model()
        lane = board.lane_views["tech_debt"].lane_model()
        assert sprint is not None and backlog is not None and lane is not None
        moved = backlog.id_at(0)

        def drop_into_lane() -> bool:
            data = backlog.mimeData([backlog.index(0, 0)])
            dropped = lane.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
            return dropped and lane.id_at(0) == moved

        def stored_place() -> Bucket:
            reopened = reopen(document.plan)  # what the file or the server holds
            try:
                item = reopened.item(moved)
                return Bucket(item.sprint_id, item.category)
            finally:
                reopened.close()

        check("drop a backlog item into a lane", drop_into_lane)
        check(
            "the drop is stored in the plan",
            lambda: stored_place() == Bucket(sprint.id, "tech_debt"),
        )
        check("undo the drop", lambda: (document.undo_stack.undo(), backlog.id_at(0) == moved)[1])
        check("the undo is stored in the plan", lambda: stored_place().sprint_id is None)
        check("redo the drop", lambda: (document.undo_stack.redo(), lane.id_at(0) == moved)[1])
        check(
            "filter the board",
            lambda: (board.filter_box.setText("#billing"), backlog.rowCount() > 0)[1],
        )
        board.filter_box.clear()

        gauge = board.gauge
        check("draw the gauge", lambda: _drawn(gauge) and _drawn(gauge.dial))
        check("the gauge shows the sprint's index", lambda: gauge.metrics is not None)
        before = gauge.metrics.index if gauge.metrics is not None else None

        def gauge_follows() -> bool:
            data = backlog.mimeData([backlog.index(0, 0)])
            lane.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
            after = gauge.metrics.index if gauge.metrics is not None else None
            document.undo_stack.undo()
            return after != before and gauge.metrics is not None and gauge.metrics.index == before

        check("the gauge follows a drop and its undo", gauge_follows)
        settings_dialog = PlanSettingsDialog(window, document.settings)
        settings_dialog.show()
        check("draw the plan settings", lambda: _drawn(settings_dialog))
        settings_dialog.close()

        window.tabs.setCurrentIndex(1)
        app.processEvents()
        check("draw the operations register", lambda: _drawn(window.operations_page))
        check(
            "the register lists the sample's operations",
            lambda: document.operations.rowCount() > 0,
        )
        window.tabs.setCurrentIndex(2)
        app.processEvents()
        charts = window.charts_page
        check("draw the charts", lambda: charts is not None and _drawn(charts))
        if charts is not None:
            picture = folder / "burden.png"
            check(
                "save a chart as PNG",
                lambda: (
                    QImage(str(charts.burden_chart.save_png(picture, width=640))).width() == 640
                ),
            )
        window.tabs.setCurrentIndex(0)

        item_dialog = ItemDialog(window, document.items.item(moved).editable, title="Edit Item")
        item_dialog.show()
        check("draw the item editor", lambda: _drawn(item_dialog))
        item_dialog.close()
        sprint_dialog = SprintDialog(
            window, SprintFields(sprint.name, sprint.start, sprint.end), title="Edit Sprint"
        )
        sprint_dialog.show()
        check("draw the sprint editor", lambda: _drawn(sprint_dialog))
        sprint_dialog.close()

        exchange = window.exchange_actions
        pdf_path = folder / "sprint.pdf"
        check(
            "export the sprint plan as PDF",
            lambda: (
                exchange.export_sprint_pdf_to(pdf_path, sprint)
                and pdf_path.read_bytes().startswith(b"%PDF")
                and b"DejaVuSans" in pdf_path.read_bytes()
            ),  # the font travels in the file
        )
        csv_path = folder / "plan.csv"

        def csv_round_trip() -> bool:
            exchange.export_csv_to(csv_path, None)
            rows = read_plan_csv(csv_path).rows
            return len(rows) == len(document.items.items())

        check("export the plan as CSV and read it back", csv_round_trip)
        # Formats are found by listing their package: a bundle must carry them all.
        check(
            "find every import format",
            lambda: {f.key for f in formats()} >= {"csv", "jira", "trello", "ado", "linear"},
        )

        def code_page() -> bool:  # charset-normalizer, compiled parts and all
            path = folder / "excel.csv"
            rows = [f"Żółta łódź na fakturze nr {n};K-{n}\n" for n in range(20)]
            text = "Podsumowanie;Klucz zgłoszenia\n" + "".join(rows)
            path.write_bytes(text.encode("cp1250"))
            return read_jira(path).encoding == "cp1250"

        check("tell a spreadsheet's code page", code_page)
        jira = parse_jira("Summary,Issue key,Issue Type\nSignup,K-1,Story\n", "self-test")
        mapping_dialog = MappingDialog(
            jira,
            jira.guessed_mapping(),
            document.settings,
            lambda batch: plan_import(batch, [], []),
            window,
        )
        mapping_dialog.show()
        check("draw the import mapping", lambda: _drawn(mapping_dialog))
        mapping_dialog.close()

        window.close()
        app.processEvents()
        QApplication.processEvents()
        if scratch_team is not None:
            check("remove the scratch team plan", lambda: _drop(scratch_team))
    print(
        "self-test passed" if failures == 0 else f"self-test FAILED: {failures} check(s)",
        file=out,
    )
    return 0 if failures == 0 else 1
