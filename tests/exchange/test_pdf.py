"""PDF exports read back as a user's PDF viewer would: text, pages, fonts."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from onproduct.domain.items import Item
from onproduct.exchange.batch import ExchangeError
from onproduct.exchange.pdf import collect, write_report_pdf, write_sprint_pdf
from onproduct.storage.plan import Plan

TODAY = date(2026, 11, 24)


def pdf_text(path: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    out = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out.split("\f")[:-1]


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


def test_a_sprint_plan_has_its_title_block_figures_and_items(
    qapp, sample_plan: Plan, tmp_path: Path
) -> None:
    data = collect(sample_plan, TODAY)
    sprint = data.sprints[4]
    path = tmp_path / "sprint.pdf"
    pages = write_sprint_pdf(path, data, sprint)
    assert pages == pdf_pages(path)
    text = "\n".join(pdf_text(path))
    assert sprint.name in text and data.name in text
    assert f"{sprint.start:%d %b %Y}" in text and "capacity 160 h" in text
    assert "Early growth, target 75%" in text
    metrics = data.metrics_of(sprint)
    assert f"On-product index by effort: {round(metrics.index * 100)}%" in text
    for item in data.items:
        if item.sprint_id == sprint.id:
            assert item.title in text
    assert "Operations burden by sprint" in text
    assert f"Exported {TODAY.isoformat()}" in text and f"Page 1 of {pages}" in text


def test_accents_and_other_alphabets_come_back_as_text(
    qapp, sample_plan: Plan, tmp_path: Path
) -> None:
    sprint = sample_plan.sprints()[0]
    titles = ["Zażółć gęślą jaźń", "Ελληνικά γράμματα", "Журнал изменений", "Café für Zoë"]
    sample_plan.bulk_insert_items(
        Item(9000 + n, title, "feature", sprint_id=sprint.id, rank=500 + n)
        for n, title in enumerate(titles)
    )
    path = tmp_path / "letters.pdf"
    write_sprint_pdf(path, collect(sample_plan, TODAY), sprint)
    text = "\n".join(pdf_text(path))
    for title in titles:
        assert title in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "DejaVuSans" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:])  # every font embedded


def test_a_long_sprint_flows_over_pages_with_repeated_headers(
    qapp, sample_plan: Plan, tmp_path: Path
) -> None:
    sprint = sample_plan.sprints()[0]
    sample_plan.bulk_insert_items(
        Item(10_000 + n, f"Long list item {n:03}", "tech_debt", estimate=1, sprint_id=sprint.id,
             rank=1000 + n)
        for n in range(300)
    )  # fmt: skip
    path = tmp_path / "long.pdf"
    pages = write_sprint_pdf(path, collect(sample_plan, TODAY), sprint)
    texts = pdf_text(path)
    assert pages == len(texts) == pdf_pages(path) > 3
    for number, page in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in page
        assert f"Sprint plan — {sprint.name}" in page
    continued = [page for page in texts if "Technical debt — " in page and "(continued)" in page]
    assert len(continued) >= 3
    assert all("Key" in page and "Estimate" in page for page in continued)
    # Every row exactly once, in order: nothing lost or doubled at a page break.
    found = re.findall(r"Long list item (\d{3})", "\n".join(texts))
    assert [int(n) for n in found] == list(range(300))


def test_the_plan_report_has_every_sprint(qapp, sample_plan: Plan, tmp_path: Path) -> None:
    data = collect(sample_plan, TODAY)
    path = tmp_path / "report.pdf"
    pages = write_report_pdf(path, data)
    text = "\n".join(pdf_text(path))
    assert pages == pdf_pages(path)
    assert "Plan report" in text and "On-product index by sprint" in text
    for sprint in data.sprints:
        assert sprint.name in text
    assert f"Backlog: {sum(1 for i in data.items if i.sprint_id is None)} items" in text


def test_a_failed_export_leaves_the_old_file_alone(qapp, sample_plan: Plan, tmp_path: Path) -> None:
    data = collect(sample_plan, TODAY)
    path = tmp_path / "keep.pdf"
    path.write_bytes(b"the old export")
    broken = replace(data, sprints=data.sprints)
    with pytest.raises(ExchangeError, match="no sprint 'Sprint 99'"):
        write_sprint_pdf(path, broken, broken.sprint("Sprint 99"))
    assert path.read_bytes() == b"the old export"
    blocked = tmp_path / "folder.pdf"
    blocked.mkdir()
    with pytest.raises(
        ExchangeError, match=r"folder\.pdf is a folder, not a file an export can replace"
    ):
        write_report_pdf(blocked, data)
    assert blocked.is_dir() and not list(tmp_path.glob(".*.part"))
