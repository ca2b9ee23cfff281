"""Endless, huge or odd input to import: refused in one line, in bounded memory, before
anything is written. Only regular files are read; CSV is read as a stream."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from onproduct.exchange.batch import ExchangeError
from onproduct.exchange.formats.jira import read_jira
from onproduct.exchange.formats.own_csv import read_plan_csv
from onproduct.exchange.sources import read_source
from onproduct.exchange.text import MAX_CSV_BYTES, MAX_JSON_BYTES, MAX_LINE_BYTES

from ..commands import onproduct
from ..helpers import fingerprint

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("device", "fmt"),
    [
        ("/dev/zero", "csv"),
        ("/dev/zero", "trello"),
        ("/dev/urandom", "jira"),
        ("/dev/zero", "auto"),
    ],
)
def test_a_device_is_refused_at_once(sample_path: Path, device: str, fmt: str) -> None:
    before = fingerprint(sample_path.parent)
    result = onproduct("import", sample_path, device, "--format", fmt)
    assert result.returncode == 1
    name = Path(device).name
    assert result.stderr == f"onproduct import: {name} is a device, not a file to import.\n"
    assert fingerprint(sample_path.parent) == before


def test_a_file_beyond_the_limit_is_refused_saying_the_limit(tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:  # sparse: takes no room on the disk
        handle.truncate(MAX_CSV_BYTES + 1)
    with pytest.raises(
        ExchangeError, match=r"huge.csv is 2.0 GB; Onproduct imports files of up to 2.0 GB"
    ):
        read_source(huge)
    board = tmp_path / "board.json"
    with board.open("wb") as handle:
        handle.truncate(MAX_JSON_BYTES + 1)
    with pytest.raises(ExchangeError, match=r"board.json is 512 MB; .* up to 512 MB of this kind"):
        read_source(board, "trello")


def test_a_line_without_end_is_refused(tmp_path: Path) -> None:
    endless = tmp_path / "one-line.csv"
    endless.write_bytes(b"title,category," + b"x" * (MAX_LINE_BYTES + 10))
    with pytest.raises(ExchangeError, match=r"one-line.csv, line 1: a line longer than 16 MB"):
        read_plan_csv(endless)


def test_a_bad_byte_far_into_a_file_names_its_line(tmp_path: Path) -> None:
    """Streamed a megabyte at a time, the line count still comes out right."""
    rows = [f"K-{n},Item {n} {'text ' * 10},feature" for n in range(40_000)]
    rows[33_333] = "K-33333,Caf\x81,feature"
    path = tmp_path / "late.csv"
    path.write_bytes(("key,title,category\n" + "\n".join(rows) + "\n").encode("latin-1"))
    assert path.stat().st_size > 2 * 1024 * 1024
    # One stray byte that Windows-1252 does not read: no encoding can be told.
    with pytest.raises(
        ExchangeError,
        match=r"late.csv, line 33335: byte 0x81 is not UTF-8, and which encoding the file"
        r" is in cannot be told",
    ):
        read_plan_csv(path)
    jira = tmp_path / "jira.csv"
    jira.write_bytes(("Summary,Issue key,Issue Type\n" + "\n".join(rows) + "\n").encode("latin-1"))
    with pytest.raises(ExchangeError, match=r"jira.csv, line 33335: byte 0x81 is not UTF-8"):
        read_jira(jira)
    # A byte Windows-1252 reads ("é") far into an otherwise UTF-8 file: read as that.
    rows[33_333] = "K-33333,Caf\xe9,feature"
    path.write_bytes(("key,title,category\n" + "\n".join(rows) + "\n").encode("latin-1"))
    batch = read_plan_csv(path)
    assert batch.encoding == "cp1252" and batch.rows[33_333].fields.title == "Café"


# The child's own peak (VmHWM starts afresh at exec; ru_maxrss would carry over the
# peak of the pytest process it was forked from).
MEASURE = """
import sys
from pathlib import Path
from onproduct.cli import run
code = run(sys.argv[1:])
peak = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM"))
print("peak", int(peak.split()[1]) // 1024, "code", code)
"""


def test_a_big_file_broken_at_its_second_row_is_refused_without_reading_it_all(
    tmp_path: Path, sample_path: Path
) -> None:
    """Before, the whole file was read and decoded first: a 200 MB file took 1.2 GB to
    say that its second row is wrong. Read as a stream, it takes what a small one does."""
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("title,category\nGood,feature\nBad,no-such-lane\n")
        line = "Item,feature\n" * 100_000
        for _ in range(60):  # ~78 MB
            handle.write(line)
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, "import", str(sample_path), str(path)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert "line 3, column category: 'no-such-lane' is not a category" in result.stderr
    peak = int(result.stdout.split()[1])
    assert peak < 150, f"{peak} MB to refuse line 3 of a 78 MB file"
