"""Onproduct: an offline sprint planner that keeps the on-product index in view."""

from __future__ import annotations

from functools import cache


@cache
def version() -> str:
    """The installed version (pyproject.toml is its one source).

    Looked up on first use: importing importlib.metadata costs ~35 ms of start-up.
    """
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("onproduct")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return version()
    raise AttributeError(f"module 'onproduct' has no attribute {name!r}")
