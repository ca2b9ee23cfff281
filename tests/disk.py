"""A small, real file system that can be filled to the brim: a tmpfs of its own.

Mounting one needs root, which CI and `./dev test` on this machine have; elsewhere the
tests that use it say so and are skipped (never in CI, which runs as root).
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "4m") -> Iterator[Path]:
    """`folder` as the mount point of an empty tmpfs of `size` bytes (k, m suffixes)."""
    if os.geteuid() != 0:
        pytest.skip("a full disk is a tmpfs of its own here, and mounting one needs root")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(folder)],
        check=True,
    )
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the disk of `folder` until no more than `leave` bytes are free; the filler."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        block = b"\0" * 65536
        try:
            while True:
                handle.write(block)
                handle.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC
    size = filler.stat().st_size
    figures = os.statvfs(folder)
    free = figures.f_bavail * figures.f_frsize
    if leave > free:
        os.truncate(filler, max(0, size - (leave - free)))
    return filler


def free_bytes(folder: Path) -> int:
    figures = os.statvfs(folder)
    return figures.f_bavail * figures.f_frsize
