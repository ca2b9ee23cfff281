"""Team plans on a real PostgreSQL server (started by the tests, tests/pgserver.py):
several app processes on one plan see each other's changes live, a change over someone
else's is refused and says who, nothing acknowledged is ever lost — under load, when a
client is killed, when the server itself goes away and comes back."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from onproduct.storage.migrations import SCHEMA_VERSION
from onproduct.storage.opening import open_team_plan
from onproduct.storage.team import TeamAddress, schema_of

from ..commands import onproduct, refused
from ..helpers import plan_dump, team_address
from .drivers import ROOT, Window

CLIENTS = int(os.environ.get("ONPRODUCT_TEAM_CLIENTS", "8"))
STEPS = int(os.environ.get("ONPRODUCT_TEAM_STEPS", "300"))


def _url_for(pg: Any, team_url: str, user: str, password: str) -> str:
    address = team_address(pg, team_url, user, password)
    return pg.url(user, address.plan.replace(" ", "%20"), password)


def _server_board(team_url: str) -> list[list[Any]]:
    plan = open_team_plan(TeamAddress.parse(team_url))
    try:
        return sorted(
            [i.id, i.title, i.sprint_id, i.category, i.status, i.rank] for i in plan.items()
        )
    finally:
        plan.close()


def test_two_windows_on_a_team_plan_see_each_others_changes(pg, team_url: str) -> None:
    other = _url_for(pg, team_url, "editor2", "pw2")
    with Window(team_url) as one, Window(other) as two:
        assert (
            "team plan" in one.ask("state")["title"] and "as editor1" in one.ask("state")["title"]
        )
        # An add, a move, an edit and a delete, each seen by the other window.
        one.ask("add", title="Dunning e-mails", lane="feature")
        seen = two.ask("wait", title="Dunning e-mails", seconds=3)
        assert seen["ok"] and seen["after"] < 1.0, seen
        assert two.ask("move", title="Dunning e-mails", lane="tech_debt")["ok"]
        one.ask("settle", seconds=0.4)
        assert next(r for r in one.board() if r[1] == "Dunning e-mails")[3] == "tech_debt"
        assert one.ask("edit", title="Dunning e-mails", to="Dunning e-mails, daily")["ok"]
        assert two.ask("wait", title="Dunning e-mails, daily", seconds=3)["ok"]
        assert two.ask("delete", title="Expense tracking")["ok"]
        assert one.ask("wait", title="Expense tracking", gone=True, seconds=3)["ok"]
        # Sprints and the operations register too.
        one.ask("add_sprint", name="Hardening")
        two.ask("settle", seconds=0.5)
        assert "Hardening" in two.ask("sprints")["sprints"]
        two.ask("add_operation", name="Renew certificates by hand", hours=1.5)
        one.ask("settle", seconds=0.5)
        assert ["Renew certificates by hand", 1.5] in one.ask("operations")["operations"]
        two.ask("edit_operation", name="Renew certificates by hand", hours=0.5)
        one.ask("settle", seconds=0.5)
        assert ["Renew certificates by hand", 0.5] in one.ask("operations")["operations"]
        assert one.board() == two.board() == _server_board(team_url)


def test_conflicting_edits_keep_exactly_one_and_tell_the_other(pg, team_url: str) -> None:
    other = _url_for(pg, team_url, "editor2", "pw2")
    with Window(team_url) as one, Window(other) as two:
        two.ask("deaf", on=True)  # two looks at its screen as it was a moment ago
        assert one.ask("edit", title="Late payment fees", to="Late fees, one's")["ok"]
        answer = two.ask("edit", title="Late payment fees", to="Late fees, two's")
        two.ask("deaf", on=False)
        assert answer["ok"] is False or answer.get("error") is None
        warnings = two.ask("state")["warnings"]
        assert (
            "editor1 edited “Late fees, one's” a moment ago; your change was not applied."
            in warnings
        ), warnings
        two.ask("settle", seconds=0.5)
        titles = {row[1] for row in _server_board(team_url)}
        assert "Late fees, one's" in titles and "Late fees, two's" not in titles
        assert one.board() == two.board() == _server_board(team_url)
        # Undoing one's own edit after someone else changed the item is refused too.
        assert two.ask("move", title="Late fees, one's", lane="tech_debt")["ok"]
        one.ask("settle", seconds=0.5)
        one.ask("undo")
        assert any(
            w.startswith("editor2 moved “Late fees, one's”") for w in one.ask("state")["warnings"]
        )
        assert "Late fees, one's" in {row[1] for row in _server_board(team_url)}


def _replay(changes: list[tuple[int, str]]) -> dict[str, dict[str, Any]]:
    """The plan rebuilt from its history alone: every entry's rows, in order."""
    state: dict[str, dict[str, Any]] = {"item": {}, "sprint": {}, "operation": {}}
    for _id, text in changes:
        rows = json.loads(text)
        for table in state:
            for row_id, row in rows.get(table, {}).items():
                if row is None:
                    state[table].pop(row_id, None)
                else:
                    state[table][row_id] = row
    return state


def test_eight_clients_at_once_lose_nothing(pg, team_url: str) -> None:
    """Each client makes random changes as fast as it can; afterwards every board equals
    the server, the server equals a replay of its history, and every change a client
    saw accepted is in that history."""
    name = TeamAddress.parse(team_url).plan
    windows = []
    for n in range(CLIENTS):
        pg.add_role(f"client{n}", f"pw{n}")
        windows.append(Window(_url_for(pg, team_url, f"client{n}", f"pw{n}")))
    try:
        for n, window in enumerate(windows):  # all at once: the answers are read after
            assert window.process.stdin is not None
            window.process.stdin.write(
                json.dumps({"do": "random", "seed": n, "steps": STEPS}) + "\n"
            )
            window.process.stdin.flush()
        held = [window._read() for window in windows]
        assert all("held" in answer for answer in held), held
        for window in windows:
            window.ask("settle", seconds=1.0)
        server = _server_board(team_url)
        for window in windows:
            assert window.board() == server
        schema = schema_of(name)
        history = pg.admin(f"SELECT id, rows FROM {schema}.change_log ORDER BY id")
        replayed = _replay([(int(i), str(r)) for i, r in history])
        plan = open_team_plan(TeamAddress.parse(team_url))
        try:
            stored = plan_dump(plan, history=True)
        finally:
            plan.close()
        items = {str(row[0]): row for row in stored["item"]}
        assert set(replayed["item"]) == set(items)
        # Replayed rows are in the order Plan reads them; stored ones in the table's.
        for item_id, row in replayed["item"].items():
            title, category, sprint_id = row[1], row[2], row[11]
            stored_row = items[item_id]
            assert (title, category, sprint_id) == (stored_row[1], stored_row[3], stored_row[8])
        who = pg.admin(f"SELECT who, count(*) FROM {schema}.change_log GROUP BY who")
        logged = {str(w): int(c) for w, c in who}
        for n, answer in enumerate(held):
            assert logged.get(f"client{n}", 0) >= int(answer["held"]), (n, answer, logged)
        total = sum(int(a["held"]) for a in held)
        print(f"\n{CLIENTS} clients × {STEPS} steps: {total} changes accepted, all kept")
    finally:
        for window in windows:
            window.close()


def test_the_server_going_away_and_back(pg, team_url: str) -> None:
    other = _url_for(pg, team_url, "editor2", "pw2")
    with Window(team_url) as one:
        pg.stop("immediate")
        try:
            deadline = time.monotonic() + 20
            state = one.ask("state")
            while not state["banner"] and time.monotonic() < deadline:
                one.ask("settle", seconds=0.3)
                state = one.ask("state")
            assert "The server cannot be reached" in state["banner"], state
            assert state["offline"]
            # No edit is accepted that cannot be committed.
            one.ask("add", title="While away", lane="feature")
            assert "While away" not in one.titles()
        finally:
            pg.start()
        # Someone changes the plan as soon as the server is back.
        with Window(other) as two:
            two.ask("add", title="Meanwhile", lane="feature")
        caught = one.ask("wait", title="Meanwhile", seconds=40)
        assert caught["ok"], one.ask("state")
        state = one.ask("state")
        assert state["banner"] == "" and state["offline"] is None
        assert one.ask("add", title="After the outage", lane="feature")["ok"]
        assert "After the outage" in {row[1] for row in _server_board(team_url)}


def test_a_client_killed_mid_commit_leaves_the_plan_whole(pg, team_url: str) -> None:
    rng = random.Random(20261129)
    for round_ in range(3):
        victim = Window(team_url)
        assert victim.process.stdin is not None
        victim.process.stdin.write(
            json.dumps({"do": "random", "seed": round_, "steps": 500}) + "\n"
        )
        victim.process.stdin.flush()
        time.sleep(rng.uniform(0.3, 1.5))
        victim.process.send_signal(signal.SIGKILL)
        victim.process.wait()
    with Window(_url_for(pg, team_url, "editor2", "pw2")) as survivor:
        assert survivor.board() == _server_board(team_url)
        assert survivor.ask("add", title="Still fine", lane="feature")["ok"]


def test_a_role_that_only_reads_opens_read_only(pg, team_url: str) -> None:
    with Window(_url_for(pg, team_url, "reader", "pw3")) as reader:
        state = reader.ask("state")
        assert state["read_only"] == "your database role may only read this plan"
        assert "(read-only)" in state["title"]
        before = _server_board(team_url)
        reader.ask("add", title="Not mine to add", lane="feature")
        assert _server_board(team_url) == before
    result = onproduct("metrics", _url_for(pg, team_url, "reader", "pw3"), "--json")
    assert result.returncode == 0, result.stderr


def test_a_team_plan_of_a_newer_format_is_refused(pg, team_url: str) -> None:
    name = TeamAddress.parse(team_url).plan

    def set_version(version: int) -> None:
        pg.admin(f"UPDATE onproduct.plans SET version = {version} WHERE name = '{name}'")

    set_version(SCHEMA_VERSION + 1)
    try:
        line = refused(onproduct("metrics", team_url), "metrics")
        assert "was made by a newer version of Onproduct" in line
    finally:
        # Other tests share the server; `team init` looks at every plan on it.
        set_version(SCHEMA_VERSION)
    assert pg.admin(f"SELECT version FROM onproduct.plans WHERE name = '{name}'") == [
        (SCHEMA_VERSION,)
    ]


def test_publish_then_metrics_are_the_same(pg, tmp_path: Path, sample_path: Path) -> None:
    url = pg.url("editor1", None, "pw1")
    published = onproduct("publish", sample_path, url, "--plan", "Published plan")
    assert published.returncode == 0, published.stderr
    assert "Published sample.onproduct as the team plan Published plan" in published.stdout
    team = pg.url("editor1", "Published%20plan", "pw1")
    local = onproduct("metrics", sample_path, "--json")
    remote = onproduct("metrics", team, "--json")
    assert local.returncode == remote.returncode == 0, remote.stderr
    assert json.loads(local.stdout) == json.loads(remote.stdout)
    again = refused(onproduct("publish", sample_path, url, "--plan", "Published plan"), "publish")
    assert "there already" in again
    # export and import take the address too, with the same results as the file.
    for out in ("local.csv", "team.csv"):
        result = onproduct(
            "export", sample_path if out == "local.csv" else team, "--csv", tmp_path / out
        )
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "local.csv").read_bytes() == (tmp_path / "team.csv").read_bytes()
    source = tmp_path / "more.csv"
    source.write_text("key,title,category,estimate\nT-1,From the command line,feature,2\n")
    imported = onproduct("import", team, source)
    assert imported.returncode == 0, imported.stderr
    assert "From the command line" in {row[1] for row in _server_board(team)}


def test_team_init_sets_up_and_upgrades_and_asks_for_no_password_it_has(pg) -> None:
    url = pg.url("editor1", "Fresh%20plan", "pw1")
    first = onproduct("team", "init", url)
    assert first.returncode == 0, first.stderr
    assert "Fresh plan: created" in first.stdout
    second = onproduct("team", "init", url)
    assert "Fresh plan: up to date" in second.stdout
    no_password = onproduct(
        "metrics", pg.url("editor1", "Fresh%20plan"),
        env={**{k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "PGPASSWORD")},
             "PGPASSFILE": "/nonexistent"},
    )  # fmt: skip
    assert "asks for a password" in refused(no_password, "metrics")
    plain = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    with_env = onproduct(
        "metrics", pg.url("editor1", "Fresh%20plan"), env={**plain, "PGPASSWORD": "pw1"}
    )
    assert with_env.returncode == 0, with_env.stderr


def test_a_second_process_sees_a_cli_import_into_a_team_plan(
    pg, team_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "more.csv"
    source.write_text("key,title,category,estimate\nLIVE-9,Imported for the team,feature,3\n")
    with Window(_url_for(pg, team_url, "editor2", "pw2")) as window:
        result = subprocess.run(
            [sys.executable, "-m", "onproduct", "import", team_url, str(source)],
            capture_output=True, text=True, timeout=60, cwd=ROOT,
            env={k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert window.ask("wait", title="Imported for the team", seconds=3)["ok"]
