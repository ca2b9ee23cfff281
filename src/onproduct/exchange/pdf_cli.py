"""`onproduct export --pdf`: a PDF without a window (Qt draws off screen)."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from onproduct.exchange.pdf import collect, write_report_pdf, write_sprint_pdf
from onproduct.storage.plan import Plan


def export_pdf(plan: Plan, sprint_name: str | None, out: Path) -> str:
    """Write the sprint plan (or the whole-plan report) of an open plan to `out`."""
    data = collect(plan, date.today())
    sprint = data.sprint(sprint_name) if sprint_name is not None else None
    _gui_application()
    if sprint is None:
        pages = write_report_pdf(out, data)
        what = "the plan report"
    else:
        pages = write_sprint_pdf(out, data, sprint)
        what = f"the sprint plan of {sprint.name}"
    return f"Exported {what} to {out.name} ({pages} page{'s' if pages != 1 else ''})."


def _gui_application() -> None:
    """Painting text needs a QGuiApplication; a script gets one that draws off screen."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        _keep.append(QGuiApplication(sys.argv[:1]))


_keep: list[object] = []
