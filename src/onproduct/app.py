"""The command line and the QApplication set-up; the only module that wires the layers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from onproduct import version

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

APP_NAME = "Onproduct"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="onproduct",
        description="Plan sprints with the on-product index and the operations burden in view.",
        epilog="Without a screen: 'onproduct import PLAN FILE' and 'onproduct metrics PLAN"
        " [--sprint NAME] [--json]' (see 'onproduct metrics --help').",
    )
    parser.add_argument(
        "plan",
        nargs="?",
        help="plan file to open, created if it does not exist, or a team plan's address"
        " (postgresql://user@host/database?plan=NAME); default: the last plan, or the"
        " sample plan",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open a scratch plan off screen, draw every view, exit 0 only if all worked"
        " (with a team plan server's address: on a scratch team plan there)",
    )
    return parser


def _console_output() -> None:
    """Give --version, --self-test and the commands somewhere to print on Windows.

    The packaged program is a windowed one there, started without standard output;
    when it was started from a console, write to that console.
    """
    if sys.platform == "win32" and sys.stdout is None:  # pragma: no cover - Windows only
        import ctypes

        if ctypes.windll.kernel32.AttachConsole(-1):  # the parent's console
            sys.stdout = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115
            sys.stderr = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = ("import", "export", "metrics", "publish", "team")  # cli.COMMANDS, unimported
    if argv and (argv[0].startswith("-") or argv[0] in commands):
        _console_output()
    if argv and argv[0] in commands:
        from onproduct.cli import run

        return run(argv)
    args = build_parser().parse_args(argv)
    if args.version:
        print(f"onproduct {version()}")
        return 0
    if args.self_test:
        from onproduct.selftest import run_self_test
        from onproduct.storage.team import is_team_target

        if args.plan is not None and not is_team_target(args.plan):
            print(
                "onproduct: --self-test makes its own scratch plan; the only plan it takes"
                " is a team plan server's address, to test team plans there.",
                file=sys.stderr,
            )
            return 2
        return run_self_test(team=args.plan)
    return run_gui(args.plan)


def create_application() -> QApplication:
    """The QApplication with the names Qt derives data and settings folders from."""
    from PySide6.QtGui import QPixmapCache
    from PySide6.QtWidgets import QApplication

    from onproduct.ui.icons import app_icon

    existing = QApplication.instance()
    QApplication.setApplicationName(APP_NAME)
    QApplication.setDesktopFileName("org.onproduct.Onproduct")  # the .desktop file's name
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setWindowIcon(app_icon())
    # Cards are painted once into this cache; at 2x a card is ~300 KB and a board
    # shows a hundred or so: the default 10 MB would keep redrawing them.
    QPixmapCache.setCacheLimit(64 * 1024)
    return app


def run_gui(plan: str | Path | None) -> int:
    from PySide6.QtCore import QSettings, QStandardPaths
    from PySide6.QtWidgets import QMessageBox

    from onproduct.ui.errors import ErrorHandler
    from onproduct.ui.main_window import MainWindow
    from onproduct.ui.settings import Settings

    app = create_application()
    store = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, APP_NAME)
    data_dir = Path(
        QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    )
    window = MainWindow(Settings(store), data_dir)
    handler = ErrorHandler(
        data_dir,
        lambda message: QMessageBox.warning(window, "Something went wrong", message),
    )
    handler.install()  # unexpected exceptions: logged and shown, the app carries on
    window.restore_state()
    window.show()
    if not window.open_initial(plan):
        return 1  # the window already said why
    from onproduct.ui.help import Welcome

    welcome = Welcome(Settings(store), window)
    welcome.maybe_show()  # the first launch only: three things to try
    return app.exec()
