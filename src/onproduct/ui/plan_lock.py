"""One Onproduct at a time changes a plan: a lock file beside it while it is open.

Two processes writing the same plan would each work from their own copy of the board
and overwrite each other's changes. The first to open a plan holds
`.~<name>.lock` (QLockFile: it records the process, and a lock left by a crashed one is
taken over); a second process opens the plan read-only and says why.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile

OPEN_ELSEWHERE = "it is open in another Onproduct window"


def lock_path(plan: Path) -> Path:
    return plan.with_name(f".~{plan.name}.lock")


class PlanLock:
    def __init__(self, plan: Path) -> None:
        self._lock = QLockFile(str(lock_path(plan)))
        self._lock.setStaleLockTime(0)  # stale only when its process is gone

    def acquire(self) -> bool:
        """True when this process may change the plan; False when another holds it."""
        if self._lock.tryLock(0):
            return True
        # No lock file can be made (a read-only folder): nobody else has one either.
        return self._lock.error() == QLockFile.LockError.PermissionError

    def release(self) -> None:
        if self._lock.isLocked():
            self._lock.unlock()
