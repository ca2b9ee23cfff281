"""Which reader a file needs, and reading it: the one door every import goes through.

The command line and the GUI both call `read_source`: an own CSV comes back as a
`Batch` ready to import; a tracker's export comes back as a `MappedSource`, which
becomes a batch once a category mapping is chosen (guessed on the command line, in
the import dialog in the app). The formats themselves are in `formats/`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from onproduct.exchange.batch import Batch, ExchangeError, bulk
from onproduct.exchange.formats import (
    Format,
    MappedSource,
    Sniffed,
    by_key,
    format_keys,
    formats,
)
from onproduct.exchange.text import (
    MAX_CSV_BYTES,
    check_source,
    open_source,
    sniff_delimiter,
    sniff_encoding,
)

__all__ = ["MappedSource", "detect_format", "read_source", "sniff"]

_HEAD = 64 * 1024
_ROWS = 50  # records after the header that recognisers may look at


def sniff(path: Path) -> Sniffed:
    """The first 64 KB of a file, decoded, and its first CSV records."""
    check_source(path, MAX_CSV_BYTES)
    with open_source(path) as handle:
        try:
            head = handle.read(_HEAD)
            whole = not handle.read(1)
        except OSError as error:
            raise ExchangeError(f"{path.name} cannot be read: {error.strerror or error}.") from None
    try:
        encoding = sniff_encoding(head, path.name)
        text = head.decode(encoding, errors="replace").removeprefix("\ufeff")
    except (ExchangeError, LookupError):
        return Sniffed(path.name, head, "", (), ())
    if not whole:  # a record cut at the end of the head is not looked at
        text = text[: text.rfind("\n") + 1] or text
    if text.lstrip()[:1] in ("{", "["):
        return Sniffed(path.name, head, text, (), ())
    header: tuple[str, ...] = ()
    rows: list[tuple[str, ...]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
        for record in reader:
            if not header:
                if "".join(record).strip():
                    header = tuple(cell.strip() for cell in record)
                continue
            rows.append(tuple(record))
            if len(rows) >= _ROWS:
                break
    except csv.Error:
        pass
    return Sniffed(path.name, head, text, header, tuple(rows))


def detect_format(path: Path) -> str:
    """The key of the format a file is in, from its first bytes and records."""
    sniffed = sniff(path)
    scored = [(f.recognise(sniffed), -f.order, f) for f in formats()]
    score, _, best = max(scored, key=lambda entry: entry[:2])
    if score < 0.5:
        names = ", ".join(f.name for f in formats())
        start = ", ".join(sniffed.header[:4]) or sniffed.text[:40].strip() or "nothing"
        raise ExchangeError(
            f"{path.name} is not a file Onproduct can import (it starts: {start}). It"
            f" reads {names}."
        )
    return best.key


def format_of(key: str) -> Format:
    found = by_key(key)
    if found is None:
        raise ExchangeError(f"Unknown format {key!r}; use one of {', '.join(format_keys())}.")
    return found


@bulk
def read_source(path: Path, fmt: str = "auto") -> Batch | MappedSource:
    """Read and check a file of any format; nothing is written.

    Only a regular file is opened at all: a named pipe would block, /dev/zero never end.
    """
    check_source(path, MAX_CSV_BYTES)
    if fmt == "auto":
        fmt = detect_format(path)
    return format_of(fmt).read(path)
