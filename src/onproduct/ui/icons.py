"""Every icon the app shows is named here: theme icons with a built-in fallback."""

from __future__ import annotations

from importlib.resources import as_file, files

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

_SP = QStyle.StandardPixmap

# Freedesktop icon name -> the style's own pixmap when the desktop has no icon theme.
_FALLBACKS = {
    "document-new": _SP.SP_FileIcon,
    "document-open": _SP.SP_DialogOpenButton,
    "document-save-as": _SP.SP_DialogSaveButton,
    "edit-undo": _SP.SP_ArrowBack,
    "edit-redo": _SP.SP_ArrowForward,
    "list-add": _SP.SP_FileDialogNewFolder,
    "document-properties": _SP.SP_FileDialogDetailedView,
    "edit-delete": _SP.SP_TrashIcon,
    "go-up": _SP.SP_ArrowUp,
    "go-down": _SP.SP_ArrowDown,
    "go-top": _SP.SP_ArrowUp,
    "go-bottom": _SP.SP_ArrowDown,
    "go-previous": _SP.SP_ArrowLeft,
    "go-next": _SP.SP_ArrowRight,
    "application-exit": _SP.SP_DialogCloseButton,
    "help-about": _SP.SP_MessageBoxInformation,
}


def icon(name: str) -> QIcon:
    themed = QIcon.fromTheme(name)
    if not themed.isNull():
        return themed
    style = QApplication.style()
    return style.standardIcon(_FALLBACKS[name]) if style is not None else QIcon()


def app_icon() -> QIcon:
    """The application icon, drawn from its SVG at whatever size the desktop asks for."""
    with as_file(files("onproduct.resources") / "onproduct.svg") as path:
        return QIcon(str(path))
