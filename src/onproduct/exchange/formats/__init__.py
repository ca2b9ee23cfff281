"""The formats Onproduct imports: one module each in this package, found by itself.

Every module here defines `FORMAT`, a `Format`: its name, the files it takes, how to
recognise one from its first bytes, and how to read one. Detection (`--format auto`
and the Import dialog), the file dialog's filters, the command line's `--format`
choices and the README's list all come from `formats()`, so a new format is one new
module here and its tests.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from onproduct.domain.settings import PlanSettings
    from onproduct.exchange.batch import Batch
    from onproduct.exchange.mapping import CategoryMapping


@dataclass(frozen=True, slots=True)
class Sniffed:
    """What detection sees of a file: its first bytes, decoded, and its first records
    when it reads as CSV."""

    name: str  # the file's name, for messages
    head: bytes  # up to the first 64 KB
    text: str  # the head decoded ("" when no encoding reads it)
    header: tuple[str, ...]  # the first CSV record's cells, stripped
    rows: tuple[tuple[str, ...], ...]  # the next few complete records

    def column(self, index: int) -> list[str]:
        """The cells of one column in the records after the header."""
        return [row[index].strip() for row in self.rows if index < len(row)]


@dataclass(frozen=True, slots=True)
class Option:
    """A choice the mapping step offers for a source (a flag or a number)."""

    key: str
    label: str  # with an & for its shortcut
    value: bool | float
    tooltip: str = ""
    suffix: str = ""  # a number's unit (" h")
    note: str = ""  # said beside it ("3 estimates in story points")


class MappedSource(Protocol):
    """A tracker's export, read and checked, waiting for its category mapping."""

    source: str
    encoding: str  # what the file was read as (text.encoding_name names it)

    @property
    def kind_titles(self) -> Mapping[str, str]:
        """The kinds of value the mapping has rules for, with their titles, in the
        order the rules apply ("Labels", "Issue types")."""
        ...

    @property
    def source_id(self) -> str: ...

    def values(self, kind: str) -> list[tuple[str, int]]: ...

    def guessed_mapping(self) -> CategoryMapping: ...

    def options(self, settings: PlanSettings) -> list[Option]: ...

    def set_option(self, key: str, value: bool | float) -> None: ...

    def batch(self, mapping: CategoryMapping, settings: PlanSettings) -> Batch: ...


@dataclass(frozen=True, slots=True)
class Format:
    """One kind of file Onproduct imports."""

    key: str  # its --format name
    name: str  # "Jira CSV"
    patterns: tuple[str, ...]  # what the file dialog shows ("*.csv")
    summary: str  # one line: where such a file comes from
    # How sure it is that a file is of this format, 0 (not at all) to 1.
    recognise: Callable[[Sniffed], float]
    read: Callable[[Path], Batch | MappedSource]
    order: int = 50  # where it is listed; ties in recognition go to the lower
    aliases: tuple[str, ...] = field(default=())

    @property
    def dialog_filter(self) -> str:
        return f"{self.name} ({' '.join(self.patterns)})"


@cache
def formats() -> tuple[Format, ...]:
    """Every format, from the modules of this package, in their order."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        entry = getattr(loaded, "FORMAT", None)
        if isinstance(entry, Format):
            found.append(entry)
    return tuple(sorted(found, key=lambda f: (f.order, f.key)))


def by_key(key: str) -> Format | None:
    return next((f for f in formats() if key in (f.key, *f.aliases)), None)


def format_keys() -> tuple[str, ...]:
    return ("auto", *(f.key for f in formats()))


def dialog_filters() -> str:
    """The Import dialog's file filters: everything importable first."""
    patterns = sorted({p for f in formats() for p in f.patterns})
    every = f"Backlogs ({' '.join(patterns)})"
    return ";;".join([every, *(f.dialog_filter for f in formats()), "All files (*)"])


def readme_list() -> str:
    """The README's list of formats (between its `formats` markers; a test compares)."""
    return "\n".join(f"* **{f.name}** (`--format {f.key}`): {f.summary}." for f in formats())
