"""Desktop metadata, icons and the Linux install script, checked as a desktop would."""

from __future__ import annotations

import os
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"
APP_ID = "org.onproduct.Onproduct"


def test_the_desktop_file_is_valid() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(RESOURCES / f"{APP_ID}.desktop")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stdout == "", result.stdout


def test_the_metainfo_is_valid() -> None:
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(RESOURCES / f"{APP_ID}.metainfo.xml")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout


def test_the_version_everywhere_is_the_projects() -> None:
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    metainfo = (RESOURCES / f"{APP_ID}.metainfo.xml").read_text()
    assert f'<release version="{version}"' in metainfo


def test_the_icon_files_hold_every_size_as_png(qapp) -> None:
    from PySide6.QtGui import QImage

    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        image = QImage(str(RESOURCES / "appicon" / f"onproduct-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
    ico = (RESOURCES / "appicon" / "onproduct.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 7)
    for number in range(count):
        width, _h, _c, _r, _p, _b, length, offset = struct.unpack(
            "<BBBBHHII", ico[6 + 16 * number : 22 + 16 * number]
        )
        png = ico[offset : offset + length]
        assert png.startswith(b"\x89PNG")
        assert QImage.fromData(png).width() == (width or 256)
    icns = (RESOURCES / "appicon" / "onproduct.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    kinds, position = [], 8
    while position < len(icns):
        kinds.append(icns[position : position + 4])
        position += struct.unpack(">I", icns[position + 4 : position + 8])[0]
    assert kinds == [b"icp4", b"icp5", b"icp6", b"ic07", b"ic08", b"ic09"]


def test_the_mime_type_knows_plan_files_by_name_and_by_content(tmp_path: Path) -> None:
    """update-mime-database accepts the type; a plan is recognised even without .onproduct."""
    from onproduct.storage.planfile import create_plan

    data = tmp_path / "share"
    (data / "mime" / "packages").mkdir(parents=True)
    (data / "mime" / "packages" / f"{APP_ID}.xml").write_bytes(
        (RESOURCES / f"{APP_ID}.mime.xml").read_bytes()
    )
    result = subprocess.run(
        ["update-mime-database", str(data / "mime")], capture_output=True, text=True
    )
    assert result.returncode == 0 and "error" not in result.stderr.lower(), result.stderr
    types = (data / "mime" / "types").read_text()
    assert "application/x-onproduct-plan" in types
    magic = (data / "mime" / "magic").read_bytes()
    assert b"application/x-onproduct-plan" in magic and b"OnPr" in magic
    plan = tmp_path / "renamed.db"
    create_plan(plan)
    assert plan.read_bytes()[68:72] == b"OnPr"  # what the magic rule looks for


def _staged(tmp_path: Path) -> Path:
    """The Linux download as build.sh lays it out, around a stand-in for the program."""
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    program = bundle / "onproduct"
    program.write_text('#!/bin/sh\necho "onproduct 0.1.0"\n')
    program.chmod(0o755)
    result = subprocess.run(
        [str(ROOT / "packaging/linux/stage.sh"), str(bundle), str(tmp_path / "stage"), "0.1.0"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(result.stdout.strip())


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ONPRODUCT_"))}
    return env | {"HOME": str(home)}


def test_install_puts_program_menu_entry_icons_and_file_type_in_the_users_folders(
    tmp_path: Path, home: dict[str, str]
) -> None:
    stage = _staged(tmp_path)
    result = subprocess.run([str(stage / "install.sh")], env=home, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Onproduct 0.1.0 is installed in" in result.stdout
    root = Path(home["HOME"])
    share = root / ".local/share"
    program = root / ".local/opt/onproduct/program/onproduct"
    assert program.is_file()
    assert (root / ".local/bin/onproduct").resolve() == program.resolve()
    desktop = share / f"applications/{APP_ID}.desktop"
    text = desktop.read_text()
    assert f'Exec="{program}" %f' in text and f"TryExec={program}" in text
    check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    assert (share / f"icons/hicolor/48x48/apps/{APP_ID}.png").is_file()
    assert (share / f"icons/hicolor/scalable/apps/{APP_ID}.svg").is_file()
    assert "application/x-onproduct-plan" in (share / "mime/types").read_text()
    assert "application/x-onproduct-plan" in (share / "applications/mimeinfo.cache").read_text()

    # Installing again (an update) works and leaves one copy of everything.
    again = subprocess.run([str(stage / "install.sh")], env=home, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr

    # Plans and settings are the user's: uninstall leaves them.
    plans = share / "Onproduct"
    plans.mkdir()
    (plans / "Team.onproduct").write_bytes(b"a plan")
    gone = subprocess.run([str(stage / "uninstall.sh")], env=home, capture_output=True, text=True)
    assert gone.returncode == 0, gone.stderr
    assert not program.exists() and not (root / ".local/bin/onproduct").exists()
    assert not desktop.exists() and not (root / ".local/opt/onproduct").exists()
    assert not list(share.glob("icons/hicolor/*/apps/*"))
    assert "application/x-onproduct-plan" not in (share / "mime/types").read_text()
    assert (plans / "Team.onproduct").read_bytes() == b"a plan"


def test_uninstall_says_so_when_nothing_is_installed(home: dict[str, str]) -> None:
    result = subprocess.run(
        [str(ROOT / "packaging/linux/uninstall.sh")], env=home, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "Onproduct is not installed in" in result.stderr
