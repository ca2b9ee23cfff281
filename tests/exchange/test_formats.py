"""One registry of import formats: detection, the dialog, --format and the README agree."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from onproduct.exchange.batch import ExchangeError
from onproduct.exchange.formats import dialog_filters, format_keys, formats, readme_list
from onproduct.exchange.sources import detect_format, read_source

ROOT = Path(__file__).resolve().parents[2]


def test_every_module_of_the_formats_package_is_a_registered_format() -> None:
    folder = ROOT / "src" / "onproduct" / "exchange" / "formats"
    modules = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    registered = formats()
    assert len(registered) == len(modules)  # a module without FORMAT would be lost
    keys = [f.key for f in registered]
    assert len(set(keys)) == len(keys)
    assert {"csv", "jira", "trello"} <= set(keys)
    for entry in registered:
        assert entry.name and entry.summary and entry.patterns


def test_the_file_dialog_and_the_command_line_offer_every_format() -> None:
    filters = dialog_filters().split(";;")
    assert filters[0].startswith("Backlogs (") and filters[-1] == "All files (*)"
    for entry in formats():
        assert entry.dialog_filter in filters
        for pattern in entry.patterns:
            assert pattern in filters[0]
    result = subprocess.run(
        [sys.executable, "-m", "onproduct", "import", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    choices = re.search(r"--format \{([^}]*)\}", result.stdout)
    assert choices is not None, result.stdout
    assert tuple(choices.group(1).split(",")) == format_keys()
    flat = " ".join(result.stdout.split())
    for entry in formats():
        assert entry.name in flat


def test_the_readme_lists_the_registry() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- formats:[^>]*-->\n(.*?)\n\s*<!-- /formats -->", readme, re.S)
    assert block is not None
    listed = "\n".join(line.strip() for line in block.group(1).splitlines())
    assert listed == readme_list()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("own.csv", "title,category\nA,feature\n", "csv"),
        ("jira.csv", "Summary,Issue key,Issue id\nA,K-1,10001\n", "jira"),
        ("board.json", '{"name": "Team", "cards": [], "lists": []}', "trello"),
    ],
)
def test_each_format_is_told_from_its_contents(
    tmp_path: Path, name: str, content: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert detect_format(path) == expected
    # Named otherwise, it is the same file.
    renamed = tmp_path / "download.txt"
    renamed.write_text(content, encoding="utf-8")
    assert detect_format(renamed) == expected


def test_a_file_of_no_known_format_names_the_formats_there_are(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("Name,Phone\nAda,123\n", encoding="utf-8")
    with pytest.raises(ExchangeError) as error:
        read_source(path)
    message = str(error.value)
    assert "notes.csv is not a file Onproduct can import (it starts: Name, Phone)" in message
    for entry in formats():
        assert entry.name in message
