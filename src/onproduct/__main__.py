"""Allows `python -m onproduct`."""

from __future__ import annotations

import sys

from onproduct.app import main

sys.exit(main())
