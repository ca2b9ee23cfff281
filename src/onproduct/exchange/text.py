"""Reading a file to import: only a regular file of a sane size, as a stream where the
format allows (a spreadsheet-made CSV: its encoding, its delimiter, its header names)."""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

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
    """A byte the encoding being tried cannot read: on which line, and where."""

    def __init__(self, line: int, byte: int, offset: int = 0) -> None:
        super().__init__(line, byte)
        self.line = line
        self.byte = byte
        self.offset = offset


# What a file's encoding is called in the import's summary.
_ENCODING_NAMES = {
    "utf_8": "UTF-8",
    "utf_8_sig": "UTF-8",
    "utf_16": "UTF-16 (Excel's Unicode text)",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1252": "Windows-1252 (Western European)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1255": "Windows-1255 (Hebrew)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp1257": "Windows-1257 (Baltic)",
    "cp1258": "Windows-1258 (Vietnamese)",
    "cp874": "Windows-874 (Thai)",
    "cp932": "Shift JIS (Japanese)",
    "gbk": "GBK (Simplified Chinese)",
    "gb18030": "GB18030 (Chinese)",
    "cp949": "Windows-949 (Korean)",
    "big5": "Big5 (Traditional Chinese)",
    "cp950": "Big5 (Traditional Chinese)",
    "koi8_r": "KOI8-R (Cyrillic)",
    "mac_roman": "Mac Roman",
}
# The code pages a spreadsheet saves CSV in when not told to use Unicode (Windows'
# "ANSI" code page of the user's language, a few others), most used first: where
# several read a sample alike, the first wins.
_CODE_PAGES = (
    "cp1252", "cp1250", "cp1251", "cp1254", "cp1253", "cp1257", "cp1255", "cp1256",
    "cp1258", "cp874", "cp932", "gb18030", "cp949", "big5", "koi8_r",
)  # fmt: skip
# Text read in the best code page but still this messy (charset-normalizer's "chaos",
# the share of odd characters) is not taken for text at all.
_MOST_MESS = 0.2
_SAMPLE = 1024**2


def encoding_name(encoding: str) -> str:
    """How the summary names an encoding ("Windows-1252 (Western European)")."""
    key = codecs.lookup(encoding).name.replace("-", "_")
    return _ENCODING_NAMES.get(key, encoding)


def sniff_encoding(sample: bytes, source: str, *, unicode: bool = True) -> str:
    """The encoding of a file from a sample of its bytes (its first megabyte).

    A byte-order mark decides (UTF-8, or UTF-16 as Excel's "Unicode text" saves);
    then UTF-8 if the sample reads as UTF-8; else the code page charset-normalizer
    finds the sample reads best in. ExchangeError when none reads it as text.
    """
    if unicode:
        if sample.startswith(b"\xef\xbb\xbf"):
            return "utf-8-sig"
        if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
            return "utf-16"
        try:
            sample.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError as error:
            if error.start >= len(sample) - 3 and error.reason == "unexpected end of data":
                return "utf-8"  # the sample cut a character in two
    return guess_code_page(sample, source)


class Undecided(ExchangeError):
    """No encoding can be told for a file's text; the closest guesses."""

    def __init__(self, message: str, guesses: list[str]) -> None:
        super().__init__(message)
        self.guesses = guesses


# Fewer characters outside ASCII than this tell too little to choose a code page by;
# Windows-1252 is then taken if it reads them, as the most common by far.
_THIN = 4


def guess_code_page(sample: bytes, source: str) -> str:
    """The single- or double-byte code page a non-Unicode sample reads best in."""
    from charset_normalizer import from_bytes

    results = list(from_bytes(sample, cp_isolation=list(_CODE_PAGES)))
    guesses = [encoding_name(r.encoding) for r in results[:2]]
    if not results:
        raise Undecided(
            f"{source} is not text in any encoding Onproduct knows. Save it as UTF-8 CSV"
            " and import it again.",
            [],
        )
    # charset-normalizer's own pick can read Polish in Windows-1252 ("³ódŸ" for "łódź"):
    # to it, "³" is no mess. Of the readings about as clean as its best, the one whose
    # characters outside ASCII are letters wins; then the one whose words look more
    # like a language (its coherence), then the cleaner, then the more common code page.
    best = min(results, key=lambda r: r.chaos)
    clean = [r for r in results if r.chaos <= best.chaos + _MOST_MESS]
    chosen = min(
        clean,
        key=lambda r: (
            round(_oddness(str(r)), 2),
            -round(r.coherence, 2),
            round(r.chaos, 2),
            _rank(r.encoding),
        ),
    )
    thin = sum(1 for byte in sample if byte >= 0x80) < _THIN
    if thin:
        try:
            sample.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            readings = {str(r) for r in results}
            if len(readings) > 1:
                raise Undecided(
                    f"{source}: which encoding its text is in cannot be told (too few"
                    f" letters outside ASCII; it could be {' or '.join(guesses)}). Save it"
                    " as UTF-8 CSV and import it again.",
                    guesses,
                ) from None
    if chosen.chaos > _MOST_MESS:
        raise Undecided(
            f"{source}: which encoding its text is in cannot be told (the closest"
            f" guesses, {' or '.join(guesses)}, both garble it). Save it as UTF-8 CSV and"
            " import it again.",
            guesses,
        )
    # Code pages that read the sample alike: the most common (Windows-1252 rather than
    # 1250 for "Résumé", which both read the same) is the one named.
    return min((str(e) for e in chosen.could_be_from_charset), key=_rank)


# Characters outside ASCII that are not letters yet are common in text of any language.
_TYPOGRAPHY = frozenset("«»¿¡–—‘’‚“”„…•€°·§©®™×÷\u00a0")
_ICELANDIC = frozenset("ÐðÞþÝý")


def _oddness(text: str) -> float:
    """The share of a text's characters outside ASCII that are neither letters nor
    common typography: near 0 for text read in its own code page."""
    outside = [c for c in text if ord(c) > 127]
    if not outside:
        return 0.0
    odd: float = sum(1 for c in outside if not c.isalpha() and c not in _TYPOGRAPHY)
    # Letters of Icelandic alone: what Windows-1252 makes of Turkish ş, ı and ğ.
    odd += sum(0.5 for c in outside if c in _ICELANDIC)
    return odd / len(outside)


def _rank(encoding: str) -> int:
    name = codecs.lookup(encoding).name
    ranks = [codecs.lookup(cp).name for cp in _CODE_PAGES]
    return ranks.index(name) if name in ranks else len(ranks)


def _sample(path: Path, start: int = 0) -> bytes:
    with open_source(path) as handle:
        try:
            handle.seek(start)
            return handle.read(_SAMPLE)
        except OSError as error:
            raise ExchangeError(f"{path.name} cannot be read: {error.strerror or error}.") from None


T = TypeVar("T")


def read_text_file(path: Path, parse: Callable[[Iterator[str]], T]) -> tuple[T, str]:
    """Parse a text file's lines as a stream, in the encoding its first megabyte is in;
    the result and that encoding.

    A file that looks like UTF-8 at first but is not further on (a spreadsheet that
    pasted text from elsewhere) is read again in the code page its rest reads best in.
    """
    encoding = sniff_encoding(_sample(path), path.name)
    try:
        return parse(csv_lines(path, encoding)), encoding
    except Undecodable as error:
        if not encoding.startswith("utf-8"):
            raise ExchangeError(
                f"{path.name}, line {error.line}: byte 0x{error.byte:02x} is not"
                f" {encoding_name(encoding)} text. Save the file as UTF-8 CSV and import"
                " it again."
            ) from None
        first = error
    try:
        sample = _sample(path, max(0, first.offset - 4096))
        fallback = sniff_encoding(sample, path.name, unicode=False)
    except Undecided as undecided:
        could = " or ".join(undecided.guesses) or "nothing Onproduct knows"
        raise ExchangeError(
            f"{path.name}, line {first.line}: byte 0x{first.byte:02x} is not UTF-8, and"
            f" which encoding the file is in cannot be told (it could be {could}). Save it"
            " as UTF-8 CSV and import it again."
        ) from None
    try:
        return parse(csv_lines(path, fallback)), fallback
    except Undecodable as error:
        raise ExchangeError(
            f"{path.name}, line {first.line}: byte 0x{first.byte:02x} is not UTF-8,"
            f" and line {error.line} is not {encoding_name(fallback)} either. Save the"
            " file as UTF-8 CSV and import it again."
        ) from None


def text_pieces(path: Path, encoding: str) -> Iterator[io.StringIO]:
    """The text of a file, a megabyte at a time, as csv wants it (newline="").

    Decoded strictly and incrementally (a character split between two reads is put
    together), each piece cut after a line break; Undecodable names the line of the
    first byte the encoding cannot read. A byte-order mark is dropped. Memory stays at
    a piece, whatever the file.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    line = 1
    offset = 0
    carry = ""
    with open_source(path) as handle:
        while True:
            try:
                block = handle.read(_CHUNK)
            except OSError as error:
                raise ExchangeError(
                    f"{path.name} cannot be read: {error.strerror or error}."
                ) from None
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                # Where in the block: its lines before the bad byte (close enough for
                # the few bytes the decoder may have held back).
                bad = max(0, min(error.start, len(block) - 1))
                raise Undecodable(
                    line + carry.count("\n") + block.count(b"\n", 0, bad),
                    block[bad] if block else 0,
                    offset + bad,
                ) from None
            offset += len(block)
            if offset == len(block) and text.startswith("\ufeff"):
                text = text[1:]
            data = carry + text if carry else text
            if block:
                cut = data.rfind("\n") + 1
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
                piece, carry = data, ""
            line += piece.count("\n")
            yield io.StringIO(piece, newline="")
            if not block:
                return


def csv_lines(path: Path, encoding: str) -> Iterator[str]:
    """The lines of a CSV file for csv.reader, read as a stream (see text_pieces)."""
    return chain.from_iterable(text_pieces(path, encoding))


def decode(raw: bytes, source: str = "the file") -> tuple[str, str]:
    """A whole file's text and the encoding it was read in (see sniff_encoding)."""
    encoding = sniff_encoding(raw[:_SAMPLE], source)
    try:
        return raw.decode(encoding).removeprefix("\ufeff"), encoding
    except UnicodeDecodeError as error:
        if encoding.startswith("utf-8"):
            fallback = sniff_encoding(raw[max(0, error.start - 4096) :], source, unicode=False)
            try:
                return raw.decode(fallback), fallback
            except UnicodeDecodeError:
                pass
        line = raw[: error.start].count(b"\n") + 1
        raise ExchangeError(
            f"{source}, line {line}: byte 0x{raw[error.start]:02x} is not"
            f" {encoding_name(encoding)} text. Save it as UTF-8 and import it again."
        ) from None


def encoding_note(encoding: str) -> str:
    """The summary's line about the encoding a file was read in."""
    return f"Read as {encoding_name(encoding)} text."


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


def csv_records(
    text: str | Iterable[str],
    source: str,
    watch: Callable[[Iterator[str]], Iterator[str]] | None = None,
) -> tuple[Any, list[str]]:
    """A strict csv reader over an export's text (or its lines), in the delimiter its
    header uses, and that header; ExchangeError for an empty file or a broken header.
    `watch` sees the lines after the header as the reader takes them."""
    lines = iter(io.StringIO(text, newline="") if isinstance(text, str) else text)
    first = header_lines(lines)
    if not first.strip():
        raise ExchangeError(f"{source} is empty.")
    rest = watch(lines) if watch is not None else lines
    reader = csv.reader(chain([first], rest), delimiter=sniff_delimiter(first), strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        raise ExchangeError(f"{source}, line 1: {error}.") from None
    return reader, header


def _first_record(text: str) -> str:
    """The header row's text: up to the first line break outside quotes."""
    quoted = False
    for position, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            return text[:position]
    return text


_KANA_MARKS = "\u3099\u309a"


@lru_cache(maxsize=4096)  # the same types, statuses and headers come back on every row
def fold(name: str) -> str:
    """A header name compared loosely: case, accents and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "l"))
    # Accents go; the voicing marks of Japanese kana stay (バ is not ハ).
    bare = "".join(c for c in decomposed if not unicodedata.combining(c) or c in _KANA_MARKS)
    return " ".join(bare.casefold().replace("ß", "ss").split())
