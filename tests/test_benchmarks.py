"""The benchmark suite still runs (its quick mode, on 1,000 items); how fast is not judged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_quick_benchmark_suite_runs_and_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["quick"] is True
    figures = {r["what"].split(",")[0]: r for r in report["results"]}
    assert set(figures) == {
        "launch to first painted board",
        "launch to whole plan read",
        "launch",
        "peak memory",
        "drop → gauge updated",
        "drop → gauge repainted",
        "drop → idle (every list repainted)",
        "filter keystroke → lists filtered",
        "filter keystroke → idle",
        "first filter keystroke",
        "Jira CSV import",
        "PDF export of a sprint",
        "charts first shown",
        "remote change → shown in another window",
        "drop → committed on the server",
        "team plan: launch to first painted board",
        "changes a second",
    }
    for figure in report["results"]:
        assert figure["median"] > 0, figure
        if figure["unit"] == "/s":  # a rate: its worst is its lowest
            assert figure["worst"] <= figure["median"], figure
        else:
            assert figure["worst"] >= figure["median"], figure
        assert figure["runs"] >= 1
        if figure["floor"] is not None:
            assert figure["floor"] > 0 and figure["ratio"] > 0
    # The table printed is the one the README's performance section shows.
    assert "| what | items | median | worst | p99 | floor | ratio | target | met |" in result.stdout
