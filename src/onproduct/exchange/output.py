"""Writing an export so that it is whole or not there at all, and only where it may go.

An export is drawn or built in memory, then written beside its target, flushed to the
disk and checked before it is renamed into place; it never replaces anything but a
regular file that may be written (not a device, a pipe, a read-only file, an Onproduct
plan or a file of the plan it comes from), and the file it replaces keeps its mode.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import stat
import sys
import uuid
from pathlib import Path

from onproduct.exchange.batch import ExchangeError
from onproduct.storage.files import fsync_folder, is_no_space, kind_of, open_regular
from onproduct.storage.planfile import belongs_to


def write_beside(path: Path, data: bytes) -> None:
    """Put `data` at `path` whole, or change nothing there.

    Written beside the target, flushed to the disk and checked for its full size
    before it is renamed over it: an export that fails (a full disk above all) never
    leaves half a file, nor spoils the one that was there. Only a regular file that
    may be written is replaced, and it keeps its permissions; a link is followed.
    """
    target, before = export_target(path)
    _remove_stale_parts(target)
    part = target.with_name(f".{target.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.part")
    try:
        mode = before.st_mode & 0o7777 if before is not None else 0o666
        descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC, mode)
        try:
            if before is not None:
                _keep_owner_and_mode(descriptor, before)
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        if os.stat(part).st_size != len(data):
            raise OSError(errno.EIO, "the file was not written whole")
        os.replace(part, target)
        fsync_folder(target.parent)
    except OSError as error:
        part.unlink(missing_ok=True)
        kept = "the file that was there is unchanged" if before else "nothing was written"
        if is_no_space(error):
            raise ExchangeError(
                f"There is not enough space on the disk for {target.name}; {kept}."
            ) from None
        raise ExchangeError(
            f"{target.name} cannot be written: {error.strerror or error}; {kept}."
        ) from None


_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


_PARTS = {
    1: "its latest changes",
    2: "how its readers share it",
    3: "a change being written",
    4: "its lock",
}


def check_export(target: Path, plan: Path | None) -> None:
    """ExchangeError when an export would land on a file of the plan it comes from: the
    plan itself, its write-ahead log, -shm or lock (losing what they hold). A team
    plan (`plan` None) has no file here to protect."""
    part = belongs_to(target, plan) if plan is not None else None
    if part == 0:
        raise ExchangeError(
            f"{target.name} is the plan itself; the export would destroy it. Choose another name."
        )
    if part is not None:
        raise ExchangeError(
            f"{target.name} is part of the plan {plan.name if plan else ''} (it holds"
            f" {_PARTS[part]});"
            " the export would lose it. Choose another name."
        )
    if not target.parent.is_dir():
        raise ExchangeError(f"There is no folder {target.parent} to write {target.name} in.")


def export_target(path: Path) -> tuple[Path, os.stat_result | None]:
    """Where an export really goes (a link followed) and what is there now, if anything.

    ExchangeError for what an export must not replace: anything but a regular file (a
    device, a pipe, a folder), a read-only file, or an Onproduct plan.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        before = os.stat(target)
    except FileNotFoundError:
        return target, None
    except OSError as error:
        raise ExchangeError(f"{path.name} cannot be written: {error.strerror or error}.") from None
    if not stat.S_ISREG(before.st_mode):
        raise ExchangeError(
            f"{path.name} is {kind_of(before.st_mode)}, not a file an export can replace;"
            " choose another name."
        )
    if not before.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise ExchangeError(
            f"{path.name} is read-only, so it was not replaced; choose another name."
        )
    if _is_plan(target):
        raise ExchangeError(
            f"{path.name} is an Onproduct plan; an export never replaces one. Choose another name."
        )
    return target, before


def _is_plan(path: Path) -> bool:
    """Whether the file starts like an Onproduct plan (an SQLite file with our id)."""
    try:
        descriptor = open_regular(path)
    except (OSError, ValueError):
        return False
    with os.fdopen(descriptor, "rb") as handle:
        head = handle.read(72)
    return head.startswith(b"SQLite format 3\x00") and head[68:72] == b"OnPr"


def _keep_owner_and_mode(descriptor: int, before: os.stat_result) -> None:
    """The new file gets the old one's permissions (the umask does not narrow them) and,
    where we may set it, its owner."""
    with contextlib.suppress(OSError, AttributeError):
        os.fchmod(descriptor, before.st_mode & 0o7777)
    if hasattr(os, "fchown") and os.geteuid() == 0:
        with contextlib.suppress(OSError):
            os.fchown(descriptor, before.st_uid, before.st_gid)


def _remove_stale_parts(target: Path) -> None:
    """Parts an export killed half-way left beside this target (their process is gone)."""
    if sys.platform == "win32":  # pragma: no cover - no cheap "is it running" there
        return
    for part in target.parent.glob(f".{glob.escape(target.name)}.*.part"):
        pid = part.name.removeprefix(f".{target.name}.").split("-", 1)[0].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            part.unlink(missing_ok=True)
        except OSError:
            continue
