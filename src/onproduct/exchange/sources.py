"""Which reader a file needs, and the step every tracker export shares: the mapping.

The command line and the GUI both call `read_source`: an own CSV comes back as a
`Batch` ready to import; a Jira or Trello export comes back as a `MappedSource`, which
becomes a batch once a category mapping is chosen (guessed on the command line, in
the import dialog in the app).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Protocol

from onproduct.domain.settings import PlanSettings
from onproduct.exchange.batch import Batch, ExchangeError, bulk
from onproduct.exchange.jira import KIND_TITLES as JIRA_KINDS
from onproduct.exchange.jira import looks_like_jira, read_jira
from onproduct.exchange.mapping import CategoryMapping
from onproduct.exchange.own_csv import REQUIRED_COLUMNS, read_plan_csv
from onproduct.exchange.text import (
    MAX_CSV_BYTES,
    check_source,
    decode,
    open_source,
    sniff_delimiter,
)
from onproduct.exchange.trello import KIND_TITLES as TRELLO_KINDS
from onproduct.exchange.trello import read_trello

FORMATS = ("auto", "csv", "jira", "trello")
FORMAT_NAMES = {"csv": "Onproduct CSV", "jira": "Jira CSV", "trello": "Trello JSON"}


class MappedSource(Protocol):
    """A tracker's export, read and checked, waiting for its category mapping."""

    source: str

    @property
    def source_id(self) -> str: ...

    def values(self, kind: str) -> list[tuple[str, int]]: ...

    def guessed_mapping(self) -> CategoryMapping: ...

    def batch(self, mapping: CategoryMapping, settings: PlanSettings) -> Batch: ...


def kind_titles(source: MappedSource) -> dict[str, str]:
    """The kinds of value a source maps, with their titles, in the order rules apply."""
    return dict(JIRA_KINDS) if source.source_id.startswith("jira:") else dict(TRELLO_KINDS)


def detect_format(path: Path) -> str:
    """csv, jira or trello, from the file's first bytes and header."""
    check_source(path, MAX_CSV_BYTES)
    with open_source(path) as handle:
        try:
            head = handle.read(64 * 1024)
        except OSError as error:
            raise ExchangeError(f"{path.name} cannot be read: {error.strerror or error}.") from None
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith((b"{", b"[")):
        return "trello"
    try:
        text, _ = decode(head)
    except ExchangeError:
        text = head.decode("cp1252", errors="replace")
    first = text.splitlines()[0] if text.strip() else ""
    try:
        header = next(csv.reader(io.StringIO(first), delimiter=sniff_delimiter(first)), [])
    except csv.Error:
        header = []
    names = {name.strip().lower() for name in header}
    if all(column in names for column in REQUIRED_COLUMNS):
        return "csv"
    if looks_like_jira(header):
        return "jira"
    raise ExchangeError(
        f"{path.name} is not a file Onproduct can import: it is neither an Onproduct CSV"
        " (title and category columns), a Jira CSV export (a Summary column) nor a"
        " Trello board in JSON."
    )


@bulk
def read_source(path: Path, fmt: str = "auto") -> Batch | MappedSource:
    """Read and check a file of any format; nothing is written.

    Only a regular file is opened at all: a named pipe would block, /dev/zero never end.
    """
    check_source(path, MAX_CSV_BYTES)
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt == "csv":
        return read_plan_csv(path)
    if fmt == "jira":
        return read_jira(path)
    if fmt == "trello":
        return read_trello(path)
    raise ExchangeError(f"Unknown format {fmt!r}; use one of {', '.join(FORMATS)}.")
