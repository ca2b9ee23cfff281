"""What every benchmark shares: results set against their floor, child processes, tables."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRAME_MS = 1000 / 60


@dataclass(frozen=True, slots=True)
class Result:
    """One figure: several runs of something, and the floor it is set against."""

    what: str
    items: int | None
    unit: str  # "ms", "MB"
    median: float
    worst: float
    floor_what: str
    floor: float | None  # in `unit`; None for an absolute target
    target: str  # as the issue states it, e.g. "<= 1.5x", "median <= 2 ms"
    met: bool
    p99: float | None = None
    runs: int = 0

    @property
    def ratio(self) -> float | None:
        return self.median / self.floor if self.floor else None

    def as_dict(self) -> dict[str, object]:
        return asdict(self) | {"ratio": self.ratio}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(times: list[float]) -> tuple[float, float]:
    return statistics.median(times), max(times)


def child_env() -> dict[str, str]:
    """Off screen, this checkout first on the path, compiled bytecode as installed apps use."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_child(module: str, *args: str, timeout: float = 600) -> list[str]:
    """Run `python -m module args` and return its stdout lines."""
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=ROOT,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return result.stdout.strip().splitlines()


def table(results: list[Result]) -> str:
    """The results as a Markdown table, as the README shows them."""
    lines = [
        "| what | items | median | worst | p99 | floor | ratio | target | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "—"
        floor = f"{r.floor_what} {r.floor:.1f} {r.unit}" if r.floor is not None else r.floor_what
        p99 = f"{r.p99:.1f}" if r.p99 is not None else "—"
        items = f"{r.items:,}" if r.items is not None else "—"
        lines.append(
            f"| {r.what} | {items} | {r.median:.1f} {r.unit} | {r.worst:.1f} | {p99} | {floor}"
            f" | {ratio} | {r.target} | {'yes' if r.met else 'NO'} |"
        )
    return "\n".join(lines)
