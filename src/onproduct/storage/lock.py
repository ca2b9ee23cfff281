"""Who has a plan file open: a lock beside it, shared by all who use it, taken whole by
whoever would replace the file.

Several windows and imports may change one plan at once: SQLite lets one transaction
write at a time, and rows carry versions (plan.py), so nobody's change is lost. What
must never happen is a plan replaced under someone using it (Save As or New over it,
a restore). So everyone who opens a plan holds a *shared* advisory lock on
`.~<name>.lock` beside it, and replacing the file needs the lock *exclusively*. The
system lets go of a lock when its process ends, however it ends, so a crash never
leaves a stale one; the file goes with the last holder. Inside one process the lock is
counted: the window and its import worker thread are one holder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import threading
import time
from pathlib import Path

from onproduct.storage.errors import DiskFullError, PlanBusyError, StorageError
from onproduct.storage.files import is_no_space

if sys.platform == "win32":  # pragma: no cover - Windows only
    import msvcrt

    def _try_lock(descriptor: int, shared: bool) -> bool:
        if shared:  # Windows has no shared byte locks: presence is not kept there
            return True
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(descriptor: int, shared: bool) -> bool:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        try:
            fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


# Why a plan may not be replaced now, and why a window shows a plan read-only.
OPEN_ELSEWHERE = "it is open in another Onproduct window"
BUSY = "the plan is being changed by another Onproduct; try again when it is done"
IN_USE = "it is open in another Onproduct; close it there first"


def lock_path(plan: Path) -> Path:
    return plan.with_name(f".~{plan.name}.lock")


class _Held:
    """A lock this process holds, with how many open plans share it."""

    def __init__(self, descriptor: int | None, path: Path) -> None:
        self.descriptor = descriptor  # None: no lock file could be made (read-only folder)
        self.path = path
        self.count = 1


_held: dict[Path, _Held] = {}
_guard = threading.Lock()


def _alone(held: _Held) -> bool:
    """Whether no other process shares a lock this process holds (tried, not kept)."""
    if held.descriptor is None or sys.platform == "win32":
        return True
    if not _try_lock(held.descriptor, False):
        return False
    _try_lock(held.descriptor, True)  # back to a share
    return True


def _key(plan: Path) -> Path:
    return lock_path(Path(os.path.realpath(plan)))


class PlanLock:
    """A share of the plan file (`exclusive`: all of it), until `release`."""

    def __init__(self, plan: Path, *, exclusive: bool = False) -> None:
        self.plan = Path(plan)
        self.exclusive = exclusive
        self._key = _key(self.plan)
        self._holding = False

    @property
    def held(self) -> bool:
        return self._holding

    def acquire(self, wait: float = 0.0) -> None:
        """Take the lock, waiting up to `wait` seconds for other processes.

        PlanBusyError if it cannot be had: a shared lock waits only for someone
        replacing the file, an exclusive one for everyone who has it open. A folder
        where no lock file can be made (read-only) is no obstacle: no other Onproduct
        can make one there either.
        """
        if self._holding:
            return
        deadline = time.monotonic() + wait
        while True:
            with _guard:
                shared = _held.get(self._key)
                if shared is not None and (not self.exclusive or _alone(shared)):
                    # This process has it already: one holder (the app sees to itself).
                    shared.count += 1
                    self._holding = True
                    return
                descriptor = self._try_file() if shared is None else False
                if descriptor is not False:
                    _held[self._key] = _Held(descriptor, self._key)
                    self._holding = True
                    return
            if time.monotonic() >= deadline:
                why = IN_USE if self.exclusive else BUSY
                raise PlanBusyError(f"{self.plan.name}: {why}.")
            time.sleep(0.05)

    def _try_file(self) -> int | bool | None:
        """The locked descriptor, None when no lock file can exist, False when busy."""
        path = self._key
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        except (PermissionError, FileNotFoundError):
            return None
        except OSError as error:
            if error.errno == errno.EROFS:  # a read-only file system
                return None
            if is_no_space(error):
                raise DiskFullError(
                    f"{self.plan.name} cannot be opened for changes: the disk is full."
                    " Free some space and open it again."
                ) from None
            raise StorageError(
                f"{self.plan.name} cannot be locked for changes: {error.strerror or error}."
            ) from None
        if not _try_lock(descriptor, not self.exclusive):
            os.close(descriptor)
            return False
        if sys.platform != "win32":
            # The last holder before us may have removed the file between our open and
            # our lock: then we locked a file nobody else will look at. Start again.
            try:
                same = os.path.samestat(os.stat(path), os.fstat(descriptor))
            except FileNotFoundError:
                same = False
            if not same:
                os.close(descriptor)
                return False
        return descriptor

    def release(self) -> None:
        if not self._holding:
            return
        self._holding = False
        with _guard:
            shared = _held.get(self._key)
            if shared is None:
                return
            shared.count -= 1
            if shared.count > 0:
                return
            del _held[self._key]
            if shared.descriptor is None:
                return
            # The last holder anywhere removes the file: only if it can have it whole.
            if sys.platform != "win32" and _try_lock(shared.descriptor, False):
                with contextlib.suppress(OSError):
                    os.unlink(shared.path)
            os.close(shared.descriptor)
