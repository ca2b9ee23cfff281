"""`onproduct import`, `export` and `metrics`: the plan without a screen.

Like app.py this module wires layers together (domain, storage, exchange); it imports
Qt only to draw a PDF, so scripts start fast. Errors are one line on stderr and a non-zero
exit, and the plan file is left exactly as it was.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from onproduct.domain.items import ValidationError, sprint_named
from onproduct.domain.metrics import (
    BandState,
    Metrics,
    compute_metrics,
    operations_text,
    percent,
    report,
)
from onproduct.domain.operations import plan_burden
from onproduct.domain.settings import PlanSettings, stage_name
from onproduct.exchange.batch import Batch, ExchangeError, bulk
from onproduct.exchange.csv_export import in_plan_order, rows_of, write_csv
from onproduct.exchange.importer import import_batch, sprints_to_create
from onproduct.exchange.output import check_export
from onproduct.exchange.sources import FORMATS, read_source
from onproduct.storage.errors import StorageError
from onproduct.storage.planfile import create_plan, open_plan, open_snapshot

COMMANDS = ("import", "export", "metrics")
# Seconds an import waits for another Onproduct (a window, an import) to let go of a plan.
WAIT = 10.0


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
        choices=FORMATS,
        default="auto",
        help="the file's format: Onproduct's own CSV, a Jira CSV export or a Trello"
        " board's JSON (auto: tell from the file)",
    )
    load.add_argument(
        "--wait",
        type=float,
        default=WAIT,
        metavar="SECONDS",
        help=f"how long to wait while another Onproduct is changing the plan (default: {WAIT:g})",
    )

    out = commands.add_parser("export", help="export a plan or one sprint as PDF or CSV")
    out.add_argument("plan", type=Path, help="the plan file")
    where = out.add_mutually_exclusive_group(required=True)
    where.add_argument("--pdf", type=Path, metavar="OUT", help="write a PDF sprint plan")
    where.add_argument("--csv", type=Path, metavar="OUT", help="write Onproduct's CSV")
    out.add_argument("--sprint", help="one sprint, by name (default: the whole plan)")

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
            text = import_file(args.plan, args.file, args.format, wait=max(0.0, args.wait))
        elif args.command == "export":
            text = export_file(args.plan, args.sprint, csv_out=args.csv, pdf_out=args.pdf)
        else:
            text = metrics_text(args.plan, args.sprint, as_json=args.json)
    except (CommandError, ExchangeError, StorageError, ValidationError) as error:
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


@bulk  # between its steps too: one collection over 100,000 rows' objects cost 0.2 s
def import_file(plan_path: Path, file: Path, fmt: str = "auto", *, wait: float = WAIT) -> str:
    """Import a file; the whole file is checked before the plan is opened for writing.

    A tracker's export is mapped to categories by the mapping guessed from its issue
    types, labels or lists (the app's import dialog lets a user change it). The plan
    is opened with its lock (waiting up to `wait` seconds for another Onproduct), and
    the changes are worked out from what the file holds once the lock is ours.
    """
    loaded = read_source(file, fmt)
    settings, existing = PlanSettings(), []
    if plan_path.exists():
        snapshot = open_snapshot(plan_path)
        try:
            settings = PlanSettings.from_stored(snapshot.settings())
            existing = snapshot.sprints()
        finally:
            snapshot.close()
    if isinstance(loaded, Batch):
        batch = loaded
    else:
        batch = loaded.batch(loaded.guessed_mapping(), settings)
    del loaded  # the issues as read: their memory serves the rows written next
    sprints_to_create(batch, existing)  # refuses a sprint without dates
    if not plan_path.exists():
        if not plan_path.parent.is_dir():
            raise CommandError(f"there is no folder {plan_path.parent} to create the plan in.")
        create_plan(plan_path)
    plan = open_plan(plan_path, wait=wait)
    try:
        changes = import_batch(plan, batch)
    finally:
        plan.close()
    lines = [f"Imported {file.name} into {plan_path.name}: {changes.summary()}."]
    lines.extend(changes.details())
    return "\n".join(lines)


def export_file(
    plan_path: Path, sprint_name: str | None, *, csv_out: Path | None, pdf_out: Path | None
) -> str:
    """Export the plan or one sprint; the plan is only read."""
    target = csv_out or pdf_out
    assert target is not None
    check_export(target, plan_path)
    if pdf_out is not None:
        from onproduct.exchange.pdf_cli import export_pdf  # Qt only when a PDF is wanted

        return export_pdf(plan_path, sprint_name, pdf_out)
    plan = open_snapshot(plan_path)
    try:
        sprints = plan.sprints()
        items = plan.items()
        names = {o.id: o.name for o in plan.operations()}
    finally:
        plan.close()
    if sprint_name is not None:
        sprint = sprint_named(sprints, sprint_name)
        items = [i for i in items if i.sprint_id == sprint.id]
    rows = rows_of(in_plan_order(items, sprints), sprints, names.get)
    write_csv(target, rows)
    scope = f"sprint {sprint_name}" if sprint_name else "the whole plan"
    return f"Exported {len(rows) - 1} items of {scope} to {target.name}."


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
            sprint = sprint_named(sprints, sprint_name)
            metrics = compute_metrics(
                plan.category_totals(sprint.id), settings, sprint.capacity, sprint.weeks
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
