"""One Onproduct process at a time changes a plan file: a lock beside it while it is open.

Two processes writing the same plan would each work from their own idea of it (the
window's board, an import's item ids) and collide. Whoever opens a plan for writing
(`planfile.open_plan`: the window, `onproduct import`, a restore) holds an advisory
lock on `.~<name>.lock` beside it, which the system lets go of when the process ends,
however it ends, so a crash never leaves a stale lock. Inside one process the lock is
shared: the window and its import worker thread are one writer.
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

    def _try_lock(descriptor: int) -> bool:
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(descriptor: int) -> bool:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True


# Why a window shows a plan read-only when another process holds its lock.
OPEN_ELSEWHERE = "it is open in another Onproduct window"
BUSY = "the plan is being changed by another Onproduct; try again when it is done"


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


def _key(plan: Path) -> Path:
    return lock_path(Path(os.path.realpath(plan)))


class PlanLock:
    """The right to change one plan file, held until `release` (or the process ends)."""

    def __init__(self, plan: Path) -> None:
        self.plan = Path(plan)
        self._key = _key(self.plan)
        self._holding = False

    @property
    def held(self) -> bool:
        return self._holding

    def acquire(self, wait: float = 0.0) -> None:
        """Take the lock, waiting up to `wait` seconds for another process to let go.

        PlanBusyError if it does not; StorageError if no lock can be taken for another
        reason. A folder where no lock file can be made (read-only) is no obstacle: no
        other Onproduct can make one there either.
        """
        if self._holding:
            return
        deadline = time.monotonic() + wait
        while True:
            with _guard:
                shared = _held.get(self._key)
                if shared is not None:
                    shared.count += 1
                    self._holding = True
                    return
                descriptor = self._try_file()
                if descriptor is not False:
                    _held[self._key] = _Held(descriptor, self._key)
                    self._holding = True
                    return
            if time.monotonic() >= deadline:
                raise PlanBusyError(f"{self.plan.name}: {BUSY}.")
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
        if not _try_lock(descriptor):
            os.close(descriptor)
            return False
        if sys.platform != "win32":
            # The holder before us may have removed the file between our open and our
            # lock: then we locked a file nobody else will look at. Start again.
            try:
                same = os.path.samestat(os.stat(path), os.fstat(descriptor))
            except FileNotFoundError:
                same = False
            if not same:
                os.close(descriptor)
                return False
        try:  # who holds it, for a person looking at the folder; a full disk is no matter
            os.ftruncate(descriptor, 0)
            os.write(descriptor, f"{os.getpid()}\n".encode())
        except OSError:
            pass
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
            if shared.descriptor is not None:
                # Removed while still locked: nobody can take a stale one.
                if sys.platform != "win32":
                    with contextlib.suppress(OSError):
                        os.unlink(shared.path)
                os.close(shared.descriptor)
