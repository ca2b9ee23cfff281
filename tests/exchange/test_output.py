"""Where an export may land: only over a writable regular file that is no plan nor part
of the plan it comes from, keeping that file's permissions; a killed export's leftover
is cleaned up by the next one."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from onproduct.exchange.batch import ExchangeError
from onproduct.exchange.output import check_export, write_beside
from onproduct.storage.lock import lock_path
from onproduct.storage.planfile import open_plan, sidecars

from ..commands import onproduct, refused
from ..helpers import dump, fingerprint


@pytest.mark.parametrize("flag", ["--csv", "--pdf"])
def test_an_export_never_replaces_a_device(tmp_path: Path, sample_path: Path, flag: str) -> None:
    if os.geteuid() == 0:  # a device node of our own, like /dev/null
        device = tmp_path / "null"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    else:
        device = Path(os.devnull)
    line = refused(onproduct("export", sample_path, flag, device), "export")
    assert "is a device, not a file an export can replace" in line
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_an_export_never_replaces_a_read_only_file(tmp_path: Path, sample_path: Path) -> None:
    target = tmp_path / "kept.csv"
    target.write_text("mine", encoding="utf-8")
    target.chmod(0o444)
    before = fingerprint(tmp_path)
    line = refused(onproduct("export", sample_path, "--csv", target), "export")
    assert "kept.csv is read-only, so it was not replaced" in line
    assert fingerprint(tmp_path) == before and stat.S_IMODE(target.stat().st_mode) == 0o444


@pytest.mark.parametrize("flag", ["--csv", "--pdf"])
def test_a_replaced_export_keeps_its_permissions(
    tmp_path: Path, sample_path: Path, flag: str
) -> None:
    target = tmp_path / f"private{flag.replace('--', '.')}"
    target.write_bytes(b"old")
    target.chmod(0o600)
    result = onproduct("export", sample_path, flag, target)
    assert result.returncode == 0, result.stderr
    assert target.read_bytes() != b"old"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_export_through_a_link_writes_the_file_and_keeps_the_link(
    tmp_path: Path, sample_path: Path
) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert onproduct("export", sample_path, "--csv", link).returncode == 0
    assert link.is_symlink() and "key,title" in real.read_text(encoding="utf-8-sig")


def test_an_export_never_replaces_a_plan(tmp_path: Path, sample_path: Path) -> None:
    other = tmp_path / "other.onproduct"
    other.write_bytes(sample_path.read_bytes())
    line = refused(onproduct("export", sample_path, "--csv", other), "export")
    assert "other.onproduct is an Onproduct plan; an export never replaces one" in line
    assert other.read_bytes() == sample_path.read_bytes()


def test_an_export_onto_a_file_of_the_open_plan_is_refused(sample_path: Path) -> None:
    """The log holds committed changes, the lock keeps others out: replacing either
    with an export would lose them."""
    plan = open_plan(sample_path)
    try:
        plan.raw_connection().execute("PRAGMA wal_autocheckpoint = 0")
        plan.update_items([(plan.items()[0].id, {"title": "Only in the log"})])
        wal, shm, _journal = sidecars(sample_path)
        assert wal.stat().st_size > 0
        expected = dump(sample_path)
        for target, words in (
            (wal, "holds its latest changes"),
            (shm, "holds how its readers share it"),
            (lock_path(sample_path), "holds its lock"),
        ):
            with pytest.raises(
                ExchangeError, match=f"part of the plan sample.onproduct .it {words}"
            ):
                check_export(target, sample_path)
            line = refused(onproduct("export", sample_path, "--csv", target), "export")
            assert "is part of the plan sample.onproduct" in line
        with pytest.raises(ExchangeError, match="is the plan itself"):
            check_export(sample_path.parent / "." / sample_path.name, sample_path)
        link = sample_path.parent / "alias.csv"
        link.symlink_to(wal)
        with pytest.raises(ExchangeError, match="part of the plan"):
            check_export(link, sample_path)
    finally:
        plan.close()
    assert dump(sample_path) == expected
    assert "Only in the log" in {row[1] for row in expected["item"]}


def test_a_killed_exports_leftover_goes_with_the_next_export(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    stale = tmp_path / f".plan.csv.{dead}.part"
    stale.write_bytes(b"half an export")
    stale_new = tmp_path / f".plan.csv.{dead}-0a1b2c3d.part"
    stale_new.write_bytes(b"half an export")
    alive = tmp_path / f".plan.csv.{os.getppid()}-0a1b2c3d.part"  # a running process's
    alive.write_bytes(b"being written")
    write_beside(target, b"key,title\r\n")
    assert target.read_bytes() == b"key,title\r\n"
    assert not stale.exists() and not stale_new.exists()
    assert alive.exists()


def test_a_failed_write_leaves_nothing_beside_the_target(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "out.csv"
    target.write_bytes(b"old")
    folder.chmod(0o555)
    try:
        if os.geteuid() == 0:  # root writes anywhere: make the folder refuse by a flag
            subprocess.run(["chattr", "+i", str(folder)], check=True)
        with pytest.raises(ExchangeError, match="the file that was there is unchanged"):
            write_beside(target, b"new")
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in folder.iterdir()) == ["out.csv"]
