"""The command line: `onproduct import`, `export`, `metrics`, `publish`, `team init`.

A plan is named by a file's path or a team plan's address (a libpq URL with ?plan=NAME)
wherever one is asked for. The work is done by services.py, the same as in the window;
this module reads arguments and prints one line per outcome. Errors are one line on
stderr and a non-zero exit, and the plan is left exactly as it was.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from onproduct import services
from onproduct.domain.items import ValidationError
from onproduct.domain.metrics import BandState, Metrics, operations_text, percent
from onproduct.domain.settings import PlanSettings, stage_name
from onproduct.exchange.batch import ExchangeError
from onproduct.exchange.formats import format_keys, formats
from onproduct.storage.errors import StorageError

COMMANDS = ("import", "export", "metrics", "publish", "team")
# Seconds an import waits for another writer of the plan before giving up.
WAIT = 10.0
PLAN_HELP = "a plan file, or a team plan's address (postgresql://USER@HOST/DB?plan=NAME)"


class CommandError(Exception):
    """A command that cannot be done; the message is the one line the user sees."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onproduct", description="Work with a plan.")
    commands = parser.add_subparsers(dest="command", required=True)

    load = commands.add_parser(
        "import", help="import a file into a plan (a plan file is created if there is none)"
    )
    load.add_argument("plan", help=PLAN_HELP)
    load.add_argument("file", type=Path, help="the file to import")
    load.add_argument(
        "--format",
        choices=format_keys(),
        default="auto",
        help="the file's format: "
        + "; ".join(f"{f.key}, {f.name}" for f in formats())
        + " (auto, the default: tell from the file)",
    )
    load.add_argument(
        "--remap",
        action="store_true",
        help="a tracker's export: put items already in the plan back in the lanes its"
        " mapping gives (by default they stay where they were moved to)",
    )
    load.add_argument(
        "--wait",
        type=float,
        default=WAIT,
        metavar="SECONDS",
        help=f"how long to wait while someone else is changing the plan (default: {WAIT:g})",
    )

    out = commands.add_parser("export", help="export a plan or one sprint as PDF or CSV")
    out.add_argument("plan", help=PLAN_HELP)
    where = out.add_mutually_exclusive_group(required=True)
    where.add_argument("--pdf", type=Path, metavar="OUT", help="write a PDF sprint plan")
    where.add_argument("--csv", type=Path, metavar="OUT", help="write Onproduct's CSV")
    out.add_argument("--sprint", help="one sprint, by name (default: the whole plan)")

    figures = commands.add_parser(
        "metrics", help="print the on-product index and what goes with it"
    )
    figures.add_argument("plan", help=PLAN_HELP)
    figures.add_argument("--sprint", help="one sprint, by name (default: the whole plan)")
    figures.add_argument("--json", action="store_true", help="print JSON (see PRODUCT.md)")

    up = commands.add_parser("publish", help="copy a plan file up as a new team plan")
    up.add_argument("plan", type=Path, help="the plan file")
    up.add_argument("url", help="the team database: postgresql://USER@HOST:PORT/DB")
    up.add_argument("--plan", dest="name", help="the team plan's name (or ?plan=NAME)")

    team = commands.add_parser("team", help="set up a database for team plans")
    team_commands = team.add_subparsers(dest="action", required=True)
    init = team_commands.add_parser(
        "init",
        help="create or upgrade the team plans' tables (and the address's plan, if new)",
    )
    init.add_argument("url", help="postgresql://USER@HOST:PORT/DB[?plan=NAME]")
    return parser


def run(argv: Sequence[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "import":
            text = services.import_into(
                args.plan, args.file, args.format, wait=max(0.0, args.wait), remap=args.remap
            )
        elif args.command == "export":
            if args.pdf is not None:
                text = services.export_pdf(args.plan, args.pdf, args.sprint)
            else:
                text = services.export_csv(args.plan, args.csv, args.sprint)
        elif args.command == "metrics":
            text = metrics_text(args.plan, args.sprint, as_json=args.json)
        elif args.command == "publish":
            text = services.publish(args.plan, args.url, args.name)
        else:
            text = services.team_init(args.url)
    except (
        CommandError,
        services.ServiceError,
        ExchangeError,
        StorageError,
        ValidationError,
    ) as error:
        print(f"onproduct {args.command}: {error}", file=err)
        return 1
    try:
        print(text, file=out)
        out.flush()
    except BrokenPipeError:
        # The reader went away (`| head -1`): what it wanted it has; say nothing more,
        # and keep Python from complaining again when it flushes at exit.
        _silence(out)
    return 0


def _silence(out: TextIO) -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, out.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def import_file(plan: str | Path, file: Path, fmt: str = "auto", *, wait: float = WAIT) -> str:
    """`onproduct import` (the benchmarks call it directly)."""
    return services.import_into(plan, file, fmt, wait=wait)


def metrics_text(plan: str | Path, sprint_name: str | None, *, as_json: bool) -> str:
    found = services.figures(plan, sprint_name)
    if as_json:
        return json.dumps(found.as_json(), indent=2, ensure_ascii=False)
    return _describe(found.metrics, found.settings, found.scope or "the whole plan")


def _describe(metrics: Metrics, settings: PlanSettings, scope: str) -> str:
    unit = settings.unit
    where = {
        BandState.UNDER: "below the target band",
        BandState.INSIDE: "inside the target band",
        BandState.OVER: "above the target band",
        BandState.UNDEFINED: "undefined: no development work",
    }[metrics.state]
    low, high = metrics.band
    lines = [
        f"Scope: {scope}",
        f"On-product index: {percent(metrics.index)} by {metrics.basis} ({where}"
        f" {percent(low)}–{percent(high)}, {stage_name(settings.stage).lower()});"
        f" {percent(metrics.other_index)} by {metrics.other_basis}",
        operations_text(metrics, unit),
    ]
    if metrics.unestimated:
        lines.append(
            f"Items without an estimate: {metrics.unestimated} (they weigh nothing by effort)"
        )
    if metrics.capacity is not None:
        lines.append(
            f"Planned: {metrics.effort:g} of {metrics.capacity:g} {unit} capacity"
            f" ({percent(metrics.capacity_use)})"
        )
    return "\n".join(lines)
