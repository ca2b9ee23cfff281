"""Shared fixtures: off-screen Qt, plan files and windows that live in tmp_path."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

# Before anything imports Qt: no screen is needed, and nothing may touch the real home.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = Path(tempfile.mkdtemp(prefix="onproduct-tests-home-"))
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = str(_HOME / _name.lower())

import pytest  # noqa: E402

from onproduct.storage.plan import Plan  # noqa: E402
from onproduct.storage.planfile import create_plan, open_plan  # noqa: E402
from onproduct.storage.seeding import write_sample  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _freeze_what_imports_made() -> None:
    """The modules' objects are there for good: spare every collection scanning them."""
    import gc

    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _collect_after_each_test(_freeze_what_imports_made: None) -> Iterator[None]:
    """Free what a test left in reference cycles (documents, windows and their lambdas)
    right after it, once pytest-qt has closed its widgets: a crash in freeing them then
    names the test, instead of striking at random in pytest's last collection (which
    is how a document freed with its undo history was found to crash)."""
    yield
    import gc
    import sys

    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QCoreApplication, QEvent

        if QCoreApplication.instance() is not None:
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    """A plan file holding the sample plan, its current sprint around today."""
    path = tmp_path / "sample.onproduct"
    create_plan(path, lambda plan: write_sample(plan, date.today()))
    return path


@pytest.fixture
def sample_plan(sample_path: Path) -> Iterator[Plan]:
    plan = open_plan(sample_path)
    yield plan
    plan.close()


@pytest.fixture
def document(qtbot, sample_path: Path):
    from onproduct.ui.document import PlanDocument

    doc = PlanDocument(open_plan(sample_path))
    yield doc
    doc.close()


@pytest.fixture
def settings(tmp_path: Path):
    from PySide6.QtCore import QSettings

    from onproduct.ui.settings import Settings

    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot, tmp_path: Path, settings, sample_path: Path):
    """The main window showing the sample plan, 1400x860, shown off screen."""
    from onproduct.ui.main_window import MainWindow

    win = MainWindow(settings, tmp_path / "data")
    qtbot.addWidget(win)
    win.resize(1400, 860)
    win.show()
    assert win.open_plan(sample_path)
    qtbot.waitExposed(win)
    yield win
    win.close()


# ------------------------------------------------------------------ team plans


@pytest.fixture(scope="session")
def pg():
    """A real PostgreSQL server for the session (tests.pgserver), with the roles of a
    team: editor1 and editor2 edit, reader only reads (passwords pw1, pw2, pw3)."""
    from .pgserver import PgServer

    server = PgServer()
    server.start()
    server.add_role("editor1", "pw1")
    server.add_role("editor2", "pw2")
    server.add_role("reader", "pw3", edits=False)
    yield server
    server.destroy()


@pytest.fixture
def team_url(pg, sample_path: Path) -> str:
    """The sample plan published as a team plan of its own; editor1's address of it
    (with the password, as a user's PGPASSWORD would give it)."""
    import uuid

    from onproduct.storage.copying import publish
    from onproduct.storage.team import TeamAddress

    name = f"Sample {uuid.uuid4().hex[:8]}"
    url = pg.url("editor1", name.replace(" ", "%20"), "pw1")
    publish(sample_path, TeamAddress.parse(url), name)
    return url
