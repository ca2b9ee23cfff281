"""The app's own settings (window, recent plans): one typed table of keys and defaults.

Plan settings (stage, target, basis) live in the plan file, not here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8

# key: (type QSettings should return, default)
DEFAULTS: dict[str, tuple[type, Any]] = {
    "window/geometry": (QByteArray, QByteArray()),
    "window/state": (QByteArray, QByteArray()),
    "board/splitter": (QByteArray, QByteArray()),
    "plans/last": (str, ""),
    "plans/recent": (list, []),
    # Category mappings of imports, as JSON per source ("jira:LED", "trello:<board>").
    "import/mappings": (str, "{}"),
    "exchange/folder": (str, ""),
    # The first-launch welcome was dismissed: it never shows again.
    "welcome/dismissed": (bool, False),
}


class Settings:
    """Typed access to a QSettings store; tests hand in one that lives in a temp folder."""

    def __init__(self, store: QSettings) -> None:
        self._store = store

    def value(self, key: str) -> Any:
        kind, default = DEFAULTS[key]
        value = self._store.value(key, default, type=kind)
        return default if value is None else value

    def set_value(self, key: str, value: Any) -> None:
        if key not in DEFAULTS:
            raise KeyError(key)
        self._store.setValue(key, value)

    def sync(self) -> None:
        self._store.sync()

    # Plans are kept as text: a file's path or a team plan's address (never a password).

    def last_plan(self) -> str | None:
        text = self.value("plans/last")
        return str(text) if text else None

    def set_last_plan(self, target: str | Path) -> None:
        self.set_value("plans/last", str(target))

    def recent_plans(self) -> list[str]:
        return [str(p) for p in self.value("plans/recent") if p]

    def add_recent(self, target: str | Path) -> None:
        text = str(target)
        recent = [text, *(p for p in self.value("plans/recent") if p != text)]
        self.set_value("plans/recent", recent[:MAX_RECENT])

    def remove_recent(self, target: str | Path) -> None:
        text = str(target)
        self.set_value("plans/recent", [p for p in self.value("plans/recent") if p != text])

    def import_mapping(self, source_id: str) -> str | None:
        """The mapping last used for this source, as JSON, if any."""
        try:
            stored = json.loads(self.value("import/mappings"))
        except ValueError:
            return None
        value = stored.get(source_id) if isinstance(stored, dict) else None
        return value if isinstance(value, str) else None

    def set_import_mapping(self, source_id: str, mapping: str) -> None:
        try:
            stored = json.loads(self.value("import/mappings"))
        except ValueError:
            stored = {}
        if not isinstance(stored, dict):
            stored = {}
        stored[source_id] = mapping
        self.set_value("import/mappings", json.dumps(stored, sort_keys=True))

    def clear_recent(self) -> None:
        self.set_value("plans/recent", [])
