"""Rolling backups of a plan: one a day when it is opened, the last few kept, restorable.

Backups live in a folder of their own per plan (the app keeps them in its data folder,
not beside the plan), named by the day they were taken. Each is a full, consistent
copy made through SQLite's backup API (which sees what is still in the WAL), written
under a temporary name and renamed into place. Restoring first backs up the plan as it
is now, so a restore can itself be undone by restoring that copy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from onproduct.storage.planfile import PLAN_SUFFIX, copy_plan_file, inspect, sidecars

KEEP = 7
_DAY_FORMAT = "%Y-%m-%d"
_STAMP_FORMAT = "%Y-%m-%d-%H%M%S-%f"
BEFORE_RESTORE = "before-restore"


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken: datetime
    kind: str  # "daily" or "before-restore"

    def label(self) -> str:
        if self.kind == BEFORE_RESTORE:
            return self.taken.strftime("%d %b %Y, %H:%M:%S") + " (as it was before a restore)"
        return self.taken.strftime("%A %d %b %Y")


def folder_for(plan: Path, root: Path) -> Path:
    """The folder of one plan's backups under `root`: its name plus a hash of its path."""
    digest = hashlib.sha1(str(plan.resolve()).encode("utf-8")).hexdigest()[:10]
    return root / f"{plan.stem}-{digest}"


def list_backups(folder: Path) -> list[Backup]:
    """The backups in a plan's folder, newest first (by the time in their names)."""
    found = []
    for path in folder.glob(f"*{PLAN_SUFFIX}"):
        stem = path.name.removesuffix(PLAN_SUFFIX)
        try:
            if stem.endswith(f"-{BEFORE_RESTORE}"):
                stamp = stem.removesuffix(f"-{BEFORE_RESTORE}")
                found.append(Backup(path, datetime.strptime(stamp, _STAMP_FORMAT), BEFORE_RESTORE))
            else:
                found.append(Backup(path, datetime.strptime(stem, _DAY_FORMAT), "daily"))
        except ValueError:
            continue  # not one of ours
    return sorted(found, key=lambda b: b.taken, reverse=True)


def daily_backup(plan: Path, folder: Path, today: date, keep: int = KEEP) -> Path | None:
    """Back the plan up unless it already was today; keep the newest `keep` daily ones.

    Returns the new backup, or None when today's exists already.
    """
    target = folder / f"{today.strftime(_DAY_FORMAT)}{PLAN_SUFFIX}"
    if target.exists():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    copy_plan_file(plan, target)
    daily = [b for b in list_backups(folder) if b.kind == "daily"]
    for old in daily[keep:]:
        for path in (old.path, *sidecars(old.path)):
            path.unlink(missing_ok=True)
    return target


def restore(backup: Path, plan: Path, folder: Path) -> Path:
    """Put a backup in the place of the plan (which must be closed); returns the copy of
    the plan as it was, kept with the backups."""
    inspect(backup)  # refuses a damaged or foreign file before anything changes
    stamp = datetime.now().strftime(_STAMP_FORMAT)  # to the microsecond: never the one chosen
    kept = folder / f"{stamp}-{BEFORE_RESTORE}{PLAN_SUFFIX}"
    folder.mkdir(parents=True, exist_ok=True)
    if plan.exists():
        copy_plan_file(plan, kept)
    copy_plan_file(backup, plan)
    return kept
