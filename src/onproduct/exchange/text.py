"""Reading a file to import: only a regular file of a sane size, as a stream where the
format allows (a spreadsheet-made CSV: its encoding, its delimiter, its header names)."""

from __future__ import annotations

import io
import os
import stat
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from onproduct.exchange.batch import ExchangeError
from onproduct.storage.files import kind_of, open_regular

# The largest files an import reads: ten times and more the biggest real exports seen
# (a 100,000-issue Jira export with every field is ~150 MB; Trello's board JSON, whose
# actions Trello caps at 1,000, rarely passes 50 MB). CSV is read as a stream, so its
# limit is the disk's; JSON must be read whole, and its limit also bounds the memory.
MAX_CSV_BYTES = 2 * 1024**3
MAX_JSON_BYTES = 512 * 1024**2
# A physical line longer than this is not a spreadsheet's or tracker's CSV.
MAX_LINE_BYTES = 16 * 1024**2
_CHUNK = 1024**2
NOT_UTF8_NOTE = "The file is not UTF-8; it was read as Windows-1252."


def _megabytes(size: int) -> str:
    return f"{size / 1024**2:,.0f} MB" if size < 1024**3 else f"{size / 1024**3:,.1f} GB"


def check_source(path: Path, limit: int) -> int:
    """The size of a file to import; ExchangeError for what is no such file (a pipe, a
    device such as /dev/zero, a folder) or is larger than `limit`."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ExchangeError(f"There is no file {path}.") from None
    except OSError as error:
        raise ExchangeError(f"{path.name} cannot be read: {error.strerror or error}.") from None
    if not stat.S_ISREG(info.st_mode):
        raise ExchangeError(f"{path.name} is {kind_of(info.st_mode)}, not a file to import.")
    if info.st_size > limit:
        raise ExchangeError(
            f"{path.name} is {_megabytes(info.st_size)}; Onproduct imports files of up to"
            f" {_megabytes(limit)} of this kind. Export fewer issues at a time."
        )
    return info.st_size


def open_source(path: Path) -> BinaryIO:
    try:
        return os.fdopen(open_regular(path), "rb")
    except ValueError as kind:
        raise ExchangeError(f"{path.name} is {kind}, not a file to import.") from None
    except OSError as error:
        raise ExchangeError(f"{path.name} cannot be read: {error.strerror or error}.") from None


def read_bytes(path: Path, limit: int = MAX_JSON_BYTES) -> bytes:
    """A whole file (for formats that cannot be streamed), within `limit`."""
    check_source(path, limit)
    with open_source(path) as handle:
        try:
            raw = handle.read(limit + 1)
        except OSError as error:
            raise ExchangeError(f"{path.name} cannot be read: {error.strerror or error}.") from None
    if len(raw) > limit:  # it grew since it was looked at
        raise ExchangeError(f"{path.name} is larger than {_megabytes(limit)}.")
    return raw


class Undecodable(Exception):
    """A byte the encoding being tried cannot read, and on which line."""

    def __init__(self, line: int, byte: int) -> None:
        super().__init__(line, byte)
        self.line = line
        self.byte = byte


def text_pieces(path: Path, encoding: str) -> Iterator[io.StringIO]:
    """The text of a file, a megabyte at a time, as csv wants it (newline="").

    Decoded strictly, each piece cut after a line break (where no character can be
    split); Undecodable names the line of the first byte the encoding cannot read.
    A UTF-8 byte-order mark is dropped. Memory stays at a piece, whatever the file.
    """
    line = 1
    first = True
    with open_source(path) as handle:
        carry = b""
        while True:
            try:
                block = handle.read(_CHUNK)
            except OSError as error:
                raise ExchangeError(
                    f"{path.name} cannot be read: {error.strerror or error}."
                ) from None
            data = carry + block if carry else block
            if block:
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    if len(data) > MAX_LINE_BYTES:
                        raise ExchangeError(
                            f"{path.name}, line {line}: a line longer than"
                            f" {_megabytes(MAX_LINE_BYTES)}; this is not a CSV export."
                        )
                    carry = data
                    continue
                piece, carry = data[:cut], data[cut:]
            else:
                piece, carry = data, b""
            if first:
                piece = piece.removeprefix(b"\xef\xbb\xbf")
                first = False
            try:
                text = piece.decode(encoding)
            except UnicodeDecodeError as error:
                raise Undecodable(
                    line + piece.count(b"\n", 0, error.start), piece[error.start]
                ) from None
            line += piece.count(b"\n")
            yield io.StringIO(text, newline="")
            if not block:
                return


def csv_lines(path: Path, encoding: str) -> Iterator[str]:
    """The lines of a CSV file for csv.reader, read as a stream (see text_pieces)."""
    return chain.from_iterable(text_pieces(path, encoding))


def decode(raw: bytes) -> tuple[str, str | None]:
    """The text of a file and, when it was not UTF-8, a note saying how it was read.

    UTF-8 with or without a byte-order mark first; a file that is not UTF-8 was most
    likely re-saved by Excel on Windows, in Windows-1252 (which maps almost every byte).
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), NOT_UTF8_NOTE
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ExchangeError(neither_message(line, raw[error.start])) from None


def neither_message(line: int, byte: int) -> str:
    return (
        f"line {line}: byte 0x{byte:02x} is neither UTF-8 nor Windows-1252"
        " text. Save the file as UTF-8 CSV and import it again."
    )


def sniff_delimiter(text: str) -> str:
    """`,` or `;` (Excel in many European languages) or a tab, from the header line."""
    header = _first_record(text)
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def header_lines(lines: Iterator[str]) -> str:
    """The first record's text from a stream of lines: blank lines skipped, and more
    lines taken while a quoted header name runs on (a line break inside quotes)."""
    text = ""
    for line in lines:
        if not text and not line.strip():
            continue
        text += line
        if text.count('"') % 2 == 0:
            break
    return text


def _first_record(text: str) -> str:
    """The header row's text: up to the first line break outside quotes."""
    quoted = False
    for position, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            return text[:position]
    return text


@lru_cache(maxsize=4096)  # the same types, statuses and headers come back on every row
def fold(name: str) -> str:
    """A header name compared loosely: case, accents and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "l"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace("ß", "ss").split())
