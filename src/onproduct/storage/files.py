"""What a path is before anything opens it, and whether its disk is full.

Opening a named pipe blocks until something writes to it, and reading a device such as
/dev/zero never ends: every file Onproduct reads or replaces is looked at first, without
opening it, and anything but a regular file is refused with a line that says what it is.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# Errors that mean "no room": the disk, the user's quota, or a file size limit.
NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
# Less free space than this on a plan's disk and an I/O error is put down to a full disk.
NEARLY_FULL = 1024 * 1024


def kind_of(mode: int) -> str:
    """What a file of this st_mode is, in words ("a named pipe")."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular(path: Path) -> str | None:
    """None for a regular file (or a link to one); else what the path is, in words.

    Never opens the path: a FIFO's open() would block. A path that does not exist is
    None too; the caller's own open then says so.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else kind_of(mode)


def open_regular(path: Path) -> int:
    """A read-only descriptor of `path`, which must be a regular file.

    Opened without blocking (a FIFO swapped in after a check cannot hang us) and
    checked again on the descriptor. OSError as os.open raises it; IsADirectoryError or
    a ValueError naming the kind for anything that is not a regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        raise ValueError(kind_of(mode))
    return descriptor


def is_no_space(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in NO_SPACE_ERRNOS


def nearly_full(path: Path) -> bool:
    """Whether the disk holding `path` (a file or a folder) has next to no room left."""
    folder = path if path.is_dir() else path.parent
    try:
        figures = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows
        return False
    return figures.f_bavail * figures.f_frsize < NEARLY_FULL


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: not every system allows it)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
