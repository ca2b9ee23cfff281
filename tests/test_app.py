"""The app started as a user or a script starts it: in its own process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from onproduct import __version__


def run(*args: str, home: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the self-test must manage without being told
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
    )
    return subprocess.run(
        [sys.executable, "-m", "onproduct", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_self_test_builds_and_draws_everything_and_passes(tmp_path: Path) -> None:
    result = run("--self-test", home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "self-test passed"
    assert not [line for line in lines if line.startswith("FAIL")]
    for check in ("draw the main window", "drop a backlog item into a lane", "undo the drop"):
        assert f"ok   {check}" in lines
    assert "Traceback" not in result.stderr
    # It worked on a scratch plan: nothing was left in the user's folders.
    assert not (tmp_path / "data").exists() and not (tmp_path / "config").exists()


def test_self_test_on_a_team_plan_server_leaves_no_plan_behind(pg, tmp_path: Path) -> None:
    from onproduct.storage.team import TeamAddress, list_plans

    url = pg.url("editor2", None, "pw2")
    before = list_plans(TeamAddress.parse(url))
    result = run("--self-test", url, home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "self-test passed"
    for check in (
        "publish the sample plan to the team's server",
        "open it as a team plan",
        "the drop is stored in the plan",
        "the undo is stored in the plan",
        "remove the scratch team plan",
    ):
        assert f"ok   {check}" in lines
    assert list_plans(TeamAddress.parse(url)) == before


def test_self_test_takes_no_plan_file(tmp_path: Path) -> None:
    result = run("--self-test", str(tmp_path / "mine.onproduct"), home=tmp_path, timeout=30)
    assert result.returncode == 2
    assert "only plan it takes is a team plan server's address" in result.stderr
    assert not (tmp_path / "mine.onproduct").exists()


def test_a_team_plan_address_on_the_command_line_is_not_taken_for_a_file(
    pg, team_url: str, tmp_path: Path
) -> None:
    # argparse's Path would turn postgresql://… into postgresql:/…, a file to create.
    from onproduct.app import build_parser

    assert build_parser().parse_args([team_url]).plan == team_url


def test_version_is_printed_without_starting_qt(tmp_path: Path) -> None:
    result = run("--version", home=tmp_path, timeout=30)
    assert result.returncode == 0
    assert result.stdout == f"onproduct {__version__}\n"
    assert __version__ != "0+unknown"


def test_the_installed_command_is_there(tmp_path: Path) -> None:
    command = shutil.which("onproduct", path=str(Path(sys.executable).parent))
    assert command is not None, "pip install put no onproduct command beside python"
    result = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == f"onproduct {__version__}"


def test_an_unknown_option_is_refused_with_a_usage_line(tmp_path: Path) -> None:
    result = run("--sef-test", home=tmp_path, timeout=30)
    assert result.returncode == 2
    assert "unrecognized arguments: --sef-test" in result.stderr
    assert "Traceback" not in result.stderr
