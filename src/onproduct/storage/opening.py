"""Opening a plan by what a user names: a file's path or a team plan's address.

The window and the command line both come here (through services.py), so a team-plan
URL works wherever a plan path does.
"""

from __future__ import annotations

from pathlib import Path

from onproduct.storage.plan import Plan
from onproduct.storage.team import TeamAddress, find_plan, is_team_target

READER_ONLY = "your database role may only read this plan"


def open_team_plan(address: TeamAddress) -> Plan:
    """A live team plan (its schema upgraded first if it is older and the role may).

    PasswordNeeded when the server asks for one; DisconnectedError when it cannot be
    reached; PlanFileError when there is no such plan or it is of a newer format.
    """
    from peewee import PostgresqlDatabase

    from onproduct.storage.backend import TeamBackend

    schema, _version = find_plan(address)
    kwargs = address.connect_kwargs(schema)
    dbname = str(kwargs.pop("dbname", ""))
    database = PostgresqlDatabase(dbname, **kwargs)
    backend = TeamBackend(database, address.url, schema)
    plan = Plan(None, backend, name=address.plan)
    plan.address = address
    may_write = backend.execute(
        "SELECT has_table_privilege(current_user, 'item', 'UPDATE')"
    ).fetchone()[0]
    if not may_write:
        plan.read_only = READER_ONLY
    return plan


def target_of(text: str | Path) -> Path | TeamAddress:
    """A plan argument as a file's path or a team plan's address."""
    if isinstance(text, Path):
        return text
    return TeamAddress.parse(text) if is_team_target(text) else Path(text)


def reopen(plan: Plan) -> Plan:
    """Another connection to the same plan (a worker thread's: a connection belongs to
    one thread)."""
    from onproduct.storage.planfile import open_plan

    if plan.is_team:
        return open_team_plan(plan.address)
    assert plan.path is not None
    return open_plan(plan.path)
