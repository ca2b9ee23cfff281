"""Team plans on a real PostgreSQL server on this machine, against floors of the same run.

    python -m benchmarks.team [--quick]

A server of the benchmark's own (tests/pgserver.py, on loopback, as the test suite
starts it) and a generated plan published to it. Four figures:

* remote change → shown in another window: this process commits a change to an item
  (as a window writes it: versioned, logged, announced with NOTIFY); a main window in
  another process on the same plan hears it, reads the rows and updates its board,
  totals and gauge; timed until that window's event loop is idle again (repainted).
  Both processes read the system-wide monotonic clock. Floor: a NOTIFY from one bare
  psycopg connection seen by another (the wire and the server, nothing of ours).
* drop → committed on the server: a card dropped into a lane in a window on the team
  plan, until the drop call returns (it returns once the server has committed it).
  Floor: one row's UPDATE committed by a bare psycopg connection.
* launch to first painted board on a team plan of 100,000 items, against the same plan
  as a local file (benchmarks.open_board's child).
* changes a second, 8 client processes at once, each writing its own items as a window
  writes them; against one client alone.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, Result, child_env, percentile, summary, table

CLIENTS = 8


# ------------------------------------------------------------------ children


def _window(url: str, scratch: Path) -> tuple[object, object]:
    from PySide6.QtCore import QSettings

    from onproduct.app import create_application
    from onproduct.ui.main_window import MainWindow
    from onproduct.ui.settings import Settings

    app = create_application()
    settings = Settings(QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, scratch / "data")
    window.resize(1400, 860)
    window.show()
    if not window.open_plan(url) or window.document is None or not window.document.plan.is_team:
        raise SystemExit("could not open the team plan")
    window.document.finish_loading()
    app.processEvents()
    return app, window


def _watch(url: str, scratch: Path) -> None:
    """Print the moment each change of someone else's has been taken in and painted."""
    from PySide6.QtCore import QTimer

    app, window = _window(url, scratch)
    document = window.document  # type: ignore[attr-defined]

    def idle_again() -> None:
        print(f"seen {time.monotonic():.6f}", flush=True)

    document.remoteChanged.connect(lambda _changes: QTimer.singleShot(0, idle_again))
    print("ready", flush=True)
    app.exec()  # type: ignore[attr-defined]


def _drops(url: str, scratch: Path, drops: int) -> None:
    """Drops of backlog cards into lanes, each undone untimed; one line of times (ms)."""
    from PySide6.QtCore import QModelIndex, Qt

    app, window = _window(url, scratch)
    board = window.board  # type: ignore[attr-defined]
    document = window.document  # type: ignore[attr-defined]
    backlog = board.backlog_view.lane_model()
    lanes = [board.lane_views[key].lane_model() for key in board.lane_views]
    times: list[float] = []
    for n in range(drops + 10):
        lane = lanes[n % len(lanes)]
        row = (n * 7) % min(200, backlog.rowCount())
        moved = backlog.id_at(row)
        data = backlog.mimeData([backlog.index(row, 0)])
        start = time.perf_counter()
        lane.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, QModelIndex())
        end = time.perf_counter()
        if document.items.item(moved).sprint_id is None:
            raise SystemExit("the drop was not taken")
        document.undo_stack.undo()
        app.processEvents()  # type: ignore[attr-defined]
        if n >= 10:
            times.append((end - start) * 1000)
    print(" ".join(f"{t:.4f}" for t in times), flush=True)


def _writer(url: str, first: int, count: int, changes: int, start_at: float) -> None:
    """`changes` edits of items first..first+count-1 (nobody else's), as a window writes
    them: each checked against the version it read, logged and announced."""
    from onproduct.storage.opening import open_team_plan
    from onproduct.storage.team import TeamAddress

    plan = open_team_plan(TeamAddress.parse(url))
    ids = [i.id for i in plan.items()][first : first + count]
    versions = {i.id: i.version for i in plan.items_by_ids(ids)}
    rng = random.Random(first)
    while time.monotonic() < start_at:
        time.sleep(0.001)
    began = time.monotonic()
    for n in range(changes):
        item_id = rng.choice(ids)
        with plan.change(f"renamed item {item_id}"):
            new = plan.update_items(
                [(item_id, {"title": f"Edited {n}"})], {item_id: versions[item_id]}
            )
        versions.update(new)
    print(f"{began:.6f} {time.monotonic():.6f}", flush=True)
    plan.close()


# ------------------------------------------------------------------ floors


def _notify_floor(conninfo: dict[str, str], runs: int) -> list[float]:
    import psycopg

    with (
        psycopg.connect(autocommit=True, **conninfo) as talker,
        psycopg.connect(autocommit=True, **conninfo) as listener,
    ):
        listener.execute("LISTEN bench_floor")
        times = []
        for _ in range(runs + 10):
            start = time.perf_counter()
            talker.execute("SELECT pg_notify('bench_floor', 'x')")
            while True:
                select.select([listener.fileno()], [], [], 5)
                if list(listener.notifies(timeout=0)):
                    break
            times.append((time.perf_counter() - start) * 1000)
        return times[10:]


def _update_floor(conninfo: dict[str, str], schema: str, runs: int) -> list[float]:
    import psycopg

    with psycopg.connect(autocommit=True, **conninfo) as connection:
        connection.execute(f"SET search_path TO {schema}")
        item = connection.execute("SELECT min(id) FROM item").fetchone()[0]  # type: ignore[index]
        times = []
        for n in range(runs + 10):
            start = time.perf_counter()
            connection.execute("UPDATE item SET rank = %s WHERE id = %s", (float(n), item))
            times.append((time.perf_counter() - start) * 1000)
        return times[10:]


# ------------------------------------------------------------------ parent


def _child(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks.team", "--child", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=child_env(),
        cwd=ROOT,
    )


def _line(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line:
        error = process.stderr.read() if process.stderr else ""
        raise RuntimeError(f"a benchmark child stopped: {error[-2000:]}")
    return line


def _remote(url: str, scratch: Path, changes: int) -> list[float]:
    from onproduct.storage.opening import open_team_plan
    from onproduct.storage.team import TeamAddress

    watcher = _child("watch", url, str(scratch))
    try:
        if _line(watcher) != "ready":
            raise RuntimeError("the watching window did not start")
        plan = open_team_plan(TeamAddress.parse(url))
        item = plan.items()[0]
        version = item.version
        times = []
        for n in range(changes + 5):
            time.sleep(0.05)  # a user's pace: each change on its own, not a burst
            start = time.monotonic()
            with plan.change(f"renamed {item.title}"):
                title = {"title": f"Remote {n}"}
                written = plan.update_items([(item.id, title)], {item.id: version})
            version = written[item.id]
            seen = float(_line(watcher).split()[1])
            if n >= 5:
                times.append((seen - start) * 1000)
        plan.close()
        return times
    finally:
        watcher.kill()
        watcher.wait()


def _throughput(url: str, clients: int, changes: int, per_client: int) -> float:
    """Changes a second, all clients together, from the common start to the last end."""
    start_at = time.monotonic() + 3.0  # every client connected and its items read
    children = [
        _child("write", url, str(n * per_client), str(per_client), str(changes), f"{start_at}")
        for n in range(clients)
    ]
    ends = []
    for child in children:
        _began, ended = (float(v) for v in _line(child).split())
        ends.append(ended)
        child.wait()
    return clients * changes / (max(ends) - start_at)


def measure(quick: bool, folder: Path) -> list[Result]:
    from tests.pgserver import PgServer

    from benchmarks.generate import generate_plan
    from benchmarks.open_board import _time_child
    from onproduct.storage.copying import publish
    from onproduct.storage.team import TeamAddress, schema_of

    size = 1000 if quick else 100_000
    runs = 20 if quick else 300
    launches = 1 if quick else 5
    writes = 20 if quick else 300
    server = PgServer()  # a folder of its own: as root, the server runs as another user
    server.start()
    password = secrets.token_hex(8)
    server.add_role("bench", password)
    try:
        local = folder / f"team-{size}.onproduct"
        generate_plan(local, size, seed=1)
        base = server.url("bench", None, password)
        publish(local, TeamAddress.parse(base), "Bench")
        url = server.url("bench", "Bench", password)
        conninfo = dict(TeamAddress.parse(base).connect_kwargs())
        results: list[Result] = []

        floor = _notify_floor(conninfo, runs)
        scratch = folder / "team-watch"
        scratch.mkdir()
        seen = _remote(url, scratch, runs if not quick else 10)
        median, worst = summary(seen)
        p99 = percentile(seen, 0.99)
        results.append(
            Result(
                "remote change → shown in another window", size, "ms", median, worst,
                "NOTIFY between two bare connections", statistics.median(floor),
                "median <= 100 ms, p99 <= 250 ms", median <= 100 and p99 <= 250,
                p99=p99, runs=len(seen),
            )
        )  # fmt: skip

        floor = _update_floor(conninfo, schema_of("Bench"), runs)
        scratch = folder / "team-drops"
        scratch.mkdir()
        dropper = _child("drops", url, str(scratch), str(runs))
        drops = [float(v) for v in _line(dropper).split()]
        dropper.wait()
        median, worst = summary(drops)
        results.append(
            Result(
                "drop → committed on the server", size, "ms", median, worst,
                "one UPDATE committed, bare connection", statistics.median(floor),
                "median <= 5 ms", median <= 5, p99=percentile(drops, 0.99), runs=len(drops),
            )
        )  # fmt: skip

        timings = {}
        for kind, plan in (("file", str(local)), ("team", url)):
            settings_dir = folder / f"team-launch-{kind}"
            settings_dir.mkdir()
            run = ["--child", "board", plan, str(settings_dir)]
            _time_child(run)  # warm caches
            timings[kind] = [_time_child(run)[0] * 1000 for _ in range(launches)]
        median, worst = summary(timings["team"])
        file_median = statistics.median(timings["file"])
        results.append(
            Result(
                "team plan: launch to first painted board", size, "ms", median, worst,
                "the same plan as a file", file_median, "<= 1.5x",
                median <= 1.5 * file_median, runs=launches,
            )
        )  # fmt: skip

        per_client = max(10, min(size // CLIENTS, 500))
        alone = [_throughput(url, 1, writes, per_client) for _ in range(launches)]
        together = [_throughput(url, CLIENTS, writes, per_client) for _ in range(launches)]
        results.append(
            Result(
                f"changes a second, {CLIENTS} clients at once", size, "/s",
                statistics.median(together), min(together), "one client alone",
                statistics.median(alone), "(none)", True, runs=launches,
            )
        )  # fmt: skip
        return results
    finally:
        server.destroy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 items, few runs")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "watch":
            _watch(rest[0], Path(rest[1]))
        elif kind == "drops":
            _drops(rest[0], Path(rest[1]), int(rest[2]))
        elif kind == "write":
            _writer(rest[0], int(rest[1]), int(rest[2]), int(rest[3]), float(rest[4]))
        os._exit(0)
    with tempfile.TemporaryDirectory(prefix="onproduct-bench-") as folder:
        results = measure(args.quick, Path(folder))
    print(table(results))


if __name__ == "__main__":
    main()
