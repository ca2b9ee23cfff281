"""Driving Onproduct windows in processes of their own (tests/window_driver.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class Window:
    """A window process on a plan; `ask` sends a command and returns its answer."""

    def __init__(self, plan: str | Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.window_driver", str(plan)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, cwd=ROOT, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        )  # fmt: skip
        first = self._read()
        assert first.get("ready"), first

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            error = self.process.stderr.read() if self.process.stderr else ""
            raise AssertionError(f"the window process ended: {error[-3000:]}")
        return dict(json.loads(line))

    def ask(self, do: str, **fields: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"do": do, **fields}) + "\n")
        self.process.stdin.flush()
        return self._read()

    def board(self) -> list[list[Any]]:
        return list(self.ask("board")["board"])

    def titles(self) -> set[str]:
        return {row[1] for row in self.board()}

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.ask("quit")
                self.process.wait(timeout=20)
            except Exception:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def __enter__(self) -> Window:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
