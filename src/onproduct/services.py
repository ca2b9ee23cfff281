"""What the window and the command line both do with a plan, wired once: open it by
what a user names (a file's path or a team plan's address), import into it, export
it, report on it, publish it, set up a team database.

Like app.py this module wires the layers together (domain, storage, exchange); it
imports Qt only to draw a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from onproduct.domain.items import sprint_named
from onproduct.domain.metrics import Metrics, compute_metrics, report
from onproduct.domain.operations import Burden
from onproduct.domain.settings import PlanSettings
from onproduct.exchange.batch import Batch, ExchangeError, bulk
from onproduct.exchange.csv_export import in_plan_order, rows_of, write_csv
from onproduct.exchange.importer import ImportChanges, import_batch, sprints_to_create
from onproduct.exchange.output import check_export
from onproduct.exchange.sources import read_source
from onproduct.storage.errors import StorageError
from onproduct.storage.opening import open_team_plan, target_of
from onproduct.storage.plan import Plan
from onproduct.storage.planfile import create_plan, open_plan, open_snapshot
from onproduct.storage.reports import burden_of
from onproduct.storage.team import TeamAddress


class ServiceError(Exception):
    """A request that cannot be met; the message is the one line the user sees."""


def open_for_changes(target: str | Path, *, wait: float = 0.0) -> Plan:
    """A plan to change: a file (upgraded after a backup if older) or a live team plan."""
    place = target_of(target)
    if isinstance(place, TeamAddress):
        return open_team_plan(place)
    plan = open_plan(place)
    if wait:
        plan.backend.set_wait(wait)
    return plan


def open_for_reading(target: str | Path) -> Plan:
    """A plan to read only: a file is read from a copy in memory (never touched, not
    even to upgrade it); a team plan is read live from its server."""
    place = target_of(target)
    if isinstance(place, TeamAddress):
        return open_team_plan(place)
    return open_snapshot(place)


def plan_exists(target: str | Path) -> bool:
    place = target_of(target)
    return isinstance(place, TeamAddress) or place.exists()


def describe(target: str | Path) -> str:
    """What a plan argument names, for messages: a file's name or "Roadmap (team plan)"."""
    place = target_of(target)
    if isinstance(place, TeamAddress):
        return f"{place.plan or 'the team plan'} on {place.where}"
    return place.name


# --------------------------------------------------------------------- import


@bulk  # between its steps too: one collection over 100,000 rows' objects cost 0.2 s
def import_into(
    target: str | Path, file: Path, fmt: str = "auto", *, wait: float = 10.0, remap: bool = False
) -> str:
    """Import a file into a plan (a file is created where none is); the whole file is
    checked before the plan is opened for writing.

    A tracker's export is mapped by the mapping guessed from its issue types, labels or
    lists (the app's import dialog lets a user change it); items already in the plan
    keep their lanes unless `remap`. The changes are worked out
    from the plan as it is when the write begins, inside the write's transaction, so
    two imports at once both land whole; another writer is waited for up to `wait`
    seconds.
    """
    loaded = read_source(file, fmt)
    settings, existing = PlanSettings(), []
    if plan_exists(target):
        reading = open_for_reading(target)
        try:
            settings = PlanSettings.from_stored(reading.settings())
            existing = reading.sprints()
        finally:
            reading.close()
    batch = (
        loaded if isinstance(loaded, Batch) else loaded.batch(loaded.guessed_mapping(), settings)
    )
    if remap:
        batch = replace(batch, keep_lanes=False)
    del loaded  # the issues as read: their memory serves the rows written next
    sprints_to_create(batch, existing)  # refuses a sprint without dates
    if not plan_exists(target):
        path = Path(target)
        if not path.parent.is_dir():
            raise ServiceError(f"there is no folder {path.parent} to create the plan in.")
        create_plan(path)
    plan = open_for_changes(target, wait=wait)
    try:
        if plan.read_only is not None:
            raise ServiceError(f"{describe(target)} is read-only: {plan.read_only}.")
        changes: ImportChanges = import_batch(plan, batch)
    finally:
        plan.close()
    lines = [f"Imported {file.name} into {describe(target)}: {changes.summary()}."]
    lines.extend(changes.details())
    return "\n".join(lines)


# --------------------------------------------------------------------- export


def export_csv(target: str | Path, out: Path, sprint_name: str | None) -> str:
    place = target_of(target)
    check_export(out, place if isinstance(place, Path) else None)
    plan = open_for_reading(target)
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
    write_csv(out, rows)
    scope = f"sprint {sprint_name}" if sprint_name else "the whole plan"
    return f"Exported {len(rows) - 1} items of {scope} to {out.name}."


def export_pdf(target: str | Path, out: Path, sprint_name: str | None) -> str:
    place = target_of(target)
    check_export(out, place if isinstance(place, Path) else None)
    from onproduct.exchange.pdf_cli import export_pdf as draw  # Qt only when a PDF is wanted

    plan = open_for_reading(target)
    try:
        return draw(plan, sprint_name, out)
    finally:
        plan.close()


# -------------------------------------------------------------------- metrics


@dataclass(frozen=True, slots=True)
class Figures:
    """The figures of a plan or of one of its sprints (what `metrics` prints)."""

    metrics: Metrics
    settings: PlanSettings
    burden: list[Burden]
    scope: str | None  # a sprint's name, or None for the whole plan

    def as_json(self) -> dict[str, object]:
        return report(self.metrics, self.settings, self.burden, self.scope)


def figures(target: str | Path, sprint_name: str | None, today: date | None = None) -> Figures:
    plan = open_for_reading(target)
    try:
        settings = PlanSettings.from_stored(plan.settings())
        sprints = plan.sprints()
        burden = burden_of(plan, settings, today or date.today())
        if sprint_name is None:
            return Figures(
                compute_metrics(plan.category_totals(), settings), settings, burden, None
            )
        sprint = sprint_named(sprints, sprint_name)
        metrics = compute_metrics(
            plan.category_totals(sprint.id), settings, sprint.capacity, sprint.weeks
        )
        burden = [b for b in burden if b.period.sprint_id == sprint.id]
        return Figures(metrics, settings, burden, sprint.name)
    finally:
        plan.close()


# ---------------------------------------------------------------- team plans


def publish(local: Path, url: str, name: str | None) -> str:
    """Copy a local plan up into a new team plan, in one transaction."""
    from onproduct.storage.copying import publish as copy_up

    address = TeamAddress.parse(url)
    name = name or address.plan
    if not name:
        raise ServiceError("name the team plan: --plan NAME (or ?plan=NAME in the address).")
    if not local.exists():
        raise ServiceError(f"there is no plan file at {local}.")
    items = copy_up(local, address, name)
    shown = address.with_plan(name)
    return (
        f"Published {local.name} as the team plan {name} on {address.where}"
        f" ({items} items). Open it with: onproduct '{shown.url}'"
    )


def team_init(url: str) -> str:
    from onproduct.storage.team import init_team

    address = TeamAddress.parse(url)
    lines = init_team(address)
    head = f"Team plans on {address.where} are ready for this version of Onproduct."
    return "\n".join([head, *lines])


__all__ = [
    "ExchangeError",
    "Figures",
    "ServiceError",
    "StorageError",
    "describe",
    "export_csv",
    "export_pdf",
    "figures",
    "import_into",
    "open_for_changes",
    "open_for_reading",
    "publish",
    "team_init",
]
