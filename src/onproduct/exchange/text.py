"""Files in and out: reading a spreadsheet-made text file (its encoding, its delimiter,
its header names) and writing an export so that it is whole or not there at all."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from onproduct.exchange.batch import ExchangeError

T = TypeVar("T")


def write_beside(path: Path, write: Callable[[Path], T]) -> T:
    """Let `write` fill a file beside `path`, then rename it into place.

    A failed export never leaves half a file, nor spoils one that was there.
    """
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        result = write(part)
        if not part.exists() or part.stat().st_size == 0:
            raise ExchangeError(f"{path.name} cannot be written.")
        os.replace(part, path)
    except OSError as error:
        raise ExchangeError(f"{path.name} cannot be written: {error.strerror or error}.") from None
    finally:
        part.unlink(missing_ok=True)
    return result


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ExchangeError(f"{path.name} cannot be read: {error.strerror or error}.") from None


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
        return raw.decode("cp1252"), "The file is not UTF-8; it was read as Windows-1252."
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ExchangeError(
            f"line {line}: byte 0x{raw[error.start]:02x} is neither UTF-8 nor Windows-1252"
            " text. Save the file as UTF-8 CSV and import it again."
        ) from None


def sniff_delimiter(text: str) -> str:
    """`,` or `;` (Excel in many European languages) or a tab, from the header line."""
    header = _first_record(text)
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


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
