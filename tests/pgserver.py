"""A real PostgreSQL server of the tests' own: made in a temporary folder, on loopback.

`initdb` and `postgres` refuse to run as root (CI and `./dev test` run as root here), so
as root the server runs as the `postgres` user (Debian's package makes it) from a folder
that user owns; as anyone else it runs as that user. The superuser `onproduct` connects
through the Unix socket without a password; over TCP every role needs its password,
so the tests meet the server as users do.

    python -m tests.pgserver start FOLDER [USER PASSWORD]
        start one; print its admin connection string, or with USER and PASSWORD make
        that role an editor and print its URL (for scripts: packaging/build.sh --check)
    python -m tests.pgserver stop FOLDER
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SUPERUSER = "onproduct"
DATABASE = "onproduct"


def _bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql;"
            " ./dev test installs it when run as root)."
        )
    return candidates[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PgServer:
    """One server: start, stop (fast or immediate, as a crash), start again."""

    def __init__(self, folder: Path | None = None, port: int | None = None) -> None:
        self.folder = Path(folder or tempfile.mkdtemp(prefix="onproduct-pg-"))
        self.data = self.folder / "data"
        self.port = port or _free_port()
        self.log = self.folder / "server.log"
        self._as_root = os.geteuid() == 0
        self._user = "postgres" if self._as_root else pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = list(argv)
        if self._as_root:
            command = ["runuser", "-u", self._user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check)

    def init(self) -> None:
        self.folder.chmod(0o755)
        if self._as_root:
            shutil.chown(self.folder, self._user)
        self._run(
            _bin("initdb"), "-D", str(self.data), "-U", SUPERUSER, "--auth-local=trust",
            "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip

    def start(self) -> None:
        if not self.data.exists():
            self.init()
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c full_page_writes=off -c max_connections=60"
        )
        result = self._run(
            _bin("pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log),
            "-w", "-t", "30", "start", check=False,
        )  # fmt: skip
        if result.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {result.stderr}{log[-2000:]}")
        if not self._has_database():
            self.admin(f'CREATE DATABASE "{DATABASE}"', database="postgres")

    def stop(self, mode: str = "fast") -> None:
        self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return (
            self._run(_bin("pg_ctl"), "-D", str(self.data), "status", check=False).returncode == 0
        )

    def destroy(self) -> None:
        if self.data.exists():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    # ---------------------------------------------------------------- talking

    def admin_conninfo(self, database: str = DATABASE) -> str:
        return f"host={self.folder} port={self.port} user={SUPERUSER} dbname={database}"

    def admin(self, sql: str, database: str = DATABASE) -> list[tuple[object, ...]]:
        import psycopg

        with psycopg.connect(self.admin_conninfo(database), autocommit=True) as connection:
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def _has_database(self) -> bool:
        rows = self.admin(
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'", database="postgres"
        )
        return bool(rows)

    def add_role(self, name: str, password: str, *, edits: bool = True) -> None:
        """A login role with a password, as the README's admin section makes them: a
        member of onproduct_editors (who may also publish plans) or onproduct_readers."""
        for group in ("onproduct_editors", "onproduct_readers"):
            self.admin(
                f"DO $$ BEGIN CREATE ROLE {group} NOLOGIN; EXCEPTION WHEN duplicate_object"
                " THEN NULL; END $$"
            )
        self.admin(f'GRANT CONNECT ON DATABASE "{DATABASE}" TO onproduct_readers')
        self.admin(f'GRANT CONNECT, CREATE ON DATABASE "{DATABASE}" TO onproduct_editors')
        self.admin(f'DROP ROLE IF EXISTS "{name}"')
        group = "onproduct_editors" if edits else "onproduct_readers"
        self.admin(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{password}' IN ROLE {group}")

    def url(self, user: str, plan: str | None = None, password: str | None = None) -> str:
        secret = f":{password}" if password else ""
        query = f"?plan={plan}" if plan else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{DATABASE}{query}"


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 4) or argv[0] not in ("start", "stop"):
        print(__doc__, file=sys.stderr)
        return 2
    folder = Path(argv[1])
    if argv[0] == "start":
        folder.mkdir(parents=True, exist_ok=True)
        server = PgServer(folder)
        server.start()
        (folder / "port").write_text(str(server.port))
        if len(argv) == 4:
            server.add_role(argv[2], argv[3])
            print(server.url(argv[2], None, argv[3]))
        else:
            print(server.admin_conninfo())
        return 0
    port = int((folder / "port").read_text())
    PgServer(folder, port).stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
