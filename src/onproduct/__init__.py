"""Onproduct: an offline sprint planner that keeps the on-product index in view."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("onproduct")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
