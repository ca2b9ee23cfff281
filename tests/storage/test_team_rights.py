"""Who may do what to team plans: any editor, not only the one who made a plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from onproduct.storage.copying import publish
from onproduct.storage.errors import StorageError
from onproduct.storage.opening import open_team_plan
from onproduct.storage.team import TeamAddress, drop_plan, list_plans

from ..helpers import team_address


def test_another_editor_publishes_and_removes_plans_the_first_made(
    pg, team_url: str, sample_path: Path
) -> None:
    made_by_editor1 = TeamAddress.parse(team_url).plan
    assert made_by_editor1 is not None
    editor2 = team_address(pg, team_url, "editor2", "pw2")
    publish(sample_path, editor2, "Editor two's plan")
    assert "Editor two's plan" in list_plans(editor2)
    plan = open_team_plan(editor2.with_plan("Editor two's plan"))
    try:
        assert plan.read_only is None
        assert len(plan.items()) > 0
    finally:
        plan.close()
    drop_plan(editor2, made_by_editor1)
    drop_plan(editor2, "Editor two's plan")
    remaining = list_plans(editor2)
    assert made_by_editor1 not in remaining and "Editor two's plan" not in remaining
    with pytest.raises(StorageError, match="no team plan"):
        open_team_plan(editor2.with_plan(made_by_editor1))


def test_a_reader_can_neither_publish_nor_remove(pg, team_url: str, sample_path: Path) -> None:
    name = TeamAddress.parse(team_url).plan
    assert name is not None
    reader = team_address(pg, team_url, "reader", "pw3")
    before = list_plans(reader)
    with pytest.raises(StorageError):
        publish(sample_path, reader, "Not the reader's to make")
    with pytest.raises(StorageError):
        drop_plan(reader, name)
    assert list_plans(reader) == before
    plan = open_team_plan(reader.with_plan(name))
    try:
        assert plan.read_only is not None and len(plan.items()) > 0
    finally:
        plan.close()
