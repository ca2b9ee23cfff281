"""`onproduct import` and `onproduct metrics`: the plan without a screen.

Like app.py this module wires layers together (domain, storage, exchange); it never
imports Qt, so scripts start fast. Errors are one line on stderr and a non-zero
exit, and the plan file is left exactly as it was.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from onproduct.domain.metrics import BandState, Metrics, compute_metrics, percent, report
from onproduct.domain.operations import plan_burden
from onproduct.domain.settings import PlanSettings, stage_name
from onproduct.exchange.importer import import_batch, sprints_to_create
from onproduct.exchange.own_csv import ExchangeError, read_plan_csv
from onproduct.storage.errors import StorageError
from onproduct.storage.planfile import create_plan, open_plan, open_snapshot

COMMANDS = ("import", "metrics")


class CommandError(Exception):
    """A command that cannot be done; the message is the one line the user sees."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onproduct", description="Work with a plan file.")
    commands = parser.add_subparsers(dest="command", required=True)

    load = commands.add_parser(
        "import", help="import a CSV file into a plan (created if it does not exist)"
    )
    load.add_argument("plan", type=Path, help="the plan file")
    load.add_argument("file", type=Path, help="the file to import")
    load.add_argument(
        "--format",
        choices=("auto", "csv"),
        default="auto",
        help="the file's format: Onproduct's own CSV (auto: tell from the header)",
    )

    figures = commands.add_parser(
        "metrics", help="print the on-product index and what goes with it"
    )
    figures.add_argument("plan", type=Path, help="the plan file")
    figures.add_argument("--sprint", help="one sprint, by name (default: the whole plan)")
    figures.add_argument("--json", action="store_true", help="print JSON (see PRODUCT.md)")
    return parser


def run(argv: Sequence[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "import":
            print(import_file(args.plan, args.file), file=out)
        else:
            print(metrics_text(args.plan, args.sprint, as_json=args.json), file=out)
    except (CommandError, ExchangeError, StorageError) as error:
        print(f"onproduct {args.command}: {error}", file=err)
        return 1
    return 0


def import_file(plan_path: Path, file: Path) -> str:
    """Import a CSV file; the whole file is checked before the plan is opened for writing."""
    batch = read_plan_csv(file)
    if plan_path.exists():
        snapshot = open_snapshot(plan_path)
        try:
            sprints_to_create(batch, snapshot.sprints())  # refuses a sprint without dates
        finally:
            snapshot.close()
    else:
        sprints_to_create(batch, ())
        if not plan_path.parent.is_dir():
            raise CommandError(f"there is no folder {plan_path.parent} to create the plan in.")
        create_plan(plan_path)
    plan = open_plan(plan_path)
    try:
        summary = import_batch(plan, batch)
    finally:
        plan.close()
    return f"Imported {file.name} into {plan_path.name}: {summary.text()}."


def metrics_text(plan_path: Path, sprint_name: str | None, *, as_json: bool) -> str:
    plan = open_snapshot(plan_path)
    try:
        settings = PlanSettings.from_stored(plan.settings())
        sprints = plan.sprints()
        burden = plan_burden(
            sprints,
            plan.sprint_operations(),
            plan.operations(),
            plan.automation_plans(),
            settings,
            date.today(),
        )
        if sprint_name is None:
            metrics = compute_metrics(plan.category_totals(), settings)
            scope = None
        else:
            folded = " ".join(sprint_name.split()).casefold()
            chosen = [s for s in sprints if s.name.casefold() == folded]
            if not chosen:
                names = ", ".join(s.name for s in sprints) or "none"
                raise CommandError(
                    f"the plan has no sprint {sprint_name!r} (its sprints: {names})."
                )
            sprint = chosen[0]
            weeks = ((sprint.end - sprint.start).days + 1) / 7
            metrics = compute_metrics(
                plan.category_totals(sprint.id), settings, sprint.capacity, weeks
            )
            burden = [b for b in burden if b.period.sprint_id == sprint.id]
            scope = sprint.name
    finally:
        plan.close()
    if as_json:
        return json.dumps(report(metrics, settings, burden, scope), indent=2, ensure_ascii=False)
    return _describe(metrics, settings, scope or "the whole plan")


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
        f"Operations: {metrics.ops_effort:g} {unit}, {percent(metrics.ops_share)} of the effort",
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
