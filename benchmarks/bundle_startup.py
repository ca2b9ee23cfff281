"""Start-up of the packaged program against `python -m onproduct`, in the same run.

    packaging/build.sh          (first: builds build/dist/onproduct)
    python -m benchmarks.bundle_startup [--runs 5]

Each run starts a fresh process, off screen, with the same temporary home:
* `--version`: process start to exit, the interpreter and the program's own start;
* `--self-test`: process start to exit of the whole self-test (the window on a new
  sample plan, every view drawn, a drop with undo and redo, a PDF and a CSV exported):
  what launching the app costs, and then some.
Prints the median and worst of each, and the bundle's size on disk.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "build" / "dist" / "onproduct"


def _time(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    program = BUNDLE / ("onproduct.exe" if sys.platform == "win32" else "onproduct")
    if not program.exists():
        raise SystemExit(f"no {program}: run packaging/build.sh first")
    with tempfile.TemporaryDirectory(prefix="onproduct-bench-") as home:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"HOME": home, "XDG_DATA_HOME": f"{home}/data", "XDG_CONFIG_HOME": f"{home}/config"}
        env["QT_QPA_PLATFORM"] = "offscreen"
        results: dict[str, dict[str, list[float]]] = {}
        for flag in ("--version", "--self-test"):
            runs: dict[str, list[float]] = {"python -m onproduct": [], "packaged": []}
            for _ in range(args.runs):  # interleaved, so drift hits both alike
                runs["python -m onproduct"].append(
                    _time([sys.executable, "-m", "onproduct", flag], env)
                )
                runs["packaged"].append(_time([str(program), flag], env))
            results[flag] = runs
    for flag, runs in results.items():
        source = statistics.median(runs["python -m onproduct"])
        built = statistics.median(runs["packaged"])
        print(
            f"{flag:12} python -m onproduct {source * 1000:6.0f} ms"
            f" (worst {max(runs['python -m onproduct']) * 1000:.0f}),"
            f" packaged {built * 1000:6.0f} ms (worst {max(runs['packaged']) * 1000:.0f}):"
            f" {built / source:.2f}x"
        )
    files = sum(1 for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"bundle: {_size(BUNDLE) / 1e6:.0f} MB in {files} files")


if __name__ == "__main__":
    main()
